/**
 * Signature datatype (電子署名: Bundle.signature of referral letters, Provenance.signature of
 * prescriptions): the JWS structure of `data`. The Signature elements themselves (type 1..*, when,
 * who, sigFormat / targetFormat MIME types, data as base64Binary) are checked by the walk from the
 * base definition.
 *
 * When `sigFormat` is `application/jose` — or `data` decodes to something shaped like a compact JWS
 * — the decoded data must be a JWS (RFC 7515): compact `header.payload.signature` (the payload may be
 * empty: detached, as FHIR signs the canonical form of the resource) or the JSON serialization; the
 * protected header must be base64url JSON naming `alg`; the signature part must be base64url and,
 * unless `alg` is `none`, not empty. Errors: these make the signature unusable.
 *
 * Not checked: the cryptographic validity (key, certificate chain, the canonical form digest). The
 * R4-era HL7 validator checks Signature structure only; recent versions verify signatures against
 * certificates, which needs the signer's trust material Tsunagu does not hold.
 */
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';

type Json = Record<string, unknown>;

const B64URL = /^[A-Za-z0-9_-]*$/;
const COMPACT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export const sigMsg = {
  notJws: (why: string): Message => ({
    ja: `Signature.data は JWS ではありません（${why}）`,
    en: `Signature.data (sigFormat application/jose) is not a JWS: ${why}`,
  }),
  badHeader: (why: string): Message => ({
    ja: `Signature.data の JWS ヘッダーが不正です（${why}）`,
    en: `The JWS header in Signature.data is invalid: ${why}`,
  }),
  badSignature: (why: string): Message => ({
    ja: `Signature.data の JWS 署名部が不正です（${why}）`,
    en: `The JWS signature part in Signature.data is invalid: ${why}`,
  }),
};

const isJose = (sigFormat: unknown): boolean => typeof sigFormat === 'string' && /^application\/jose(\s*;.*)?$/i.test(sigFormat.trim());

function decodeBase64(s: string): string | undefined {
  if (!BASE64.test(s)) return undefined;
  try {
    return Buffer.from(s.replace(/\s+/g, ''), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

function decodeBase64Url(s: string): string | undefined {
  if (!B64URL.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url').toString('utf8');
}

/** Problems of a JOSE header (JSON text), or undefined when it is usable. */
function headerProblem(json: string | undefined): { why: string } | { alg: string } {
  if (json === undefined) return { why: 'not base64url' };
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch {
    return { why: 'not JSON' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return { why: 'not a JSON object' };
  const alg = (header as Json).alg;
  if (typeof alg !== 'string' || !alg) return { why: "no 'alg'" };
  return { alg };
}

/** Checks one Signature value (at `loc`). */
export function checkSignature(sig: Json, loc: string, issues: IssueCollector): void {
  const data = sig.data;
  if (typeof data !== 'string' || !data) return;
  const declared = isJose(sig.sigFormat);
  const text = decodeBase64(data);
  if (text === undefined) return; // not base64: reported by the primitive check
  const trimmed = text.trim();
  const dataLoc = `${loc}.data`;
  if (trimmed.startsWith('{')) {
    if (declared) checkJsonSerialization(trimmed, dataLoc, issues);
    return;
  }
  if (!COMPACT_SHAPE.test(trimmed)) {
    if (declared) issues.error('invalid', sigMsg.notJws('expected the compact form header.payload.signature or the JSON serialization'), dataLoc);
    return;
  }
  const [h, , s] = trimmed.split('.');
  const header = headerProblem(decodeBase64Url(h));
  if ('why' in header) {
    // Without sigFormat, JWS-shaped data whose first part is no JOSE header is not taken for a JWS.
    if (declared || h.startsWith('eyJ')) issues.error('invalid', sigMsg.badHeader(header.why), dataLoc);
    return;
  }
  checkSignaturePart(s, header.alg, dataLoc, issues);
}

function checkSignaturePart(s: string, alg: string, loc: string, issues: IssueCollector): void {
  if (!B64URL.test(s) || s.length % 4 === 1) issues.error('invalid', sigMsg.badSignature('not base64url'), loc);
  else if (!s && alg !== 'none') issues.error('invalid', sigMsg.badSignature('empty'), loc);
}

function checkJsonSerialization(text: string, loc: string, issues: IssueCollector): void {
  let jws: unknown;
  try {
    jws = JSON.parse(text);
  } catch {
    issues.error('invalid', sigMsg.notJws('not valid JSON'), loc);
    return;
  }
  const obj = jws as Json;
  const sigs: unknown[] = Array.isArray(obj.signatures) ? obj.signatures : obj.signature !== undefined ? [obj] : [];
  if (!sigs.length) {
    issues.error('invalid', sigMsg.notJws("a JSON serialization needs 'signature' or 'signatures'"), loc);
    return;
  }
  for (const entry of sigs) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Json;
    const protectedPart = typeof e.protected === 'string' ? e.protected : undefined;
    const unprotected = typeof e.header === 'object' && e.header !== null ? (e.header as Json) : undefined;
    let alg: string | undefined = typeof unprotected?.alg === 'string' ? unprotected.alg : undefined;
    if (protectedPart !== undefined) {
      const header = headerProblem(decodeBase64Url(protectedPart));
      if ('why' in header) {
        if (!alg || header.why !== "no 'alg'") {
          issues.error('invalid', sigMsg.badHeader(header.why), loc);
          continue;
        }
      } else alg = header.alg;
    }
    if (!alg) {
      issues.error('invalid', sigMsg.badHeader("no 'alg'"), loc);
      continue;
    }
    checkSignaturePart(typeof e.signature === 'string' ? e.signature : '', alg, loc, issues);
  }
}
