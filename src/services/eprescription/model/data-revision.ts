/**
 * The revision of the service's reference data (the drug master, the interaction data): imports bump it in their own
 * transaction; every node compares it now and then and reloads what changed (index.ts), so an import on one node, or
 * by the CLI, reaches the running servers within a minute.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { Migration } from '../../../platform/storage/migrate.ts';

/** Schema version 304 (needed by the master's and the checks' stores, 301 and 302). */
export const dataRevisionMigration: Migration = {
  version: 304,
  name: 'eprescription-data-revisions',
  sql: 'CREATE TABLE eprescription_data_revisions (data text PRIMARY KEY, revision bigint NOT NULL, changed timestamptz NOT NULL);',
};

export type ReferenceData = 'drug-master' | 'interactions';

export async function bumpRevision(db: Queryable, data: ReferenceData): Promise<void> {
  await db.query(
    `INSERT INTO eprescription_data_revisions (data, revision, changed) VALUES ($1, 1, now())
     ON CONFLICT (data) DO UPDATE SET revision = eprescription_data_revisions.revision + 1, changed = now()`,
    [data],
  );
}

export async function revisions(db: Queryable): Promise<Record<ReferenceData, number>> {
  const res = await db.query<{ data: ReferenceData; revision: string }>('SELECT data, revision::text AS revision FROM eprescription_data_revisions');
  const out: Record<ReferenceData, number> = { 'drug-master': 0, interactions: 0 };
  for (const r of res.rows) out[r.data] = Number(r.revision);
  return out;
}
