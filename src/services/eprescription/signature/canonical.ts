/**
 * The signed content of a prescription Bundle (署名対象) and its canonical form (正規化).
 *
 * Signed content: the Bundle as JSON with its top-level `signature` member removed — every other member, `id`,
 * `meta`, `identifier`, `timestamp` and every entry included. This follows the JP FHIR document Bundle's own note on
 * Bundle.signature (JP_Bundle_CCLIX in the jp-ePrescriptionData package: 「文書情報全体（signature要素以外の部分）に
 * 対する電子署名」). Whoever stores a signed Bundle keeps it as signed: a server that rewrote Bundle.meta would break
 * the signature (FHIR R4 itself leaves it to the profile what a Bundle signature covers).
 *
 * Canonical form: the JSON Canonicalization Scheme, RFC 8785 (JCS), encoded as UTF-8:
 * - no whitespace between tokens;
 * - object members sorted by their names compared as arrays of UTF-16 code units (RFC 8785 §3.2.3);
 * - strings written as ECMAScript JSON.stringify writes them (RFC 8785 §3.2.2.2: `"`, `\` and U+0000–U+001F escaped,
 *   \b \t \n \f \r short forms, other characters — Japanese text included — as themselves; lone surrogates as \uXXXX);
 * - numbers as ECMAScript Number-to-String (RFC 8785 §3.2.2.3: `7`, `0.25`, `1e+21`, -0 as `0`);
 * - literals `true`, `false`, `null`; members whose value is `undefined` are left out (as JSON.stringify does, so a
 *   Bundle built in memory and the same Bundle parsed from its JSON text have one canonical form).
 * Consequences: whitespace, member order and number spelling (`7.0` vs `7`) are not content; every value change is.
 * Non-finite numbers, bigint, functions and other non-JSON values are refused (NonJsonValueError).
 */

export class NonJsonValueError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function write(value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value === 'boolean') {
    out.push(String(value));
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NonJsonValueError(`${path} is not a finite number`);
    out.push(JSON.stringify(value));
    return;
  }
  if (typeof value === 'string') {
    out.push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      if (item === undefined) throw new NonJsonValueError(`${path}[${i}] is undefined`);
      write(item, `${path}[${i}]`, out);
    });
    out.push(']');
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) !== null && Object.getPrototypeOf(value) !== Object.prototype) {
    throw new NonJsonValueError(`${path} is not a plain JSON object`);
  }
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(obj[k], `${path}.${k}`, out);
    });
    out.push('}');
    return;
  }
  throw new NonJsonValueError(`${path} is a ${typeof value}, not a JSON value`);
}

/** RFC 8785 canonical JSON text of a JSON value. Throws NonJsonValueError on a non-JSON value. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out);
  return out.join('');
}

/** The Bundle without its top-level `signature` member (a shallow copy; the input is not changed). */
export function signedContentOf(bundle: Record<string, unknown>): Record<string, Json> {
  const { signature: _signature, ...rest } = bundle;
  return rest as Record<string, Json>;
}

/** The exact bytes the prescriber signs: UTF-8 of the canonical JSON of the Bundle without `signature`. */
export function canonicalSignedContent(bundle: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(canonicalJson(signedContentOf(bundle)));
}
