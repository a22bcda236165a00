/** `tsunagu proxy`: the operator's registration of 代理人 refuses what cannot be right, with a readable message. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyCommand } from '../../cli/commands/proxy.ts';
import { runCli } from '../helpers/cli.ts';

describe('tsunagu proxy', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    dir = await mkdtemp(join(tmpdir(), 'tsunagu-proxy-'));
  });
  afterAll(async () => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
    await rm(dir, { recursive: true, force: true });
  });
  const run = (...argv: string[]) => runCli(proxyCommand, [...argv, '--data-dir', dir]);

  it('needs the proxy, the person and the relation; refuses people who are not registered', async () => {
    const missing = await run('add', '--proxy', 'a');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--relation');
    const unknown = await run('add', '--proxy', 'nobody-1', '--for', 'nobody-2', '--relation', 'parent');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Patient/nobody-1');
    expect((await run('list', 'nobody-2')).out).toContain('代理人の登録はありません');
    const end = await run('end', 'no-such-registration');
    expect(end.code).toBe(2);
    expect(end.err).toContain('no-such-registration');
    expect((await run('grant')).code).toBe(2);
  }, 60_000);
});
