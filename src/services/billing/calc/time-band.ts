/**
 * 時間外・休日・深夜 and 乳幼児 additions to 初診料・再診料 (告示 A000 注6・注7, A001 注4・注5).
 * Definitions (留意事項通知 A000): 深夜 = 22:00–06:00; 休日 = Sundays, national holidays and 12/29–1/3 (the clinic
 * says which dates are holidays; Sundays and 12/29–1/3 are recognised from the date); 時間外 = outside the hours the
 * clinic posts (default weekdays 09:00–18:00, Saturday 09:00–12:00). The highest band applies: 深夜 > 休日 > 時間外.
 */
import type { FacilityInput, TimeAdditionKind, VisitInput } from '../model/types.ts';
import { weekdayOf } from './dates.ts';

export type TimeBand = Exclude<TimeAdditionKind, 'none'> | 'regular';

export const TIME_BAND_NAMES: Record<TimeBand, string> = { regular: '診療時間内', 'after-hours': '時間外', holiday: '休日', 'late-night': '深夜' };

const YEAR_END = ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'];

export function timeBandOf(visit: VisitInput, facility: FacilityInput): TimeBand {
  const time = visit.time;
  if (time && (time >= '22:00' || time < '06:00')) return 'late-night';
  const weekday = weekdayOf(visit.date);
  if (visit.holiday || weekday === 0 || YEAR_END.includes(visit.date.slice(5))) return 'holiday';
  if (!time) return 'regular';
  const hours =
    weekday === 6 ? (facility.hours?.saturday === undefined ? ['09:00', '12:00'] : facility.hours.saturday) : (facility.hours?.weekday ?? ['09:00', '18:00']);
  if (!hours) return 'after-hours';
  return time < hours[0] || time >= hours[1] ? 'after-hours' : 'regular';
}

type Kind = 'first' | 'revisit';

/** The addition codes (sample master = 医科診療行為マスター codes), by 初診/再診, band and 乳幼児. */
const ADDITION_CODES: Record<Kind, Record<TimeBand, { adult?: string; infant: string }>> = {
  first: {
    regular: { infant: '111000370' },
    'after-hours': { adult: '111000570', infant: '111011970' },
    holiday: { adult: '111000670', infant: '111012070' },
    'late-night': { adult: '111000770', infant: '111012170' },
  },
  revisit: {
    regular: { infant: '112000970' },
    'after-hours': { adult: '112001110', infant: '112014770' },
    holiday: { adult: '112001210', infant: '112014870' },
    'late-night': { adult: '112001310', infant: '112014970' },
  },
};

/** Every code of this table (an entered one is replaced by the one the rules choose). */
export const TIME_AND_AGE_ADDITION_CODES = new Set(
  Object.values(ADDITION_CODES).flatMap((k) => Object.values(k).flatMap((c) => [c.adult, c.infant].filter(Boolean) as string[])),
);

/** The addition for a visit, or undefined when none applies (an adult in the posted hours). */
export function additionCode(kind: Kind, band: TimeBand, infant: boolean): string | undefined {
  const codes = ADDITION_CODES[kind][band];
  return infant ? codes.infant : codes.adult;
}
