/** The calendar day of an instant in Japan (UTC+9, no daylight saving), YYYY-MM-DD: master validity is by day. */
export const japanDate = (at: Date): string => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
