/**
 * Patient sign-in with the card (カードでのサインイン), the eligibility service's side of the authorization server's
 * seam (src/platform/auth/app-launch/patient-sign-in.ts). In process, no HTTP: the card file is checked, the virtual
 * reader runs the chip with the PIN (the same chip memory as at the desk: wrong PINs at sign-in and at reception
 * count together) over a fresh challenge of the sign-in issuer, the CardVerifier checks the assertion (trust store,
 * revocation, validity) and the certificate link (cards.ts) gives the person.
 *
 * Sign-in challenges come from their own ChallengeIssuer (its own shared secret, audience `portal-sign-in`) with the
 * reception replay guard: single use, and a reception challenge fails here as a sign-in one fails at `$verify-card`
 * (the MAC does not verify). Only the PIN path: a face match is asserted by a staffed reader, not a web page.
 */
import type { PatientCardProof, PatientCardResult, PatientCardSignIn } from '../../../platform/auth/app-launch/patient-sign-in.ts';
import type { CardAssertion } from './card/card.ts';
import { checkCardFile } from './card/card-file-check.ts';
import type { ChallengeIssuer } from './card/challenge.ts';
import type { CardVerifier } from './card/verifier.ts';
import type { CertificateHolder } from './cards.ts';
import type { VirtualReader } from './virtual-reader.ts';

/** The audience of sign-in challenges (in place of a 医療機関コード). */
export const SIGN_IN_AUDIENCE = 'portal-sign-in';

/** Largest card file text accepted (an issued file is about 3 KB). */
const MAX_CARD_FILE = 64 * 1024;

export interface CardSignInDeps {
  reader: VirtualReader;
  /** The sign-in issuer (not the reception one) and a verifier over it. */
  challenges: ChallengeIssuer;
  verifier: CardVerifier;
  holder(fingerprint: string): Promise<CertificateHolder | undefined>;
}

type Refusal = Extract<PatientCardResult, { ok: false }>;

const refusal = (code: string, ja: string, en: string, extra: Partial<Refusal> = {}): Refusal => ({ ok: false, code, ja, en, ...extra });

const MALFORMED = (detail: string) =>
  refusal('malformed', 'カードのファイルを読み取れません（仮想マイナンバーカードのファイルを選んでください）', `the card file cannot be read (${detail})`);

/** The display name of a JP_Patient: the 漢字 (IDE) name, else the first. */
export function patientName(patientJson: string | null | undefined): string {
  if (!patientJson) return '';
  const p = (typeof patientJson === 'string' ? JSON.parse(patientJson) : patientJson) as {
    name?: { text?: string; family?: string; given?: string[]; extension?: { valueCode?: string }[] }[];
  };
  const names = p.name ?? [];
  const n = names.find((x) => x.extension?.some((e) => e.valueCode === 'IDE')) ?? names[0];
  if (!n) return '';
  return n.text ?? [n.family, ...(n.given ?? [])].filter(Boolean).join(' ');
}

export class CardSignIn implements PatientCardSignIn {
  constructor(private readonly deps: CardSignInDeps) {}

  /** A fresh single-use challenge bound to sign-in. */
  challenge(now = new Date()): string {
    return this.deps.challenges.issue(SIGN_IN_AUDIENCE, now).challenge;
  }

  async authenticate(proof: PatientCardProof): Promise<PatientCardResult> {
    if (typeof proof.cardFile !== 'string' || proof.cardFile.length > MAX_CARD_FILE) return MALFORMED('not a card file');
    let value: unknown;
    try {
      value = JSON.parse(proof.cardFile);
    } catch {
      return MALFORMED('not JSON');
    }
    const checked = await checkCardFile(value);
    if (!checked.ok) return refusal('malformed', checked.ja, checked.en);
    // The certificate is readable without the PIN: a refused attempt is recorded in its holder's log (sign-in.ts).
    const holder = await this.deps.holder(checked.fingerprint);
    const patientId = holder && !holder.superseded && !holder.unlinked ? holder.patientId : undefined;
    const read = await this.deps.reader.authenticate(checked.file, this.challenge(), { pin: typeof proof.pin === 'string' ? proof.pin : '' });
    if (!read.ok) {
      // sign-in.ts adds the tries left to what it shows.
      if (read.code === 'wrong-pin') return refusal('wrong-pin', '暗証番号が違います', 'wrong PIN', { retriesLeft: read.retriesLeft, patientId });
      return refusal(read.code, read.ja, read.en, { patientId, ...(read.retriesLeft !== undefined ? { retriesLeft: read.retriesLeft } : {}) });
    }
    const result = await this.verify(read.assertion);
    return result.ok ? result : { ...result, patientId: result.patientId ?? patientId };
  }

  /** Verifies an assertion over a sign-in challenge (consuming it) and finds the card's holder. */
  async verify(assertion: CardAssertion, now = new Date()): Promise<PatientCardResult> {
    const card = await this.deps.verifier.verify(assertion, { facilityCode: SIGN_IN_AUDIENCE, now });
    if (!card.ok) return refusal(card.code, card.ja, card.en);
    const holder = await this.deps.holder(card.fingerprint);
    if (!holder || holder.unlinked)
      return refusal(
        'not-linked',
        'このカードは登録されていません（保険者による資格情報との紐付けが必要です）',
        'this card is not linked to a registered person (the insurer links it first)',
      );
    if (holder.superseded)
      return refusal(
        'superseded',
        'この電子証明書は更新済みです（更新後のカードのファイルを使ってください）',
        'this certificate has been renewed; use the card file with its new certificate',
        { patientId: holder.patientId },
      );
    return { ok: true, patientId: holder.patientId, name: patientName(holder.patientJson) || `Patient/${holder.patientId}` };
  }
}
