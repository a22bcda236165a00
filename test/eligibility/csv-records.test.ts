/** The streaming CSV reader: quoting, line ends, chunk boundaries, and recovery from broken quotes. */
import { describe, expect, it } from 'vitest';
import { readCsvRecords, type CsvEvent } from '../../src/services/eligibility/registry/csv-records.ts';

async function* chunks(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string | Buffer, size = 1 << 16, options = {}): Promise<CsvEvent[]> {
  const out: CsvEvent[] = [];
  for await (const e of readCsvRecords(chunks(text, size), options)) out.push(e);
  return out;
}

const SAMPLE = '\uFEFFa,b,c\r\n1,"x, y",3\r\n\r\n"multi\r\nline","say ""hi""",\n4,5,6\r7,8,9';

describe('readCsvRecords', () => {
  it('handles BOM, CRLF/LF/CR, blank lines, quoted commas, quotes and line breaks', async () => {
    const events = await read(SAMPLE);
    expect(events).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', '3'] },
      { line: 4, fields: ['multi\r\nline', 'say "hi"', ''] },
      { line: 6, fields: ['4', '5', '6'] },
      { line: 7, fields: ['7', '8', '9'] },
    ]);
  });

  it('gives the same records whatever the chunk size, even split inside UTF-8 characters and CRLF', async () => {
    const text = `${SAMPLE}\r\n"髙橋","葛\u{E0100}城","𠮷田"\r\n`;
    const whole = await read(text);
    for (const size of [1, 2, 3, 5, 7]) expect(await read(text, size)).toEqual(whole);
    expect(whole.at(-1)).toEqual({ line: 8, fields: ['髙橋', '葛\u{E0100}城', '𠮷田'] });
  });

  it('reports a quote never closed at the end and keeps the following lines', async () => {
    const events = await read('a,b\n"open,1\n2,3\n4,5\n');
    expect(events[0]).toEqual({ line: 1, fields: ['a', 'b'] });
    expect(events[1]).toEqual({ line: 2, error: 'unterminated-quote' });
    expect(events.slice(2)).toEqual([
      { line: 3, fields: ['2', '3'] },
      { line: 4, fields: ['4', '5'] },
    ]);
  });

  it('reports text after a closing quote on its own line only', async () => {
    const events = await read('1,"a"b,2\n3,4,5\n');
    expect(events).toEqual([
      { line: 1, error: 'text-after-quote' },
      { line: 2, fields: ['3', '4', '5'] },
    ]);
  });

  it('re-reads the lines a stray quote swallowed when the caller rejects the record', async () => {
    // Line 2 opens a quote that line 3 closes: the 3-field record is rejected, line 3 is read again
    // (itself broken: its quote never closes) and line 4 is still found.
    const text = 'h1,h2\n"stray\n",extra,field\nok,1\n';
    const events = await read(text, 4, { acceptMultiline: (f: string[]) => f.length === 2 });
    expect(events).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, error: 'unbalanced-quote' },
      { line: 3, error: 'unterminated-quote' },
      { line: 4, fields: ['ok', '1'] },
    ]);
  });

  it('judges a multi-line record at the very end (no final line break) too', async () => {
    const events = await read('h1,h2\n"a\nb",c,d', 3, { acceptMultiline: (f: string[]) => f.length === 2 });
    expect(events[1]).toEqual({ line: 2, error: 'unbalanced-quote' });
  });

  it('abandons an over-long record and resumes on the next line', async () => {
    const text = `x\n"${'a'.repeat(200)}\n${'b'.repeat(50)}\nok\n`;
    const events = await read(text, 16, { maxRecordChars: 64 });
    expect(events[0]).toEqual({ line: 1, fields: ['x'] });
    expect(events[1]).toEqual({ line: 2, error: 'unterminated-quote' });
    expect(events.at(-1)).toEqual({ line: 4, fields: ['ok'] });
  });

  it('flags invalid UTF-8 on its line only', async () => {
    const bytes = Buffer.concat([Buffer.from('a\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('b\n')]);
    expect(await read(bytes)).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, error: 'encoding' },
      { line: 3, fields: ['b'] },
    ]);
  });

  it('reports bytes consumed for progress', async () => {
    const seen: number[] = [];
    await read(SAMPLE, 8, { onBytes: (n: number) => seen.push(n) });
    expect(seen.at(-1)).toBe(Buffer.byteLength(SAMPLE));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
