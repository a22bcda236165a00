/**
 * The prescriptions a facility issued for a person on one day (not cancelled), with each line's drug code system —
 * for the fee calculation (処方箋料 and 一般名処方加算 come from what was prescribed and how: 一般名処方 is a line coded
 * in the 一般名処方マスタ). The caller decides who may ask (the issuing facility itself) and audits the reading.
 */
import type { Queryable } from '../../../platform/storage/database.ts';

export interface IssuedPrescription {
  /** 処方箋ID. */
  prescriptionId: string;
  /** outpatient (院外処方: a 処方箋) or in-house (院内処方). */
  kind: 'outpatient' | 'in-house';
  lines: { name: string; generic: boolean }[];
}

export async function prescriptionsIssuedOn(db: Queryable, q: { facilityCode: string; patientKey: string; date: string }): Promise<IssuedPrescription[]> {
  const res = await db.query<{ prescription_id: string; kind: 'outpatient' | 'in-house'; name: string; code_system: string }>(
    `SELECT p.prescription_id, p.kind, l.name, l.code_system
       FROM eprescription_prescriptions p JOIN eprescription_lines l ON l.prescription_id = p.prescription_id AND l.patient_key = p.patient_key
      WHERE p.patient_key = $1 AND p.issuer = $2 AND p.issued_on = $3 AND p.state <> 'cancelled'
      ORDER BY p.registered_at, p.prescription_id, l.line_no`,
    [q.patientKey, q.facilityCode, q.date],
  );
  const out = new Map<string, IssuedPrescription>();
  for (const r of res.rows) {
    const p = out.get(r.prescription_id) ?? { prescriptionId: r.prescription_id, kind: r.kind, lines: [] };
    p.lines.push({ name: r.name, generic: r.code_system === 'general' });
    out.set(r.prescription_id, p);
  }
  return [...out.values()];
}
