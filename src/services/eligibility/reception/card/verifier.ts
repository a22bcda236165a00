/**
 * Platform-side verification of a card assertion (利用者証明用電子証明書による本人確認).
 *
 * Checks, in order: the assertion is well formed; the certificate chains to a configured trusted CA with
 * proper CA flags and key usages; the challenge is ours, for this facility, unexpired and unused (it is
 * consumed here); every certificate of the path is valid at the verification time; none is revoked;
 * the signature over the challenge verifies with the certificate's key.
 *
 * Speed: path building (the certificate signature checks) is cached per certificate (plus presented
 * chain) in a bounded LRU, keyed on the trust store version, so a repeat verification costs one
 * signature check, two date comparisons, O(1) revocation lookups and the challenge MAC. Negative path
 * results are cached too.
 *
 * The result names the certificate (serial, SHA-256 fingerprint, card id); mapping it to a person is the
 * linking layer's job — the My Number is never involved.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { japanDateOf } from '../../model/calendar-date.ts';
import type { Reason } from '../../model/reason.ts';
import { fingerprintOf, keyTypeOf, normalizeSerial, verifyData, type CardKeyType } from './algorithms.ts';
import type { CardAssertion } from './card.ts';
import { challengeSigningInput, type ChallengeFailure, type ChallengeIssuer } from './challenge.ts';
import { REVOCATION_REASONS } from './revocation.ts';
import { describeCertificate, type CaCertificate, type TrustStore } from './trust-store.ts';
import { KeyUsageBit, keyUsageOf } from './der.ts';

export type CardVerificationFailure =
  | 'malformed'
  | 'untrusted-ca'
  | 'bad-key-usage'
  | 'unsupported-key'
  | 'expired-certificate'
  | 'not-yet-valid'
  | 'revoked'
  | 'revocation-unknown'
  | 'bad-signature'
  | ChallengeFailure;

export interface VerifiedCard {
  ok: true;
  /** Certificate serial number (lowercase hex, no leading zeros). */
  serial: string;
  /** SHA-256 of the certificate DER (lowercase hex). */
  fingerprint: string;
  /** Opaque card id from the certificate subject (CN). */
  cardId: string;
  /** Fingerprint of the issuing CA and of the trust anchor the path ends at. */
  issuerFingerprint: string;
  anchorFingerprint: string;
  notAfter: Date;
  keyType: CardKeyType;
  method: CardAssertion['method'];
}

export type CardVerification = VerifiedCard | ({ ok: false } & Reason<CardVerificationFailure>);

export interface CardVerifierOptions {
  trustStore: TrustStore;
  challenges: ChallengeIssuer;
  /** Entries in the path cache (default 100,000). */
  cacheSize?: number;
  /** Refuse when no current CRL covers an issuing CA (default false: use what is loaded). */
  requireCurrentRevocationData?: boolean;
  /** Longest path, leaf included (default 4). */
  maxPathLength?: number;
}

/** One certificate of a validated path, with what per-verification checks need. */
interface PathLink {
  role: 'leaf' | 'intermediate' | 'anchor';
  subject: string;
  serial: string;
  /** Fingerprint of the certificate that issued this one (undefined for the anchor). */
  issuerFingerprint?: string;
  notBefore: number;
  notAfter: number;
}

type PathResult =
  | {
      ok: true;
      version: number;
      fingerprint: string;
      serial: string;
      cardId: string;
      publicKey: KeyObject;
      keyType: CardKeyType;
      links: PathLink[];
      anchorFingerprint: string;
      notAfter: number;
    }
  | ({ ok: false; version: number } & Reason<CardVerificationFailure>);

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function failure(code: CardVerificationFailure, ja: string, en: string): { ok: false } & Reason<CardVerificationFailure> {
  return { ok: false, code, ja, en };
}

const MALFORMED = (what: string) => failure('malformed', `カードからの応答が不正です（${what}）`, `the card response is malformed (${what})`);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function jpDate(ms: number): string {
  return japanDateOf(new Date(ms));
}

export class CardVerifier {
  private readonly cache = new Map<string, PathResult>();
  private readonly cacheSize: number;
  private readonly maxPathLength: number;
  private hits = 0;
  private misses = 0;

