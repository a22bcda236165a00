/** Insurer bulk file: every good row loads, every bad row is reported with its line and reason. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BULK_COLUMNS,
  generateBulkFile,
  parseBulkFile,
  readBulkFile,
  readBulkFileBatches,
  type BulkLine,
} from '../../src/services/eligibility/registry/bulk-file.ts';
import { makeInsurerNumber, withCheckDigit } from '../../src/services/eligibility/model/numbers.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsunagu-bulk-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function parseText(text: string): Promise<BulkLine[]> {
  async function* once() {
    yield Buffer.from(text);
  }
  const out: BulkLine[] = [];
  for await (const l of parseBulkFile(once())) out.push(l);
  return out;
}

const HEADER = BULK_COLUMNS.map((c) => c.name).join(',');
const KYOKAI = makeInsurerNumber('01', '13', '001');

function row(over: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    insurer_number: KYOKAI,
    symbol: '1234567',
    number: '89',
    branch: '00',
    relationship: '1',
    family_name: '髙橋',
    given_name: '太郎',
    family_name_kana: 'タカハシ',
    given_name_kana: 'タロウ',
    birth_date: '1980-05-05',
    sex: '1',
    acquired_on: '2020-04-01',
    lost_on: '',
    copay_ratio: '3',
    limit_category: '',
    elderly_copay_ratio: '',
    elderly_valid_from: '',
    elderly_valid_to: '',
    specific_diseases: '',
    public_expenses: '',
    person_link_key: 'person-0001',
    previous_insured_number: '',
    ...over,
  };
  return BULK_COLUMNS.map((c) => base[c.name]).join(',');
}

describe('parseBulkFile: rows', () => {
  it('parses a complete row into an eligibility record, names kept exactly', async () => {
    const [line] = await parseText(
      `${HEADER}\n${row({
        family_name: '"葛\u{E0100}城"',
        limit_category: '現役並みⅢ',
        elderly_copay_ratio: '2',
        elderly_valid_from: '20230401',
        specific_diseases: 'dialysis:10000:2024-01-01:',
        public_expenses: `54016027:${withCheckDigit('123456')}:2024-04-01:2025-03-31`,
      })}\n`,
    );
    expect(line.kind).toBe('record');
    if (line.kind !== 'record') return;
    expect(line.line).toBe(2);
    expect(line.record).toMatchObject({
      insurerNumber: KYOKAI,
      symbol: '1234567',
      number: '89',
      branch: '00',
      relationship: 'insured',
      familyName: '葛\u{E0100}城',
      limitCategory: 'o70-active3',
      elderly: { copayRatio: 2, validFrom: '2023-04-01', validTo: null },
      specificDiseases: [{ code: 'dialysis', monthlyLimitYen: 10000, validFrom: '2024-01-01', validTo: null }],
      publicExpenses: [{ payerNumber: '54016027', validFrom: '2024-04-01', validTo: '2025-03-31' }],
      personLinkKey: 'person-0001',
    });
  });

  it('trims only the padding around a name', async () => {
    const [line] = await parseText(`${HEADER}\n${row({ family_name: '"　山﨑 "', given_name: '" 太郎"' })}\n`);
    expect(line.kind === 'record' && [line.record.familyName, line.record.givenName]).toEqual(['山﨑', '太郎']);
  });

  it('keeps both spellings of 記号・番号 and pads a 国保 insurer number', async () => {
    const nhi = makeInsurerNumber(null, '13', '805');
    const [line] = await parseText(`${HEADER}\n${row({ insurer_number: nhi, symbol: 'ｾﾀ', number: '１２３' })}\n`);
    expect(line.kind === 'record' && line.record).toMatchObject({
      insurerNumber: `00${nhi}`,
      symbol: 'セタ',
      symbolOriginal: 'ｾﾀ',
      number: '123',
      numberOriginal: '１２３',
    });
  });

  it('reports every problem of a bad row, in both languages, with its line number', async () => {
    const lines = await parseText(
      `${HEADER}\n${row()}\n${row({ insurer_number: '01130013', birth_date: '1980-02-30', sex: 'x', family_name_kana: 'たかはし', copay_ratio: '4' })}\n`,
    );
    expect(lines[0].kind).toBe('record');
    const bad = lines[1];
    expect(bad.kind).toBe('error');
    if (bad.kind !== 'error') return;
    expect(bad.line).toBe(3);
    expect(bad.problems.map((p) => p.column).sort()).toEqual(['birth_date', 'copay_ratio', 'family_name_kana', 'insurer_number', 'sex']);
    expect(bad.reason_ja).toContain('検証番号');
    expect(bad.reason_en).toContain('check digit');
  });

  it('refuses inconsistent dates, bad 公費 numbers and unknown codes', async () => {
    const lines = await parseText(
      [
        HEADER,
        row({ lost_on: '2020-04-01' }),
        row({ acquired_on: '1979-01-01' }),
        row({ public_expenses: '54016028:1234566::' }),
        row({ specific_diseases: 'flu:10000::' }),
        row({ limit_category: '区分カ' }),
        row({ elderly_copay_ratio: '2' }),
        row({ relationship: '3' }),
      ].join('\n'),
    );
    expect(lines.map((l) => l.kind)).toEqual(Array(7).fill('error'));
    const cols = lines.map((l) => (l.kind === 'error' ? l.problems[0].column : null));
    expect(cols).toEqual(['lost_on', 'acquired_on', 'public_expenses', 'specific_diseases', 'limit_category', 'elderly_valid_from', 'relationship']);
  });

  it('reports a repeated record key on the later line and names the earlier one', async () => {
    const lines = await parseText(`${HEADER}\n${row()}\n${row({ given_name: '次郎' })}\n`);
    expect(lines[1]).toMatchObject({ kind: 'error', line: 3 });
    if (lines[1].kind === 'error') expect(lines[1].reason_en).toContain('line 2');
  });
});

describe('parseBulkFile: header', () => {
  it('accepts Japanese column labels in any order', async () => {
    const cols = [...BULK_COLUMNS].reverse();
    const header = cols.map((c) => c.ja).join(',');
    const values = row().split(',');
    const byName = Object.fromEntries(BULK_COLUMNS.map((c, i) => [c.name, values[i]]));
    const line = cols.map((c) => byName[c.name]).join(',');
    const [r] = await parseText(`${header}\n${line}\n`);
    expect(r.kind).toBe('record');
  });

  it('stops with one fatal error on an unknown or missing column, or an empty file', async () => {
    const unknown = await parseText(`${HEADER},nickname\n${row()},x\n`);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ kind: 'error', line: 1, fatal: true });
    const missing = await parseText(`${HEADER.replace(',number,', ',')}\n`);
    expect(missing[0].kind === 'error' && missing[0].reason_en).toContain('required column number');
    expect(await parseText('')).toMatchObject([{ kind: 'error', line: 1, fatal: true }]);
  });
});

describe('generated files', () => {
  it('are deterministic for a seed', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const c = join(dir, 'c.csv');
    await generateBulkFile(500, 11, a);
    await generateBulkFile(500, 11, b);
    await generateBulkFile(500, 12, c);
    const hash = async (p: string) =>
      createHash('sha256')
        .update(await readFile(p))
        .digest('hex');
    expect(await hash(a)).toBe(await hash(b));
    expect(await hash(a)).not.toBe(await hash(c));
  });

  it('contain old-style kanji, a variation sequence, dependants with 枝番 and mid-month insurer changes', async () => {
    const path = join(dir, 'variety.csv');
    await generateBulkFile(3000, 5, path);
    const records = [];
    for await (const l of readBulkFile(path)) {
      expect(l.kind).toBe('record');
      if (l.kind === 'record') records.push(l.record);
    }
    const names = new Set(records.map((r) => r.familyName));
    for (const n of ['髙橋', '山﨑', '葛\u{E0100}城']) expect(names.has(n), n).toBe(true);
    expect(records.some((r) => r.relationship === 'dependant' && r.branch !== '00' && r.branch !== '')).toBe(true);
    expect(records.some((r) => r.insurerNumber.startsWith('00'))).toBe(true); // 国保
    expect(records.some((r) => r.insurerNumber.startsWith('39') && r.symbol === '' && r.branch === '')).toBe(true); // 後期高齢
    expect(records.some((r) => r.elderly !== null)).toBe(true);
    const byKey = new Map<string, typeof records>();
    for (const r of records) if (r.personLinkKey) byKey.set(r.personLinkKey, [...(byKey.get(r.personLinkKey) ?? []), r]);
    const moved = [...byKey.values()].filter((rs) => rs.length === 2 && rs[0].insurerNumber !== rs[1].insurerNumber);
    expect(moved.length).toBeGreaterThan(0);
    for (const [from, to] of moved) expect(from.lostOn).toBe(to.acquiredOn);
  });

  it('with broken rows: every good row loads and every bad row is reported on its line', async () => {
    const path = join(dir, 'bad.csv');
    const gen = await generateBulkFile(4000, 9, path, { badEvery: 13 });
    expect(new Set(gen.badLines.map((b) => b.kind)).size).toBe(8);
    const errors = new Map<number, string>();
    let records = 0;
    for await (const l of readBulkFile(path)) {
      if (l.kind === 'record') records++;
      else errors.set(l.line, l.reason_en);
    }
    expect(records).toBe(gen.rows - gen.badLines.length);
    expect([...errors.keys()].sort((x, y) => x - y)).toEqual(gen.badLines.map((b) => b.line));
    const reasonOf = (kind: string) => errors.get(gen.badLines.find((b) => b.kind === kind)!.line)!;
    expect(reasonOf('check-digit')).toContain('check digit');
    expect(reasonOf('date')).toContain('does not exist');
    expect(reasonOf('missing-number')).toContain('number');
    expect(reasonOf('branch')).toContain('branch');
    expect(reasonOf('stray-quote')).toMatch(/quote/);
    expect(reasonOf('field-count')).toContain('fields');
    expect(reasonOf('lost-before-acquired')).toContain('not after');
    expect(reasonOf('kana')).toContain('katakana');
  });

  it('load 100,000 people in one pass with progress reaching the file size', async () => {
    const path = join(dir, 'big.csv');
    const gen = await generateBulkFile(100_000, 2026, path);
    const size = (await stat(path)).size;
    expect(gen.bytes).toBe(size);
    let records = 0;
    let errors = 0;
    let lastProgress = 0;
    for await (const batch of readBulkFileBatches(path, {
      onProgress: (n, total) => {
        lastProgress = n;
        expect(total).toBe(size);
      },
    })) {
      for (const l of batch) l.kind === 'record' ? records++ : errors++;
    }
    expect(errors).toBe(0);
    expect(records).toBe(100_000);
    expect(lastProgress).toBe(size);
  });

  it('can be written to a stream with LF and no BOM', async () => {
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (b: Buffer) => parts.push(b));
    await generateBulkFile(10, 1, sink, { lineEnding: '\n', bom: false });
    const text = Buffer.concat(parts).toString('utf8');
    expect(text.startsWith('insurer_number,')).toBe(true);
    expect(text).not.toContain('\r');
    expect(text.trimEnd().split('\n')).toHaveLength(11);
  });
});
