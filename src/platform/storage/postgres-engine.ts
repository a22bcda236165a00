/** Production engine: PostgreSQL through a `pg` connection pool. */
import pg from 'pg';
import type { Database, QueryOptions, QueryResult, Queryable } from './database.ts';

// Same value types as PGlite: bigint and count() as numbers (our counters stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface PostgresOptions {
  connectionString: string;
  max?: number;
}

function run<T>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[], options?: QueryOptions) {
  const config: pg.QueryConfig = { text: sql, values: params as unknown[] | undefined };
  if (options?.name) config.name = options.name;
  return client.query(config).then((r): QueryResult<T> => ({ rows: r.rows as T[], rowCount: r.rowCount ?? 0 }));
}

export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max ?? 20 });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  await run(pool, 'SELECT 1');
  const safeLocation = opts.connectionString.replace(/:\/\/([^:@/]+):[^@]*@/, '://$1:***@');
  return {
    engine: 'postgres',
    location: safeLocation,
    query: (sql, params, options) => run(pool, sql, params, options),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params, options) => run(client, sql, params, options) };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