  constructor(private readonly options: CardVerifierOptions) {
    this.cacheSize = options.cacheSize ?? 100_000;
    this.maxPathLength = options.maxPathLength ?? 4;
  }

  stats(): { size: number; hits: number; misses: number } {
    return { size: this.cache.size, hits: this.hits, misses: this.misses };
  }

  /** Verifies an assertion presented through an authenticated facility at time `now`. */
  async verify(assertion: CardAssertion, context: { facilityCode: string; now?: Date }): Promise<CardVerification> {
    const now = context.now ?? new Date();
    const a = assertion as Partial<CardAssertion> | null;
    if (!a || typeof a !== 'object') return MALFORMED('not an object');
    if (typeof a.challenge !== 'string' || a.challenge === '') return MALFORMED('challenge');
    if (typeof a.signature !== 'string' || !BASE64URL.test(a.signature)) return MALFORMED('signature');
    if (typeof a.certificate !== 'string' || !BASE64.test(a.certificate)) return MALFORMED('certificate');
    const chain = a.chain ?? [];
    if (!Array.isArray(chain) || chain.some((c) => typeof c !== 'string' || !BASE64.test(c))) return MALFORMED('chain');
    if (a.method !== 'pin' && a.method !== 'face') return MALFORMED('method');

    const path = this.path(a.certificate, chain);
    if (!path.ok) return failure(path.code, path.ja, path.en);

    const redeemed = await this.options.challenges.redeem(a.challenge, context.facilityCode, now);
    if (!redeemed.ok) return failure(redeemed.code, redeemed.ja, redeemed.en);

    const t = now.getTime();
    for (const link of path.links) {
      const who = link.role === 'leaf' ? '利用者証明用電子証明書' : '認証局の証明書';
      const whoEn = link.role === 'leaf' ? 'the user certificate' : `the CA certificate ${link.subject}`;
      if (t < link.notBefore)
        return failure('not-yet-valid', `${who}の有効期間（${jpDate(link.notBefore)}から）の前です`, `${whoEn} is not valid before ${jpDate(link.notBefore)}`);
      if (t > link.notAfter)
        return failure('expired-certificate', `${who}の有効期限（${jpDate(link.notAfter)}）が切れています`, `${whoEn} expired on ${jpDate(link.notAfter)}`);
    }

    const store = this.options.trustStore;
    for (const link of path.links) {
      if (!link.issuerFingerprint) continue;
      const revoked = store.revocation(link.issuerFingerprint, link.serial);
      if (revoked) {
        const r = REVOCATION_REASONS[revoked.reason];
        const who = link.role === 'leaf' ? '電子証明書' : '認証局の証明書';
        return failure(
          'revoked',
          `${who}は失効しています（${r.ja}、${jpDate(revoked.revokedAt.getTime())}）`,
          `${link.role === 'leaf' ? 'the certificate' : 'a CA certificate'} is revoked (${r.en}, ${jpDate(revoked.revokedAt.getTime())})`,
        );
      }
      if (this.options.requireCurrentRevocationData && !store.hasCurrentRevocationData(link.issuerFingerprint, now)) {
        return failure('revocation-unknown', '失効情報が最新ではないため確認できません', 'no current revocation data for the issuing CA');
      }
    }

    const ok = verifyData(path.publicKey, path.keyType, challengeSigningInput(a.challenge), Buffer.from(a.signature, 'base64url'));
    if (!ok) return failure('bad-signature', 'カードの署名を検証できません', 'the card signature does not verify');

    return {
      ok: true,
      serial: path.serial,
      fingerprint: path.fingerprint,
      cardId: path.cardId,
      issuerFingerprint: path.links[0].issuerFingerprint!,
      anchorFingerprint: path.anchorFingerprint,
      notAfter: new Date(path.notAfter),
      keyType: path.keyType,
      method: a.method,
    };
  }

