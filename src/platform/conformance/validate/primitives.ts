/**
 * FHIR R4 primitive types (プリミティブ型): JSON representation and lexical rules, as defined on
 * https://hl7.org/fhir/R4/datatypes.html (regular expressions from the spec, plus calendar checks).
 */

import fhirpath from 'fhirpath';
import { xhtmlTypeProblem } from './xhtml.ts';

const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[1-2][0-9]|3[0-1])';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const TZ = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';

const REGEX: Record<string, RegExp> = {
  date: new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`),
  dateTime: new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${TZ})?)?)?$`),
  instant: new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${TZ}$`),
  time: new RegExp(`^${TIME}$`),
  code: /^[^\s]+( [^\s]+)*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  oid: /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/,
  // The uuid type is lowercase (R4 datatypes regex `urn:uuid:[0-9a-f]{8}-…`; "UUIDs must be valid (and lowercase)").
  uuid: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  uri: /^\S+$/,
  url: /^\S+$/,
  canonical: /^\S+$/,
  base64Binary: /^(\s*([0-9a-zA-Z+=/]){4}\s*)+$/,
};

const URN_UUID_ANY_CASE = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export type PrimitiveProblem = 'json-type' | 'format' | 'range' | 'empty';

export interface PrimitiveCheck {
  ok: boolean;
  problem?: PrimitiveProblem;
  /** JSON type the value should have had, when problem is json-type. */
  expectedJson?: string;
}

/** The JSON type a primitive of this FHIR type must use. */
export function jsonTypeOf(type: string): 'boolean' | 'number' | 'string' {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'positiveInt':
    case 'unsignedInt':
    case 'decimal':
      return 'number';
    default:
      return 'string';
  }
}

export function checkPrimitive(type: string, value: unknown): PrimitiveCheck {
  const expected = jsonTypeOf(type);
  if (typeof value !== expected) return { ok: false, problem: 'json-type', expectedJson: expected };
  if (expected === 'boolean') return { ok: true };
  if (expected === 'number') return checkNumber(type, value as number);
  const s = value as string;
  if (s.length === 0) return { ok: false, problem: 'empty' };
  const re = REGEX[type];
  if (re && !re.test(s)) return { ok: false, problem: 'format' };
  if ((type === 'date' || type === 'dateTime' || type === 'instant') && !validCalendarDate(s)) return { ok: false, problem: 'format' };
  if ((type === 'uri' || type === 'url' || type === 'canonical') && !validUriPrefix(s)) return { ok: false, problem: 'format' };
  // The xhtml type: XHTML-namespaced, well-formed <div> using the allowed elements and attributes (content is txt-2).
  if (type === 'xhtml' && xhtmlTypeProblem(s) !== undefined) return { ok: false, problem: 'format' };
  if (type === 'string' || type === 'markdown') {
    if (s.trim().length === 0) return { ok: false, problem: 'empty' };
  }
  return { ok: true };
}

function checkNumber(type: string, n: number): PrimitiveCheck {
  if (!Number.isFinite(n)) return { ok: false, problem: 'format' };
  if (type === 'decimal') return { ok: true };
  if (!Number.isInteger(n)) return { ok: false, problem: 'format' };
  if (n < INT_MIN || n > INT_MAX) return { ok: false, problem: 'range' };
  if (type === 'positiveInt' && n < 1) return { ok: false, problem: 'range' };
  if (type === 'unsignedInt' && n < 0) return { ok: false, problem: 'range' };
  return { ok: true };
}

/** Rejects impossible calendar dates such as 2021-02-30 that the regular expressions accept. */
function validCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return true;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

/**
 * urn:oid: and urn:uuid: URIs must follow their own syntax. A fragment (`urn:uuid:…#p1`, a resource
 * contained in a Bundle entry) is not part of the UUID / OID and is allowed, as in any URI.
 */
function validUriPrefix(s: string): boolean {
  // `oid:` / `uuid:` without `urn:` are not URIs of those schemes ("URI values cannot start with oid: / uuid:").
  if (s.startsWith('oid:') || s.startsWith('uuid:')) return false;
  if (!s.startsWith('urn:oid:') && !s.startsWith('urn:uuid:')) return true;
  const hash = s.indexOf('#');
  const main = hash >= 0 ? s.slice(0, hash) : s;
  return s.startsWith('urn:oid:') ? REGEX.oid.test(main) : URN_UUID_ANY_CASE.test(main);
}

/**
 * Compares two values of an ordered primitive type (numbers, dates / times as strings). A bound that
 * is not a primitive (minValueQuantity reaching a primitive) or of another JSON type is not
 * comparable: 0, never a finding.
 */
export function comparePrimitive(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a !== 'string' || typeof b !== 'string') return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

const UCUM = 'http://unitsofmeasure.org';

interface UcumConvert {
  convertUnitTo(from: string, value: number, to: string): { status: string; toVal: number | null };
}

type QuantityJson = { value?: unknown; system?: unknown; code?: unknown; unit?: unknown };

const isRecord = (v: unknown): v is QuantityJson => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Compares a Quantity with a minValue / maxValue Quantity, as the HL7 validator's quantity check
 * does: same system and code → the decimal values; both UCUM → the value converted to the bound's
 * unit (UCUM conversion, as its UCUM service does); otherwise not comparable (undefined, no error).
 * Also undefined when either side has no value, system or code.
 */
export function compareQuantity(q: unknown, bound: unknown): number | undefined {
  if (!isRecord(q) || !isRecord(bound)) return undefined;
  const { value, system, code } = q;
  if (typeof value !== 'number' || typeof bound.value !== 'number') return undefined;
  if (typeof system !== 'string' || typeof code !== 'string' || typeof bound.system !== 'string' || typeof bound.code !== 'string') return undefined;
  if (system === bound.system && code === bound.code) return value - bound.value;
  if (system !== UCUM || bound.system !== UCUM) return undefined;
  try {
    const r = (fhirpath as unknown as { ucumUtils: UcumConvert }).ucumUtils.convertUnitTo(code, value, bound.code);
    if (r.status !== 'succeeded' || typeof r.toVal !== 'number') return undefined;
    const diff = r.toVal - bound.value;
    return Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(bound.value)) ? 0 : diff;
  } catch {
    return undefined;
  }
}

/** Human form of a Quantity bound (`5 mg`). */
export function quantityText(q: unknown): string {
  if (!isRecord(q)) return String(q);
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : '';
  return `${String(q.value)}${unit ? ` ${unit}` : ''}`;
}

/** Number of bytes a base64 text decodes to (whitespace ignored), or undefined when it is not base64. */
export function base64DecodedLength(s: string): number | undefined {
  const t = s.replace(/\s+/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  const pad = t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0;
  return (t.length / 4) * 3 - pad;
}
