/**
 * Durable writes on the embedded engine (永続性). PGlite starts PostgreSQL with `-F` (fsync off), and its
 * Emscripten file system has no `fsync` for real directories: the `fsync()` PostgreSQL calls reaches
 * `NODEFS.stream_ops.fsync`, which does not exist, and `fdatasync()` is a no-op syscall. Writes then reach the OS
 * page cache only — they survive a process crash, not an OS crash or a power loss.
 *
 * The fix gives PostgreSQL a real `fsync` and lets it do what it does on any server: commit waits for the WAL to
 * be synced; a data page is written only after the WAL describing it is durable; a checkpoint syncs every data
 * file it wrote before it rewrites `global/pg_control` and removes old WAL; files are renamed durably (file, then
 * directory synced); after an unclean shutdown the whole data directory is synced before recovery. None of those
 * ordering rules is re-implemented here.
 *
 * - `DurableNodeFS` mounts the data directory like PGlite's `NodeFS` and adds `stream_ops.fsync`, before
 *   PostgreSQL starts: `fdatasync(2)` for files (what PostgreSQL uses for the WAL on Linux; it includes the file
 *   size), `fsync(2)` for directories.
 * - `durableStartParams` drops `-F` and sets `wal_sync_method=fsync`: the default (`fdatasync`) would reach the
 *   no-op syscall.
 * - `syncDataDirectory` syncs every file and directory once at open: the cluster PGlite's initdb unpacked was never
 *   synced, nor was anything written by an earlier run with fsync off.
 */
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** The part of the Emscripten module this file touches. */
interface EmscriptenModule {
  FS: { isDir(mode: number): boolean };
  NODEFS: {
    stream_ops: { fsync?: (stream: { nfd: number; node: { mode: number } }) => number };
    convertNodeCode(err: unknown): number | undefined;
  };
}

/** WASI errno EIO: what PostgreSQL sees when a sync fails (it then stops rather than lose data: data_sync_retry). */
const WASI_EIO = 29;

/** Errors of platforms that cannot open or sync a directory (Windows): ignored for directories, as PostgreSQL does. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EBADF', 'EPERM', 'EACCES', 'EINVAL']);
const unsupportedOnDirectory = (err: unknown) => DIRECTORY_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '');

/** Syncs one open descriptor: the file's data (and size), or a directory's entries. */
export function syncDescriptor(fd: number, isDirectory: boolean): void {
  if (isDirectory) fs.fsyncSync(fd);
  else fs.fdatasyncSync(fd);
}

/** Gives NODEFS the `fsync` stream operation Emscripten leaves out; idempotent. */
export function addRealFsync(mod: EmscriptenModule): void {
  const ops = mod.NODEFS.stream_ops;
  ops.fsync = (stream) => {
    const isDirectory = mod.FS.isDir(stream.node.mode);
    try {
      syncDescriptor(stream.nfd, isDirectory);
      return 0;
    } catch (err) {
      if (isDirectory && unsupportedOnDirectory(err)) return 0;
      return mod.NODEFS.convertNodeCode(err) ?? WASI_EIO;
    }
  };
}

/** PGlite's NodeFS whose descriptors really sync when PostgreSQL asks. */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = [...(emscriptenOpts.preRun ?? []), (mod: unknown) => addRealFsync(mod as EmscriptenModule)];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } as typeof emscriptenOpts };
  }
}

/** PGlite's start parameters with fsync on and a WAL sync method that reaches `fsync`. */
export function durableStartParams(): string[] {
  const params = PGlite.defaultStartParams.filter((p) => p !== '-F');
  return [...params, '-c', 'fsync=on', '-c', 'wal_sync_method=fsync', '-c', 'synchronous_commit=on'];
}

function syncPath(path: string, isDirectory: boolean): void {
  let fd: number;
  try {
    fd = fs.openSync(path, isDirectory ? 'r' : 'r+');
  } catch (err) {
    if (isDirectory && unsupportedOnDirectory(err)) return;
    throw err;
  }
  try {
    syncDescriptor(fd, isDirectory);
  } catch (err) {
    if (!isDirectory || !unsupportedOnDirectory(err)) throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/** Syncs every regular file under `dir`, then each directory after its entries, then `dir`'s parent. */
export function syncDataDirectory(dir: string, skip: (name: string) => boolean = () => false): void {
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (skip(entry.name)) continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) syncPath(path, false);
    }
    syncPath(d, true);
  };
  walk(dir);
  syncPath(dirname(dir), true);
}
