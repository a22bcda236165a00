import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/storage/database.ts';
import { StatementParams, textArrayLiteral } from '../../src/platform/storage/sql-params.ts';
import { ENGINES, engineHandle, type EngineHandle } from '../helpers/engines.ts';

/** Strings that array literals get wrong when escaping is wrong. */
const TRICKY = [
  'plain',
  '',
  'NULL',
  'null',
  'a"b',
  'back\\slash',
  '\\"',
  '"',
  '\\',
  '{braces},commas',
  '  spaces  ',
  'tab\there\nnewline\r',
  '\u001funit separator',
  '葛󠄀城 髙橋 𠮷野家 👨‍👩‍👧',
  'quoted "𠮷" and \\ with a variation selector 葛󠄀',
  'quote " and\u0007bell',
  JSON.stringify({ resourceType: 'Observation', note: [{ text: 'He said "ok" \\ then\nleft' }] }),
];

describe.each(ENGINES)('text[] parameters (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
  });
  afterAll(() => engine.dispose());

  it('round-trips every string and NULL exactly, in order', async () => {
    const values = [...TRICKY, null, ...TRICKY.map((s) => `${s}!`)];
    const p = new StatementParams();
    const res = await db.query<{ v: string | null; n: number }>(
      `SELECT v, n::int FROM unnest(${p.add(values, 'text[]')}) WITH ORDINALITY AS t(v, n) ORDER BY n`,
      p.values,
    );
    expect(res.rows.map((r) => r.v)).toEqual(values);
  });

  it('keeps an empty array empty', async () => {
    const p = new StatementParams();
    const res = await db.query<{ n: number }>(`SELECT cardinality(${p.add([], 'text[]')})::int AS n`, p.values);
    expect(res.rows[0].n).toBe(0);
  });
});

describe('textArrayLiteral', () => {
  it('quotes every element and escapes only quote and backslash', () => {
    expect(textArrayLiteral(['a', 'b"c', 'd\\e', null, 'NULL'])).toBe('{"a","b\\"c","d\\\\e",NULL,"NULL"}');
  });
  it('leaves arrays of other values to the driver', () => {
    const mixed = ['a', 1];
    expect(textArrayLiteral(mixed)).toBe(mixed);
  });
});
