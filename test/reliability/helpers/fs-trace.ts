/**
 * Watches the file-system calls made under one directory (PGlite's NODEFS goes through the `node:fs` object, so
 * wrapping its functions sees every write and sync) and keeps the model of what an OS crash would lose: files
 * written since their last fsync/fdatasync, and directories whose entries changed since theirs. `onEvent` sees
 * each call with the state just before it, to check ordering rules.
 */
import fs from 'node:fs';
import { dirname, relative } from 'node:path';
import { vi } from 'vitest';

export interface FsEvent {
  op: 'write' | 'truncate' | 'sync' | 'create' | 'rename' | 'unlink';
  path: string;
  to?: string;
}

export interface FsTrace {
  events: FsEvent[];
  /** Files written (or truncated) since they were last synced. */
  dirty: Set<string>;
  /** Directories with entries created, renamed or removed since they were last synced. */
  dirtyDirs: Set<string>;
  /** Every path synced at least once. */
  synced: Set<string>;
  stop(): void;
}

export function traceFs(root: string, onEvent: (e: FsEvent, t: FsTrace) => void = () => undefined): FsTrace {
  const rel = (p: unknown): string | undefined => {
    if (typeof p !== 'string') return undefined;
    const r = relative(root, p);
    return r.startsWith('..') ? undefined : r;
  };
  const parent = (r: string) => (r === '' ? undefined : dirname(r) === '.' ? '' : dirname(r));
  const fds = new Map<number, string>();
  const trace: FsTrace = { events: [], dirty: new Set(), dirtyDirs: new Set(), synced: new Set(), stop: () => vi.restoreAllMocks() };
  const emit = (e: FsEvent) => {
    onEvent(e, trace);
    trace.events.push(e);
    const dirOf = (p: string) => {
      const d = parent(p);
      if (d !== undefined) trace.dirtyDirs.add(d);
    };
    switch (e.op) {
      case 'write':
      case 'truncate':
        trace.dirty.add(e.path);
        break;
      case 'sync':
        trace.dirty.delete(e.path);
        trace.dirtyDirs.delete(e.path);
        trace.synced.add(e.path);
        break;
      case 'create':
        dirOf(e.path);
        break;
      case 'rename':
        if (trace.dirty.delete(e.path)) trace.dirty.add(e.to!);
        dirOf(e.path);
        dirOf(e.to!);
        break;
      case 'unlink':
        trace.dirty.delete(e.path);
        dirOf(e.path);
        break;
    }
  };
  /** Calls `before` with the arguments, then the real function. */
  type SyncFn =
    | 'closeSync'
    | 'writeSync'
    | 'ftruncateSync'
    | 'fsyncSync'
    | 'fdatasyncSync'
    | 'truncateSync'
    | 'unlinkSync'
    | 'rmdirSync'
    | 'mkdirSync'
    | 'writeFileSync'
    | 'renameSync';
  const wrap = (name: SyncFn, before: (args: unknown[]) => void) => {
    const original = fs[name] as unknown as (...a: unknown[]) => unknown;
    vi.spyOn(fs, name).mockImplementation(((...args: unknown[]) => {
      before(args);
      return original.apply(fs, args);
    }) as unknown as never);
  };
  const open = fs.openSync;
  vi.spyOn(fs, 'openSync').mockImplementation(((path: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
    const r = rel(path);
    const existed = r !== undefined && fs.existsSync(path);
    const fd = open(path, flags ?? 'r', mode);
    if (r !== undefined) {
      fds.set(fd, r);
      if (!existed) emit({ op: 'create', path: r });
    }
    return fd;
  }) as typeof fs.openSync);
  wrap('closeSync', (args) => void fds.delete(args[0] as number));
  // A descriptor opened before tracing began: Linux names its file in /proc.
  const readlink = fs.readlinkSync;
  const pathOf = (fd: number): string | undefined => {
    if (!fds.has(fd)) {
      try {
        const r = rel(readlink(`/proc/self/fd/${fd}`));
        if (r !== undefined) fds.set(fd, r);
      } catch {
        /* not a file descriptor we can name */
      }
    }
    return fds.get(fd);
  };
  const onFd = (op: FsEvent['op']) => (args: unknown[]) => {
    const r = pathOf(args[0] as number);
    if (r !== undefined) emit({ op, path: r });
  };
  wrap('writeSync', onFd('write'));
  wrap('ftruncateSync', onFd('truncate'));
  wrap('fsyncSync', onFd('sync'));
  wrap('fdatasyncSync', onFd('sync'));
  const onPath = (op: FsEvent['op']) => (args: unknown[]) => {
    const r = rel(args[0]);
    if (r !== undefined) emit({ op, path: r });
  };
  wrap('truncateSync', onPath('truncate'));
  wrap('unlinkSync', onPath('unlink'));
  wrap('rmdirSync', onPath('unlink'));
  wrap('mkdirSync', onPath('create'));
  wrap('writeFileSync', (args) => {
    const r = rel(args[0]);
    if (r === undefined) return;
    emit({ op: 'create', path: r });
    emit({ op: 'write', path: r });
  });
  wrap('renameSync', (args) => {
    const from = rel(args[0]);
    const to = rel(args[1]);
    if (from !== undefined && to !== undefined) emit({ op: 'rename', path: from, to });
  });
  return trace;
}
