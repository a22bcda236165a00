/**
 * 傷病名 (Condition): a code of the disease master — 病名管理番号 (master-disease-keyNumber, 8 digits) or レセ電算
 * 傷病名コード (masterB-disease, 7 digits) — that is in the list and valid. A name that cannot be coded is sent
 * with the uncoded form and the name in code.text: 病名管理番号 99999999 ("病名管理番号と同じ桁数の全桁9",
 * JP_Condition_eCS Condition.code definition) or the receipt system's 未コード化傷病名 0000999 (記録条件仕様).
 * Every disease coding present is checked; other systems (病名交換用コード, ICD10) are not.
 */
import type { CodeLists } from './code-lists.ts';
import { notDigits, placeholder } from '../../../platform/master-files/code-format.ts';
import { badCode, type CodeIssue, codingsOf, listIssue, textOf } from './code-issue.ts';
import { DISEASE_KEY_NUMBER, DISEASE_RECEIPT } from './systems.ts';

const FORMS = {
  [DISEASE_KEY_NUMBER]: { digits: 8, uncoded: '99999999', label: { ja: '病名管理番号', en: 'disease management number (病名管理番号)' } },
  [DISEASE_RECEIPT]: { digits: 7, uncoded: '0000999', label: { ja: 'レセ電算傷病名コード', en: 'receipt disease code (傷病名コード)' } },
} as const;

export function checkDiagnosis(resource: Record<string, unknown>, lists: CodeLists, at: Date): CodeIssue[] {
  const issues: CodeIssue[] = [];
  const codings = codingsOf(resource.code).filter((c) => c.system === DISEASE_KEY_NUMBER || c.system === DISEASE_RECEIPT);
  if (codings.length === 0) {
    return [
      {
        path: 'Condition.code.coding',
        ja: `傷病名に病名マスターのコード（${DISEASE_KEY_NUMBER} の病名管理番号、または ${DISEASE_RECEIPT} のレセ電算コード）がありません。コード化できない病名は 99999999 と code.text で記述します`,
        en: `the diagnosis has no disease master coding (病名管理番号 in ${DISEASE_KEY_NUMBER} or a receipt code in ${DISEASE_RECEIPT}); a name that cannot be coded is sent as 99999999 with code.text`,
      },
    ];
  }
  for (const c of codings) {
    const form = FORMS[c.system as keyof typeof FORMS];
    const path = `Condition.code.coding[${c.index}].code`;
    const code = c.code ?? '';
    if (code === form.uncoded) {
      if (!textOf(resource.code)) {
        issues.push({
          path: 'Condition.code.text',
          ja: `未コード化の傷病名（${form.label.ja} ${code}）には code.text に病名が必要です`,
          en: `an uncoded diagnosis (${form.label.en} ${code}) needs the name in code.text`,
        });
      }
      continue;
    }
    const why = placeholder(code) ?? notDigits(code, form.digits);
    if (why) {
      issues.push(badCode(path, form.label, code || '(空)', why));
      continue;
    }
    const issue = listIssue(lists, 'disease', code, at, path, form.label);
    if (issue) issues.push(issue);
  }
  return issues;
}
