/**
 * 引換番号: the 6-digit number the patient is given (on the 処方内容（控え）) to collect the prescription at a pharmacy
 * that cannot read their card; with it the pharmacy also needs the patient's insured number and birth date. Six
 * digits do not identify a prescription nationwide — the number is unique among the person's open prescriptions, and
 * guessing is throttled (pharmacy/retrieve.ts).
 */
import { randomInt } from 'node:crypto';
import type { Queryable } from '../../../platform/storage/database.ts';

export const EXCHANGE_NUMBER = /^\d{6}$/;

export async function newExchangeNumber(q: Queryable, patientKey: string): Promise<string> {
  const used = new Set(
    (
      await q.query<{ exchange_number: string }>(
        "SELECT exchange_number FROM eprescription_prescriptions WHERE patient_key = $1 AND state IN ('registered', 'accepted')",
        [patientKey],
      )
    ).rows.map((r) => r.exchange_number),
  );
  for (;;) {
    const n = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!used.has(n)) return n;
  }
}
