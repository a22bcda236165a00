/**
 * Finding 13: acknowledged writes on the embedded engine are durable (fsync on). Every file-system call PGlite
 * makes under the data directory is traced (test/reliability/helpers/fs-trace.ts) with the model of what an OS
 * crash loses — data written but not yet synced — and the tests check PostgreSQL's rules at the moments they
 * matter: when a write is acknowledged, its WAL is on disk; a checkpoint syncs the data files before it rewrites
 * pg_control, and pg_control before it recycles WAL; opening syncs the whole directory (initdb's files never
 * were). With fsync off — PGlite's default, the old engine — the same check finds the WAL unsynced. A failed sync
 * stops the process before the write is acknowledged (a real child process).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/storage/database.ts';
import { openDatabase } from '../../src/platform/storage/open.ts';
import { PANIC_EXIT_CODE, openPglite } from '../../src/platform/storage/pglite-engine.ts';
import { traceFs, type FsTrace } from './helpers/fs-trace.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const base = fs.mkdtempSync(join(tmpdir(), 'tsunagu-fsync-'));
let n = 0;
const freshDir = () => fs.mkdtempSync(join(base, `pg${++n}-`));
const walDirty = (t: FsTrace) => [...t.dirty].filter((p) => p.startsWith('pg_wal/'));
const walSyncsSince = (t: FsTrace, from: number) => t.events.slice(from).filter((e) => e.op === 'sync' && e.path.startsWith('pg_wal/')).length;

let db: Database | undefined;
let trace: FsTrace | undefined;
afterEach(async () => {
  trace?.stop();
  trace = undefined;
  await db?.close();
  db = undefined;
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('embedded engine durability (fsync on)', () => {
  it('opening syncs every file and directory of a fresh data directory', async () => {
    const dir = freshDir();
    trace = traceFs(dir);
    db = await openPglite(dir);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(join(dir, d), { withFileTypes: true })) {
        const p = d ? `${d}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) files.push(p);
      }
    };
    walk('');
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => !trace!.synced.has(f))).toEqual([]);
    expect([...trace.dirty]).toEqual([]);
    expect([...trace.dirtyDirs]).toEqual([]);
  }, 60_000);

  it('acknowledges a write only once the WAL it wrote is synced (statements, transactions, scripts)', async () => {
    const dir = freshDir();
    db = await openPglite(dir);
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    trace = traceFs(dir);
    const writes: [string, () => Promise<unknown>][] = [
      ['statement', () => db!.query('INSERT INTO t VALUES ($1, $2)', [1, 'a'])],
      [
        'transaction',
        () =>
          db!.transaction(async (tx) => {
            await tx.query('INSERT INTO t VALUES ($1, $2)', [2, 'b']);
            await tx.query('UPDATE t SET v = $1 WHERE id = $2', ['c', 1]);
          }),
      ],
      ['script', () => db!.exec("INSERT INTO t VALUES (3, 'd'); DELETE FROM t WHERE id = 2")],
      ['large statement', () => db!.query("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(10, 20000) g")],
    ];
    for (const [what, write] of writes) {
      const from = trace.events.length;
      await write();
      expect(walSyncsSince(trace, from), what).toBeGreaterThan(0);
      expect(walDirty(trace), what).toEqual([]);
      expect(trace.dirtyDirs.has('pg_wal'), what).toBe(false);
    }
  }, 60_000);

  it('a checkpoint syncs data files before pg_control, and pg_control before it recycles WAL', async () => {
    const dir = freshDir();
    db = await openPglite(dir);
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const violations: string[] = [];
    let controlWrites = 0;
    let recycled = 0;
    const dataDirty = (t: FsTrace) => [...t.dirty].filter((p) => p.startsWith('base/') || (p.startsWith('global/') && p !== 'global/pg_control'));
    trace = traceFs(dir, (e, t) => {
      if (e.op === 'write' && e.path === 'global/pg_control') {
        controlWrites++;
        if (dataDirty(t).length) violations.push(`pg_control written while ${dataDirty(t).join(', ')} unsynced`);
      }
      const segment = /^pg_wal\/[0-9A-F]{24}$/;
      if ((e.op === 'rename' || e.op === 'unlink') && segment.test(e.path)) {
        recycled++;
        if (t.dirty.has('global/pg_control')) violations.push(`${e.path} recycled before pg_control was synced`);
        if (dataDirty(t).length) violations.push(`${e.path} recycled while ${dataDirty(t).join(', ')} unsynced`);
      }
    });
    for (let i = 0; i < 3; i++) {
      await db.query("INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series($1::int, $1::int + 5000) g", [i * 10_000]);
      await db.query('SELECT pg_switch_wal()');
    }
    await db.query('CHECKPOINT');
    expect(violations).toEqual([]);
    expect(controlWrites).toBeGreaterThan(0);
    expect(recycled).toBeGreaterThan(0);
    // pg_subtrans is not kept across restarts (rebuilt at startup): PostgreSQL never syncs it.
    expect([...trace.dirty].filter((p) => !p.startsWith('pg_subtrans/'))).toEqual([]);
  }, 60_000);

  it('with fsync off (PGlite as configured before, TSUNAGU_EMBEDDED_FSYNC=0) the check finds the WAL unsynced', async () => {
    const dir = freshDir();
    db = await openPglite(dir, { fsync: false });
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    trace = traceFs(dir);
    const from = trace.events.length;
    await db.query('INSERT INTO t VALUES (1)');
    expect(walSyncsSince(trace, from)).toBe(0);
    expect(walDirty(trace).length).toBeGreaterThan(0);
  }, 60_000);

  it('openDatabase turns fsync on unless embeddedFsync is false', async () => {
    const on = freshDir();
    db = await openDatabase({ dataDir: on });
    expect((await db.query<{ fsync: string }>('SHOW fsync')).rows[0].fsync).toBe('on');
    expect((await db.query<{ wal_sync_method: string }>('SHOW wal_sync_method')).rows[0].wal_sync_method).toBe('fsync');
    await db.close();
    db = await openDatabase({ dataDir: freshDir(), embeddedFsync: false });
    expect((await db.query<{ fsync: string }>('SHOW fsync')).rows[0].fsync).toBe('off');
  }, 60_000);

  it('a failed sync stops the process before the write is acknowledged; the next start recovers', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/fsync-failure-child.ts'), dir], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(out, err).toContain('ready');
    expect(out).not.toContain('acknowledged');
    expect(code, err).toBe(PANIC_EXIT_CODE);
    expect(err).toContain('PANIC');
    db = await openPglite(dir);
    expect((await db.query<{ v: string }>('SELECT v FROM t ORDER BY v')).rows.map((r) => r.v)).toContain('before');
  }, 60_000);
});
