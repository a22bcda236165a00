/**
 * The person's prescriptions and dispensings as other parts of Tsunagu read them (the sharing service's 6th
 * information, the patient portal, emergency views): one record per prescription line and per dispensed line, newest
 * first, with the facility, the date, the master name and the quantity. Cancelled prescriptions and cancelled
 * dispensing results are left out. The caller decides who may see them and audits the reading.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import { isDrugSystem, preferredUri } from '../master/index.ts';

export interface MedicationRecord {
  source: 'prescription' | 'dispensing';
  /** 処方箋ID (both kinds), and the dispensing id for dispensed lines. */
  prescriptionId: string;
  dispensingId?: string;
  /** 交付日 / 調剤日. */
  date: string;
  /** 医療機関コード / 薬局コード. */
  facility: string;
  kind: 'outpatient' | 'in-house';
  code: { system: string; code: string };
  name: string;
  quantity: number;
  unit: string;
  days?: number;
  substituted?: boolean;
}

export async function medicationRecords(db: Queryable, patientKey: string, opts: { from?: string; limit?: number } = {}): Promise<MedicationRecord[]> {
  const res = await db.query<{
    source: 'prescription' | 'dispensing';
    prescription_id: string;
    dispensing_id: string | null;
    day: string;
    facility: string;
    kind: 'outpatient' | 'in-house';
    code_system: string;
    code: string;
    name: string;
    quantity: string;
    unit: string;
    days: number | null;
    substituted: boolean | null;
  }>(
    `SELECT * FROM (
       SELECT 'prescription' AS source, p.prescription_id, NULL AS dispensing_id, p.issued_on::text AS day, p.issuer AS facility, p.kind,
              l.code_system, l.code, l.name, l.quantity::text AS quantity, l.unit, l.days, NULL::boolean AS substituted
         FROM eprescription_lines l JOIN eprescription_prescriptions p ON p.prescription_id = l.prescription_id
        WHERE p.patient_key = $1 AND l.patient_key = $1 AND p.state <> 'cancelled' AND p.issued_on >= $2
       UNION ALL
       SELECT 'dispensing', d.prescription_id, d.dispensing_id, d.dispensed_on::text, d.pharmacy, p.kind,
              dl.code_system, dl.code, dl.name, dl.quantity::text, pl.unit, pl.days, dl.substituted
         FROM eprescription_dispensed_lines dl
         JOIN eprescription_dispensings d ON d.dispensing_id = dl.dispensing_id
         JOIN eprescription_prescriptions p ON p.prescription_id = d.prescription_id
         JOIN eprescription_lines pl ON pl.prescription_id = d.prescription_id AND pl.line_no = dl.prescription_line
        WHERE d.patient_key = $1 AND dl.patient_key = $1 AND d.state <> 'cancelled' AND d.dispensed_on >= $2
     ) r ORDER BY day DESC, source, prescription_id LIMIT $3`,
    [patientKey, opts.from ?? '0001-01-01', opts.limit ?? 1000],
  );
  return res.rows.map((r) => ({
    source: r.source,
    prescriptionId: r.prescription_id,
    dispensingId: r.dispensing_id ?? undefined,
    date: r.day,
    facility: r.facility,
    kind: r.kind,
    code: { system: isDrugSystem(r.code_system) ? preferredUri(r.code_system) : r.code_system, code: r.code },
    name: r.name,
    quantity: Number(r.quantity),
    unit: r.unit,
    days: r.days ?? undefined,
    substituted: r.substituted ?? undefined,
  }));
}
