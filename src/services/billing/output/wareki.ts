/**
 * 和暦 (Japanese era dates) as the レセ電 records write them: 年号区分コード G (別表4: 1 明治, 2 大正, 3 昭和, 4 平成,
 * 5 令和) followed by YYMM or YYMMDD — 「オンライン又は光ディスク等による請求に係る記録条件仕様（医科用）」.
 */
import { OutputError } from './errors.ts';

/** Each era with its code, its name and its first day (改元の日). */
const ERAS = [
  { code: 5, name: '令和', from: '2019-05-01' },
  { code: 4, name: '平成', from: '1989-01-08' },
  { code: 3, name: '昭和', from: '1926-12-25' },
  { code: 2, name: '大正', from: '1912-07-30' },
  { code: 1, name: '明治', from: '1868-01-25' },
] as const;

const DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

interface EraDate {
  code: number;
  name: string;
  year: number;
  month: number;
  day?: number;
}

/** Splits `YYYY-MM-DD` (or `YYYY-MM`, taken at the 1st) into its era and year within it. */
export function eraOf(date: string, field = 'date'): EraDate {
  const m = DATE.exec(date);
  const month = m ? Number(m[2]) : 0;
  const day = m?.[3] === undefined ? undefined : Number(m[3]);
  if (!m || month < 1 || month > 12 || (day !== undefined && (day < 1 || day > daysIn(Number(m[1]), month)))) {
    throw new OutputError(`日付「${date}」は YYYY-MM-DD（又は YYYY-MM）の暦日ではありません`, `not a calendar date: ${date}`, field);
  }
  const iso = `${m[1]}-${m[2]}-${m[3] ?? '01'}`;
  const era = ERAS.find((e) => iso >= e.from);
  if (!era) throw new OutputError(`日付「${date}」は明治より前で、和暦に直せません`, `date before Meiji: ${date}`, field);
  return { code: era.code, name: era.name, year: Number(m[1]) - Number(era.from.slice(0, 4)) + 1, month, day };
}

/** 和暦 in the record format: `GYYMMDD` for a date, `GYYMM` for a month (2025-04-01 → 5070401, 2025-04 → 50704). */
export function toWareki(date: string, field = 'date'): string {
  const e = eraOf(date, field);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${e.code}${two(e.year)}${two(e.month)}${e.day === undefined ? '' : two(e.day)}`;
}

/** 和暦 for people: 令和7年4月1日 (元年 for the first year). */
export function warekiText(date: string, field = 'date'): string {
  const e = eraOf(date, field);
  return `${e.name}${e.year === 1 ? '元' : e.year}年${e.month}月${e.day === undefined ? '' : `${e.day}日`}`;
}

/** Days in a month of the Gregorian calendar. */
export const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
