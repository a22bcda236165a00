/**
 * The fee master's tables (schema version 600) on every engine: the sample files imported through the official
 * readers load back as the same master as sampleFeeMaster(), a re-import changes nothing, refused rows are reported
 * by file and line while the good rows are stored, 抹消 rows erase their version, and a file that fails part-way
 * (or cannot be read at all) changes nothing. Then the CLI `tsunagu billing master import` on a data directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingMasterCommand } from '../../cli/commands/billing-master.ts';
import type { Database, Queryable } from '../../src/platform/storage/database.ts';
import { migrate, registerMigrations } from '../../src/platform/storage/migrate.ts';
import {
  billingMigration,
  type FeeMasterFiles,
  importFeeMaster,
  loadFeeMaster,
  MasterImportError,
  SAMPLE_FILES,
  sampleFeeMaster,
  sampleFeeMasterData,
  samplePath,
} from '../../src/services/billing/master/index.ts';
import type { FeeItem } from '../../src/services/billing/model/types.ts';
import { runCli } from '../helpers/cli.ts';
import { ENGINES, type EngineHandle, engineHandle } from '../helpers/engines.ts';
import { shiftJis } from '../helpers/shift-jis.ts';
import { CRLF, itemLine } from './master-fixtures.ts';

const sampleFiles = (): FeeMasterFiles => ({
  items: samplePath(SAMPLE_FILES.items),
  support: samplePath(SAMPLE_FILES.support),
  inclusions: samplePath(SAMPLE_FILES.inclusions),
  exclusions: [samplePath(SAMPLE_FILES.exclusionsDay), samplePath(SAMPLE_FILES.exclusionsMonth)],
  countLimits: samplePath(SAMPLE_FILES.countLimits),
  bundleSteps: samplePath(SAMPLE_FILES.bundleSteps),
});

const TABLES = ['billing_items', 'billing_count_limits', 'billing_exclusions', 'billing_inclusion_links', 'billing_inclusion_members', 'billing_bundle_steps'];
const DATES = ['2024-05-31', '2024-06-01', '2025-12-31', '2026-05-31', '2026-06-01', '2027-01-01'];
const withoutSource = ({ source: _s, ...rest }: FeeItem) => rest;

/** The database as a transaction sees it, failing the `failAt`-th INSERT of a transaction (a disk full, a lost server …). */
function failingOn(db: Database, failAt: number): Pick<Database, 'transaction'> {
  return {
    transaction: (fn) =>
      db.transaction((tx) => {
        let inserts = 0;
        const wrapped: Queryable = {
          query: (sql, params, options) => {
            if (sql.startsWith('INSERT') && ++inserts === failAt) return Promise.reject(new Error('simulated failure'));
            return tx.query(sql, params, options);
          },
        };
        return fn(wrapped);
      }),
  };
}

