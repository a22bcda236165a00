/**
 * The reception answer for a My Number card (マイナ保険証での資格確認): the card verification, the link from
 * certificate to person, and the eligibility on the visit date, combined into one outcome with the stage
 * and reason of the first failure. Pure: the caller looks up the link and the person's records.
 */
import { eligibilityOn, type Eligible, type IneligibleCode } from './eligibility-rules.ts';
import type { CardVerification, CardVerificationFailure, VerifiedCard } from './card/verifier.ts';
import type { EligibilityRecord } from '../model/record.ts';

export type ReceptionFailure =
  | { ok: false; stage: 'card'; code: CardVerificationFailure; ja: string; en: string }
  | { ok: false; stage: 'link'; code: 'not-linked'; ja: string; en: string; card: VerifiedCard }
  | { ok: false; stage: 'eligibility'; code: IneligibleCode; ja: string; en: string; card: VerifiedCard; personId: string };

export type ReceptionOutcome = { ok: true; card: VerifiedCard; personId: string; eligibility: Eligible } | ReceptionFailure;

export function receptionDecision(input: {
  card: CardVerification;
  /** The person linked to the certificate (by serial or fingerprint), or null when none is. */
  personId: string | null;
  /** That person's eligibility history across insurers. */
  records: readonly EligibilityRecord[];
  visitDate: string;
}): ReceptionOutcome {
  const { card } = input;
  if (!card.ok) return { ok: false, stage: 'card', code: card.code, ja: card.ja, en: card.en };
  if (input.personId === null) {
    return {
      ok: false,
      stage: 'link',
      code: 'not-linked',
      ja: 'このカードは資格情報と紐付けられていません（保険者による登録または初回の利用登録が必要です）',
      en: 'this card is not linked to any eligibility record (the insurer or the holder must register it first)',
      card,
    };
  }
  const eligibility = eligibilityOn(input.records, input.visitDate);
  if (!eligibility.ok) {
    return { ok: false, stage: 'eligibility', code: eligibility.code, ja: eligibility.ja, en: eligibility.en, card, personId: input.personId };
  }
  return { ok: true, card, personId: input.personId, eligibility };
}
