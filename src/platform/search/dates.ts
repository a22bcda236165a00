/**
 * FHIR date/dateTime/instant values as instant ranges [low, high] (both inclusive, millisecond precision).
 * Values without a time zone are read in the platform's zone (Japan, +09:00 unless configured).
 */

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

let defaultOffset = '+09:00';
export function setDefaultTimeZoneOffset(offset: string): void {
  if (!/^[+-]\d{2}:\d{2}$/.test(offset)) throw new Error(`bad time zone offset ${offset}`);
  defaultOffset = offset;
}

export interface InstantRange {
  low: number;
  high: number;
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

/** Returns undefined for anything that is not a well-formed FHIR date, dateTime or instant. */
export function parseDateRange(value: string): InstantRange | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const shift = offsetMinutes(zone ?? defaultOffset) * 60_000;
  const low = Date.UTC(year, month - 1, day, hour, minute, second, ms) - shift;
  if (new Date(low + shift).getUTCDate() !== day) return undefined; // e.g. 2023-02-30
  let end: number;
  if (!mo) end = Date.UTC(year + 1, 0, 1);
  else if (!d) end = Date.UTC(year, month, 1);
  else if (!h) end = Date.UTC(year, month - 1, day + 1);
  else if (!s) end = Date.UTC(year, month - 1, day, hour, minute + 1);
  else if (!frac) end = Date.UTC(year, month - 1, day, hour, minute, second + 1);
  else end = low + shift + 1;
  return { low, high: end - shift - 1 };
}

export const NEG_INFINITY = '-infinity';
export const POS_INFINITY = 'infinity';
export function isoOrInfinity(ms: number | undefined, which: 'low' | 'high'): string {
  if (ms === undefined) return which === 'low' ? NEG_INFINITY : POS_INFINITY;
  return new Date(ms).toISOString();
}
