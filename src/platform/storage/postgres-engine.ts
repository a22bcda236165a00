/**
 * Production engine: PostgreSQL through a `pg` connection pool.
 *
 * Faults (a terminated backend, a restart, an outage) must not take the server down, hang requests, or
 * acknowledge a write that may not be committed:
 * - every checked-out client has an 'error' listener while it is out (pg emits 'error' on a client whose backend
 *   dies between queries; with no listener that is an uncaught exception), and a client that failed at the
 *   connection level goes back with `release(err)`, so the pool destroys it instead of handing it out again;
 * - connecting times out (`connectTimeoutMs`) and TCP keep-alive finds vanished peers, so requests fail fast;
 * - connection-level failures become DatabaseUnavailable (503, Retry-After); a COMMIT that failed that way is
 *   reported as "outcome unknown", never as success. The pool reconnects by itself once the server is back.
 */
import pg from 'pg';
import type { Database, QueryOptions, QueryResult, Queryable } from './database.ts';
import { isConnectionError } from './database.ts';
import { DatabaseUnavailable, unavailableOr } from './db-unavailable.ts';

// Same value types as PGlite: bigint and count() as numbers (our counters stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface PostgresOptions {
  connectionString: string;
  max?: number;
  /** Longest wait for a connection (a new one, or a free one from the pool), ms; default 5,000. */
  connectTimeoutMs?: number;
}

async function run<T>(client: pg.PoolClient, sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
  const config: pg.QueryConfig = { text: sql, values: params as unknown[] | undefined };
  if (options?.name) config.name = options.name;
  try {
    const r = await client.query(config);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  } catch (err) {
    throw unavailableOr(err);
  }
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 20,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  pool.on('error', () => {
    /* an idle client lost its connection: the pool has dropped it, the next checkout connects anew */
  });

  /** Runs `fn` on a checked-out client; a client that failed at the connection level is destroyed, not reused. */
  async function withClient<T>(fn: (client: pg.PoolClient, broken: (err: unknown) => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw unavailableOr(err);
    }
    let lost: unknown;
    const broken = (err: unknown) => void (lost ??= err);
    client.on('error', broken);
    try {
      return await fn(client, broken);
    } catch (err) {
      if (err instanceof DatabaseUnavailable || isConnectionError(err)) broken(err);
      throw err;
    } finally {
      client.off('error', broken);
      client.release(lost === undefined ? undefined : asError(lost));
    }
  }

  await withClient((c) => run(c, 'SELECT 1'));
  const safeLocation = opts.connectionString.replace(/:\/\/([^:@/]+):[^@]*@/, '://$1:***@');
  return {
    engine: 'postgres',
    location: safeLocation,
    query: (sql, params, options) => withClient((c) => run(c, sql, params, options)),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      withClient(async (client, broken): Promise<T> => {
        await run(client, 'BEGIN');
        let result: T;
        try {
          result = await fn({ query: (sql, params, options) => run(client, sql, params, options) });
        } catch (err) {
          await client.query('ROLLBACK').catch(broken);
          throw err;
        }
        let commit: pg.QueryResult;
        try {
          commit = await client.query('COMMIT');
        } catch (err) {
          // Lost while committing: committed or not, nobody can tell — the write is not acknowledged.
          if (isConnectionError(err)) throw new DatabaseUnavailable(err, { commitUnknown: true });
          throw err;
        }
        // COMMIT of a transaction a swallowed error had aborted answers ROLLBACK instead of failing.
        if (commit.command === 'ROLLBACK') throw new Error('the transaction was aborted by an earlier error; COMMIT rolled it back');
        return result;
      }),
    exec: (sql) =>
      withClient(async (c) => {
        try {
          await c.query(sql);
        } catch (err) {
          throw unavailableOr(err);
        }
      }),
    close: () => pool.end(),
  };
}
