/**
 * Calendar days for the 100-day window. Dates of medication lines are calendar dates in Japan (YYYY-MM-DD); the
 * moment of a check (`at`) is a Date, turned into the date in Japan (JST, UTC+9, no daylight saving), or a date.
 */

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD date; undefined when it is not a real date. */
export function dayNumber(date: string): number | undefined {
  const m = ISO_DATE.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return undefined;
  return ms / DAY_MS;
}

/** The day number of `at` in Japan; throws on an invalid value (a caller's defect). */
export function dayOf(at: Date | string): number {
  if (typeof at === 'string') {
    const n = dayNumber(at);
    if (n === undefined) throw new TypeError(`at: "${at}" is not a YYYY-MM-DD date`);
    return n;
  }
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new TypeError('at: invalid Date');
  return Math.floor((ms + JST_MS) / DAY_MS);
}
