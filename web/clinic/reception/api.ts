/**
 * The calls of the reception screen to the eligibility service: the card challenge, the virtual card reader, the
 * card and number verifications, the patient's consent at the reader, and the insurer's name.
 */
import { fhir, json } from '../../shared/api.ts';
import {
  challengeOf,
  type ConsentChoices,
  type InsuranceQuery,
  readerConsentBody,
  readReaderAnswer,
  readVerifyAnswer,
  type ReaderAnswer,
  type VerifyAnswer,
  verifyCardBody,
  verifyInsuranceBody,
} from './parameters.ts';

export const VIRTUAL_READER = '/eligibility/virtual-reader/authenticate';

export type HolderProof = { pin: string } | { faceMatched: boolean };

export type CardOutcome = { kind: 'reader'; answer: Extract<ReaderAnswer, { ok: false }> } | { kind: 'verified'; answer: VerifyAnswer };

/** Card reception: `$card-challenge` → the virtual reader (PIN or face) → `$verify-card`. */
export async function verifyCard(card: Record<string, unknown>, proof: HolderProof): Promise<CardOutcome> {
  const challenge = challengeOf(await fhir('$card-challenge', { method: 'POST', body: { resourceType: 'Parameters' } }));
  if (!challenge)
    throw Object.assign(new Error('no card challenge'), {
      text: { ja: 'カード認証用のチャレンジを受け取れませんでした', en: 'No card challenge was received' },
    });
  const signed = readReaderAnswer(await json(VIRTUAL_READER, { method: 'POST', body: { card, challenge, ...proof } }));
  if (!signed.ok) return { kind: 'reader', answer: signed };
  return { kind: 'verified', answer: readVerifyAnswer(await fhir('$verify-card', { method: 'POST', body: verifyCardBody(signed.assertion) })) };
}

/** Number input: `$verify-insurance` with the 資格確認書 / 保険証 numbers and the birth date. */
export async function verifyInsurance(q: InsuranceQuery): Promise<VerifyAnswer> {
  return readVerifyAnswer(await fhir('$verify-insurance', { method: 'POST', body: verifyInsuranceBody(q) }));
}

/** The patient's choices at the reader (`$reader-consent`, outpatient: 24 hours). */
export async function recordConsent(visit: string, choices: ConsentChoices): Promise<void> {
  await fhir('$reader-consent', { method: 'POST', body: readerConsentBody(visit, choices) });
}

/** The insurer's registered name (its Organization), or undefined when it cannot be read. */
export async function insurerName(payor: string | undefined): Promise<string | undefined> {
  if (!payor) return undefined;
  try {
    const org = await fhir<{ name?: unknown }>(payor);
    return typeof org?.name === 'string' && org.name !== '' ? org.name : undefined;
  } catch {
    return undefined;
  }
}
