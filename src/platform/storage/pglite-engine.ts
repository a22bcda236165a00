/** Embedded engine: PGlite keeps a real PostgreSQL in WASM, persisted to a directory (or in memory). */
import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable } from './database.ts';
import { DurableNodeFS, durableStartParams, syncDataDirectory } from './pglite-durability.ts';

export interface PgliteOptions {
  /**
   * Sync to disk before a write is acknowledged (fsync on; default true): acknowledged writes survive an OS crash
   * or power loss. false: PGlite's own setting (fsync off), writes survive a process crash only.
   */
  fsync?: boolean;
  /** File names in the data directory that are not the database's (the lock file), left out of the startup sync. */
  foreignFiles?: string[];
  /** Called with PostgreSQL's message when it PANICs; default: `stopOnPanic`. */
  onPanic?: (message: string) => void;
}

/** Exit status of a process whose embedded database PANICked. */
export const PANIC_EXIT_CODE = 70;

/**
 * PostgreSQL PANICs when it cannot make the WAL durable (a failed fsync or WAL write): a server then restarts and
 * recovers from the WAL. Inside PGlite the PANIC leaves the instance dead, and sometimes spinning so that the event
 * loop never runs again. So the process stops at once, while PostgreSQL reports the PANIC — before the failed
 * COMMIT could be acknowledged — and the next start recovers (run it under a supervisor that restarts it).
 */
export function stopOnPanic(message: string): void {
  process.stderr.write(
    `tsunagu: 組み込みデータベースが停止しました（PostgreSQL PANIC）。再起動すると WAL から復旧します / ` +
      `the embedded database stopped (PostgreSQL PANIC); restart to recover from the WAL\n${message}\n`,
  );
  process.exit(PANIC_EXIT_CODE);
}

/**
 * The server log keeps PANIC entries only, so no line that user data can reach (an error's DETAIL, a logged
 * statement) is ever written — a value that reads "PANIC:" cannot stop the server.
 */
const LOG_PANICS_ONLY = ['-c', 'log_min_messages=panic', '-c', 'log_min_error_statement=panic'];
const PANIC_LINE = /\] PANIC: /;

export async function openPglite(dataDir: string | undefined, opts: PgliteOptions = {}): Promise<Database> {
  const durable = dataDir !== undefined && opts.fsync !== false;
  const onPanic = opts.onPanic ?? stopOnPanic;
  // PGlite hands PostgreSQL's server log (stderr) to this callback as it is written, inside the failing call.
  const onStderr = (line: string) => {
    if (PANIC_LINE.test(line)) onPanic(line);
    return false;
  };
  const pg = await PGlite.create({
    onStderr,
    startParams: [...(durable ? durableStartParams() : PGlite.defaultStartParams), ...LOG_PANICS_ONLY],
    ...(durable ? { fs: new DurableNodeFS(dataDir) } : dataDir ? { dataDir } : {}),
  });
  if (durable) {
    const foreign = new Set(opts.foreignFiles ?? []);
    try {
      syncDataDirectory(dataDir, (name) => foreign.has(name));
    } catch (err) {
      await pg.close().catch(() => undefined);
      throw err;
    }
  }
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const res = await q.query<T>(sql, params as unknown[] | undefined);
      // PGlite reports affectedRows 0 for SELECT; callers expect pg's rowCount semantics.
      return { rows: res.rows, rowCount: Math.max(res.rows.length, res.affectedRows ?? 0) };
    },
  });
  const base = wrap(pg);
  return {
    engine: 'pglite',
    location: dataDir ?? 'memory://',
    query: base.query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    exec: async (sql) => {
      await pg.exec(sql);
    },
    close: () => pg.close(),
  };
}
