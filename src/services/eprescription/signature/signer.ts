/**
 * Signing a prescription Bundle (処方箋への電子署名) — and, with a 薬剤師's key, a dispensing-result Bundle.
 *
 * THE SEAM TO A REAL HPKI OR A CLOUD SIGNING SERVICE: `PrescriberKey`. The national service accepts two ways to sign
 * (outside: 厚生労働省「電子処方箋における電子署名について」, via the 電子処方箋 FAQ of the 医療機関等向け総合ポータル):
 * - local signing (ローカル署名) with the HPKI card (HPKIカード, e.g. 医師資格証 of 日本医師会認証局, 薬剤師資格証 of
 *   日本薬剤師会認証局): an implementation reads the certificate chain from the card and has the card sign through
 *   its PKCS#11 driver; `sign` receives the JWS signing input, hashes it with SHA-256 and asks the card for an
 *   RSASSA-PKCS1-v1_5 signature over that digest (CKM_SHA256_RSA_PKCS, or CKM_RSA_PKCS over the DigestInfo);
 * - remote signing (リモート署名) with the HPKIセカンド電子証明書 held in the HPKI電子証明書管理サービス (offered by
 *   日本医師会, 日本薬剤師会 and MEDIS since December 2022, the holder authenticating on a smartphone with biometrics):
 *   `sign` computes the SHA-256 digest locally and sends only the digest to the service's hash-signing call after the
 *   holder's authentication, returning the signature value it answers (an ECDSA answer in DER is converted to r‖s).
 * Either way the content never leaves the facility and `sign` returns the JWS signature value for `alg`.
 * `localPrescriberKey` (credential.ts) is the test implementation.
 */
import type { Bundle, Signature } from '@medplum/fhirtypes';
import { canonicalSignedContent } from './canonical.ts';
import { holderFactsOf } from './holder.ts';
import { base64url, signingInput, signingTimeText, thumbprintS256, type SignatureAlgorithm, type SignatureHeader } from './jws.ts';

/** A prescriber's signing key: a card, a cloud signing service, or a local test key. */
export interface PrescriberKey {
  /** The JWS algorithm the key signs with. */
  readonly alg: SignatureAlgorithm;
  /** The signer's certificate first, then CA certificates: base64 DER, as x5c carries them. */
  certificateChain(): Promise<string[]>;
  /** The JWS signature value over `input` (for ES256: r‖s, 64 bytes). */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

/** Signature.sigFormat of a prescriber signature. */
export const SIGNATURE_FORMAT = 'application/jose';
/** Signature.targetFormat: what was signed, and how it was canonicalised (see canonical.ts). */
export const SIGNED_CONTENT_FORMAT = 'application/fhir+json;canonicalization=urn:tsunagu:canonicalization:rfc8785-without-signature';
/** Signature.type: ASTM E1762-95 "Author's Signature" (the FHIR R4 signature-type value set). */
export const AUTHOR_SIGNATURE_TYPE = { system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" } as const;

export interface SignOptions {
  /** The signing time put in sigT and Signature.when (default: now). */
  at?: Date;
  /** Signature.who (default: a display-only reference with the certificate's name; the certificate, not `who`, says who signed). */
  who?: Signature['who'];
}

/**
 * A copy of `bundle` with Bundle.signature set: a detached JWS over the canonical Bundle without its signature
 * (any signature already present is replaced, not countersigned).
 */
export async function signPrescriptionBundle<B extends Bundle>(
  bundle: B,
  key: PrescriberKey,
  options: SignOptions = {},
): Promise<B & { signature: Signature }> {
  const at = options.at ?? new Date();
  const x5c = await key.certificateChain();
  if (x5c.length === 0) throw new Error('the prescriber key has no certificate');
  const header: SignatureHeader = {
    alg: key.alg,
    typ: 'JOSE',
    cty: 'application/fhir+json',
    x5c,
    'x5t#S256': thumbprintS256(Buffer.from(x5c[0], 'base64')),
    sigT: signingTimeText(at),
  };
  const encodedHeader = base64url(JSON.stringify(header));
  const value = await key.sign(signingInput(encodedHeader, canonicalSignedContent(bundle as unknown as Record<string, unknown>)));
  const jws = `${encodedHeader}..${base64url(value)}`;
  const signature: Signature = {
    type: [{ ...AUTHOR_SIGNATURE_TYPE }],
    when: header.sigT,
    who: options.who ?? { display: holderFactsOf(Buffer.from(x5c[0], 'base64')).name },
    targetFormat: SIGNED_CONTENT_FORMAT,
    sigFormat: SIGNATURE_FORMAT,
    data: Buffer.from(jws, 'ascii').toString('base64'),
  };
  return { ...bundle, signature };
}
