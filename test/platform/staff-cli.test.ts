/** `tsunagu staff`: the operator adds, lists, unlocks, disables staff and turns TOTP on, on an embedded data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffCommand } from '../../cli/commands/staff.ts';
import { StaffAccounts } from '../../src/platform/auth/staff/index.ts';
import { closePlatform } from '../../src/platform/platform.ts';
import { openLocalPlatform } from '../../cli/common.ts';
import { runCli } from '../helpers/cli.ts';

describe('tsunagu staff', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    dir = await mkdtemp(join(tmpdir(), 'tsunagu-staff-'));
  });
  afterAll(async () => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
    await rm(dir, { recursive: true, force: true });
  });
  const run = (...argv: string[]) => runCli(staffCommand, [...argv, '--data-dir', dir]);

  it('adds a doctor and a clerk, lists them; the account signs in', async () => {
    expect(
      (await run('add', '--facility', '1312345679', '--login', 'yamada', '--name', '山田 太郎', '--role', '医師', '--password', 'kusuri-2026-a')).code,
    ).toBe(0);
    expect(
      (await run('add', '--facility', '1312345679', '--login', 'suzuki', '--name', '鈴木 花子', '--role', 'clerk', '--password', 'uketsuke-2026')).code,
    ).toBe(0);
    const list = await run('list', '--facility', '1312345679');
    expect(list.out).toMatch(/yamada\t医師\t山田 太郎\tactive/);
    expect(list.out).toMatch(/suzuki\t事務/);
    const p = await openLocalPlatform(dir);
    try {
      expect((await new StaffAccounts(p.db).authenticate({ facilityCode: '1312345679', login: 'yamada', password: 'kusuri-2026-a' })).ok).toBe(true);
    } finally {
      await closePlatform(p);
    }
  }, 60_000);

  it('totp prints the otpauth URL; disable makes the account inactive', async () => {
    const t = await run('totp', '1312345679', 'yamada');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/otpauth:\/\/totp\//);
    expect((await run('disable', '1312345679', 'suzuki')).code).toBe(0);
    expect((await run('list', '--facility', '1312345679')).out).toMatch(/suzuki\t事務\t鈴木 花子\tinactive/);
  }, 60_000);

  it('refuses bad input with a readable message and exit 2', async () => {
    const weak = await run('add', '--facility', '1312345679', '--login', 'w', '--name', 'x', '--role', '医師', '--password', 'short');
    expect(weak.code).toBe(2);
    const noRole = await run('add', '--facility', '1312345679', '--login', 'abc', '--name', 'x', '--role', '院長', '--password', 'kusuri-2026-a');
    expect(noRole.code).toBe(2);
    expect(noRole.err).toContain('--role');
    const pharmacistAtClinic = await run(
      'add',
      '--facility',
      '1312345679',
      '--login',
      'yaku',
      '--name',
      'x',
      '--role',
      '薬剤師',
      '--password',
      'kusuri-2026-a',
    );
    expect(pharmacistAtClinic.code).toBe(2);
    expect(pharmacistAtClinic.err).toContain('医療機関の職種ではありません');
    expect((await run('unlock', '1312345679', 'nobody')).code).toBe(2);
  }, 60_000);
});
