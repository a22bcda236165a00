/** Age rules of the copay: 年齢 on the visit date, 未就学 (before school entry) and the start of 高齢受給者 (70–74). */
import { firstOfMonthAfter } from './dates.ts';

/**
 * 年齢: whole years on `date`; on the birthday the person is one year older. A 2-29 birthday is reached on 3-01 in a
 * common year (MM-DD compared as strings).
 */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/**
 * 就学日 (first day of compulsory school): April 1 of birth year + 6 when born on or before April 1, else of + 7 —
 * a child is 未就学 until the first March 31 after the 6th birthday (健康保険法110条2項・国民健康保険法42条1項2号「6歳に達する日以後の最初の
 * 3月31日以前」; a child born on April 1 reaches 6 on March 31, 年齢計算ニ関スル法律).
 */
export function schoolEntryDate(birthDate: string): string {
  const year = Number(birthDate.slice(0, 4)) + (birthDate.slice(5) <= '04-01' ? 6 : 7);
  return `${year}-04-01`;
}

/** 未就学: before school entry. */
export function isPreschool(birthDate: string, date: string): boolean {
  return date < schoolEntryDate(birthDate);
}

/**
 * 高齢受給者 from: the first day of the month after the 70th birthday, or of the birthday month itself when born on
 * the 1st (the 70th year is reached the day before the birthday; 健康保険法74条1項2号「70歳に達する日の属する月の翌月以後」).
 */
export function elderlyFrom(birthDate: string): string {
  const birthday70 = `${String(Number(birthDate.slice(0, 4)) + 70).padStart(4, '0')}${birthDate.slice(4)}`;
  return firstOfMonthAfter(birthday70, birthDate.slice(8) === '01' ? 0 : 1);
}
