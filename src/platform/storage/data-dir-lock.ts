/**
 * One process at a time on an embedded data directory: two PGlite instances on the same files would corrupt them.
 * The lock is a file holding the owner's pid, created exclusively; a lock left by a process that no longer runs is
 * taken over. A second `tsunagu` on the same directory (say `client register` while `serve` runs) gets a clear
 * error instead.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUse extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock on `dir`; returns the release function. Throws DataDirInUse when another live process holds it. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'tsunagu.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
        throw new DataDirInUse(
          `組み込みデータベース ${dir} はプロセス ${holder} が使用中です（tsunagu serve など）。停止してから実行するか、DATABASE_URL で PostgreSQL を使ってください / ` +
            `the embedded database ${dir} is in use by process ${holder} (tsunagu serve?): stop it first, or use PostgreSQL via DATABASE_URL`,
        );
      rmSync(file, { force: true }); // left behind by a process that has ended
    }
  }
  throw new DataDirInUse(`could not lock ${dir}`);
}
