/** `tsunagu facility`: the operator adds, lists, disables and enables entries of the facility directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facilityCommand } from '../../cli/commands/facility.ts';
import { runCli } from '../helpers/cli.ts';

describe('tsunagu facility', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    dir = await mkdtemp(join(tmpdir(), 'tsunagu-facility-'));
  });
  afterAll(async () => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
    await rm(dir, { recursive: true, force: true });
  });
  const run = (...argv: string[]) => runCli(facilityCommand, [...argv, '--data-dir', dir]);

  it('adds a clinic, a pharmacy and an insurer; lists and searches them', async () => {
    const clinic = await run('add', '--code', '1312345679', '--name', 'つなぐ内科クリニック', '--kana', 'ツナグナイカクリニック', '--prefecture', '東京都');
    expect(clinic.code).toBe(0);
    expect(clinic.out).toContain('1312345679 つなぐ内科クリニック (医療機関)');
    expect((await run('add', '--code', '1342345673', '--name', 'さくら薬局', '--kind', '薬局')).code).toBe(0);
    expect((await run('add', '--code', '138016', '--name', 'つなぐ区 国民健康保険', '--kind', 'insurer')).code).toBe(0);
    const all = await run('list');
    expect(all.out).toMatch(/1312345679\t医療機関\tつなぐ内科クリニック\t東京都/);
    expect(all.out).toMatch(/1342345673\t薬局\tさくら薬局/);
    expect(all.out).toMatch(/00138016\t保険者\tつなぐ区 国民健康保険/);
    const found = await run('list', 'ナイカ');
    expect(found.out).toContain('つなぐ内科クリニック');
    expect(found.out).not.toContain('さくら薬局');
    expect((await run('list', '--kind', 'pharmacy')).out.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('disable takes a facility out of the search; enable brings it back', async () => {
    expect((await run('disable', '1342345673')).code).toBe(0);
    expect((await run('list', 'さくら')).out).toContain('該当する施設はありません');
    expect((await run('enable', '1342345673')).code).toBe(0);
    expect((await run('list', 'さくら')).out).toContain('さくら薬局');
  }, 60_000);

  it('refuses bad input with a readable message and exit 2, changing nothing', async () => {
    const badCheckDigit = await run('add', '--code', '1312345678', '--name', '誤りクリニック');
    expect(badCheckDigit.code).toBe(2);
    expect(badCheckDigit.err).toMatch(/検証番号|チェック/);
    const pharmacyAsClinic = await run('add', '--code', '1342345673', '--name', '薬局', '--kind', 'facility');
    expect(pharmacyAsClinic.code).toBe(2);
    expect(pharmacyAsClinic.err).toContain('薬局コード');
    const again = await run('add', '--code', '1312345679', '--name', '二重登録');
    expect(again.code).toBe(2);
    expect(again.err).toContain('登録済み');
    expect((await run('add', '--code', '1312345679')).code).toBe(2);
    expect((await run('add', '--code', '1', '--name', 'x', '--kind', '病院')).err).toContain('種別');
    expect((await run('disable', '1399999999')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('list', '二重登録')).out).toContain('該当する施設はありません');
  }, 60_000);
});
