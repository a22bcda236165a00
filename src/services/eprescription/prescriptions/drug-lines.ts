/**
 * The drugs of a prescription or a dispensing, checked against the drug master version in force on its date (名称の
 * 安全性): every coding of a drug code system must be a real, valid drug that day (unknown, expired, not-yet-valid,
 * malformed and dummy codes are refused with the master's reason); several drug codings of one line must name the
 * same product; a coding's display must be the master's name for its code (up to notation: 全角/半角, spaces) —
 * the December 2024 incident was a pharmacy shown another name than the prescribed code's. The name kept and shown is
 * always the master's; `medicationCodeableConcept.text` is free text the prescriber may add: it is kept, shown after
 * the master name and flagged when it differs.
 */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import {
  type DrugEntry,
  type DrugMaster,
  type DrugSystem,
  checkKeysOf,
  displayAgrees,
  drugSystemOf,
  genericKeyOf,
  isDrugProblem,
  normalizeDrugName,
  rowKey,
} from '../master/index.ts';
import { codings, issue, type Json } from './document-entries.ts';

export interface DrugLine {
  system: DrugSystem;
  code: string;
  entry: DrugEntry;
  /** The master's name of the code on the date. */
  name: string;
  /** 成分 / 薬効分類 keys of the checks; '' when the master has none (the line is not covered by the check). */
  ingredientKey: string;
  classKey: string;
  genericKey?: string;
  /** medicationCodeableConcept.text when it is not the master name (shown after it, flagged). */
  textDiffers?: string;
}

const CODE_PREFERENCE: readonly DrugSystem[] = ['receipt', 'yj', 'general', 'hot9'];

/** Two master rows name one product: the same row, the same receipt or YJ code, or the same name (rows of two files). */
function sameProduct(a: DrugEntry, b: DrugEntry): boolean {
  if (rowKey(a) === rowKey(b)) return true;
  if (a.receiptCode && b.receiptCode) return a.receiptCode === b.receiptCode;
  if (a.yjCode && b.yjCode) return a.yjCode === b.yjCode;
  return normalizeDrugName(a.name) === normalizeDrugName(b.name);
}

/** The one drug a medicationCodeableConcept names on `on` (JST date of that instant), or issues at `path`. */
export function drugOf(master: DrugMaster, concept: unknown, on: Date, path: string, issues: Issue[]): DrugLine | undefined {
  const found: { system: DrugSystem; code: string; entry: DrugEntry; i: number }[] = [];
  const list = codings(concept);
  let problems = 0;
  list.forEach((c, i) => {
    const system = typeof c?.system === 'string' ? drugSystemOf(c.system) : undefined;
    if (!system) return;
    const at = `${path}.coding[${i}]`;
    const r = master.lookup(system, typeof c.code === 'string' ? c.code.trim() : '', on);
    if (isDrugProblem(r)) {
      problems++;
      issues.push(issue(r.ja, r.en, `${at}.code`, 'code-invalid'));
      return;
    }
    if (c.display !== undefined && !displayAgrees(r, String(c.display))) {
      problems++;
      issues.push(
        issue(
          `医薬品の表示名「${String(c.display)}」がコード ${c.code} の医薬品マスター上の名称「${r.name}」と一致しません。名称はコードから決まります（表示名の誤りは別の薬剤の調剤につながります）`,
          `the display "${String(c.display)}" is not the drug master's name for code ${c.code} ("${r.name}"); the name follows from the code`,
          `${at}.display`,
          'code-invalid',
        ),
      );
      return;
    }
    found.push({ system, code: c.code!.trim(), entry: r, i });
  });
  if (found.length === 0) {
    if (problems === 0)
      issues.push(
        issue(
          '医薬品コード（レセプト電算コード・YJコード・一般名コード・HOTコード）がありません',
          'no drug code (receipt code, YJ, general-name code or HOT9)',
          `${path}.coding`,
          'required',
        ),
      );
    return undefined;
  }
  // The code the line is kept under: the receipt code, else YJ, else 一般名コード, else HOT9 (the keys come from the first three).
  const first = [...found].sort((a, b) => CODE_PREFERENCE.indexOf(a.system) - CODE_PREFERENCE.indexOf(b.system))[0];
  const other = found.find((f) => !sameProduct(f.entry, first.entry));
  if (other) {
    issues.push(
      issue(
        `1つの薬剤に別の医薬品を指すコードがあります（${first.code}: ${first.entry.name} と ${other.code}: ${other.entry.name}）`,
        `the codes of one drug name different products (${first.code}: ${first.entry.name}, ${other.code}: ${other.entry.name})`,
        `${path}.coding[${other.i}]`,
        'code-invalid',
      ),
    );
    return undefined;
  }
  if (problems > 0) return undefined;
  // A drug the master gives no ingredient / class key (a product known only by its HOT9 code) registers, but the
  // duplicate and contraindication check cannot cover it: the line says so (unchecked).
  const keys = checkKeysOf(first.entry, first.code);
  const raw = (concept as Json | undefined)?.text;
  // kept as written (not normalised): it is the prescriber's text
  const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
  return {
    system: first.system,
    code: first.code,
    entry: first.entry,
    name: first.entry.name,
    ingredientKey: keys?.ingredient ?? '',
    classKey: keys?.therapeuticClass ?? '',
    genericKey: genericKeyOf(first.entry),
    textDiffers: text && !displayAgrees(first.entry, text) ? text : undefined,
  };
}
