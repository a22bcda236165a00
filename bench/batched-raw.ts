/**
 * The batched raw baseline of the write benchmark: what the database itself needs to store the rows a create
 * writes, batched as the store batches them — so that "store create/s ÷ batched raw INSERT/s" measures what the
 * store adds (validation, index-row extraction, access decision, audit chain, the statement's assembly) and not
 * the disk's commit latency, which the one-commit-per-row raw baseline is bound by.
 *
 * Same as a store create: the store's own schema (its migrations: `resources` and the `sp_*` index tables with
 * all their indexes), one `resources` row per Observation with the JSON content the store would write (id and
 * meta included) and the index rows the store's indexer computes for it; the same batching (the store's
 * GroupCommitter, parallel 4, maxBatch 16: one multi-row statement and one commit per batch) fed by the same
 * number of concurrent writers, through the same driver wrapper. Left out: validation, access checks, the audit
 * event and its hash chain, and the statistics keeper's ANALYZEs. Rows, index rows and their parameter arrays are
 * built before the clock starts; a flush only concatenates its batch's arrays.
 */
import { randomUUID } from 'node:crypto';
import { r4SearchRegistry } from '../src/platform/search/registry.ts';
import { buildIndexRows } from '../src/platform/search/index-rows.ts';
import { columnList, columnOf } from '../src/platform/search/index-tables/descriptor.ts';
import { INDEX_TABLE_LIST } from '../src/platform/search/index-tables/tables.ts';
import { clinicalDateOf } from '../src/platform/store/access-facts.ts';
import { STORED_COLUMNS } from '../src/platform/store/stored-resource.ts';
import { GroupCommitter } from '../src/platform/storage/group-committer.ts';
import { migrate } from '../src/platform/storage/migrate.ts';
import type { Database } from '../src/platform/storage/database.ts';
import { openDatabase } from '../src/platform/storage/open.ts';
import { StatementParams } from '../src/platform/storage/sql-params.ts';
import { workers } from './lib.ts';

/** The store's create batching (src/platform/store/repository.ts). */
export const STORE_BATCHING = { parallel: 4, maxBatch: 16 };

/** Index tables and their columns after (resource_type, resource_id, patient_key), from the store's descriptors. */
const INDEX_TABLES = INDEX_TABLE_LIST.map((t) => ({ table: t.table, type: t.type, columns: columnList(t) }));

const RESOURCE_CASTS = ['text[]', 'text[]', 'integer[]', 'timestamptz[]', 'boolean[]', 'text[]', 'text[]', 'text[]', 'timestamptz[]', 'text[]'];

/** One resource as the raw baseline writes it: its `resources` columns and its index rows, column-wise per table. */
interface RawRow {
  resource: unknown[];
  /** Per index table: [resource_type, resource_id, patient_key, …columns] arrays of equal length. */
  index: unknown[][][];
  indexRows: number;
}

/**
 * One statement per batch: the resources rows and each index table's rows, every column an array (the text is
 * the same for any batch, prepared once per connection). Labels go as U+001F-joined text, as the store sends them.
 */
const SQL =
  'WITH ' +
  [
    `cur AS (INSERT INTO resources (${STORED_COLUMNS}) SELECT t, i, v, u, d, p, o, CASE WHEN l = '' THEN '{}'::text[] ELSE string_to_array(l, chr(31)) END, dd, c FROM unnest(${RESOURCE_CASTS.map((c, n) => `$${n + 1}::${c}`).join(', ')}) AS x(t, i, v, u, d, p, o, l, dd, c))`,
    ...(() => {
      let n = RESOURCE_CASTS.length;
      return INDEX_TABLES.map(({ table, columns }) => {
        const casts = ['text[]', 'text[]', 'text[]', ...columns.map((c) => c.cast)];
        return `ins_${table} AS (INSERT INTO ${table} (resource_type, resource_id, patient_key, ${columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${casts.map((c) => `$${++n}::${c}`).join(', ')}))`;
      });
    })(),
  ].join(',\n') +
  '\nSELECT 1';

