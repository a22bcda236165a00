/**
 * 医療機関コード (10 digits) = 都道府県番号 (2) + 点数表番号 (1) + 郡市区番号 (2) + 医療機関番号 (4) + 検証番号 (1).
 * 点数表番号 as JP Core lists them: 1 医科, 3 歯科, 4 調剤 (薬局), 5 老人保健施設, 6 訪問看護ステーション.
 * The check digit covers the nine digits before it (the rule in check-digit.ts).
 */
import { hasValidCheckDigit } from './check-digit.ts';

export const SCORE_TABLE: Record<string, { ja: string; en: string }> = {
  '1': { ja: '医科', en: 'medical' },
  '3': { ja: '歯科', en: 'dental' },
  '4': { ja: '調剤', en: 'pharmacy' },
  '5': { ja: '老人保健施設', en: 'long-term care health facility' },
  '6': { ja: '訪問看護ステーション', en: 'visiting nursing station' },
};

export interface FacilityCodeProblem {
  ja: string;
  en: string;
}

export function checkFacilityCodeShape(code: string): FacilityCodeProblem | undefined {
  if (!/^\d{10}$/.test(code)) return { ja: '医療機関コードは10桁の数字です', en: 'a facility code (医療機関コード) is 10 digits' };
  const pref = Number(code.slice(0, 2));
  if (pref < 1 || pref > 47)
    return { ja: `都道府県番号 ${code.slice(0, 2)} は 01〜47 ではありません`, en: `prefecture number ${code.slice(0, 2)} is not 01–47` };
  if (!(code[2] in SCORE_TABLE))
    return { ja: `点数表番号 ${code[2]} は 1/3/4/5/6 のいずれでもありません`, en: `score table number ${code[2]} is not one of 1/3/4/5/6` };
  if (!hasValidCheckDigit(code)) return { ja: `医療機関コード ${code} の検証番号が正しくありません`, en: `facility code ${code} has a wrong check digit` };
  return undefined;
}
