/**
 * Verification of a prescriber signature (処方箋の電子署名の検証) on a FHIR Bundle.
 *
 * Checks, in order, each failing with its own reason (reasons.ts):
 *  1. the input is a Bundle; Bundle.signature is present (no-signature) and is one FHIR Signature with
 *     sigFormat application/jose, our targetFormat and base64 data holding a detached compact JWS (malformed);
 *  2. the protected header: alg is RS256 or ES256 (algorithm-not-allowed); x5c present; x5t#S256 matches; no `crit`
 *     member we do not understand (malformed);
 *  3. the certificate path to a trusted HPKI anchor (untrusted-chain); the signer's certificate is an end-entity
 *     certificate for signing (bad-key-usage) with a key fitting `alg` (algorithm-not-allowed);
 *  4. every certificate of the path is valid at `at` (not-yet-valid, expired);
 *  5. none is on its issuer's CRL (revoked: a revocation dated at or before `at`, or any keyCompromise revocation —
 *     a compromised key can have signed anything at any claimed time); with requireCurrentRevocationData, each
 *     issuer has a current CRL (revocation-unknown);
 *  6. the signature verifies over the canonical Bundle without its signature (content-mismatch: any change to any
 *     value of the signed content, or another key);
 *  7. Signature.when equals the signed sigT (malformed);
 *  8. the certificate's hcRole includes a required qualification (wrong-qualification).
 * `at` is the verification time (default now); the signing time (sigT) is the signer's claim and is not trusted
 * for validity: there is no timestamp (a long-term profile would add one, as the XAdES ES-T of the CDA-era
 * e-prescription did).
 */
import { fingerprintOf, normalizeSerial } from '../../eligibility/index.ts';
import { canonicalSignedContent, NonJsonValueError } from './canonical.ts';
import { holderFactsOf, type HolderFacts } from './holder.ts';
import { ALLOWED_ALGORITHMS, fromBase64url, keyFitsAlgorithm, signingInput, thumbprintS256, verifyWithKey, type SignatureAlgorithm } from './jws.ts';
import { buildPath } from './path.ts';
import { QUALIFICATIONS, roleOfHcRole, type QualificationRole } from './qualification.ts';
import { CONTENT_MISMATCH, NO_SIGNATURE, UNTRUSTED_CHAIN, malformed, refuse, type SignatureRefusal } from './reasons.ts';
import { revocationReasonText } from './revocation-text.ts';
import { SIGNATURE_FORMAT, SIGNED_CONTENT_FORMAT } from './signer.ts';
import type { PrescriberTrust } from './trust.ts';

export interface VerifyOptions {
  /** Verification time (default: now). */
  at?: Date;
  /** The qualification(s) of which the signer must hold one: 'doctor' | 'dentist' for a prescription (PRESCRIBING_ROLES), 'pharmacist' for a dispensing result. */
  requiredRole: QualificationRole | readonly QualificationRole[];
  /** Refuse when an issuing CA has no current CRL (default false: use the revocation data loaded). */
  requireCurrentRevocationData?: boolean;
}

export interface VerifiedSigner {
  /** 氏名 as certified. */
  name: string;
  /** The required qualification the certificate carries. */
  role: QualificationRole;
  /** Every known qualification in the certificate. */
  roles: QualificationRole[];
  /** 医籍登録番号 etc., when the certificate carries one. */
  registrationNumber?: string;
  /** Certificate serial, lowercase hex without leading zeros. */
  serial: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  fingerprint: string;
  /** Subject of the issuing CA and fingerprint of the anchor the path ends at. */
  issuer: string;
  anchorFingerprint: string;
  notAfter: Date;
}

export type SignatureVerification = { ok: true; signer: VerifiedSigner; signedAt: Date; alg: SignatureAlgorithm } | SignatureRefusal;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const UNDERSTOOD_CRITICAL = new Set(['sigT']);