function rawRows(docs: Record<string, unknown>[], patients: number): RawRow[] {
  const registry = r4SearchRegistry();
  const patientIds = Array.from({ length: patients }, () => randomUUID());
  const now = new Date().toISOString();
  return docs.map((doc, i) => {
    const { resourceType, meta, ...rest } = doc as { resourceType: string; meta?: Record<string, unknown> };
    const pid = patientIds[i % patients];
    const resource = { resourceType, id: randomUUID(), meta: { versionId: '1', lastUpdated: now, ...meta }, ...rest, subject: { reference: `Patient/${pid}` } };
    const index = buildIndexRows(resource, registry);
    const indexArrays = INDEX_TABLES.map(({ type, columns }) => {
      const data = index[type];
      const n = data.param.length;
      return [Array(n).fill(resourceType), Array(n).fill(resource.id), Array(n).fill(pid), ...columns.map((c) => columnOf(data, c.key))];
    });
    return {
      // labels '' (no meta.security), owner as ownerKey gives the bench's facility client.
      resource: [resourceType, resource.id, 1, now, false, pid, 'facility:1312345679', '', clinicalDateOf(index), JSON.stringify(resource)],
      index: indexArrays,
      indexRows: indexArrays.reduce((n, a) => n + a[0].length, 0),
    };
  });
}

function batchParams(batch: RawRow[]): unknown[] {
  const p = new StatementParams();
  for (const [c, cast] of RESOURCE_CASTS.entries())
    p.add(
      batch.map((r) => r.resource[c]),
      cast,
    );
  for (const [t, { columns }] of INDEX_TABLES.entries()) {
    const casts = ['text[]', 'text[]', 'text[]', ...columns.map((c) => c.cast)];
    for (const [c, cast] of casts.entries())
      p.add(
        batch.flatMap((r) => r.index[t][c]),
        cast,
      );
  }
  return p.values;
}

export interface BatchedRawResult {
  perSecond: number;
  p50: number;
  p99: number;
  /** Mean resources per statement (the batches that formed), and index rows written per resource. */
  meanBatch: number;
  indexRowsPerResource: number;
  /** Mean length of the `resources.content` JSON (characters). */
  contentChars: number;
}

/** A PostgreSQL database with the store's schema (its migrations), for `batchedRawInserts`. */
export async function openMigrated(databaseUrl: string): Promise<Database> {
  const db = await openDatabase({ databaseUrl });
  await migrate(db);
  return db;
}

/**
 * Writes `warmUp` untimed and then `docs.length` timed resources from `concurrency` closed-loop writers through
 * a GroupCommitter with the store's batching, into `db` (migrated). On PGlite the committer's parallel flushes
 * queue on the engine's single connection, so its batches run one at a time, in this process.
 */
export async function batchedRawInserts(
  db: Database,
  docs: Record<string, unknown>[],
  opts: { concurrency: number; warmUp: number },
): Promise<BatchedRawResult> {
  let batches = 0;
  let written = 0;
  const committer = new GroupCommitter<RawRow>(async (batch) => {
    batches++;
    written += batch.length;
    await db.query(SQL, batchParams(batch), { name: 'bench_raw_batch' });
  }, STORE_BATCHING);
  const warm = rawRows(
    Array.from({ length: opts.warmUp }, (_, i) => docs[i % docs.length]),
    50,
  );
  const timed = rawRows(docs, 50);
  await workers(warm.length, opts.concurrency, (i) => committer.submit([warm[i]]));
  batches = written = 0;
  const r = await workers(timed.length, opts.concurrency, (i) => committer.submit([timed[i]]));
  return {
    ...r,
    meanBatch: +(written / Math.max(1, batches)).toFixed(1),
    indexRowsPerResource: +(timed.reduce((n, x) => n + x.indexRows, 0) / timed.length).toFixed(1),
    contentChars: Math.round(timed.reduce((n, x) => n + (x.resource[9] as string).length, 0) / timed.length),
  };
}
