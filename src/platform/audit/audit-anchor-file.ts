/**
 * The anchor file on disk. A checkpoint is one whole line, appended and synced (fsync) before it counts as
 * written. A lock file (`<file>.lock`, holding the owner's pid) makes a server and `tsunagu audit anchor` on the
 * same file append one after the other — each line chains on the one before it. Processes on other hosts must
 * use files of their own: the lock is only taken over from a dead pid of this host.
 */
import { processAlive } from '../storage/process-alive.ts';
import { type FileHandle, mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

const LOCK_WAIT_MS = 10_000;

export class AnchorFileLocked extends Error {}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Runs `fn` holding the lock of `file` (creating the file's directory). */
export async function withAnchorLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw err;
      const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        await rm(lock, { force: true }); // left behind by a process that has ended
        continue;
      }
      if (Date.now() > deadline)
        throw new AnchorFileLocked(
          `監査アンカーファイル ${file} がロックされたままです（${lock}）。保持しているプロセスがなければ削除してください / ` +
            `the audit anchor file ${file} stays locked (${lock}); remove the lock file if no process holds it`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

export interface AnchorFileTail {
  size: number;
  /** The last non-empty line, if any. */
  last?: string;
  /** The file does not end with a newline (a write cut short): the next append starts a new line first. */
  partial: boolean;
}

/** The end of the file, or undefined when it does not exist. */
export async function readTail(file: string): Promise<AnchorFileTail | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    for (let chunk = 64 * 1024; ; chunk *= 4) {
      const start = Math.max(0, size - chunk);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      const body = text.replace(/\n+$/, '');
      const nl = body.lastIndexOf('\n');
      if (nl >= 0 || start === 0) return { size, last: body.slice(nl + 1) || undefined, partial: size > 0 && !text.endsWith('\n') };
    }
  } finally {
    await fh.close();
  }
}

/** Appends one line and syncs it (and, for a new file, its directory) to disk. */
export async function appendLine(file: string, line: string, tail: AnchorFileTail | undefined): Promise<void> {
  const fh = await open(file, 'a');
  try {
    await fh.write(`${tail?.partial ? '\n' : ''}${line}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (!tail) await syncDirectory(dirname(file));
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not every platform can sync a directory; the line itself is synced.
  }
}
