/**
 * How a pharmacy finds a prescription (処方箋の取得):
 *   by 引換番号 + the patient's insured number (被保険者個人識別子 `保険者番号:記号:番号:枝番`) + birth date — what the
 *   patient shows on the 処方内容（控え） and the insurance card; all three must match. No match, a wrong birth date and
 *   another person's number answer alike (404); a wrong birth date on a real 引換番号 is recorded in that person's
 *   access log. A pharmacy with more than RETRIEVAL_FAILURE_LIMIT failures in an hour is refused (429) for the rest of
 *   the hour: six digits must not be guessable.
 *   by the card at the reader: the patient the eligibility service resolved, with the patient's consent at this
 *   pharmacy (medication group) — every open prescription of the person.
 * In-house prescriptions (院内処方) are never a pharmacy's. The prescriptions a pharmacy gets are those it may take: open (registered, or accepted by itself). One accepted by
 * another pharmacy is refused (409), and so are a dispensed and a cancelled one (409, naming why) — the pharmacy
 * already holds the patient's numbers; recorded.
 */
import { FhirError, conflict, notFound } from '../../../platform/fhir/errors.ts';
import { insuredKeyOf } from '../../eligibility/index.ts';
import type { AuditNote, Caller } from '../model/access.ts';
import { prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { EXCHANGE_NUMBER } from '../prescriptions/exchange-number.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import { PRESCRIPTION_COLUMNS, type PrescriptionRow } from '../prescriptions/prescription-row.ts';
import { useRefusal } from './use-window.ts';

export const RETRIEVAL_FAILURE_LIMIT = 10;

export interface ExchangeQuery {
  exchangeNumber: string;
  insuredNumber: string;
  birthDate: string;
}

const NO_MATCH = {
  ja: '引換番号・被保険者番号・生年月日に一致する処方箋がありません',
  en: 'no prescription matches the exchange number, insured number and birth date',
};

async function throttle(rt: EprescriptionRuntime, pharmacy: Caller): Promise<void> {
  const since = new Date(rt.clock().getTime() - 3_600_000).toISOString();
  const n = await rt.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM eprescription_retrieval_failures WHERE caller = $1 AND failed_at > $2', [
    pharmacy.ownerKey,
    since,
  ]);
  if (Number(n.rows[0].n) >= RETRIEVAL_FAILURE_LIMIT)
    throw FhirError.of(
      429,
      'throttled',
      `引換番号による取得の失敗が多すぎます（1時間に${RETRIEVAL_FAILURE_LIMIT}回）。しばらくしてから、番号と患者情報を確かめて再度お試しください`,
      `too many failed retrievals by exchange number (${RETRIEVAL_FAILURE_LIMIT} per hour); try again later`,
    );
}

const failed = (rt: EprescriptionRuntime, pharmacy: Caller) =>
  rt.platform.db.query('INSERT INTO eprescription_retrieval_failures (caller, failed_at) VALUES ($1, $2)', [pharmacy.ownerKey, rt.clock().toISOString()]);

export async function findByExchangeNumber(rt: EprescriptionRuntime, pharmacy: Caller, q: ExchangeQuery, note: AuditNote): Promise<PrescriptionRow> {
  await throttle(rt, pharmacy);
  const key = insuredKeyOf(q.insuredNumber);
  const number = q.exchangeNumber.normalize('NFKC').trim();
  const rows =
    key && EXCHANGE_NUMBER.test(number)
      ? (
          await rt.platform.db.query<PrescriptionRow>(
            `SELECT ${PRESCRIPTION_COLUMNS} FROM eprescription_prescriptions WHERE exchange_number = $1 AND insured_key = $2 AND kind = 'outpatient'
              ORDER BY (state IN ('registered', 'accepted')) DESC, registered_at DESC`,
            [number, key],
          )
        ).rows
      : [];
  const match = rows.find((r) => r.birth_date === q.birthDate.trim());
  if (!match) {
    await failed(rt, pharmacy);
    if (rows[0]) {
      note.patientKey = rows[0].patient_key;
      note.entities = [prescriptionRef(rows[0].prescription_id)];
    }
    throw FhirError.of(404, 'not-found', NO_MATCH.ja, NO_MATCH.en);
  }
  note.patientKey = match.patient_key;
  note.entities = [prescriptionRef(match.prescription_id)];
  heldElsewhere(match, pharmacy);
  // A dispensed or cancelled prescription is named as such (the pharmacy holds the patient's numbers already).
  if (match.state === 'completed' || match.state === 'cancelled') throw useRefusal(match, japanDate(rt.clock()))!;
  return match;
}

/** 409 when another pharmacy holds the prescription. */
export function heldElsewhere(p: PrescriptionRow, pharmacy: Caller): void {
  if (p.state === 'accepted' && p.accepted_by !== pharmacy.code)
    throw conflict(
      'この処方箋は他の薬局で受付済みです。患者さんに確認し、受付した薬局に受付の取消しを依頼してください',
      'another pharmacy has accepted this prescription; it must release it first',
    );
}

/** 403 unless the patient consents (medication group) at this pharmacy: what the card at the reader gives. */
export async function requireConsent(rt: EprescriptionRuntime, pharmacy: Caller, patientId: string): Promise<void> {
  const consent = await rt.platform.consent.decide({ patientId, grantee: pharmacy.ownerKey, category: 'medication', at: rt.clock() });
  if (!consent.allow)
    throw FhirError.of(
      403,
      'forbidden',
      `患者さんの同意がないため処方箋を取得できません（${consent.ja}）。カードリーダーで同意を確認するか、引換番号で取得してください`,
      `no consent of the patient at this pharmacy (${consent.en}); confirm consent at the reader or use the exchange number`,
    );
}

export async function findByCard(rt: EprescriptionRuntime, pharmacy: Caller, patientId: string, note: AuditNote): Promise<PrescriptionRow[]> {
  note.patientKey = patientId;
  await requireConsent(rt, pharmacy, patientId);
  const rows = (
    await rt.platform.db.query<PrescriptionRow>(
      `SELECT ${PRESCRIPTION_COLUMNS} FROM eprescription_prescriptions
        WHERE patient_key = $1 AND kind = 'outpatient' AND (state = 'registered' OR (state = 'accepted' AND accepted_by = $2)) ORDER BY issued_on DESC, registered_at DESC`,
      [patientId, pharmacy.code],
    )
  ).rows;
  note.entities = rows.map((r) => prescriptionRef(r.prescription_id));
  return rows;
}

/** A prescription the caller cannot reach answers as an absent one. */
export const missing = (id: string): FhirError => notFound(prescriptionRef(id));
