/**
 * FHIR R4 primitive types (プリミティブ型): JSON representation and lexical rules, as defined on
 * https://hl7.org/fhir/R4/datatypes.html (regular expressions from the spec, plus calendar checks).
 */

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
  uuid: /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  uri: /^\S+$/,
  url: /^\S+$/,
  canonical: /^\S+$/,
  base64Binary: /^(\s*([0-9a-zA-Z+=/]){4}\s*)+$/,
};

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

/** urn:oid: and urn:uuid: URIs must follow their own syntax. */
function validUriPrefix(s: string): boolean {
  if (s.startsWith('urn:oid:')) return REGEX.oid.test(s);
  if (s.startsWith('urn:uuid:')) return REGEX.uuid.test(s);
  return true;
}

/** Compares two values of an ordered primitive type (numbers, dates as strings of equal precision). */
export function comparePrimitive(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
