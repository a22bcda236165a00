/**
 * 医療機関コード (10 digits) = 都道府県番号 (2) + 点数表番号 (1) + 医療機関コード (7).
 * 点数表番号: 1 医科, 3 歯科, 4 調剤 (薬局), 5 訪問看護. Prefecture numbers are 01–47.
 * The 7-digit part ends with a check digit; its rule is applied by the eligibility service's number module.
 */

export const SCORE_TABLE = { '1': 'medical', '3': 'dental', '4': 'pharmacy', '5': 'visiting-nursing' } as const;

export interface FacilityCodeProblem {
  ja: string;
  en: string;
}

export function checkFacilityCodeShape(code: string): FacilityCodeProblem | undefined {
  if (!/^\d{10}$/.test(code))
    return { ja: '医療機関コードは10桁の数字です', en: 'a facility code (医療機関コード) is 10 digits' };
  const pref = Number(code.slice(0, 2));
  if (pref < 1 || pref > 47)
    return { ja: `都道府県番号 ${code.slice(0, 2)} は 01〜47 ではありません`, en: `prefecture number ${code.slice(0, 2)} is not 01–47` };
  if (!(code[2] in SCORE_TABLE))
    return { ja: `点数表番号 ${code[2]} は 1/3/4/5 のいずれでもありません`, en: `score table number ${code[2]} is not one of 1/3/4/5` };
  return undefined;
}
