/**
 * The person's medication the checks compare against (過去100日分の処方・調剤情報): lines of registered prescriptions
 * (not cancelled) dated by their 交付日, and lines of dispensing results (not cancelled) dated by their 調剤日, across
 * every facility and pharmacy. The facility kind comes from the 医療機関コード's 点数表番号 (3rd digit: 1 医科, 3 歯科,
 * 4 薬局).
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { FacilityKind, MedicationLine } from '../checks/index.ts';
import { CHECK_WINDOW_DAYS } from '../checks/index.ts';
import { addDays } from './prescription-document.ts';

export function facilityKindOf(code: string): FacilityKind {
  return code[2] === '4' ? 'pharmacy' : code[2] === '3' ? 'dental' : 'medical';
}

type Row = {
  source: 'prescription' | 'dispensing';
  id: string;
  day: string;
  facility: string;
  code: string;
  name: string;
  ingredient_key: string;
  class_key: string;
};

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * `ownIssuer`: a facility's own prescriptions — and the pharmacies' dispensings of them — are left out (its own system
 * knows them; the national service leaves out the checking facility's own data the same way).
 */
export async function medicationHistory(
  db: Queryable,
  patientKey: string,
  today: string,
  ownIssuer = '',
  windowDays = CHECK_WINDOW_DAYS,
): Promise<MedicationLine[]> {
  const from = addDays(today, -windowDays);
  const res = await db.query<Row>(
    `SELECT 'prescription' AS source, p.prescription_id AS id, p.issued_on::text AS day, p.issuer AS facility, l.code, l.name, l.ingredient_key, l.class_key
       FROM eprescription_lines l JOIN eprescription_prescriptions p ON p.prescription_id = l.prescription_id
      WHERE l.patient_key = $1 AND p.patient_key = $1 AND l.ingredient_key <> '' AND p.state <> 'cancelled' AND p.issued_on BETWEEN $2 AND $3 AND p.issuer <> $4
     UNION ALL
     SELECT 'dispensing', d.prescription_id, d.dispensed_on::text, d.pharmacy, dl.code, dl.name, dl.ingredient_key, dl.class_key
       FROM eprescription_dispensed_lines dl JOIN eprescription_dispensings d ON d.dispensing_id = dl.dispensing_id
       JOIN eprescription_prescriptions p ON p.prescription_id = d.prescription_id
      WHERE dl.patient_key = $1 AND d.patient_key = $1 AND dl.ingredient_key <> '' AND d.state <> 'cancelled' AND d.dispensed_on BETWEEN $2 AND $3
        AND p.issuer <> $4`,
    [patientKey, from, today, ownIssuer],
    { name: 'eprescription_history' },
  );
  return res.rows.map((r) => ({
    drug: { code: r.code, ingredient: r.ingredient_key, therapeuticClass: r.class_key, name: r.name },
    date: day(r.day),
    facilityKind: r.source === 'dispensing' ? 'pharmacy' : facilityKindOf(r.facility),
    facilityCode: r.facility,
    source: r.source,
    prescriptionId: r.id,
  }));
}