describe.each(ENGINES)('fee master tables (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  const snapshot = async () => {
    const out: Record<string, string> = {};
    for (const t of TABLES)
      out[t] = (await db.query<{ s: string }>(`SELECT coalesce(string_agg(x::text, '|' ORDER BY x::text), '') AS s FROM ${t} x`)).rows[0].s;
    return out;
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params)).rows[0].n);

  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
    registerMigrations([billingMigration]);
    await migrate(db);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('is schema version 600', async () => {
    expect(billingMigration).toMatchObject({ version: 600, name: 'billing-master' });
    expect((await db.query('SELECT name FROM schema_migrations WHERE version = 600')).rows).toEqual([{ name: 'billing-master' }]);
  });

  it('imports the sample files with no refused row and loads the same master as sampleFeeMaster()', async () => {
    const result = await importFeeMaster(db, sampleFiles(), { progress: false });
    expect(result.refused).toEqual([]);
    expect(result.skipped).toEqual([]);
    const data = sampleFeeMasterData();
    expect(result.imported).toBe(data.items.length + 1 + 23 + 3 + 7 + 6); // items, link, members, exclusions, limits, steps (令和6年度 and carried forward)
    expect(result.files.map((f) => f.kind)).toEqual(['items', 'support', 'inclusions', 'exclusions', 'exclusions', 'count-limits', 'bundle-steps']);

    const loaded = await loadFeeMaster(db);
    const sample = sampleFeeMaster();
    expect(loaded.itemCount).toBe(sample.itemCount);
    expect(loaded.description).toContain('s_sample.csv');
    for (const code of new Set(data.items.map((i) => i.code))) {
      for (const date of DATES) {
        const a = loaded.item(code, date);
        const b = sample.item(code, date);
        if ('refused' in b) expect(a).toEqual({ ...b, item: b.item && { ...withoutSource(b.item), source: 's_sample.csv' } });
        else expect(a).toEqual({ ...withoutSource(b), source: 's_sample.csv' });
        expect(loaded.countLimits(code, date)).toEqual(sample.countLimits(code, date));
        expect(new Set(loaded.exclusions(code, date))).toEqual(new Set(sample.exclusions(code, date)));
        expect(new Set(loaded.inclusions(code, date))).toEqual(new Set(sample.inclusions(code, date)));
      }
    }
    expect(loaded.item('112007410', '2026-06-01')).toMatchObject({ value: 76 });
    expect(loaded.bundleSteps('生化学１', '2025-01-01')).toEqual(sample.bundleSteps('生化学１', '2025-01-01'));
    expect(loaded.judgementFee('血液学', '2025-01-01')?.code).toBe('160061810');
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await snapshot();
    const files = await count('SELECT count(*) AS n FROM billing_master_files');
    const again = await importFeeMaster(db, sampleFiles(), { progress: false });
    expect(again.refused).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(await count('SELECT count(*) AS n FROM billing_master_files')).toBe(files);
  });

  it('stores the good rows of a Shift_JIS file and reports each refused row with file, line, code and reason', async () => {
    const data = shiftJis(
      [
        itemLine({ 3: '190000010', 5: '試験項目甲', 12: '10' }),
        itemLine({ 3: '190000020', 5: '試験項目乙', 11: '5' }),
        itemLine({ 3: '190000030', 5: '試験項目丙', 87: '20260601', 88: '20250101' }),
        itemLine({ 3: '190000040', 5: '試験項目丁', 12: '20' }),
      ].join(CRLF),
    );
    const result = await importFeeMaster(db, { items: { name: 's_test.csv', data } }, { progress: false });
    expect(result.imported).toBe(2);
    expect(result.refused).toEqual([
      { file: 's_test.csv', line: 2, code: '190000020', reason: expect.stringContaining('点数識別') },
      { file: 's_test.csv', line: 3, code: '190000030', reason: expect.stringContaining('より後') },
    ]);
    const m = await loadFeeMaster(db);
    expect(m.item('190000010', '2025-01-01')).toMatchObject({ name: '試験項目甲', value: 10, source: 's_test.csv' });
    expect(m.item('190000020', '2025-01-01')).toEqual({ refused: 'unknown' });
  });

  it('erases a version with a 抹消 row (変更区分 1)', async () => {
    await importFeeMaster(db, { items: { name: 's_erase.csv', data: itemLine({ 1: '1', 3: '190000040', 5: '試験項目丁', 12: '20' }) } }, { progress: false });
    expect(await count("SELECT count(*) AS n FROM billing_items WHERE code = '190000040'")).toBe(0);
  });

  it('changes nothing when a file fails part-way (one transaction per file)', async () => {
    const before = await snapshot();
    const lines = Array.from({ length: 6 }, (_, i) => itemLine({ 3: String(191000000 + i), 5: `新項目${i}`, 12: '5' })).join(CRLF);
    const changed = itemLine({ 3: '112007410', 5: '再診料', 12: '999', 87: '20260601' });
    await expect(
      importFeeMaster(failingOn(db, 3), { items: { name: 's_fail.csv', data: `${changed}${CRLF}${lines}` } }, { progress: false, batchSize: 2 }),
    ).rejects.toThrow('simulated failure');
    expect(await snapshot()).toEqual(before);
    expect(await count("SELECT count(*) AS n FROM billing_master_files WHERE file_name = 's_fail.csv'")).toBe(0);
    expect((await loadFeeMaster(db)).item('112007410', '2026-06-01')).toMatchObject({ value: 76 });
  });

  it('refuses a 背反テーブル whose kind cannot be told before changing anything', async () => {
    const before = await snapshot();
    const files: FeeMasterFiles = {
      items: { name: 's_more.csv', data: itemLine({ 3: '192000000', 5: '別項目' }) },
      exclusions: [{ name: 'haihan.csv', data: '0,111000110,初診料,112007410,再診料,1,0,,20240601,99999999' }],
    };
    await expect(importFeeMaster(db, files, { progress: false })).rejects.toThrow(MasterImportError);
    await expect(importFeeMaster(db, files, { progress: false })).rejects.toThrow('03-1〜03-4');
    expect(await snapshot()).toEqual(before);
    const given = await importFeeMaster(
      db,
      { exclusions: [{ file: files.exclusions?.[0] as { name: string; data: string }, scope: 'week' }] },
      { progress: false },
    );
    expect(given.imported).toBe(1);
    expect(
      (await loadFeeMaster(db))
        .exclusions('111000110', '2025-01-01')
        .map((e) => e.scope)
        .sort(),
    ).toEqual(['day', 'week']);
  });
});

describe('tsunagu billing master import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-billing-master-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the sample files into a data directory, then reports a refused row with exit 1', async () => {
    const dataDir = join(dir, 'data');
    const ok = await runCli(billingMasterCommand, [
      'import',
      '--items',
      samplePath(SAMPLE_FILES.items),
      '--support',
      samplePath(SAMPLE_FILES.support),
      '--inclusions',
      samplePath(SAMPLE_FILES.inclusions),
      '--exclusions',
      samplePath(SAMPLE_FILES.exclusionsDay),
      '--exclusions',
      `month:${samplePath(SAMPLE_FILES.exclusionsMonth)}`,
      '--count-limits',
      samplePath(SAMPLE_FILES.countLimits),
      '--bundle-steps',
      samplePath(SAMPLE_FILES.bundleSteps),
      '--no-progress',
      '--data-dir',
      dataDir,
    ]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/合計 取込 \d+ 行・エラー 0 行/);

    const bad = join(dir, 's_bad.csv');
    writeFileSync(bad, shiftJis([itemLine({ 3: '193000000', 5: '良い行' }), itemLine({ 3: '19300000X', 5: '悪い行' })].join(CRLF)));
    const refused = await runCli(billingMasterCommand, ['import', '--items', bad, '--encoding', 'shift_jis', '--no-progress', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('s_bad.csv: 取込 1 行・エラー 1 行');
    expect(refused.err).toContain('s_bad.csv 2 行目 19300000X: 診療行為コード「19300000X」が9桁の数字ではありません');

    expect((await runCli(billingMasterCommand, ['import', '--data-dir', dataDir])).code).toBe(2);
    expect((await runCli(billingMasterCommand, ['import', '--items', bad, '--encoding', 'latin1'])).code).toBe(2);
    expect((await runCli(billingMasterCommand, ['export'])).code).toBe(2);
  }, 120_000);
});
