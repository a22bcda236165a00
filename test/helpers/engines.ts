/**
 * Runs a suite on every available engine: PGlite always; PostgreSQL when DATABASE_URL is set or a server
 * answers on 127.0.0.1:5432 (each suite gets its own fresh database, dropped afterwards). When PostgreSQL is
 * not reachable the suite says so and skips it — unless TSUNAGU_REQUIRE_PG=1 (CI), which makes it fail.
 */
import { canConnect, createScratchDatabase } from '../../src/platform/storage/pg-admin.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { openPglite } from '../../src/platform/storage/pglite-engine.ts';
import { openPostgres } from '../../src/platform/storage/postgres-engine.ts';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= canConnect(ADMIN_URL);
  return reachable;
}

export interface EngineHandle {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
  /** Drops what open() created. */
  dispose(): Promise<void>;
}

export function pgliteEngine(): EngineHandle {
  let db: Database | undefined;
  return {
    name: 'pglite',
    open: async () => (db = await openPglite(undefined)),
    dispose: async () => {
      await db?.close();
    },
  };
}

export function postgresEngine(): EngineHandle {
  let db: Database | undefined;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  return {
    name: 'postgres',
    async open() {
      scratch = await createScratchDatabase(ADMIN_URL, `tsunagu_t_${process.pid}`);
      db = await openPostgres({ connectionString: scratch.url, max: 10 });
      return db;
    },
    async dispose() {
      await db?.close();
      await scratch?.drop();
    },
  };
}

export const ENGINES: ('pglite' | 'postgres')[] = (await postgresReachable()) ? ['pglite', 'postgres'] : ['pglite'];
if (!ENGINES.includes('postgres')) {
  if (process.env.TSUNAGU_REQUIRE_PG === '1') throw new Error(`PostgreSQL is required (TSUNAGU_REQUIRE_PG=1) but not reachable at ${ADMIN_URL}`);
  console.warn(`PostgreSQL not reachable at ${ADMIN_URL}: the PostgreSQL suite is skipped`);
}

export function engineHandle(name: 'pglite' | 'postgres'): EngineHandle {
  return name === 'pglite' ? pgliteEngine() : postgresEngine();
}
