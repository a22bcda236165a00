/**
 * Writes a dispensing result inside the caller's transaction: its row (the MedicationDispense list as sent and the
 * signed receipt) and its lines (for the checks and the medication history); then the prescription's state —
 * a use that is filled (or declared complete) counts: the lock ends, the next refill use gets its window
 * (前回調剤日 + 投薬日数 ± 7日, 保医発0304第1号 令和4年3月4日 別添1 リフィル処方箋), and after the last use the
 * prescription is completed.
 */
import type { WriteSession } from '../../../platform/store/repository.ts';
import { addDays } from '../prescriptions/prescription-document.ts';
import type { LineRow, PrescriptionRow } from '../prescriptions/prescription-row.ts';
import type { ReceiptSigner } from '../receipts/receipt-key.ts';
import { signReceipt } from '../receipts/receipt.ts';
import type { DispensedLine } from './dispensed-lines.ts';

/** 次回調剤予定日の前後7日. */
export const REFILL_WINDOW_DAYS = 7;

export interface NewDispensing {
  id: string;
  pharmacy: string;
  use: number;
  completesUse: boolean;
  dispensedOn: string;
  lines: DispensedLine[];
  result: unknown[];
  version: number;
  state: 'registered' | 'corrected';
}

export async function writeDispensingLines(session: WriteSession, d: NewDispensing, patientKey: string): Promise<void> {
  await session.tx.query('DELETE FROM eprescription_dispensed_lines WHERE dispensing_id = $1', [d.id]);
  for (const l of d.lines)
    await session.tx.query(
      `INSERT INTO eprescription_dispensed_lines (dispensing_id, line_no, prescription_line, patient_key, code_system, code, name, ingredient_key, class_key, quantity, substituted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [d.id, l.lineNo, l.prescriptionLine, patientKey, l.system, l.code, l.name, l.ingredientKey, l.classKey, l.quantity, l.substituted],
    );
}

export async function insertDispensing(session: WriteSession, signer: ReceiptSigner, p: PrescriptionRow, d: NewDispensing, now: Date): Promise<string> {
  const receipt = await signReceipt(signer, {
    dispensing: d.id,
    prescription: p.prescription_id,
    pharmacy: d.pharmacy,
    use: d.use,
    dispensedOn: d.dispensedOn,
    state: d.state,
    version: d.version,
    at: now,
    lines: d.lines,
    result: d.result,
  });
  await session.tx.query(
    `INSERT INTO eprescription_dispensings (dispensing_id, prescription_id, patient_key, pharmacy, use_no, completes_use, dispensed_on, state, version, registered_at, result, receipt)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      d.id,
      p.prescription_id,
      p.patient_key,
      d.pharmacy,
      d.use,
      d.completesUse,
      d.dispensedOn,
      d.state,
      d.version,
      now.toISOString(),
      JSON.stringify(d.result),
      receipt,
    ],
  );
  await writeDispensingLines(session, d, p.patient_key);
  return receipt;
}

/** The prescription after a use is complete (dispensed on `day`). */
export async function completeUse(session: WriteSession, p: PrescriptionRow, lines: LineRow[], day: string): Promise<void> {
  const uses = p.uses_done + 1;
  const last = uses >= p.uses_allowed;
  const days = Math.max(0, ...lines.map((l) => l.days ?? 0));
  await session.tx.query(
    `UPDATE eprescription_prescriptions SET uses_done = $2, state = $3, accepted_by = NULL, accepted_at = NULL, next_use_from = $4, next_use_until = $5
      WHERE prescription_id = $1`,
    [
      p.prescription_id,
      uses,
      last ? 'completed' : 'registered',
      last ? null : addDays(day, days - REFILL_WINDOW_DAYS),
      last ? null : addDays(day, days + REFILL_WINDOW_DAYS),
    ],
  );
}
