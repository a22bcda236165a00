/** Calendar dates `YYYY-MM-DD` (Japan time) compared as strings, as the rest of the platform does. */

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is `YYYY-MM-DD` and the day exists. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM` of a date (the 診療月). */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The first day of the month `months` after the month of `date` (may be 0). */
export function firstOfMonthAfter(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const year = y + Math.floor(m / 12);
  const month = (m % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
}

/** Inclusive range check with optional ends. */
export function within(date: string, from: string | null | undefined, to: string | null | undefined): boolean {
  return (!from || from <= date) && (!to || date <= to);
}
