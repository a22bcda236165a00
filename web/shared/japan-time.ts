/** 日本時間: the calendar day and clock time in Japan (UTC+9, no daylight saving) of an instant, as the services count days. */
const JST_MS = 9 * 3_600_000;

/** The Japan-time day (YYYY-MM-DD) of an instant; '' for an unreadable one. */
export function japanDay(at: Date | number | string): string {
  const t = typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : at.getTime();
  return Number.isNaN(t) ? '' : new Date(t + JST_MS).toISOString().slice(0, 10);
}

/** Today in Japan (YYYY-MM-DD), the day the services decide eligibility and prescriptions for. */
export const japanToday = (now: Date | number = Date.now()): string => japanDay(now);

/** The Japan-time clock time (hh:mm) of an instant. */
export const japanTime = (iso: string): string => new Date(Date.parse(iso) + JST_MS).toISOString().slice(11, 16);
