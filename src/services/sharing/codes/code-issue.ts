/** A refused code: where (FHIRPath-like, from the resource type: `Condition.code.coding[0].code`) and why. */
import type { CodeLists, ListName, Validity } from './code-lists.ts';
import type { Reason } from '../../../platform/master-files/code-format.ts';

export interface CodeIssue {
  path: string;
  ja: string;
  en: string;
}

/** The path without its leading resource type (`code.coding[0].code`), for callers that prefix their own. */
export const relativePath = (path: string) => path.replace(/^[A-Z][A-Za-z]*\.?/, '');

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

/** A coding with its index in `coding` (paths name it). */
export interface IndexedCoding extends Coding {
  index: number;
}

/** The codings of a CodeableConcept (non-objects skipped, indices kept). */
export function codingsOf(concept: unknown): IndexedCoding[] {
  const list = (concept as { coding?: unknown } | undefined)?.coding;
  if (!Array.isArray(list)) return [];
  return list.flatMap((c, index) => (c && typeof c === 'object' ? [{ ...(c as Coding), index }] : []));
}

export const textOf = (concept: unknown): string => {
  const t = (concept as { text?: unknown } | undefined)?.text;
  return typeof t === 'string' ? t.trim() : '';
};

/** An issue from a format / placeholder reason about `code`. */
export const badCode = (path: string, label: { ja: string; en: string }, code: string, why: Reason): CodeIssue => ({
  path,
  ja: `${label.ja} ${code} は使用できません: ${why.ja}`,
  en: `${label.en} ${code} refused: ${why.en}`,
});

/** Labels of the lists in messages. */
export const LIST_LABEL: Record<ListName, { ja: string; en: string }> = {
  'jlac10-core': { ja: '臨床検査項目基本コードセット', en: 'the core lab code set (臨床検査項目基本コードセット)' },
  'jlac10-infection': { ja: '感染症検査項目リスト', en: 'the infection test list (感染症検査項目リスト)' },
  disease: { ja: '傷病名マスター（標準病名マスター）', en: 'the disease master (標準病名マスター)' },
  yj: { ja: '医薬品マスター（YJコード）', en: 'the drug master (YJ codes)' },
  jfagy: { ja: 'J-FAGYアレルゲンコード表', en: 'the J-FAGY allergen code list' },
};

/** Undefined when `code` is in `list` and valid on `at`; else the issue (unknown, expired, not yet valid). */
export function listIssue(lists: CodeLists, list: ListName, code: string, at: Date, path: string, label: { ja: string; en: string }): CodeIssue | undefined {
  return validityIssue(lists.validity(list, code, at), list, code, path, label);
}

export function validityIssue(v: Validity, list: ListName, code: string, path: string, label: { ja: string; en: string }): CodeIssue | undefined {
  const L = LIST_LABEL[list];
  switch (v.state) {
    case 'valid':
      return undefined;
    case 'unknown':
      return { path, ja: `${label.ja} ${code} は${L.ja}にありません`, en: `${label.en} ${code} is not in ${L.en}` };
    case 'expired':
      return { path, ja: `${label.ja} ${code} は有効期限（${v.on} まで）を過ぎています`, en: `${label.en} ${code} expired on ${v.on} (its last valid day)` };
    case 'not-yet':
      return { path, ja: `${label.ja} ${code} は ${v.from} から有効です`, en: `${label.en} ${code} is valid only from ${v.from}` };
  }
}
