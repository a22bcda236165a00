/**
 * Streaming CSV record reader (RFC 4180 with the tolerances real insurer files need).
 *
 * - Input: an async iterable of Buffers (UTF-8) or strings; a leading BOM is dropped; invalid UTF-8 becomes
 *   U+FFFD and the record is reported as an encoding error rather than failing the file.
 * - Line ends: CRLF, LF, or a lone CR. Quoted fields may contain commas, quotes ("") and line breaks.
 * - Memory is bounded: only the record being read is buffered, and a record longer than `maxRecordChars`
 *   (typically a quote that is never closed) is reported as an error and reading resumes on the next
 *   physical line, so one stray quote cannot swallow the rest of the file.
 * - A stray quote must not cost the following good lines: a record with text after a closing quote, or a
 *   multi-line record the caller rejects (`acceptMultiline`), is reported on its first line and reading
 *   resumes on the next physical line.
 * - Every record carries the physical line number where it starts (1-based); blank lines are skipped.
 */

export type CsvErrorKind = 'unterminated-quote' | 'text-after-quote' | 'unbalanced-quote' | 'record-too-long' | 'encoding';

export type CsvEvent = { line: number; fields: string[]; error?: undefined } | { line: number; fields?: undefined; error: CsvErrorKind };

export interface CsvReadOptions {
  /** Longest record in characters before it is abandoned (default 65,536). */
  maxRecordChars?: number;
  /** Called with the number of input bytes consumed so far (for progress bars). */
  onBytes?: (bytesRead: number) => void;
  /**
   * Judges a record that spans several physical lines (a quoted line break). When it returns false the
   * record is taken to be a stray quote: it is reported as `unbalanced-quote` on its first line and
   * reading resumes on the next physical line, so the lines it swallowed are read again.
   */
  acceptMultiline?: (fields: string[]) => boolean;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

type Scan =
  | { kind: 'record'; fields: string[]; end: number; newlines: number; multiline: boolean }
  | { kind: 'incomplete'; inQuote: boolean }
  | { kind: 'text-after-quote' };

/** Index just after the line terminator that starts at `i` (CRLF, LF or CR), or -1 at end of buffer. */
function skipTerminator(buf: string, i: number, final: boolean): number {
  const c = buf.charCodeAt(i);
  if (c === LF) return i + 1;
  if (buf.charCodeAt(i + 1) === LF) return i + 2;
  if (i + 1 >= buf.length && !final) return -1; // CR at the end of a chunk: wait to see if LF follows
  return i + 1;
}

/** Index just after the terminator of the physical line containing `from`, or the buffer length. */
function nextLineStart(buf: string, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return buf.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  }
  return buf.length;
}

function scanRecord(buf: string, start: number, final: boolean): Scan {
  const fields: string[] = [];
  let i = start;
  let newlines = 0;
  for (;;) {
    // One field starting at i.
    if (buf.charCodeAt(i) === QUOTE) {
      let value = '';
      let segment = i + 1;
      let j = i + 1;
      for (;;) {
        if (j >= buf.length) return { kind: 'incomplete', inQuote: true };
        const c = buf.charCodeAt(j);
        if (c === QUOTE) {
          if (buf.charCodeAt(j + 1) === QUOTE) {
            value += buf.slice(segment, j + 1);
            j += 2;
            segment = j;
            continue;
          }
          if (j + 1 >= buf.length && !final) return { kind: 'incomplete', inQuote: true };
          value += buf.slice(segment, j);
          j += 1;
          break;
        }
        if (c === LF || (c === CR && buf.charCodeAt(j + 1) !== LF)) newlines++;
        j++;
      }
      fields.push(value);
      i = j;
      const c = buf.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (i >= buf.length) {
        if (!final) return { kind: 'incomplete', inQuote: false };
        return { kind: 'record', fields, end: i, newlines, multiline: newlines > 0 };
      }
      if (c === LF || c === CR) {
        const end = skipTerminator(buf, i, final);
        if (end < 0) return { kind: 'incomplete', inQuote: false };
        return { kind: 'record', fields, end, newlines: newlines + 1, multiline: newlines > 0 };
      }
      return { kind: 'text-after-quote' };
    }
    let j = i;
    while (j < buf.length) {
      const c = buf.charCodeAt(j);
      if (c === COMMA || c === LF || c === CR) break;
      j++;
    }
    fields.push(buf.slice(i, j));
    if (j >= buf.length) {
      if (!final) return { kind: 'incomplete', inQuote: false };
      return { kind: 'record', fields, end: j, newlines, multiline: newlines > 0 };
    }
    if (buf.charCodeAt(j) === COMMA) {
      i = j + 1;
      continue;
    }
    const end = skipTerminator(buf, j, final);
    if (end < 0) return { kind: 'incomplete', inQuote: false };
    return { kind: 'record', fields, end, newlines: newlines + 1, multiline: newlines > 0 };
  }
}

function isBlank(fields: string[]): boolean {
  return fields.length === 1 && fields[0].trim() === '';
}

/** Reads CSV records from a byte or text stream, one record (or error) at a time. */
export async function* readCsvRecords(source: AsyncIterable<Buffer | Uint8Array | string>, options: CsvReadOptions = {}): AsyncGenerator<CsvEvent> {
  for await (const batch of readCsvBatches(source, options)) yield* batch;
}

/** Reads CSV records in batches (all records completed by one input chunk), in order. */
export async function* readCsvBatches(source: AsyncIterable<Buffer | Uint8Array | string>, options: CsvReadOptions = {}): AsyncGenerator<CsvEvent[]> {
  const maxRecordChars = options.maxRecordChars ?? 65_536;
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let line = 1;
  let bytes = 0;
  let first = true;

  /** Set after abandoning a record whose first line has not ended yet: discard up to the next line end. */
  let skipping = false;

  function drain(final: boolean): CsvEvent[] {
    const out: CsvEvent[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (skipping) {
        const next = nextLineStart(buf, pos);
        const ended = next > pos && (buf.charCodeAt(next - 1) === LF || next < buf.length || final);
        if (!ended) {
          pos = buf.length;
          break;
        }
        skipping = false;
        line++;
        pos = next;
        continue;
      }
      const scan = scanRecord(buf, pos, final);
      if (scan.kind === 'incomplete') {
        if (!final && buf.length - pos <= maxRecordChars) break;
        // Abandon this record: report it and resume on the next physical line.
        out.push({ line, error: scan.inQuote ? 'unterminated-quote' : 'record-too-long' });
        skipping = true;
        continue;
      }
      if (scan.kind === 'text-after-quote') {
        out.push({ line, error: 'text-after-quote' });
        skipping = true;
        continue;
      }
      if (scan.multiline && options.acceptMultiline && !options.acceptMultiline(scan.fields)) {
        out.push({ line, error: 'unbalanced-quote' });
        skipping = true;
        continue;
      }
      if (!isBlank(scan.fields)) {
        if (scan.fields.some((f) => f.includes('\uFFFD'))) out.push({ line, error: 'encoding' });
        else out.push({ line, fields: scan.fields });
      }
      line += scan.newlines;
      pos = scan.end;
    }
    buf = buf.slice(pos);
    return out;
  }

  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      bytes += Buffer.byteLength(chunk);
    } else {
      text = decoder.decode(chunk, { stream: true });
      bytes += chunk.byteLength;
    }
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    buf += text;
    const batch = drain(false);
    options.onBytes?.(bytes);
    if (batch.length > 0) yield batch;
  }
  buf += decoder.decode();
  const last = drain(true);
  if (last.length > 0) yield last;
}
