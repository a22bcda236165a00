/**
 * The recorded visits (billing_visits): every query is limited to one facility code in SQL, so another facility's
 * visits cannot appear whatever the parameters.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { CalculationResult, FacilityInput, PatientInput, VisitInput } from '../model/types.ts';

export interface RecordedVisit {
  id: string;
  facilityCode: string;
  patientKey: string;
  date: string;
  recordedAt: Date;
  recordedBy: string;
  facility: FacilityInput;
  patient: PatientInput;
  visit: VisitInput;
  result: CalculationResult;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
}

interface Row {
  visit_id: string;
  facility_code: string;
  patient_key: string;
  visit_date: string | Date;
  recorded_at: string | Date;
  recorded_by: string;
  facility: FacilityInput | string;
  patient: PatientInput | string;
  visit: VisitInput | string;
  result: CalculationResult | string;
  cancelled_at: string | Date | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
}

const COLUMNS = `visit_id, facility_code, patient_key, to_char(visit_date, 'YYYY-MM-DD') AS visit_date, recorded_at, recorded_by,
  facility, patient, visit, result, cancelled_at, cancelled_by, cancel_reason`;

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

function toVisit(r: Row): RecordedVisit {
  return {
    id: r.visit_id,
    facilityCode: r.facility_code,
    patientKey: r.patient_key,
    date: String(r.visit_date),
    recordedAt: date(r.recorded_at) as Date,
    recordedBy: r.recorded_by,
    facility: json(r.facility),
    patient: json(r.patient),
    visit: json(r.visit),
    result: json(r.result),
    cancelledAt: date(r.cancelled_at),
    cancelledBy: r.cancelled_by,
    cancelReason: r.cancel_reason,
  };
}

export async function insertVisit(db: Queryable, v: Omit<RecordedVisit, 'cancelledAt' | 'cancelledBy' | 'cancelReason'>): Promise<void> {
  await db.query(
    `INSERT INTO billing_visits (visit_id, facility_code, patient_key, visit_date, visit_month, recorded_at, recorded_by, facility, patient, visit, result, total_points, patient_yen)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      v.id,
      v.facilityCode,
      v.patientKey,
      v.date,
      v.date.slice(0, 7),
      v.recordedAt.toISOString(),
      v.recordedBy,
      JSON.stringify(v.facility),
      JSON.stringify(v.patient),
      JSON.stringify(v.visit),
      JSON.stringify(v.result),
      v.result.totalPoints,
      v.result.copay.patientYen,
    ],
  );
}

/** The patient's visits of the month at the facility, oldest first (cancelled ones only when asked). */
export async function monthVisitsOf(db: Queryable, facilityCode: string, patientKey: string, month: string, withCancelled = false): Promise<RecordedVisit[]> {
  const res = await db.query<Row>(
    `SELECT ${COLUMNS} FROM billing_visits WHERE facility_code = $1 AND patient_key = $2 AND visit_month = $3
       ${withCancelled ? '' : 'AND cancelled_at IS NULL'} ORDER BY visit_date, recorded_at`,
    [facilityCode, patientKey, month],
  );
  return res.rows.map(toVisit);
}

/** Every visit of the month at the facility (for the claim and the list), by patient then date. */
export async function facilityMonthVisits(db: Queryable, facilityCode: string, month: string, withCancelled: boolean): Promise<RecordedVisit[]> {
  const res = await db.query<Row>(
    `SELECT ${COLUMNS} FROM billing_visits WHERE facility_code = $1 AND visit_month = $2 ${withCancelled ? '' : 'AND cancelled_at IS NULL'}
      ORDER BY patient_key, visit_date, recorded_at`,
    [facilityCode, month],
  );
  return res.rows.map(toVisit);
}

/** The last visit (not cancelled) before `before` — for 初診 or 再診 when the clinic leaves it to the rules. */
export async function lastVisitBefore(db: Queryable, facilityCode: string, patientKey: string, before: string): Promise<string | null> {
  const res = await db.query<{ d: string }>(
    `SELECT to_char(max(visit_date), 'YYYY-MM-DD') AS d FROM billing_visits
      WHERE facility_code = $1 AND patient_key = $2 AND visit_date < $3 AND cancelled_at IS NULL`,
    [facilityCode, patientKey, before],
  );
  return res.rows[0]?.d ?? null;
}

/** The latest 初診 (not cancelled) before `before`: rules count from it (B000). */
export async function firstVisitBefore(db: Queryable, facilityCode: string, patientKey: string, before: string): Promise<string | null> {
  const res = await db.query<{ d: string }>(
    `SELECT to_char(max(visit_date), 'YYYY-MM-DD') AS d FROM billing_visits
      WHERE facility_code = $1 AND patient_key = $2 AND visit_date < $3 AND cancelled_at IS NULL AND result->>'encounter' = 'first'`,
    [facilityCode, patientKey, before],
  );
  return res.rows[0]?.d ?? null;
}

export async function visitById(db: Queryable, facilityCode: string, id: string): Promise<RecordedVisit | undefined> {
  const res = await db.query<Row>(`SELECT ${COLUMNS} FROM billing_visits WHERE facility_code = $1 AND visit_id = $2`, [facilityCode, id]);
  return res.rows[0] ? toVisit(res.rows[0]) : undefined;
}

export async function cancelVisit(db: Queryable, facilityCode: string, id: string, by: string, reason: string, at: Date): Promise<boolean> {
  const res = await db.query(
    'UPDATE billing_visits SET cancelled_at = $3, cancelled_by = $4, cancel_reason = $5 WHERE facility_code = $1 AND visit_id = $2 AND cancelled_at IS NULL',
    [facilityCode, id, at.toISOString(), by, reason],
  );
  return res.rowCount === 1;
}
