/**
 * The official master files as text and records: Shift_JIS (the 支払基金 and MHLW files) or UTF-8 (our samples),
 * comma-separated fields, each bare or in double quotes (`""` inside quotes is one `"`), CRLF or LF line ends.
 */

/** 文字コード of a master file. */
export type MasterEncoding = 'shift_jis' | 'utf-8';

/** One record of a CSV file with the (1-based) line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Decodes a master file: `encoding` when given; otherwise UTF-8 when the bytes start with a UTF-8 BOM or decode as
 * valid UTF-8, else Shift_JIS (a Shift_JIS file of kanji is almost never valid UTF-8). A leading BOM is dropped.
 */
export function decodeMasterText(input: Uint8Array | string, encoding?: MasterEncoding): string {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  const bom = input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
  if (encoding === 'shift_jis') return new TextDecoder('shift_jis').decode(input);
  if (encoding === 'utf-8' || bom) return new TextDecoder('utf-8', { fatal: encoding === 'utf-8' && !bom }).decode(input).replace(/^\uFEFF/, '');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return new TextDecoder('shift_jis').decode(input);
  }
}

/**
 * Splits CSV text into records. Blank lines (and a trailing EOF mark, 0x1A) are skipped but counted, so each
 * record's `line` is the line number a person sees in an editor. A quoted field may hold commas and line breaks.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let start = 1;
  let any = false;
  const endRecord = () => {
    fields.push(field);
    const blank = fields.length === 1 && !quoted && /^[\s\u001a]*$/.test(field);
    if (!blank) records.push({ line: start, fields });
    fields = [];
    field = '';
    quoted = false;
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (!any) {
      start = line;
      any = true;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      quoted = false;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      // CRLF: the LF ends the record
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      line++;
    } else field += ch;
  }
  if (any || field !== '' || fields.length > 0) endRecord();
  return records;
}
