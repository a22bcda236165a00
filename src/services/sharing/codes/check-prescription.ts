/**
 * 処方 (MedicationRequest): JP_MedicationRequest_eCS (invariant R3010) asks for one of a YJ code, the 厚生労働省
 * 一般名処方マスタ code (YJ's first 9 + ZZZ, when no brand is named) or NOCODED (標準コードなし: the drug in
 * medicationCodeableConcept.text only); other codes (HOT9, house codes) may stand beside them and are not checked.
 */
import type { CodeLists } from './code-lists.ts';
import { type CodeIssue, codingsOf, textOf } from './code-issue.ts';
import { generalNameIssue, yjIssue } from './drug-codes.ts';
import * as S from './systems.ts';

const BASE = 'MedicationRequest.medicationCodeableConcept';

export function checkPrescription(r: Record<string, unknown>, lists: CodeLists, at: Date): CodeIssue[] {
  const concept = r.medicationCodeableConcept;
  if (!concept || typeof concept !== 'object') {
    return [
      {
        path: 'MedicationRequest.medication[x]',
        ja: '処方の医薬品は medicationCodeableConcept で記述してください',
        en: 'the drug of a prescription is given as medicationCodeableConcept',
      },
    ];
  }
  const codings = codingsOf(concept);
  const issues: CodeIssue[] = [];
  let standard = 0;
  for (const c of codings) {
    const path = `${BASE}.coding[${c.index}].code`;
    const code = c.code ?? '';
    let issue: CodeIssue | undefined;
    if (c.system === S.YJ) issue = yjIssue(code, lists, at, path);
    else if (c.system === S.MEDICATION_GENERAL_NAME) issue = generalNameIssue(code, lists, at, path);
    else if (c.system === S.MEDICATION_NOCODED) {
      if (code !== S.MEDICATION_NOCODED_CODE) {
        issue = {
          path,
          ja: `標準コードなしのコードは ${S.MEDICATION_NOCODED_CODE} です（${code || '(空)'}）`,
          en: `the no-standard-code code is ${S.MEDICATION_NOCODED_CODE} (not ${code || 'empty'})`,
        };
      } else if (!textOf(concept)) {
        issue = {
          path: `${BASE}.text`,
          ja: '標準コードなし（NOCODED）の医薬品は text に医薬品名が必要です',
          en: 'a drug sent as NOCODED needs its name in text',
        };
      }
    } else continue;
    standard++;
    if (issue) issues.push(issue);
  }
  if (standard === 0) {
    const hot = codings.some((c) => c.system?.startsWith('http://medis.or.jp/CodeSystem/master-HOT'));
    issues.push({
      path: `${BASE}.coding`,
      ja: `処方の医薬品にYJコード（${S.YJ}）、一般名コード（${S.MEDICATION_GENERAL_NAME}）、標準コードなし（${S.MEDICATION_NOCODED}）のいずれもありません${hot ? '（HOTコードだけでは登録できません）' : ''}`,
      en: `the prescribed drug has none of a YJ code (${S.YJ}), a general-name code (${S.MEDICATION_GENERAL_NAME}) or NOCODED (${S.MEDICATION_NOCODED})${hot ? ' — a HOT code alone is not enough' : ''}`,
    });
  }
  return issues;
}
