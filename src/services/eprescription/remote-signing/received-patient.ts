/**
 * The person a facility prescribes for in its app, named by Patient id: only a patient its reception has just seen
 * (資格確認 at its card reader: a reader consent choice of this facility — permit or deny — recorded in the last 24
 * hours, or one still in force, e.g. a home-care patient's year), with the eligibility record in force today. The
 * prescription's patient part (names as registered, カナ, sex, birth date, 保険者番号・記号・番号・枝番, 続柄, 負担率)
 * comes from that record, never from the browser.
 *
 * Without such a reception the answer is 404 alike for an unknown and an unseen person (the facility learns nothing).
 * NOTE: the record is read from the eligibility registry's table (elig_records) — the eligibility service exports no
 * "record in force for a person" function yet; this is the one place to switch when it does.
 */
import type { EligibilityRecord } from '../../eligibility/index.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import type { PrescriptionInput } from '../prescriptions/build-prescription.ts';

export interface ReceivedPatient {
  patientId: string;
  /** 被保険者個人識別子 保険者番号:記号:番号:枝番. */
  insuredKey: string;
  birthDate: string;
  input: PrescriptionInput['patient'];
}

const DAY_MS = 86_400_000;

const notReceived = (patientId: string) =>
  FhirError.of(
    404,
    'not-found',
    `Patient/${patientId} は本日この医療機関で受付（資格確認）されていません。受付で資格確認をしてから処方してください`,
    `Patient/${patientId} was not received (eligibility verified) at this facility today`,
    ['patient'],
  );

export async function receivedPatient(rt: EprescriptionRuntime, facilityCode: string, patientId: string): Promise<ReceivedPatient> {
  const id = patientId.trim().replace(/^Patient\//, '');
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw notReceived(id);
  const now = rt.clock();
  const seen = await rt.platform.db.query(
    `SELECT 1 FROM consents WHERE patient_key = $1 AND grantee = $2 AND kind = 'reader'
        AND recorded <= $3 AND (recorded > $4 OR (valid_to > $3 AND revoked_at IS NULL)) LIMIT 1`,
    [id, `facility:${facilityCode}`, now.toISOString(), new Date(now.getTime() - DAY_MS).toISOString()],
  );
  if (seen.rows.length === 0) throw notReceived(id);
  const today = japanDate(now);
  const rows = (
    await rt.platform.db.query<{ insured_key: string; record: string; acquired_on: string }>(
      `SELECT insured_key, record, acquired_on FROM elig_records WHERE patient_key = $1 AND acquired_on <= $2 AND (lost_on IS NULL OR lost_on > $2)
        ORDER BY acquired_on DESC`,
      [id, today],
    )
  ).rows;
  if (rows.length === 0)
    throw FhirError.of(422, 'business-rule', '本日有効な保険資格がありません。受付で資格を確認してください', 'the person has no eligibility in force today', [
      'patient',
    ]);
  const r = JSON.parse(rows[0].record) as EligibilityRecord;
  const elderly = r.elderly && r.elderly.validFrom <= today && (!r.elderly.validTo || r.elderly.validTo >= today) ? r.elderly.copayRatio : undefined;
  return {
    patientId: id,
    insuredKey: rows[0].insured_key,
    birthDate: r.birthDate,
    input: {
      familyName: r.familyName,
      givenName: r.givenName,
      ...(r.familyNameKana ? { familyKana: r.familyNameKana } : {}),
      ...(r.givenNameKana ? { givenKana: r.givenNameKana } : {}),
      gender: r.sex,
      birthDate: r.birthDate,
      insurer: r.insurerNumber,
      ...(r.symbol ? { symbol: r.symbol } : {}),
      number: r.number,
      ...(r.branch ? { branch: r.branch } : {}),
      relationship: r.relationship === 'dependant' ? '2' : '1',
      copayPercent: (elderly ?? r.copayRatio) * 10,
    },
  };
}
