/**
 * How a patient signs in to an app (the portal): with their My Number card, through the same card PKI as reception.
 * The platform's authorization server does not know cards; the eligibility service provides the check (it owns the
 * card trust store, the challenges and the certificate → person links) through this seam.
 *
 * The virtual card of this project is a file plus a 4-digit PIN (利用者証明用暗証番号); a real deployment replaces the
 * file with a card reader or the JPKI smartphone app that returns the signed challenge, and keeps the seam.
 */

/** What the sign-in page collects for a card sign-in. */
export interface PatientCardProof {
  /** The virtual card file (JSON text, `tsunagu-virtual-card/1`). */
  cardFile: string;
  /** 暗証番号 (4 digits); it opens the card's key and never leaves the card's simulation. */
  pin: string;
}

export type PatientCardResult =
  | { ok: true; patientId: string; name: string }
  /** A refusal to show the person: `retriesLeft` after a wrong PIN; `audit` the reason for the record. */
  | { ok: false; code: string; ja: string; en: string; retriesLeft?: number; patientId?: string };

export interface PatientCardSignIn {
  authenticate(proof: PatientCardProof): Promise<PatientCardResult>;
}

/** Where the authorization server finds sign-in methods services provide (set once at start). */
export class SignInMethods {
  private cards?: PatientCardSignIn;

  providePatientCards(impl: PatientCardSignIn): void {
    this.cards = impl;
  }

  get patientCards(): PatientCardSignIn | undefined {
    return this.cards;
  }
}
