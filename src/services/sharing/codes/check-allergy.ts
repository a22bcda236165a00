/**
 * Allergies (AllergyIntolerance): JP_AllergyIntolerance_eCS asks that at least one coding follow the IG's allergen
 * coding rule, dummy codes included, with the allergen's name always in code.text. J-FAGY codes carry a 3-letter
 * meta code (J-FAGY guide, github.com/jami-fhir-jp-wg/JFAGY index.md): J9F food, J9N non-food non-medicine,
 * YCM + YJ code, GCM + YJ with its last 3 as ZZZ, D9F / D9M / D9N dummies (コード化不可コード: the allergen is
 * named in code.text only — the IG's "text only"), 00F / 00M / 00N (allergen unspecified).
 *   薬剤アレルギー等: a medication coding (YCM / GCM / dummy) — YCM's YJ code and GCM's general-name code are
 *                    checked as drug codes (drug-codes.ts) unless the full code is in the J-FAGY list;
 *   その他アレルギー等: a food or non-food coding, in the J-FAGY list (or a dummy).
 */
import type { CodeLists } from './code-lists.ts';
import { type CodeIssue, codingsOf, type IndexedCoding, listIssue, textOf } from './code-issue.ts';
import { generalNameIssue, yjIssue } from './drug-codes.ts';
import * as S from './systems.ts';

type Json = Record<string, unknown>;
const pathOf = (c: IndexedCoding) => `AllergyIntolerance.code.coding[${c.index}].code`;
const JFAGY = { ja: 'J-FAGYコード', en: 'J-FAGY code' };

function textIssue(r: Json, code: string): CodeIssue[] {
  return textOf(r.code)
    ? []
    : [
        {
          path: 'AllergyIntolerance.code.text',
          ja: `ダミーコード ${code} にはアレルゲン名を code.text に記述してください`,
          en: `the dummy code ${code} needs the allergen's name in code.text`,
        },
      ];
}

export function checkDrugAllergy(r: Json, lists: CodeLists, at: Date): CodeIssue[] {
  const codings = codingsOf(r.code);
  const issues: CodeIssue[] = [];
  const medication = codings.filter((c) => S.JFAGY_MEDICATION_SYSTEMS.includes(c.system ?? ''));
  for (const c of medication) issues.push(...medicationCodeIssues(c, r, lists, at));
  // A plain YJ coding next to them is checked as a drug code.
  for (const c of codings.filter((x) => x.system === S.YJ)) {
    const issue = yjIssue(c.code ?? '', lists, at, pathOf(c));
    if (issue) issues.push(issue);
  }
  if (medication.length === 0) {
    const yj = codings.find((c) => c.system === S.YJ);
    issues.push({
      path: 'AllergyIntolerance.code.coding',
      ja: yj
        ? `薬剤アレルギー等はJ-FAGYの医薬品コードで記述します: YJコード ${yj.code ?? ''} は YCM${yj.code ?? ''}（system ${S.JFAGY_MEDICATION_YCM}）としてください`
        : `薬剤アレルギー等にJ-FAGYの医薬品コード（YCM+YJコード、GCM+一般名コード）がありません。コード化できない場合は ${S.JFAGY_DUMMY.medication} と code.text で記述します`,
      en: yj
        ? `a drug allergy is coded with J-FAGY medication codes: send YJ code ${yj.code ?? ''} as YCM${yj.code ?? ''} (system ${S.JFAGY_MEDICATION_YCM})`
        : `the drug allergy has no J-FAGY medication coding (YCM + YJ code, GCM + general-name code); one that cannot be coded is sent as ${S.JFAGY_DUMMY.medication} with code.text`,
    });
  }
  return issues;
}