function jaDate(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface ParsedJws {
  encodedHeader: string;
  header: Record<string, unknown>;
  signature: Buffer;
}

function parseSignatureElement(signature: unknown): ParsedJws | SignatureRefusal {
  if (!isObject(signature)) return malformed('Bundle.signature が1つの Signature ではありません', 'Bundle.signature is not one Signature');
  if (signature.sigFormat !== SIGNATURE_FORMAT) return malformed(`sigFormat は ${SIGNATURE_FORMAT} です`, `sigFormat must be ${SIGNATURE_FORMAT}`);
  if (signature.targetFormat !== SIGNED_CONTENT_FORMAT)
    return malformed('targetFormat（正規化方式）が対応外です', 'unsupported targetFormat (canonicalisation)');
  if (typeof signature.data !== 'string' || !BASE64.test(signature.data)) return malformed('data が base64 ではありません', 'data is not base64');
  const parts = Buffer.from(signature.data, 'base64').toString('latin1').split('.');
  if (parts.length !== 3 || parts[1] !== '') return malformed('分離署名の JWS ではありません', 'not a detached compact JWS');
  const [encodedHeader, , encodedSignature] = parts;
  const headerBytes = fromBase64url(encodedHeader);
  const sig = fromBase64url(encodedSignature);
  if (!headerBytes || !sig) return malformed('JWS の base64url が不正です', 'bad base64url in the JWS');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch {
    return malformed('JWS ヘッダーが JSON ではありません', 'the JWS header is not JSON');
  }
  if (!isObject(header)) return malformed('JWS ヘッダーが JSON オブジェクトではありません', 'the JWS header is not a JSON object');
  return { encodedHeader, header, signature: sig };
}

function requiredRoles(required: VerifyOptions['requiredRole']): readonly QualificationRole[] {
  return typeof required === 'string' ? [required] : required;
}

function qualificationText(roles: readonly QualificationRole[], lang: 'ja' | 'en'): string {
  return roles.map((r) => QUALIFICATIONS[r][lang]).join(lang === 'ja' ? '・' : ' or ');
}

/** Verifies the prescriber signature of `bundle` (see the module comment for the checks and their order). */
export async function verifyPrescriptionSignature(bundle: unknown, trust: PrescriberTrust, options: VerifyOptions): Promise<SignatureVerification> {
  const at = options.at ?? new Date();
  const t = at.getTime();
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') return malformed('Bundle ではありません', 'not a Bundle');
  if (bundle.signature === undefined || bundle.signature === null) return NO_SIGNATURE;
  const jws = parseSignatureElement(bundle.signature);
  if ('ok' in jws) return jws;
  const { header } = jws;

  // 2. the protected header
  if (typeof header.alg !== 'string' || !(ALLOWED_ALGORITHMS as readonly string[]).includes(header.alg)) {
    return refuse(
      'algorithm-not-allowed',
      `署名アルゴリズム「${String(header.alg)}」は使えません（RS256 または ES256）`,
      `signature algorithm "${String(header.alg)}" is not allowed (RS256 or ES256)`,
    );
  }
  const alg = header.alg as SignatureAlgorithm;
  if (jws.signature.length === 0) return malformed('署名値がありません', 'empty signature value');
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.some((c) => typeof c !== 'string' || !BASE64.test(c))) {
    return malformed('署名者の証明書（x5c）がありません', 'no signer certificate (x5c)');
  }
  if (header.crit !== undefined && (!Array.isArray(header.crit) || header.crit.some((c) => typeof c !== 'string' || !UNDERSTOOD_CRITICAL.has(c)))) {
    return malformed('対応していない必須ヘッダー（crit）があります', 'unsupported critical header parameters (crit)');
  }
  const signerDer = Buffer.from(x5c[0] as string, 'base64');
  if (header['x5t#S256'] !== undefined && header['x5t#S256'] !== thumbprintS256(signerDer)) {
    return malformed('x5t#S256 が署名者の証明書と一致しません', 'x5t#S256 does not match the signer certificate');
  }
  if (typeof header.sigT !== 'string' || Number.isNaN(Date.parse(header.sigT))) return malformed('署名時刻（sigT）がありません', 'no signing time (sigT)');

  // 3. path, key usage, key type
  const path = buildPath(x5c as string[], trust);
  if (!path.ok) return path.code === 'malformed' ? malformed('証明書を読み取れません', 'a certificate cannot be read') : UNTRUSTED_CHAIN;
  let holder: HolderFacts;
  try {
    holder = holderFactsOf(path.der);
  } catch {
    return malformed('証明書の資格属性（hcRole）を読み取れません', 'the certificate hcRole cannot be read');
  }
  if (!holder.signingUsage) return refuse('bad-key-usage', '電子署名用の証明書ではありません（鍵用途）', 'not a signing certificate (key usage)');
  if (!keyFitsAlgorithm(path.certificate.publicKey, alg)) {
    return refuse('algorithm-not-allowed', `証明書の鍵は署名アルゴリズム ${alg} に合いません`, `the certificate key does not fit the algorithm ${alg}`);
  }

  // 4. validity at `at`
  for (const link of path.links) {
    const who = link.role === 'signer' ? '署名者の証明書' : '認証局の証明書';
    const whoEn = link.role === 'signer' ? 'the signer certificate' : `the CA certificate ${link.subject.replace(/\n/g, ', ')}`;
    if (t < link.notBefore)
      return refuse('not-yet-valid', `${who}の有効期間（${jaDate(link.notBefore)}から）の前です`, `${whoEn} is not valid before ${jaDate(link.notBefore)}`);
    if (t > link.notAfter)
      return refuse('expired', `${who}の有効期限（${jaDate(link.notAfter)}）が切れています`, `${whoEn} expired on ${jaDate(link.notAfter)}`);
  }

  // 5. revocation
  for (const link of path.links) {
    if (!link.issuerFingerprint) continue;
    const revoked = trust.revocation(link.issuerFingerprint, link.serial);
    if (revoked && (revoked.reason === 'keyCompromise' || revoked.revokedAt.getTime() <= t)) {
      const r = revocationReasonText(revoked.reason);
      const who = link.role === 'signer' ? '署名者の証明書' : '認証局の証明書';
      return refuse(
        'revoked',
        `${who}は失効しています（${r.ja}、${jaDate(revoked.revokedAt.getTime())}）`,
        `${link.role === 'signer' ? 'the signer certificate' : 'a CA certificate'} is revoked (${r.en}, ${jaDate(revoked.revokedAt.getTime())})`,
      );
    }
    if (options.requireCurrentRevocationData && !trust.hasCurrentRevocationData(link.issuerFingerprint, at)) {
      return refuse('revocation-unknown', '認証局の最新の失効情報（CRL）がないため確認できません', 'no current revocation data (CRL) for the issuing CA');
    }
  }

  // 6. the signature over the content
  let content: Uint8Array;
  try {
    content = canonicalSignedContent(bundle);
  } catch (e) {
    if (e instanceof NonJsonValueError) return malformed('署名対象が JSON ではありません', `the signed content is not JSON: ${e.message}`);
    throw e;
  }
  if (!verifyWithKey(path.certificate.publicKey, alg, signingInput(jws.encodedHeader, content), jws.signature)) return CONTENT_MISMATCH;

  // 7. the unsigned Signature.when must say what the signed sigT says
  const when = (bundle.signature as Record<string, unknown>).when;
  if (when !== undefined && (typeof when !== 'string' || Date.parse(when) !== Date.parse(header.sigT))) {
    return malformed('Signature.when が署名時刻（sigT）と一致しません', 'Signature.when differs from the signed time (sigT)');
  }

  // 8. the qualification
  const required = requiredRoles(options.requiredRole);
  const role = required.find((r) => holder.roles.includes(r));
  if (!role) {
    const held =
      holder.hcRoles.length > 0
        ? holder.hcRoles
            .map((h) => {
              const r = roleOfHcRole(h);
              return r ? QUALIFICATIONS[r].ja : h;
            })
            .join('・')
        : '資格属性なし';
    const heldEn = holder.hcRoles.length > 0 ? holder.hcRoles.join(', ') : 'no hcRole';
    return refuse(
      'wrong-qualification',
      `署名者の資格（${held}）では署名できません（${qualificationText(required, 'ja')}の資格が必要です）`,
      `the signer's qualification (${heldEn}) may not sign this (${qualificationText(required, 'en')} required)`,
    );
  }
  const issuer = path.links[1]?.subject ?? '';
  return {
    ok: true,
    alg,
    signedAt: new Date(header.sigT),
    signer: {
      name: holder.name,
      role,
      roles: holder.roles,
      registrationNumber: holder.registrationNumber,
      serial: normalizeSerial(path.certificate.serialNumber),
      fingerprint: fingerprintOf(path.der),
      issuer: issuer.replace(/\n/g, ', '),
      anchorFingerprint: path.anchorFingerprint,
      notAfter: new Date(Math.min(...path.links.map((l) => l.notAfter))),
    },
  };
}
