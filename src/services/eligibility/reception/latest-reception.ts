/**
 * The latest reception of a person at one facility since a moment (受付済みか): for the other services that act on
 * a person only after the facility's reception has seen them — the e-prescription service prescribes for a patient
 * its desk verified — with the eligibility as the facility was answered. Reads this service's own table.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { EligibilityAnswer } from './reception-history.ts';

export interface FacilityReception {
  patientId: string;
  receivedAt: Date;
  /** YYYY-MM-DD, Japan time. */
  visitDate: string;
  /** card-pin | card-face | insurance-card | eligibility-certificate */
  method: string;
  eligibility: EligibilityAnswer;
}

export async function latestReception(db: Queryable, q: { facilityCode: string; patientId: string; since: Date }): Promise<FacilityReception | undefined> {
  const res = await db.query<{ patient_key: string; at_ms: string | number; visit_date: string; method: string; snapshot: string }>(
    `SELECT patient_key, (extract(epoch from received_at) * 1000)::bigint AS at_ms, visit_date, method, snapshot FROM elig_receptions
      WHERE facility_code = $1 AND patient_key = $2 AND received_at >= $3 ORDER BY received_at DESC LIMIT 1`,
    [q.facilityCode, q.patientId, q.since.toISOString()],
  );
  const r = res.rows[0];
  if (!r) return undefined;
  return {
    patientId: r.patient_key,
    receivedAt: new Date(Number(r.at_ms)),
    visitDate: r.visit_date,
    method: r.method,
    eligibility: JSON.parse(r.snapshot) as EligibilityAnswer,
  };
}
