/**
 * 本日の処方箋: a pharmacy's own prescriptions of a day —
 *   unregistered  the prescriptions it holds (accepted on or before the day, the current use's result not yet
 *                 registered in full: 未登録, also a use re-opened by a cancelled result)
 *   registered    those it registered a dispensing result for on the day (the latest result of the day, registered
 *                 or corrected) and no longer holds
 *   cancelled     those whose latest result of the day it cancelled (and no longer holds)
 * Only the calling pharmacy's rows are read; nothing of another pharmacy's is listed (its count is 0). Released
 * prescriptions are not listed: a release gives the prescription back to the patient and leaves no row of the pharmacy.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { Caller } from '../model/access.ts';
import type { Json } from '../prescriptions/document-entries.ts';
import { PRESCRIPTION_COLUMNS, type PrescriptionRow } from '../prescriptions/prescription-row.ts';

export type WorklistStatus = 'unregistered' | 'registered' | 'cancelled';

export interface WorklistLine {
  prescriptionLine: number;
  codeSystem: string;
  code: string;
  name: string;
  quantity: number;
  substituted: boolean;
}

export interface WorklistDispensing {
  id: string;
  dispensedOn: string;
  version: number;
  state: 'registered' | 'corrected' | 'cancelled';
  completesUse: boolean;
  receipt: string;
  lines: WorklistLine[];
}

export interface WorklistEntry {
  status: WorklistStatus;
  prescription: PrescriptionRow;
  patientName: string;
  dispensing?: WorklistDispensing;
}

/** Most entries a day's list holds (a busy pharmacy handles a few hundred prescriptions a day). */
export const WORKLIST_LIMIT = 500;

type DispensingRow = {
  dispensing_id: string;
  prescription_id: string;
  dispensed_on: string;
  version: number;
  state: WorklistDispensing['state'];
  completes_use: boolean;
  receipt: string;
};

/** The patient's name on the signed prescription (the 漢字 name, not the カナ one). */
export function patientNameOf(bundle: Json): string {
  const patient = ((bundle.entry as { resource?: Json }[] | undefined) ?? []).map((e) => e.resource).find((r) => r?.resourceType === 'Patient');
  const names = (patient?.name as Json[] | undefined) ?? [];
  const kana = (n: Json) => ((n.extension as Json[] | undefined) ?? []).some((x) => x.valueCode === 'SYL');
  const n = names.find((x) => !kana(x)) ?? names[0];
  if (!n) return '';
  if (typeof n.text === 'string' && n.text.trim()) return n.text.trim();
  return [n.family, ...((n.given as string[] | undefined) ?? [])].filter((x) => typeof x === 'string' && x).join(' ');
}

export async function pharmacyWorklist(db: Queryable, pharmacy: Caller, day: string): Promise<WorklistEntry[]> {
  const held = (
    await db.query<PrescriptionRow & { bundle: string }>(
      `SELECT ${PRESCRIPTION_COLUMNS}, bundle FROM eprescription_prescriptions WHERE state = 'accepted' AND accepted_by = $1
        ORDER BY accepted_at LIMIT ${WORKLIST_LIMIT}`,
      [pharmacy.code],
    )
  ).rows.filter((p) => !p.accepted_at || japanDate(new Date(p.accepted_at)) <= day);
  const results = (
    await db.query<DispensingRow>(
      `SELECT dispensing_id, prescription_id, dispensed_on::text AS dispensed_on, version, state, completes_use, receipt
         FROM eprescription_dispensings WHERE pharmacy = $1 AND dispensed_on = $2 ORDER BY registered_at, dispensing_id LIMIT ${WORKLIST_LIMIT}`,
      [pharmacy.code, day],
    )
  ).rows;
  // the day's latest result per prescription
  const latest = new Map<string, DispensingRow>();
  for (const d of results) latest.set(d.prescription_id, d);
  const heldIds = new Set(held.map((p) => p.prescription_id));
  const others = [...latest.keys()].filter((id) => !heldIds.has(id));
  const dispensed = others.length
    ? (
        await db.query<PrescriptionRow & { bundle: string }>(
          `SELECT ${PRESCRIPTION_COLUMNS}, bundle FROM eprescription_prescriptions WHERE prescription_id = ANY($1::text[])`,
          [others],
        )
      ).rows
    : [];
  const lines = await dispensedLines(
    db,
    [...latest.values()].map((d) => d.dispensing_id),
  );
  const entry = (p: PrescriptionRow & { bundle: string }, status: WorklistStatus): WorklistEntry => {
    const d = latest.get(p.prescription_id);
    const { bundle, ...row } = p;
    return {
      status,
      prescription: row,
      patientName: patientNameOf(JSON.parse(bundle) as Json),
      ...(d
        ? {
            dispensing: {
              id: d.dispensing_id,
              dispensedOn: d.dispensed_on,
              version: d.version,
              state: d.state,
              completesUse: d.completes_use,
              receipt: d.receipt,
              lines: d.state === 'cancelled' ? [] : (lines.get(d.dispensing_id) ?? []),
            },
          }
        : {}),
    };
  };
  const order = (p: PrescriptionRow) => others.indexOf(p.prescription_id);
  const done = dispensed
    .sort((a, b) => order(a) - order(b))
    .map((p) => entry(p, latest.get(p.prescription_id)!.state === 'cancelled' ? 'cancelled' : 'registered'));
  return [...held.map((p) => entry(p, 'unregistered')), ...done];
}

async function dispensedLines(db: Queryable, ids: string[]): Promise<Map<string, WorklistLine[]>> {
  const out = new Map<string, WorklistLine[]>();
  if (!ids.length) return out;
  const res = await db.query<{
    dispensing_id: string;
    prescription_line: number;
    code_system: string;
    code: string;
    name: string;
    quantity: string;
    substituted: boolean;
  }>(
    `SELECT dispensing_id, prescription_line, code_system, code, name, quantity::text AS quantity, substituted
       FROM eprescription_dispensed_lines WHERE dispensing_id = ANY($1::text[]) ORDER BY dispensing_id, line_no`,
    [ids],
  );
  for (const r of res.rows)
    out.set(r.dispensing_id, [
      ...(out.get(r.dispensing_id) ?? []),
      {
        prescriptionLine: r.prescription_line,
        codeSystem: r.code_system,
        code: r.code,
        name: r.name,
        quantity: Number(r.quantity),
        substituted: r.substituted,
      },
    ]);
  return out;
}
