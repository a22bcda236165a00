/**
 * Finding 12: one process at a time on an embedded data directory, with no take-over race. Four real processes
 * try to take a stale lock at the same instant, 300 times: exactly one wins each time. A lock file naming a live
 * but unrelated process (a reused PID) does not block; a live holder is refused with the clear message, and its
 * death (kill -9) frees the directory at once. The pid-file fallback never takes over a stale lock.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUse, lockDataDir } from '../../src/platform/storage/data-dir-lock.ts';

/** The lock file's name, as operators see it. */
const LOCK_FILE = 'tsunagu.lock';

const CONTENDERS = 4;
const TRIALS = 300;
const base = mkdtempSync(join(tmpdir(), 'tsunagu-lock-'));
let n = 0;
const freshDir = () => mkdtempSync(join(base, `d${++n}-`));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});

function contender(): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'fixtures/lock-contender.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`contender exited with ${code}`)));
  });
}

const ask = <T>(child: ChildProcess, message: object) =>
  new Promise<T>((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('data directory lock', () => {
  it(`${CONTENDERS} processes taking over one stale lock at once: exactly one wins, ${TRIALS} times in a row`, async () => {
    const procs = await Promise.all(Array.from({ length: CONTENDERS }, contender));
    const stale = await deadPid();
    const dir = freshDir();
    const winners: number[] = [];
    const refusals = new Set<string>();
    for (let trial = 0; trial < TRIALS; trial++) {
      writeFileSync(join(dir, LOCK_FILE), String(stale)); // left by a process that crashed
      const at = Date.now() + 15;
      const results = await Promise.all(procs.map((p) => ask<{ won: boolean; error?: string }>(p, { trial, dir, at })));
      winners.push(results.filter((r) => r.won).length);
      for (const r of results) if (!r.won) refusals.add(r.error!.replace(/\d+/g, 'N').replace(/\/\S+/g, 'DIR'));
      await Promise.all(procs.map((p) => ask(p, { release: true })));
    }
    // Trials with other than one winner (two winners: both would open the same files).
    expect(winners.map((w, trial) => ({ trial, w })).filter((t) => t.w !== 1)).toEqual([]);
    for (const r of refusals) expect(r).toMatch(/is in use by (process N|another process) \(tsunagu serve\?\)/);
  }, 120_000);

  it('takes over a lock file whose PID now belongs to an unrelated live process', async () => {
    const dir = freshDir();
    const unrelated = spawn('sleep', ['30']);
    children.push(unrelated);
    writeFileSync(join(dir, LOCK_FILE), String(unrelated.pid));
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('refuses while a live process holds it, naming it, and is free the moment the holder is killed', async () => {
    const dir = freshDir();
    const holder = await contender();
    await ask(holder, { hold: dir });
    let refused: unknown;
    try {
      lockDataDir(dir);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataDirInUse);
    expect((refused as Error).message).toContain(`in use by process ${holder.pid}`);
    expect((refused as Error).message).toContain(`プロセス ${holder.pid} が使用中`);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('exit', r));
    const release = lockDataDir(dir);
    release();
  });

  it('two opens in one process exclude each other too', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/in use by this process/);
    release();
    lockDataDir(dir)();
  });

  it('the pid-file fallback refuses a live holder and never takes over a stale lock', async () => {
    const dir = freshDir();
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, String(process.ppid));
    expect(() => lockDataDir(dir, { kernelLock: false })).toThrow(new RegExp(`in use by process ${process.ppid}`));
    const stale = await deadPid();
    writeFileSync(file, String(stale));
    expect(() => lockDataDir(dir, { kernelLock: false })).toThrow(new RegExp(`left by process ${stale}, which has ended: .*remove the file`));
    rmSync(file);
    const release = lockDataDir(dir, { kernelLock: false });
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(file)).toBe(false);
  });
});
