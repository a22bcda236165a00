/**
 * Done-when: "kill -9 under load loses no acknowledged write". The real server (`tsunagu serve`, its own process)
 * takes concurrent creates; at a random moment it is killed with SIGKILL, restarted on the same data, and every
 * create it had acknowledged (201) must be readable — 5 runs per engine (embedded PGlite; PostgreSQL on a scratch
 * database when one is reachable), 0 lost. The client is registered and its token minted with the CLI commands.
 * TSUNAGU_FAULT_STATS=1 prints how many creates each run had acknowledged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { clientCommand } from '../../cli/commands/client.ts';
import { tokenCommand } from '../../cli/commands/token.ts';
import { createScratchDatabase } from '../../src/platform/storage/pg-admin.ts';
import { ADMIN_URL, ENGINES } from '../helpers/engines.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = 5;
const WRITERS = 8;
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const cli = runCli;

/** Starts `tsunagu serve`; resolves with its URL once it listens. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/tsunagu.ts'), 'serve'], { cwd: ROOT, env: { ...process.env, ...env } });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolveUrl, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out} ${err}`)), 60_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /FHIR API:\s+(http:\/\/\S+)\/fhir/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl({ child, url: m[1] });
      }
    });
    child.on('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}): ${out} ${err}`)));
  });
}

/** Creates patients with `WRITERS` concurrent clients until the server dies; returns the acknowledged ids. */
async function createUntilKilled(url: string, token: string, child: ChildProcess, afterMs: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let alive = true;
  const exited = new Promise((r) => child.once('exit', r));
  void exited.then(() => (alive = false));
  const writer = async (w: number) => {
    for (let i = 0; alive; i++) {
      try {
        const res = await fetch(`${url}/fhir/Patient`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
          body: JSON.stringify({ resourceType: 'Patient', name: [{ family: '強制終了', given: [`${w}-${i}`] }], birthDate: '1980-02-03' }),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status === 201 && body.id) acknowledged.push(body.id);
      } catch {
        return; // connection refused or reset: the server is gone
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  await new Promise((r) => setTimeout(r, afterMs));
  child.kill('SIGKILL');
  await exited;
  await Promise.all(writers);
  return acknowledged;
}

async function unreadable(url: string, token: string, ids: string[]): Promise<string[]> {
  const lost: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const res = await fetch(`${url}/fhir/Patient/${id}`, { headers: { authorization: `Bearer ${token}` } });
        await res.text();
        if (res.status !== 200) lost.push(`${id}: ${res.status}`);
      }
    }),
  );
  return lost;
}

describe.each(ENGINES)('kill -9 under load (%s)', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), `tsunagu-crash-${engine}-`));
  const dataDir = join(dir, 'data');
  let dropScratch: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await dropScratch?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged create in ${RUNS} runs`, async () => {
    let databaseUrl = '';
    if (engine === 'postgres') {
      const scratch = await createScratchDatabase(ADMIN_URL, `tsunagu_crash_${process.pid}`);
      databaseUrl = scratch.url;
      dropScratch = scratch.drop;
    }
    // The CLI reads DATABASE_URL from the environment (this file runs in its own process).
    process.env.DATABASE_URL = databaseUrl;
    const env = { TSUNAGU_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' };
    const reg = await cli(clientCommand, [
      'register',
      '--name',
      '強制終了試験クリニック',
      '--kind',
      'facility',
      '--facility-code',
      '1312345679',
      '--scopes',
      'system/Patient.cruds',
      '--generate-key',
      join(dir, 'key.json'),
      '--data-dir',
      dataDir,
    ]);
    expect(reg.code, reg.err).toBe(0);
    const minted = await cli(tokenCommand, ['--client-id', JSON.parse(reg.out).client_id, '--data-dir', dataDir]);
    expect(minted.code, minted.err).toBe(0);
    const token = minted.out.trim();

    const acknowledged: string[] = [];
    const perRun: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { child, url } = await serve(env);
      // Everything acknowledged before the earlier kills is still there after this restart.
      expect(await unreadable(url, token, acknowledged), `after restart ${run}`).toEqual([]);
      const ids = await createUntilKilled(url, token, child, 400 + Math.random() * 1200);
      perRun.push(ids.length);
      acknowledged.push(...ids);
    }
    const { child, url } = await serve(env);
    expect(await unreadable(url, token, acknowledged)).toEqual([]);
    child.kill('SIGKILL');
    if (process.env.TSUNAGU_FAULT_STATS) console.log(JSON.stringify({ engine, acknowledgedPerRun: perRun, total: acknowledged.length }));
    expect(
      perRun.every((n) => n > 0),
      `acknowledged per run: ${perRun.join(', ')}`,
    ).toBe(true);
  }, 150_000);
});
