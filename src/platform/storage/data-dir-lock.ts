/**
 * One process at a time on an embedded data directory: two PGlite instances on the same files would corrupt them.
 * A second `tsunagu` on the same directory (say `client register` while `serve` runs) gets a clear error instead.
 *
 * The lock is an exclusive lock the kernel holds on an open descriptor of `tsunagu.lock` (open file description
 * locks on Linux, flock on macOS, LockFileEx on Windows, through `fs-native-extensions`): taking it is one atomic
 * step, and the kernel drops it when the process dies, however it dies — no stale lock to take over, no PID to
 * reuse, and two descriptors in one process exclude each other too. The file holds the owner's pid only for the
 * message; it is never deleted (a process that opened the old file could otherwise lock it while another locks
 * a new one).
 *
 * Where the native lock cannot load, a pid file created exclusively stands in; a stale one (its process has
 * ended) is not taken over automatically — that step cannot be made atomic on a pid file — and the message says
 * which file to remove.
 */
import { processAlive } from './process-alive.ts';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export class DataDirInUse extends Error {}

export const LOCK_FILE = 'tsunagu.lock';

interface NativeLock {
  /** Exclusive, non-blocking; false when another descriptor holds it. */
  tryLock(fd: number): boolean;
}

let native: NativeLock | null | undefined;
function nativeLock(): NativeLock | undefined {
  if (native === undefined) {
    try {
      native = createRequire(import.meta.url)('fs-native-extensions') as NativeLock;
    } catch {
      native = null;
    }
  }
  return native ?? undefined;
}

function recordedPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function inUse(dir: string, holder: number | undefined): DataDirInUse {
  const who = holder === undefined ? '別のプロセスが' : holder === process.pid ? 'このプロセスが' : `プロセス ${holder} が`;
  const whoEn = holder === undefined ? 'another process' : holder === process.pid ? 'this process' : `process ${holder}`;
  return new DataDirInUse(
    `組み込みデータベース ${dir} は${who}使用中です（tsunagu serve など）。停止してから実行するか、DATABASE_URL で PostgreSQL を使ってください / ` +
      `the embedded database ${dir} is in use by ${whoEn} (tsunagu serve?): stop it first, or use PostgreSQL via DATABASE_URL`,
  );
}

function kernelLock(dir: string, file: string, lock: NativeLock): () => void {
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  let granted = false;
  try {
    granted = lock.tryLock(fd);
  } finally {
    if (!granted) closeSync(fd);
  }
  if (!granted) {
    // Named only if it runs: the file may still hold the previous owner's pid for a moment.
    const holder = recordedPid(file);
    throw inUse(dir, holder !== undefined && processAlive(holder) ? holder : undefined);
  }
  // Written before the rest is cut off, so a reader never finds the file empty.
  const pid = Buffer.from(String(process.pid));
  writeSync(fd, pid, 0, pid.length, 0);
  ftruncateSync(fd, pid.length);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      ftruncateSync(fd, 0);
    } finally {
      closeSync(fd); // closing the descriptor drops the lock
    }
  };
}

function pidFileLock(dir: string, file: string): () => void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = recordedPid(file);
    if (holder !== undefined && processAlive(holder)) throw inUse(dir, holder);
    throw new DataDirInUse(
      `組み込みデータベース ${dir} のロックファイル ${file} が残っています（プロセス ${holder ?? '不明'} は終了しています）。ほかに使用中のプロセスがないことを確かめてから削除してください / ` +
        `the lock file ${file} was left by process ${holder ?? '(unknown)'}, which has ended: make sure nothing uses ${dir}, then remove the file`,
    );
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(file, { force: true });
  };
}

export interface LockOptions {
  /** false: the pid-file fallback even where the kernel lock is available (tests of the fallback). */
  kernelLock?: boolean;
}

/** Takes the lock on `dir`; returns the release function. Throws DataDirInUse when another holder has it. */
export function lockDataDir(dir: string, opts: LockOptions = {}): () => void {
  const file = join(dir, LOCK_FILE);
  const lock = opts.kernelLock === false ? undefined : nativeLock();
  return lock ? kernelLock(dir, file, lock) : pidFileLock(dir, file);
}
