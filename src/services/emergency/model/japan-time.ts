/** Japan time as the notices and lists write it: 2026年12月3日 10:40. */
export function japanDateTime(d: Date): string {
  const j = new Date(d.getTime() + 9 * 3600_000);
  const hh = String(j.getUTCHours()).padStart(2, '0');
  const mm = String(j.getUTCMinutes()).padStart(2, '0');
  return `${j.getUTCFullYear()}年${j.getUTCMonth() + 1}月${j.getUTCDate()}日 ${hh}:${mm}`;
}

/** The Japan calendar day (YYYY-MM-DD) of an instant. */
export const japanDay = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
