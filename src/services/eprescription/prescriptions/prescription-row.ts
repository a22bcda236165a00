/** A stored prescription (eprescription_prescriptions) and its lines, as the operations read them. */
import type { Queryable } from '../../../platform/storage/database.ts';

/**
 * registered  open: no pharmacy holds it (before the first use, or between refill uses)
 * accepted    a pharmacy accepted it (受付) and holds it until the current use is dispensed or it releases it
 * completed   every use dispensed (or an in-house prescription, registered with its dispensing)
 * cancelled   取消 by the prescriber before any dispensing
 */
export type PrescriptionState = 'registered' | 'accepted' | 'completed' | 'cancelled';

export interface PrescriptionRow {
  prescription_id: string;
  patient_key: string;
  insured_key: string;
  birth_date: string;
  exchange_number: string;
  issuer: string;
  kind: 'outpatient' | 'in-house';
  document_id: string;
  issued_on: string;
  valid_until: string;
  uses_allowed: number;
  split: boolean;
  state: PrescriptionState;
  uses_done: number;
  next_use_from: string | null;
  next_use_until: string | null;
  accepted_by: string | null;
  accepted_at: Date | null;
  prescriber: string;
  registered_at: Date;
  cancelled_at: Date | null;
  override_reason: string | null;
  alerts: string;
}

export interface LineRow {
  line_no: number;
  code_system: string;
  code: string;
  name: string;
  ingredient_key: string;
  class_key: string;
  generic_key: string | null;
  quantity: number;
  unit: string;
  days: number | null;
  substitution: string;
  /** medicationCodeableConcept.text when it differs from the master name (shown after it, flagged). */
  free_text: string | null;
}

export const PRESCRIPTION_COLUMNS = `prescription_id, patient_key, insured_key, birth_date, exchange_number, issuer, kind, document_id,
  issued_on::text AS issued_on, valid_until::text AS valid_until, uses_allowed, split, state, uses_done,
  next_use_from::text AS next_use_from, next_use_until::text AS next_use_until, accepted_by, accepted_at, prescriber,
  registered_at, cancelled_at, override_reason, alerts`;

export async function prescriptionRow(q: Queryable, id: string, lock = false): Promise<PrescriptionRow | undefined> {
  const res = await q.query<PrescriptionRow>(
    `SELECT ${PRESCRIPTION_COLUMNS} FROM eprescription_prescriptions WHERE prescription_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return res.rows[0];
}

export async function lineRows(q: Queryable, id: string): Promise<LineRow[]> {
  const res = await q.query<LineRow & { quantity: string | number }>(
    `SELECT line_no, code_system, code, name, ingredient_key, class_key, generic_key, quantity, unit, days, substitution, free_text
       FROM eprescription_lines WHERE prescription_id = $1 ORDER BY line_no`,
    [id],
  );
  return res.rows.map((r) => ({ ...r, quantity: Number(r.quantity) }));
}

export async function signedBundle(q: Queryable, id: string): Promise<Record<string, unknown>> {
  const res = await q.query<{ bundle: string }>('SELECT bundle FROM eprescription_prescriptions WHERE prescription_id = $1', [id]);
  return JSON.parse(res.rows[0].bundle) as Record<string, unknown>;
}
