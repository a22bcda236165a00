/**
 * A prescription as a pharmacy (or its prescriber, or the patient) is shown it: its state, dates and uses, the lines
 * with the drug names of the master version of the 交付日 — derived from the signed codes, never from the text the
 * sender put beside them (free text is shown after the master name and flagged) — what is left to dispense of the
 * current use, and the signed document itself.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import type { DrugMaster, DrugSystem } from '../master/index.ts';
import { isDrugSystem, preferredUri } from '../master/index.ts';
import type { LineRow, PrescriptionRow } from './prescription-row.ts';

/** The state a caller sees: `expired` when the current use can no longer be accepted. */
export function stateAt(p: PrescriptionRow, today: string): string {
  if (p.state !== 'registered') return p.state;
  if (p.uses_done === 0 && p.valid_until < today) return 'expired';
  if (p.uses_done > 0 && p.next_use_until && p.next_use_until < today) return 'expired';
  return 'registered';
}

/** What earlier dispensings (not cancelled) of the current use gave, by prescription line. */
export async function dispensedInUse(q: Queryable, p: PrescriptionRow, use = p.uses_done + 1, except?: string): Promise<Map<number, number>> {
  const res = await q.query<{ prescription_line: number; quantity: string }>(
    `SELECT dl.prescription_line, SUM(dl.quantity)::text AS quantity
       FROM eprescription_dispensed_lines dl JOIN eprescription_dispensings d ON d.dispensing_id = dl.dispensing_id
      WHERE d.prescription_id = $1 AND d.use_no = $2 AND d.state <> 'cancelled' AND d.dispensing_id <> $3
      GROUP BY dl.prescription_line`,
    [p.prescription_id, use, except ?? ''],
  );
  return new Map(res.rows.map((r) => [r.prescription_line, Number(r.quantity)]));
}

export const shownName = (master: DrugMaster, l: LineRow, issuedOn: string): string => {
  const system = isDrugSystem(l.code_system) ? (l.code_system as DrugSystem) : undefined;
  return master.nameOf(l.code, new Date(`${issuedOn}T12:00:00+09:00`), system) ?? l.name;
};

export function prescriptionParameter(
  p: PrescriptionRow,
  lines: LineRow[],
  master: DrugMaster,
  opts: { today: string; dispensed: Map<number, number>; bundle?: Record<string, unknown>; extra?: OutParam[] },
): OutParam {
  const prescriber = JSON.parse(p.prescriber) as { name?: string; role?: string };
  const parts: (OutParam | undefined)[] = [
    { name: 'id', valueString: p.prescription_id },
    { name: 'exchangeNumber', valueString: p.exchange_number },
    { name: 'state', valueCode: stateAt(p, opts.today) },
    { name: 'kind', valueCode: p.kind },
    { name: 'issuer', valueString: p.issuer },
    { name: 'prescriber', valueString: prescriber.name ?? '' },
    { name: 'issuedOn', valueDate: p.issued_on },
    { name: 'validUntil', valueDate: p.valid_until },
    { name: 'usesAllowed', valueInteger: p.uses_allowed },
    { name: 'usesDone', valueInteger: p.uses_done },
    p.next_use_from ? { name: 'nextUseFrom', valueDate: p.next_use_from } : undefined,
    p.next_use_until ? { name: 'nextUseUntil', valueDate: p.next_use_until } : undefined,
    { name: 'split', valueBoolean: p.split },
    p.accepted_by ? { name: 'acceptedBy', valueString: p.accepted_by } : undefined,
    ...lines.map((l) => {
      const given = opts.dispensed.get(l.line_no) ?? 0;
      const line: OutParam[] = [
        { name: 'line', valueInteger: l.line_no },
        { name: 'code', valueCoding: { system: isDrugSystem(l.code_system) ? preferredUri(l.code_system) : l.code_system, code: l.code } },
        { name: 'name', valueString: shownName(master, l, p.issued_on) },
        { name: 'quantity', valueDecimal: l.quantity },
        { name: 'unit', valueString: l.unit },
        { name: 'remaining', valueDecimal: Math.max(0, l.quantity - given) },
        { name: 'substitution', valueCode: l.substitution },
      ];
      if (l.days !== null) line.push({ name: 'days', valueInteger: l.days });
      if (l.free_text) line.push({ name: 'freeText', valueString: l.free_text }, { name: 'freeTextDiffers', valueBoolean: true });
      return { name: 'medication', part: line };
    }),
    ...(opts.extra ?? []),
    opts.bundle ? { name: 'document', resource: opts.bundle } : undefined,
  ];
  return { name: 'prescription', part: parts.filter((x): x is OutParam => x !== undefined) };
}
