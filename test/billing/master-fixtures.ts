/** Rows in the official layouts for the fee master tests (columns 1-based as in the 医科診療行為マスター layout). */
export const CRLF = '\r\n';

/** A 医科診療行為マスター row of `width` fields (88 = the fewest the reader takes), with columns set by number. */
export function itemFields(set: Record<number, string>, width = 88): string[] {
  const f = Array.from({ length: width }, () => '0');
  const defaults = { 2: 'S', 3: '112007410', 5: '再診料', 11: '3', 12: '75', 15: '120', 41: '00', 42: '00', 87: '20240601', 88: '99999999' };
  for (const [col, v] of Object.entries({ ...defaults, ...set })) f[Number(col) - 1] = v;
  return f;
}

/** A row as CSV text; `quoted` columns (1-based) in double quotes. */
export function csvLine(fields: string[], quoted: number[] = []): string {
  return fields.map((v, i) => (quoted.includes(i + 1) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

export const itemLine = (set: Record<number, string>, quoted: number[] = [5]) => csvLine(itemFields(set), quoted);
