/**
 * FHIR date/dateTime/instant values as instant ranges [low, high] (both inclusive, millisecond precision).
 * Values without a time zone are read in the platform's zone (Japan, +09:00 unless configured). Years run from
 * 0001 to 9999 and zones from -14:00 to +14:00; a range that a zone pushes past either end is clipped to it, so
 * every instant given to the database is one it accepts (`yyyy-mm-ddThh:mm:ss.sssZ`).
 */

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

let defaultOffset = '+09:00';
export function setDefaultTimeZoneOffset(offset: string): void {
  if (!/^[+-]\d{2}:\d{2}$/.test(offset)) throw new Error(`bad time zone offset ${offset}`);
  defaultOffset = offset;
}

export interface InstantRange {
  low: number;
  high: number;
}

/** Minutes east of UTC, or undefined for a zone outside -14:00…+14:00. */
function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/** Date.UTC for every year (Date.UTC reads years 0–99 as 1900–1999); fields past their range carry over. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/** The instants the database is given: 0001-01-01T00:00:00.000Z … 9999-12-31T23:59:59.999Z. */
export const MIN_INSTANT = utc(1, 0, 1);
export const MAX_INSTANT = utc(10000, 0, 1) - 1;
const clip = (ms: number) => Math.min(MAX_INSTANT, Math.max(MIN_INSTANT, ms));

/** Returns undefined for anything that is not a well-formed FHIR date, dateTime or instant. */
export function parseDateRange(value: string): InstantRange | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (year < 1) return undefined;
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const zoneMinutes = offsetMinutes(zone ?? defaultOffset);
  if (zoneMinutes === undefined) return undefined;
  const shift = zoneMinutes * 60_000;
  const low = utc(year, month - 1, day, hour, minute, second, ms) - shift;
  if (new Date(low + shift).getUTCDate() !== day) return undefined; // e.g. 2023-02-30
  let end: number;
  if (!mo) end = utc(year + 1, 0, 1);
  else if (!d) end = utc(year, month, 1);
  else if (!h) end = utc(year, month - 1, day + 1);
  else if (!s) end = utc(year, month - 1, day, hour, minute + 1);
  else if (!frac) end = utc(year, month - 1, day, hour, minute, second + 1);
  else end = low + shift + 1;
  return { low: clip(low), high: clip(end - shift - 1) };
}

export const NEG_INFINITY = '-infinity';
export const POS_INFINITY = 'infinity';
export function isoOrInfinity(ms: number | undefined, which: 'low' | 'high'): string {
  if (ms === undefined) return which === 'low' ? NEG_INFINITY : POS_INFINITY;
  return new Date(ms).toISOString();
}
