/**
 * The person a facility prescribes for in its app, named by Patient id: only a patient its reception has seen (資格確認
 * at its desk, `$verify-card` or `$verify-insurance`, in the last 24 hours — the eligibility service's reception
 * history), with the eligibility as the desk was answered. The prescription's patient part (names as registered,
 * カナ, sex, birth date, 保険者番号・記号・番号・枝番, 続柄, 負担率) comes from that answer, never from the browser.
 *
 * Without such a reception the answer is 404 alike for an unknown and an unseen person (the facility learns nothing).
 */
import { latestReception } from '../../eligibility/index.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import type { PrescriptionInput } from '../prescriptions/build-prescription.ts';

export interface ReceivedPatient {
  patientId: string;
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
  const seen = await latestReception(rt.platform.db, { facilityCode, patientId: id, since: new Date(now.getTime() - DAY_MS) });
  if (!seen) throw notReceived(id);
  const { record: r, copayRatio, elderly } = seen.eligibility;
  return {
    patientId: id,
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
      copayPercent: (elderly?.copayRatio ?? copayRatio) * 10,
    },
  };
}
