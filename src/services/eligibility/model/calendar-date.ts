/**
 * Calendar dates (年月日) as ISO `YYYY-MM-DD` strings: eligibility works in whole days, Japan time,
 * so dates are compared as strings and never converted through a time zone.
 */
import { fail, ok, type Result } from './reason.ts';

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** Accepts `YYYY-MM-DD`, `YYYYMMDD` or `YYYY/MM/DD` (full-width digits too) and checks the day exists. */
export function parseCalendarDate(input: string): Result<string, 'date'> {
  if (ISO.test(input)) {
    const month = Number(input.slice(5, 7));
    const day = Number(input.slice(8, 10));
    const year = Number(input.slice(0, 4));
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && year >= 1868) return ok(input);
  }
  const s = input.normalize('NFKC').trim();
  const m = /^(\d{4})(?:-(\d{2})-(\d{2})|\/(\d{1,2})\/(\d{1,2})|(\d{2})(\d{2}))$/.exec(s);
  if (!m) return fail('date', `日付「${input}」は YYYY-MM-DD の形ではありません`, `date "${input}" is not in YYYY-MM-DD form`);
  const year = Number(m[1]);
  const month = Number(m[2] ?? m[4] ?? m[6]);
  const day = Number(m[3] ?? m[5] ?? m[7]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1868) {
    return fail('date', `日付「${input}」は存在しません`, `date "${input}" does not exist`);
  }
  return ok(`${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

export function isCalendarDate(s: string): boolean {
  return ISO.test(s) && parseCalendarDate(s).ok;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month - 1];
}

/** The calendar date in Japan (UTC+9, no daylight saving) of an instant. */
export function japanDateOf(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** `date` plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Inclusive range check with optional ends. */
export function withinDates(date: string, from: string | null | undefined, to: string | null | undefined): boolean {
  return (!from || from <= date) && (!to || date <= to);
}
