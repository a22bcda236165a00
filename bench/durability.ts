/**
 * Durability benchmark: what syncing before acknowledging costs on the embedded engine. FHIR creates through the
 * store (validation, index rows, audit chain — as in bench/platform.ts) on PGlite in a data directory with fsync on
 * (the default: a commit returns once its WAL is on disk) and off (TSUNAGU_EMBEDDED_FSYNC=0: page cache only), side
 * by side in one run: one writer (each create is its own commit: the sync's full latency) and 32 concurrent
 * writers (group commit shares each sync among the creates that queue up meanwhile).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTsunagu } from '../src/app.ts';
import { registerClient } from '../src/platform/auth/clients.ts';
import type { RequestContext } from '../src/platform/auth/principal.ts';
import { parseScopes } from '../src/platform/auth/scopes.ts';
import { configFromEnv } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/storage/open.ts';
import { generateClientKey } from '../cli/commands/client.ts';
import { benchPatient, labObservation } from './documents.ts';
import { percentiles, workers } from './lib.ts';

const CONCURRENCY = 32;

interface Phase {
  perSecond: number;
  p50: number;
  p99: number;
}

export interface DurabilityResult {
  fsync: 'on' | 'off';
  sequential: Phase;
  concurrent: Phase;
  /** This disk's cost of one 8 KiB write + fdatasync (ms), measured beside the database: what fsync on adds per commit. */
  diskSync?: { p50: number; p99: number };
}

/** Latency of an 8 KiB write plus fdatasync in `dir` (the figures above scale with it: SSD ≪ 1 ms, disk ~10 ms). */
function diskSyncLatency(dir: string, rounds = 300): { p50: number; p99: number } {
  const file = join(dir, 'sync-probe');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(8192, 7);
  const samples: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      writeSync(fd, page, 0, page.length, (i % 64) * page.length);
      fdatasyncSync(fd);
      samples.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
  }
  return percentiles(samples);
}

const timed = workers;

async function createsWith(fsync: boolean, counts: { warmUp: number; sequential: number; concurrent: number }): Promise<DurabilityResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-bench-durability-'));
  try {
    const db = await openDatabase({ dataDir: dir, embeddedFsync: fsync });
    const t = await createTsunagu(configFromEnv({}, { dataDir: dir, auditKeyFile: join(dir, 'audit.key') }), { db });
    try {
      const client = await registerClient(db, {
        name: 'bench',
        kind: 'facility',
        facilityCode: '1312345679',
        scopes: ['system/*.*'],
        jwks: { keys: [(await generateClientKey()).publicJwk] },
      });
      const ctx: RequestContext = {
        principal: { clientId: client.clientId, name: client.name, kind: 'facility', facilityCode: '1312345679', scopes: parseScopes(client.scopes) },
        purpose: 'TREAT',
      };
      const patient = await t.platform.repo.create(ctx, benchPatient(0));
      const createOne = (i: number) => t.platform.repo.create(ctx, labObservation(patient.stored.id, i));
      await timed(counts.warmUp, CONCURRENCY, createOne);
      const sequential = await timed(counts.sequential, 1, createOne);
      const concurrent = await timed(counts.concurrent, CONCURRENCY, createOne);
      return { fsync: fsync ? 'on' : 'off', sequential, concurrent, ...(fsync ? { diskSync: diskSyncLatency(dir) } : {}) };
    } finally {
      await t.close();
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDurability(opts: { quick?: boolean } = {}): Promise<DurabilityResult[]> {
  const counts = opts.quick ? { warmUp: 200, sequential: 100, concurrent: 500 } : { warmUp: 500, sequential: 300, concurrent: 2000 };
  // Each mode warms up on its own instance first (caches, prepared statements, the JIT by then warm for both).
  return [await createsWith(false, counts), await createsWith(true, counts)];
}

export function durabilityTable(results: DurabilityResult[]): Record<string, string | number>[] {
  return results.map((r) => ({
    'embedded fsync': r.fsync,
    'create/s (1 writer)': r.sequential.perSecond,
    'p50/p99 ms (1 writer)': `${r.sequential.p50}/${r.sequential.p99}`,
    [`create/s (${CONCURRENCY} writers)`]: r.concurrent.perSecond,
    [`p50/p99 ms (${CONCURRENCY} writers)`]: `${r.concurrent.p50}/${r.concurrent.p99}`,
    'disk write+fdatasync p50/p99 ms': r.diskSync ? `${r.diskSync.p50}/${r.diskSync.p99}` : '—',
  }));
}
