/**
 * Text and CSV reading for the official master and code files every service imports (disease, drug, lab and
 * interaction lists): Shift_JIS (the MHLW and MEDIS masters) or UTF-8 (with or without
 * BOM), comma-separated, fields optionally in double quotes (`""` inside one is a quote), CRLF or LF.
 */

export type TextEncoding = 'auto' | 'utf-8' | 'shift_jis';

/** Bytes to text: `auto` reads UTF-8 when the bytes are valid UTF-8, Shift_JIS otherwise. */
export function decodeText(data: Uint8Array | string, encoding: TextEncoding = 'auto'): string {
  if (typeof data === 'string') return data.replace(/^\uFEFF/, '');
  if (encoding === 'shift_jis') return new TextDecoder('shift_jis').decode(data);
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(data).replace(/^\uFEFF/, '');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('shift_jis').decode(data);
  }
}

export interface CsvRecord {
  /** The line the record starts on (1-based). */
  line: number;
  fields: string[];
}

/** The records of a CSV text; blank lines are skipped. An unterminated quote ends at the end of the text. */
export function parseCsv(text: string): CsvRecord[] {
  return readCsv(text).records;
}

/**
 * The records of a CSV text and, when a quote is never closed, the line it opened on (the records read before it;
 * for files people fix by hand). Pure: the clinic app reads lab files in the browser with it.
 */
export function readCsv(text: string): { records: CsvRecord[]; unterminated?: number } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let quoteLine = 0;
  let touched = false;
  const endRecord = () => {
    fields.push(field);
    if (touched || fields.length > 1 || field !== '') records.push({ line: start, fields });
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      touched = true;
      quoteLine = line;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0 || touched) endRecord();
  return quoted ? { records, unterminated: quoteLine } : { records };
}

/** YYYYMMDD (or YYYY-MM-DD) to YYYY-MM-DD; empty, 0, 00000000 and 99999999 mean "no date" (undefined); null: invalid. */
export function masterDate(value: string | undefined): string | undefined | null {
  const v = (value ?? '').trim();
  if (v === '' || /^0+$/.test(v) || v === '99999999') return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}
