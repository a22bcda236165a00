/**
 * 検査 / 感染症 (Observation), after JP-CLINS 「検体検査結果情報における検査項目のコーディング方法」:
 *   (1) every result carries the facility's own item code (JP_CLINS_ObsLabResult_LocalCode_CS) — required;
 *   (2) an item of the 臨床検査項目基本コードセット or the 感染症検査項目リスト carries its 共有項目JLACコード under
 *       the CoreLabo / InfectionLabo CodeSystem — required;
 *   (3)/(4) any other item carries a 一般項目JLACコード (master-JLAC10-17digits) or the 未標準化コード
 *       99999999999999999 (JP_CLINS_ObsLabResult_Uncoded_CS) — one of the two is required.
 * Every JLAC10 coding present must be well formed; shared codes must be in their list and valid. JLAC11 codes are
 * not verifiable here (no JLAC11 list): they count only beside a verified JLAC10 code.
 */
import type { ItemKind } from '../model/kinds.ts';
import type { CodeLists } from './code-lists.ts';
import { notJlac10, placeholder } from '../../../platform/master-files/code-format.ts';
import { badCode, type CodeIssue, codingsOf, type IndexedCoding, LIST_LABEL, listIssue } from './code-issue.ts';
import * as S from './systems.ts';

const at_ = (c: IndexedCoding) => `Observation.code.coding[${c.index}].code`;
const JLAC = { ja: 'JLAC10コード', en: 'JLAC10 code' };

export function checkLab(kind: Extract<ItemKind, 'lab' | 'infection'>, resource: Record<string, unknown>, lists: CodeLists, at: Date): CodeIssue[] {
  const codings = codingsOf(resource.code);
  const issues: CodeIssue[] = [...localCodeIssues(codings)];
  const of = (...systems: string[]) => codings.filter((c) => systems.includes(c.system ?? ''));
  const shared = of(S.JLAC10_CORE, S.JLAC10_INFECTION);
  const general = of(...S.JLAC10_GENERAL);

  for (const c of [...shared, ...general]) {
    const code = c.code ?? '';
    if (code === S.LAB_UNCODED_CODE) {
      issues.push({
        path: at_(c),
        ja: `${code} は未標準化コードです。system は ${S.LAB_UNCODED} にしてください`,
        en: `${code} is the uncoded marker: its system is ${S.LAB_UNCODED}`,
      });
      continue;
    }
    const why = placeholder(code) ?? notJlac10(code);
    if (why) issues.push(badCode(at_(c), JLAC, code || '(空)', why));
  }
  const wellFormed = (c: IndexedCoding) => !!c.code && !notJlac10(c.code) && !placeholder(c.code);

  for (const c of shared.filter(wellFormed)) {
    const code = c.code as string;
    const own = c.system === S.JLAC10_CORE ? 'jlac10-core' : 'jlac10-infection';
    const other = own === 'jlac10-core' ? 'jlac10-infection' : 'jlac10-core';
    if (!lists.has(own, code) && lists.has(other, code)) {
      issues.push({
        path: at_(c),
        ja: `${code} は${LIST_LABEL[other].ja}のコードです。system は ${other === 'jlac10-core' ? S.JLAC10_CORE : S.JLAC10_INFECTION} にしてください`,
        en: `${code} is a code of ${LIST_LABEL[other].en}: its system is ${other === 'jlac10-core' ? S.JLAC10_CORE : S.JLAC10_INFECTION}`,
      });
      continue;
    }
    const issue = listIssue(lists, own, code, at, at_(c), JLAC);
    if (issue) issues.push(issue);
  }

  // Any other lab result: a general JLAC10 code or the uncoded marker.
  const uncoded = of(S.LAB_UNCODED);
  for (const c of uncoded.filter((u) => u.code !== S.LAB_UNCODED_CODE)) {
    issues.push({
      path: at_(c),
      ja: `未標準化コードは ${S.LAB_UNCODED_CODE} だけです（${c.code || '(空)'} は使用できません）`,
      en: `the only uncoded code is ${S.LAB_UNCODED_CODE} (${c.code || '(empty)'} refused)`,
    });
  }
  if (shared.length === 0) {
    // A shared item's code given only as a general JLAC10 code: rule (2) asks for the shared system too.
    const item = general.filter(wellFormed).find((c) => lists.has('jlac10-core', c.code as string) || lists.has('jlac10-infection', c.code as string));
    const infection = item ? lists.has('jlac10-infection', item.code as string) : kind === 'infection';
    const wanted = infection ? S.JLAC10_INFECTION : S.JLAC10_CORE;
    const listJa = infection ? '感染症検査項目リスト' : '臨床検査項目基本コードセット';
    const listEn = infection ? 'the infection test list' : 'the core lab code set';
    const jlac11 = of(S.JLAC11_CORE, S.JLAC11_INFECTION).length > 0;
    if (item || (kind === 'infection' && !jlac11)) {
      issues.push({
        path: item ? at_(item) : 'Observation.code.coding',
        ja: `${listJa}の検査は、system ${wanted} の共有項目JLACコードが必須です${item ? `（${item.code}）` : ''}`,
        en: `a test of ${listEn} needs its shared JLAC code under ${wanted}${item ? ` (${item.code})` : ''}`,
      });
    } else if (jlac11) {
      issues.push({
        path: 'Observation.code.coding',
        ja: `JLAC11コードは照合できません（JLAC11のリストがありません）。${wanted} のJLAC10コードも記述してください`,
        en: `JLAC11 codes cannot be verified (no JLAC11 list is loaded): add the JLAC10 code under ${wanted}`,
      });
    } else if (general.length === 0 && uncoded.length === 0) {
      issues.push({
        path: 'Observation.code.coding',
        ja: `検査項目コードがありません: 一般項目JLAC10コード（${S.JLAC10_GENERAL[0]}）か、標準コード化できない場合は未標準化コード ${S.LAB_UNCODED_CODE}（${S.LAB_UNCODED}）が必須です`,
        en: `no lab item code: a general JLAC10 code (${S.JLAC10_GENERAL[0]}) or, when the test has none, the uncoded code ${S.LAB_UNCODED_CODE} (${S.LAB_UNCODED}) is required`,
      });
    }
  }
  return issues;
}

/** Rule (1): the facility's own item code; letters, digits, hyphen and underscore only. */
function localCodeIssues(codings: IndexedCoding[]): CodeIssue[] {
  const local = codings.filter((c) => c.system === S.LAB_LOCAL);
  if (local.length === 0) {
    return [
      {
        path: 'Observation.code.coding',
        ja: `施設固有の検査項目コード（system ${S.LAB_LOCAL}）がありません。すべての検体検査結果に必須です`,
        en: `no facility lab item code (system ${S.LAB_LOCAL}): the IG's lab coding rule requires it on every lab result`,
      },
    ];
  }
  return local
    .filter((c) => !/^[0-9A-Za-z_-]+$/.test(c.code ?? ''))
    .map((c) => ({
      path: at_(c),
      ja: `施設固有の検査項目コード "${c.code ?? ''}" は英数字・ハイフン・アンダーバーだけで記述してください`,
      en: `the facility lab item code "${c.code ?? ''}" may hold only letters, digits, hyphens and underscores`,
    }));
}
