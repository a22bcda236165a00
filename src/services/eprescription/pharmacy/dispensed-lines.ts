/**
 * A pharmacy's dispensing result (調剤結果) read against the prescription: one MedicationDispense per drug handed
 * over, each matched to a line of the prescription —
 *   the same product as prescribed, or another brand of the same generic (same ingredient, form and strength: the
 *   一般名コード / first 9 characters of the 薬価基準収載医薬品コード) when the line allows it: 後発品変更不可 (1) refuses a
 *   change of brand; a change must be declared (substitution.wasSubstituted = true) and is recorded as such. A line
 *   prescribed by 一般名 is dispensed as any brand of that generic without being a substitution;
 *   never more in total than prescribed for the use (split dispensing adds up the parts: 分割調剤).
 * Every drug is checked against the master of the dispensing date like a prescription's (unknown, expired, dummy
 * codes and displays that disagree with their code are refused). Problems collect into `issues`.
 */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { Conformance } from '../../../platform/conformance/conformance.ts';
import type { DrugMaster } from '../master/index.ts';
import { type Json, dateOf, issue } from '../prescriptions/document-entries.ts';
import { type DrugLine, drugOf } from '../prescriptions/drug-lines.ts';
import type { LineRow } from '../prescriptions/prescription-row.ts';

export interface DispensedLine extends DrugLine {
  /** Position in the result (1-based). */
  lineNo: number;
  /** The prescription line it fills. */
  prescriptionLine: number;
  quantity: number;
  unit: string;
  substituted: boolean;
}

export interface ReadDispensing {
  lines: DispensedLine[];
  /** The latest whenHandedOver (the 調剤日), if given. */
  handedOver?: string;
}

const EPSILON = 1e-9;
const shown = (n: number) => String(Math.round(n * 1000) / 1000);

export function readDispensing(
  conformance: Conformance,
  master: DrugMaster,
  prescribed: LineRow[],
  /** What earlier dispensings of this use gave, by prescription line. */
  already: Map<number, number>,
  dispenses: Json[],
  on: Date,
  issues: Issue[],
): ReadDispensing {
  const total = new Map(already);
  const out: DispensedLine[] = [];
  let handedOver: string | undefined;
  if (dispenses.length === 0) issues.push(issue('調剤結果（MedicationDispense）がありません', 'no MedicationDispense given', 'Parameters.parameter'));
  dispenses.forEach((md, k) => {
    const path = `MedicationDispense[${k}]`;
    for (const i of conformance.validate(md).issue ?? [])
      if (i.severity === 'error' || i.severity === 'fatal')
        issues.push({
          severity: 'error',
          code: 'invalid',
          ja: i.details?.text ?? i.diagnostics ?? '',
          en: i.diagnostics ?? '',
          expression: [`${path}${(i.expression?.[0] ?? '').replace(/^MedicationDispense/, '')}`],
        });
    if (md.status !== 'completed') issues.push(issue('調剤結果の status は completed です', 'a dispensing result has status completed', `${path}.status`));
    const day = dateOf(md.whenHandedOver);
    if (day && (!handedOver || day > handedOver)) handedOver = day;
    const drug = drugOf(master, md.medicationCodeableConcept, on, `${path}.medicationCodeableConcept`, issues);
    const quantity = (md.quantity ?? {}) as Json;
    const value = quantity.value;
    if (typeof value !== 'number' || !(value > 0)) {
      issues.push(issue('調剤量（quantity.value）は正の数です', 'quantity.value must be a positive number', `${path}.quantity`));
      return;
    }
    if (!drug) return;
    const exact = prescribed.filter(
      (l) => l.code === drug.code || (l.generic_key !== null && l.code_system === 'general' && l.generic_key === drug.genericKey),
    );
    const generic = prescribed.filter((l) => drug.genericKey !== undefined && l.generic_key === drug.genericKey && !exact.includes(l));
    const candidates = exact.length ? exact : generic;
    const line = candidates.find((l) => (total.get(l.line_no) ?? 0) + value <= l.quantity + EPSILON) ?? candidates[0];
    if (!line) {
      issues.push(
        issue(
          `${drug.name}（${drug.code}）は処方されていない薬剤です（処方薬と同一成分・同一剤形・同一規格の別銘柄でもありません）`,
          `${drug.name} (${drug.code}) was not prescribed (nor is it another brand of a prescribed generic)`,
          `${path}.medicationCodeableConcept`,
        ),
      );
      return;
    }
    const substituted = !exact.includes(line);
    const declared = ((md.substitution ?? {}) as Json).wasSubstituted === true;
    if (substituted && line.substitution === '1')
      issues.push(
        issue(
          `処方「${line.name}」は後発品変更不可です。${drug.name} への変更調剤はできません`,
          `line "${line.name}" may not be changed to another brand (後発品変更不可); ${drug.name} refused`,
          `${path}.medicationCodeableConcept`,
        ),
      );
    else if (substituted && !declared)
      issues.push(
        issue(
          `${line.name} を ${drug.name} に変更して調剤する場合は substitution.wasSubstituted = true で記録してください`,
          `dispensing ${drug.name} for ${line.name} is a substitution: record substitution.wasSubstituted = true`,
          `${path}.substitution`,
        ),
      );
    const sum = (total.get(line.line_no) ?? 0) + value;
    if (sum > line.quantity + EPSILON)
      issues.push(
        issue(
          `${line.name} の調剤量が処方量を超えます（処方 ${shown(line.quantity)}${line.unit}、調剤済み ${shown(sum - value)}、今回 ${shown(value)}）`,
          `${line.name}: more than prescribed (prescribed ${shown(line.quantity)} ${line.unit}, dispensed before ${shown(sum - value)}, now ${shown(value)})`,
          `${path}.quantity`,
        ),
      );
    total.set(line.line_no, sum);
    out.push({ ...drug, lineNo: k + 1, prescriptionLine: line.line_no, quantity: value, unit: line.unit, substituted });
  });
  return { lines: out, handedOver };
}

/** Whether the use is fully dispensed: every line's total reaches its prescribed quantity. */
export function useFilled(prescribed: LineRow[], totals: Map<number, number>): boolean {
  return prescribed.every((l) => (totals.get(l.line_no) ?? 0) >= l.quantity - EPSILON);
}

export function totalsOf(base: Map<number, number>, lines: DispensedLine[]): Map<number, number> {
  const t = new Map(base);
  for (const l of lines) t.set(l.prescriptionLine, (t.get(l.prescriptionLine) ?? 0) + l.quantity);
  return t;
}
