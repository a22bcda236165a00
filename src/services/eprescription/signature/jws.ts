/**
 * The JWS (RFC 7515) of a prescriber signature: compact serialization with a detached payload (RFC 7515 Appendix F:
 * `BASE64URL(header) '..' BASE64URL(signature)`; the payload — the canonical signed content — travels as the Bundle).
 *
 * Protected header (all members are covered by the signature):
 *   alg        'RS256' (RSASSA-PKCS1-v1_5 with SHA-256, HPKI's RSA-2048 keys) or 'ES256' (ECDSA P-256 with SHA-256,
 *              the signature as r‖s, RFC 7518 §3.4); nothing else is accepted — no 'none', no HMAC
 *   typ        'JOSE'                      cty  'application/fhir+json'
 *   x5c        the signer's certificate first, then CA certificates, each base64 (not base64url) DER (RFC 7515 §4.1.6)
 *   x5t#S256   base64url SHA-256 of the signer's certificate DER (RFC 7515 §4.1.8)
 *   sigT       the claimed signing time, RFC 3339 UTC to the second (the name is JAdES's, ETSI TS 119 182-1; this is
 *              not a JAdES signature: no other JAdES member, no timestamp)
 * Signing input: ASCII(BASE64URL(UTF-8(header JSON)) '.' BASE64URL(canonical signed content)).
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export type SignatureAlgorithm = 'RS256' | 'ES256';

export const ALLOWED_ALGORITHMS: readonly SignatureAlgorithm[] = ['RS256', 'ES256'];

export interface SignatureHeader {
  alg: SignatureAlgorithm;
  typ: 'JOSE';
  cty: 'application/fhir+json';
  x5c: string[];
  'x5t#S256': string;
  sigT: string;
}

export function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Bytes of base64url text, or undefined when it is not base64url. */
export function fromBase64url(text: string): Buffer | undefined {
  return BASE64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
}

export function thumbprintS256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

/** The signing input of a header (already base64url-encoded) and the payload bytes. */
export function signingInput(encodedHeader: string, payload: Uint8Array): Buffer {
  return Buffer.from(`${encodedHeader}.${base64url(payload)}`, 'ascii');
}

/** Whether `key` is a key the algorithm is defined for (RS256: RSA of at least 2048 bits; ES256: P-256). */
export function keyFitsAlgorithm(key: KeyObject, alg: SignatureAlgorithm): boolean {
  const d = key.asymmetricKeyDetails;
  if (alg === 'ES256') return key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1';
  return key.asymmetricKeyType === 'rsa' && (d?.modulusLength ?? 0) >= 2048;
}

/** The algorithm to sign with for a key, or undefined for a key the service does not accept. */
export function algorithmForKey(key: KeyObject): SignatureAlgorithm | undefined {
  return ALLOWED_ALGORITHMS.find((alg) => keyFitsAlgorithm(key, alg));
}

/** A JWS signature value (r‖s for ES256) with a private key. */
export function signWithKey(key: KeyObject, alg: SignatureAlgorithm, input: Uint8Array): Buffer {
  return alg === 'ES256' ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', input, key);
}

export function verifyWithKey(key: KeyObject, alg: SignatureAlgorithm, input: Uint8Array, signature: Uint8Array): boolean {
  try {
    return alg === 'ES256' ? verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha256', input, key, signature);
  } catch {
    return false;
  }
}

/** RFC 3339 UTC to the second, as sigT and Signature.when carry it. */
export function signingTimeText(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
