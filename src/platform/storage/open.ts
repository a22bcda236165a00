/** Picks the engine: PostgreSQL when a URL is given, otherwise embedded PGlite in the data directory. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from './database.ts';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.ts';
import { openPglite } from './pglite-engine.ts';
import { openPostgres } from './postgres-engine.ts';

export interface OpenOptions {
  /** `postgres://…` — production engine. */
  databaseUrl?: string;
  /** Directory for embedded data; `memory://` keeps everything in memory (tests). */
  dataDir?: string;
  poolSize?: number;
  /** Embedded engine: sync to disk before a write is acknowledged (default true; TSUNAGU_EMBEDDED_FSYNC). */
  embeddedFsync?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres({ connectionString: opts.databaseUrl, max: opts.poolSize });
  if (!opts.dataDir || opts.dataDir === 'memory://') return openPglite(undefined);
  const dir = resolve(opts.dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  try {
    const db = await openPglite(dir, { fsync: opts.embeddedFsync !== false, foreignFiles: [LOCK_FILE] });
    const close = db.close.bind(db);
    return {
      ...db,
      close: async () => {
        try {
          await close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

export function dataDirOf(dataDir: string | undefined): string {
  return resolve(dataDir ?? join(process.cwd(), 'data'));
}
