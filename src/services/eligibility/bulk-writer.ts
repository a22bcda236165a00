/**
 * Many FHIR resource writes in one SQL statement (the registry's bulk path).
 *
 * WORKAROUND until the platform offers a multi-resource write (requested: `Repository.writeMany(ctx, items,
 * { session })`): the repository writes one resource per statement, which loads an insurer file of 100,000
 * people at a few hundred rows a second. This module builds the same rows the repository's write statement
 * builds — the current version in `resources` (the replaced one moved to `resource_versions`), the index rows
 * from the platform's own `buildIndexRows` (via `repo.prepare`, which also validates), and one chained audit
 * event per written version — for up to a few hundred resources at a time. Callers must hold row locks on the
 * resources they update (SELECT … FOR UPDATE) and pass each (type, id) once per call.
 */
import type { AuditChains } from '../../platform/audit/audit-chain.ts';
import { toAuditRow, type AuditRecord } from '../../platform/audit/audit-record.ts';
import type { IndexRows } from '../../platform/search/index-rows.ts';
import type { Queryable } from '../../platform/storage/database.ts';
import { StatementParams } from '../../platform/storage/sql-params.ts';

export interface BulkResourceWrite {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  patientKey: string;
  content: string;
  index: IndexRows;
  /** The audit record of this write (action C or U). */
  audit: AuditRecord;
}

const INDEX_TABLES: [key: keyof IndexRows, table: string, columns: [name: string, field: string, cast: string][]][] = [
  ['token', 'sp_token', [['param', 'param', 'text[]'], ['system', 'system', 'text[]'], ['code', 'code', 'text[]']]],
  ['string', 'sp_string', [['param', 'param', 'text[]'], ['norm', 'norm', 'text[]'], ['exact', 'exact', 'text[]']]],
  ['date', 'sp_date', [['param', 'param', 'text[]'], ['low', 'low', 'timestamptz[]'], ['high', 'high', 'timestamptz[]']]],
  ['reference', 'sp_reference', [['param', 'param', 'text[]'], ['target_type', 'targetType', 'text[]'], ['target_id', 'targetId', 'text[]'], ['target_url', 'targetUrl', 'text[]']]],
  ['number', 'sp_number', [['param', 'param', 'text[]'], ['value', 'value', 'numeric[]']]],
  ['quantity', 'sp_quantity', [['param', 'param', 'text[]'], ['value', 'value', 'numeric[]'], ['system', 'system', 'text[]'], ['code', 'code', 'text[]'], ['unit', 'unit', 'text[]']]],
  ['uri', 'sp_uri', [['param', 'param', 'text[]'], ['uri', 'uri', 'text[]']]],
];

const COLS = 'resource_type, id, version_id, last_updated, deleted, patient_key, content';

/** Writes `items` (creates and updates) with their index rows and audit events in one statement. */
export async function writeResources(q: Queryable, chains: AuditChains, items: BulkResourceWrite[]): Promise<void> {
  if (items.length === 0) return;
  const p = new StatementParams();
  const ctes: string[] = [];
  const updates = items.filter((i) => i.versionId > 1);
  if (updates.length > 0) {
    const ut = p.add(updates.map((u) => u.resourceType), 'text[]');
    const ui = p.add(updates.map((u) => u.id), 'text[]');
    ctes.push(`upd AS (SELECT * FROM unnest(${ut}, ${ui}) AS u(resource_type, id))`);
    ctes.push(`prev AS (INSERT INTO resource_versions (${COLS}) SELECT ${COLS.split(', ').map((c) => `r.${c}`).join(', ')} FROM resources r JOIN upd u ON r.resource_type = u.resource_type AND r.id = u.id)`);
    for (const [, table] of INDEX_TABLES)
      ctes.push(`del_${table} AS (DELETE FROM ${table} s USING upd u WHERE s.resource_type = u.resource_type AND s.resource_id = u.id)`);
  }
  const col = <K extends keyof BulkResourceWrite>(k: K, cast: string) => p.add(items.map((i) => i[k]), cast);
  ctes.push(
    `cur AS (INSERT INTO resources (${COLS}) SELECT t.resource_type, t.id, t.version_id, t.last_updated, false, t.patient_key, t.content ` +
      `FROM unnest(${col('resourceType', 'text[]')}, ${col('id', 'text[]')}, ${col('versionId', 'integer[]')}, ${col('lastUpdated', 'timestamptz[]')}, ${col('patientKey', 'text[]')}, ${col('content', 'text[]')}) ` +
      `AS t(resource_type, id, version_id, last_updated, patient_key, content) ` +
      `ON CONFLICT (resource_type, id) DO UPDATE SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, deleted = false, patient_key = EXCLUDED.patient_key, content = EXCLUDED.content)`,
  );
  for (const [key, table, columns] of INDEX_TABLES) {
    const owners = { type: [] as string[], id: [] as string[], pk: [] as string[] };
    const values: unknown[][] = columns.map(() => []);
    for (const item of items) {
      const data = item.index[key] as unknown as Record<string, unknown[]>;
      const n = data.param.length;
      for (let r = 0; r < n; r++) {
        owners.type.push(item.resourceType);
        owners.id.push(item.id);
        owners.pk.push(item.patientKey);
        columns.forEach(([, field], c) => values[c].push(data[field][r]));
      }
    }
    if (owners.type.length === 0) continue;
    const arrays = [p.add(owners.type, 'text[]'), p.add(owners.id, 'text[]'), p.add(owners.pk, 'text[]'), ...columns.map(([, , cast], c) => p.add(values[c], cast))];
    ctes.push(`ins_${table} AS (INSERT INTO ${table} (resource_type, resource_id, patient_key, ${columns.map(([n]) => n).join(', ')}) SELECT * FROM unnest(${arrays.join(', ')}))`);
  }
  ctes.push(...chains.appendCtes(p, items.map((i) => toAuditRow(i.audit))));
  await q.query(`WITH ${ctes.join(',\n')}\nSELECT 1 FROM audit_guard`, p.values);
}