function medicationCodeIssues(c: IndexedCoding, r: Json, lists: CodeLists, at: Date): CodeIssue[] {
  const code = c.code ?? '';
  const path = pathOf(c);
  const meta = code.slice(0, 3);
  if (code === S.JFAGY_DUMMY.medication) return textIssue(r, code);
  if (code === '00M') return one(listIssue(lists, 'jfagy', code, at, path, JFAGY));
  if (meta !== 'YCM' && meta !== 'GCM') {
    return [
      {
        path,
        ja: `${code || '(空)'} は医薬品のJ-FAGYコード（YCM・GCM で始まるコード、ダミー ${S.JFAGY_DUMMY.medication}）ではありません`,
        en: `${code || '(empty)'} is not a J-FAGY medication code (YCM…, GCM… or the dummy ${S.JFAGY_DUMMY.medication})`,
      },
    ];
  }
  const wanted = meta === 'YCM' ? S.JFAGY_MEDICATION_YCM : S.JFAGY_MEDICATION_GCM;
  if (c.system !== S.JFAGY_MEDICATION && c.system !== wanted) {
    return [{ path, ja: `${code} の system は ${wanted} です`, en: `the system of ${code} is ${wanted}` }];
  }
  // Listed in J-FAGY itself: its verdict (valid, or expired on its 終了日). Else the drug code inside is checked.
  if (lists.validity('jfagy', code, at).state !== 'unknown') return one(listIssue(lists, 'jfagy', code, at, path, JFAGY));
  const core = code.slice(3);
  const issue =
    meta === 'YCM'
      ? yjIssue(core, lists, at, path, { ja: `${code} 中のYJコード`, en: `YJ code (inside ${code})` })
      : generalNameIssue(core, lists, at, path, { ja: `${code} 中の一般名コード`, en: `general-name code (inside ${code})` });
  return one(issue);
}

const one = (i: CodeIssue | undefined) => (i ? [i] : []);

const OTHER = {
  [S.JFAGY_FOOD]: { meta: 'J9F', unspecified: '00F', dummy: S.JFAGY_DUMMY.food, ja: '食品', en: 'food' },
  [S.JFAGY_NON_FOOD]: { meta: 'J9N', unspecified: '00N', dummy: S.JFAGY_DUMMY.nonFood, ja: '非食品・非医薬品', en: 'non-food non-medicine' },
} as const;

export function checkOtherAllergy(r: Json, lists: CodeLists, at: Date): CodeIssue[] {
  const codings = codingsOf(r.code).filter((c) => c.system === S.JFAGY_FOOD || c.system === S.JFAGY_NON_FOOD);
  if (codings.length === 0) {
    return [
      {
        path: 'AllergyIntolerance.code.coding',
        ja: `アレルギーにJ-FAGYコード（${S.JFAGY_FOOD} または ${S.JFAGY_NON_FOOD}）がありません。J-FAGYで表せない場合はダミーコード ${S.JFAGY_DUMMY.food}（食品）/ ${S.JFAGY_DUMMY.nonFood}（非食品）と code.text で記述します`,
        en: `the allergy has no J-FAGY coding (${S.JFAGY_FOOD} or ${S.JFAGY_NON_FOOD}); what J-FAGY cannot express is sent as the dummy ${S.JFAGY_DUMMY.food} (food) / ${S.JFAGY_DUMMY.nonFood} (non-food) with code.text`,
      },
    ];
  }
  const issues: CodeIssue[] = [];
  for (const c of codings) {
    const form = OTHER[c.system as keyof typeof OTHER];
    const code = c.code ?? '';
    if (code === form.dummy) {
      issues.push(...textIssue(r, code));
      continue;
    }
    const shaped = code === form.unspecified || new RegExp(`^${form.meta}[0-9A-Z]{9}$`).test(code);
    if (!shaped) {
      issues.push({
        path: pathOf(c),
        ja: `${code || '(空)'} は${form.ja}のJ-FAGYコード（${form.meta} で始まる12桁）ではありません`,
        en: `${code || '(empty)'} is not a J-FAGY ${form.en} code (12 characters starting ${form.meta})`,
      });
      continue;
    }
    const issue = listIssue(lists, 'jfagy', code, at, pathOf(c), JFAGY);
    if (issue) issues.push(issue);
  }
  return issues;
}