  /** Cached path validation (no time-dependent checks: those run on every verification). */
  private path(certificate: string, chain: string[]): PathResult {
    const key = chain.length === 0 ? certificate : `${certificate}|${chain.join('|')}`;
    const version = this.options.trustStore.version;
    const cached = this.cache.get(key);
    if (cached && cached.version === version) {
      this.hits++;
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    this.misses++;
    const result = this.buildPath(certificate, chain, version);
    this.cache.set(key, result);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }

  private buildPath(certificateB64: string, chainB64: string[], version: number): PathResult {
    const fail = (code: CardVerificationFailure, ja: string, en: string): PathResult => ({ ok: false, version, code, ja, en });
    let leafDer: Buffer;
    let leaf: X509Certificate;
    let leafUsage: ((bit: number) => boolean) | null;
    let presented: CaCertificate[];
    try {
      leafDer = Buffer.from(certificateB64, 'base64');
      leaf = new X509Certificate(leafDer);
      leafUsage = keyUsageOf(leafDer);
      presented = chainB64.map((b64) => describeCertificate(Buffer.from(b64, 'base64')));
    } catch {
      const m = MALFORMED('certificate');
      return { ...m, version };
    }

    // The leaf: an end-entity certificate for digital signature (client authentication). Node's parser gives the
    // CA flag and the extended key usages; the KeyUsage bits come from a minimal DER read (der.ts).
    const eku = leaf.keyUsage;
    if (leaf.ca || !leafUsage || !leafUsage(KeyUsageBit.digitalSignature) || (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH))) {
      return fail('bad-key-usage', '利用者証明用として使えない証明書です（鍵用途）', 'the certificate is not for user authentication (key usage)');
    }
    const keyType = keyTypeOf(leaf.publicKey);
    if (!keyType) return fail('unsupported-key', '対応していない鍵の種類です（RSA-2048 または P-256）', 'unsupported key type (RSA-2048 or P-256 expected)');

    // Walk up to a trust anchor.
    const store = this.options.trustStore;
    const anchors = store.anchors();
    const helpers = [...presented, ...store.intermediates()];
    const links: PathLink[] = [];
    let current = leaf;
    let role: PathLink['role'] = 'leaf';
    for (let depth = 0; depth < this.maxPathLength; depth++) {
      const link: PathLink = { role, subject: current.subject, serial: normalizeSerial(current.serialNumber), ...validityOf(current) };
      links.push(link);
      const anchor = anchors.find((ca) => issuedBy(current, ca));
      if (anchor) {
        link.issuerFingerprint = anchor.fingerprint;
        links.push({ role: 'anchor', subject: anchor.subject, serial: normalizeSerial(anchor.certificate.serialNumber), ...validityOf(anchor.certificate) });
        return {
          ok: true,
          version,
          fingerprint: fingerprintOf(leafDer),
          serial: normalizeSerial(leaf.serialNumber),
          cardId: commonNameOf(leaf.subject),
          publicKey: leaf.publicKey,
          keyType,
          links,
          anchorFingerprint: anchor.fingerprint,
          notAfter: Math.min(...links.map((l) => l.notAfter)),
        };
      }
      const next = helpers.find((ca) => !links.some((l) => l.subject === ca.subject && l.role !== 'leaf') && issuedBy(current, ca));
      if (!next) break;
      let nextUsage: ((bit: number) => boolean) | null;
      try {
        nextUsage = keyUsageOf(next.der);
      } catch {
        return fail('untrusted-ca', '中間認証局の証明書を読み取れません', 'an intermediate certificate cannot be read');
      }
      if (!next.certificate.ca || (nextUsage && !nextUsage(KeyUsageBit.keyCertSign))) {
        return fail('untrusted-ca', '中間認証局の証明書が認証局として使えません', 'an intermediate certificate is not a CA');
      }
      link.issuerFingerprint = next.fingerprint;
      current = next.certificate;
      role = 'intermediate';
    }
    return fail('untrusted-ca', '信頼する認証局が発行した証明書ではありません', 'the certificate does not chain to a trusted CA');
  }
}

/** Validity of a certificate in epoch milliseconds (Node gives the dates as RFC 5280 text, second precision). */
function validityOf(cert: X509Certificate): { notBefore: number; notAfter: number } {
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/** The CN of a subject as Node prints it (one `key=value` per line; a multi-valued CN is joined by newlines). */
function commonNameOf(subject: string): string {
  const line = subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : '';
}

/** `cert` names `ca` as issuer and its signature verifies with the CA's key. */
function issuedBy(cert: X509Certificate, ca: CaCertificate): boolean {
  try {
    return cert.checkIssued(ca.certificate) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}
