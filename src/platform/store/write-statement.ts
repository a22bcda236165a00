/**
 * The single SQL statement that writes one resource version: current row (the one it replaces moves to history),
 * the index tables and
 * (outside transaction Bundles) its audit event. One statement = one round trip and one atomic unit.
 * The text is fixed per shape so PostgreSQL prepares it once per connection.
 */
import type { AuditChains } from '../audit/audit-chain.ts';
import type { AuditRow } from '../audit/audit-record.ts';
import type { IndexRows } from '../search/index-rows.ts';
import { emptyIndexRows } from '../search/index-rows.ts';
import { columnList, columnOf } from '../search/index-tables/descriptor.ts';
import { INDEX_TABLE_LIST } from '../search/index-tables/tables.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { STORED_COLUMNS } from './stored-resource.ts';

export interface VersionRow {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  patientKey: string;
  /** Who registered the resource: written with the first version, never changed by later ones. */
  owner: string;
  /** Security labels (`system|code`, sorted) and clinical date (ISO instant or null) of this version. */
  labels: string[];
  dataDate: string | null;
  /** JSON text; null for a deletion. */
  content: string | null;
}

export interface WriteShape {
  /** insert: the id must be new; upsert: replaces the current row (update, update-as-create, delete). */
  mode: 'insert' | 'upsert';
  /** Remove the previous version's index rows. */
  replaceIndex: boolean;
}

export interface WriteStatement {
  name: string;
  sql: string;
  params: unknown[];
}

/** Each index table with its column names and array casts, after (resource_type, resource_id, patient_key). */
const INDEX_INSERTS = INDEX_TABLE_LIST.map((t) => {
  const columns = columnList(t);
  return { type: t.type, table: t.table, columns, names: columns.map((c) => c.name).join(', ') };
});

/** One INSERT … unnest CTE per index table that has rows; returns the CTEs and a shape key for the statement name. */
function indexInserts(p: StatementParams, rows: IndexRows, t: string, id: string, pk: string): { ctes: string[]; shape: string } {
  const ctes: string[] = [];
  let shape = '';
  for (const { type, table, columns, names } of INDEX_INSERTS) {
    const data = rows[type];
    if (data.param.length === 0) {
      shape += '0';
      continue;
    }
    shape += '1';
    const arrays = columns.map((c) => p.add(columnOf(data, c.key), c.cast)).join(', ');
    ctes.push(`ins_${table} AS (INSERT INTO ${table} (resource_type, resource_id, patient_key, ${names}) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arrays}))`);
  }
  return { ctes, shape };
}

export const INDEX_TABLES = INDEX_TABLE_LIST.map((t) => t.table);

export function buildWriteStatement(v: VersionRow, index: IndexRows | null, shape: WriteShape, audit?: { chains: AuditChains; row: AuditRow }): WriteStatement {
  const p = new StatementParams();
  const t = p.add(v.resourceType, 'text');
  const id = p.add(v.id, 'text');
  const vid = p.add(v.versionId, 'integer');
  const updated = p.add(v.lastUpdated, 'timestamptz');
  const deleted = p.add(v.deleted, 'boolean');
  const pk = p.add(v.patientKey, 'text');
  const owner = p.add(v.owner, 'text');
  const labels = p.add(v.labels, 'text[]');
  const dataDate = p.add(v.dataDate, 'timestamptz');
  const content = p.add(v.content, 'text');
  const values = `(${t}, ${id}, ${vid}, ${updated}, ${deleted}, ${pk}, ${owner}, ${labels}, ${dataDate}, ${content})`;
  const cols = `(${STORED_COLUMNS})`;
  const upsert =
    shape.mode === 'upsert'
      ? ' ON CONFLICT (resource_type, id) DO UPDATE SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, deleted = EXCLUDED.deleted, patient_key = EXCLUDED.patient_key, labels = EXCLUDED.labels, data_date = EXCLUDED.data_date, content = EXCLUDED.content'
      : '';
  const ctes: string[] = [];
  // The version being replaced moves to resource_versions (every CTE sees the rows as they were before the statement).
  if (shape.mode === 'upsert')
    ctes.push(`prev AS (INSERT INTO resource_versions ${cols} SELECT ${cols.slice(1, -1)} FROM resources WHERE resource_type = ${t} AND id = ${id})`);
  ctes.push(`cur AS (INSERT INTO resources ${cols} VALUES ${values}${upsert})`);
  if (shape.replaceIndex)
    for (const table of INDEX_TABLES) ctes.push(`del_${table} AS (DELETE FROM ${table} WHERE resource_type = ${t} AND resource_id = ${id})`);
  const inserts = indexInserts(p, index ?? emptyIndexRows(), t, id, pk);
  ctes.push(...inserts.ctes);
  if (audit) ctes.push(...audit.chains.appendCtes(p, [audit.row]));
  return {
    // The text differs by shape (which index tables get rows); each shape is prepared once per connection.
    name: `write_${shape.mode}_${shape.replaceIndex ? 'r' : 'n'}_${audit ? 'a' : 'n'}_${inserts.shape}`,
    sql: `WITH ${ctes.join(',\n')}\nSELECT 1${audit ? ' FROM audit_guard' : ''}`,
    params: p.values,
  };
}

/**
 * INSERTs of the index rows of several resources, each row naming its resource by position in the `keyed` CTE.
 * Every table gets its CTE even without rows, so the statement text does not depend on the data.
 */
function indexRowInserts(p: StatementParams, indexes: IndexRows[]): string[] {
  const ctes: string[] = [];
  for (const { type, table, columns, names } of INDEX_INSERTS) {
    const resourceAt: number[] = [];
    const values: unknown[][] = columns.map(() => []);
    indexes.forEach((index, position) => {
      const data = index[type];
      if (data.param.length === 0) return;
      const arrays = columns.map((c) => columnOf(data, c.key));
      for (let r = 0; r < data.param.length; r++) {
        resourceAt.push(position + 1);
        for (const [c, column] of arrays.entries()) values[c].push(column[r]);
      }
    });
    const arrays = columns.map((c, n) => p.add(values[n], c.cast)).join(', ');
    ctes.push(
      `ins_${table} AS (INSERT INTO ${table} (resource_type, resource_id, patient_key, ${names}) ` +
        `SELECT o.resource_type, o.id, o.patient_key, ${columns.map((c) => `x.${c.name}`).join(', ')} FROM unnest(${p.add(resourceAt, 'integer[]')}, ${arrays}) AS x(resource_at, ${names}) JOIN keyed o ON o.n = x.resource_at)`,
    );
  }
  return ctes;
}

/** The resources' key columns, sent once as arrays; index rows and versions refer to them by position `n`. */
/** The index rows and audit rows of a many-row write. */
function indexAndAuditCtes(p: StatementParams, items: { index: IndexRows; audit: AuditRow }[], chains: AuditChains): string[] {
  return [
    ...indexRowInserts(
      p,
      items.map((i) => i.index),
    ),
    ...chains.appendCtes(
      p,
      items.map((i) => i.audit),
    ),
  ];
}

function keyedCte(p: StatementParams, rows: Pick<VersionRow, 'resourceType' | 'id' | 'patientKey'>[]): string {
  const col = (k: 'resourceType' | 'id' | 'patientKey') =>
    p.add(
      rows.map((r) => r[k]),
      'text[]',
    );
  return `keyed AS (SELECT * FROM unnest(${col('resourceType')}, ${col('id')}, ${col('patientKey')}) WITH ORDINALITY AS o(resource_type, id, patient_key, n))`;
}

/** A new resource ready to be written with its index rows and audit event. */
export interface CreateItem {
  row: VersionRow;
  index: IndexRows;
  audit: AuditRow;
}

/**
 * One statement creating several resources (the write batcher groups concurrent creates): every column is an
 * array, so the text is the same for any batch and is prepared once per connection.
 */
export function buildCreateStatement(items: CreateItem[], chains: AuditChains): WriteStatement {
  const p = new StatementParams();
  const rows = items.map((i) => i.row);
  const col = <K extends keyof VersionRow>(k: K, cast: string) =>
    p.add(
      rows.map((r) => r[k]),
      cast,
    );
  const ctes = [
    keyedCte(p, rows),
    `cur AS (INSERT INTO resources (${STORED_COLUMNS}) ` +
      `SELECT o.resource_type, o.id, v.version_id, v.last_updated, v.deleted, o.patient_key, v.owner, ${labelsOf('v')}, v.data_date, v.content FROM keyed o JOIN unnest(` +
      `${col('versionId', 'integer[]')}, ${col('lastUpdated', 'timestamptz[]')}, ${col('deleted', 'boolean[]')}, ${col('owner', 'text[]')}, ${labelArray(p, rows)}, ${col('dataDate', 'timestamptz[]')}, ${col('content', 'text[]')}) WITH ORDINALITY AS v(version_id, last_updated, deleted, owner, labels, data_date, content, n) ON v.n = o.n)`,
  ];
  ctes.push(...indexAndAuditCtes(p, items, chains));
  return { name: `create_${items.length === 1 ? '1' : 'n'}`, sql: `WITH ${ctes.join(',\n')}\nSELECT failed FROM audit_guard`, params: p.values };
}

/**
 * The label sets of several rows as one text[] parameter (a 2-D array cannot hold rows of different lengths):
 * each row's labels joined with U+001F, split back by `labelsOf`.
 */
function labelArray(p: StatementParams, rows: { labels: string[] }[]): string {
  return p.add(
    rows.map((r) => r.labels.join('\u001f')),
    'text[]',
  );
}
const labelsOf = (alias: string) => `CASE WHEN ${alias}.labels = '' THEN '{}'::text[] ELSE string_to_array(${alias}.labels, chr(31)) END`;

/** One resource version of a multi-resource write (creates and updates mixed). */
export interface ManyWriteItem extends Omit<VersionRow, 'deleted' | 'owner' | 'content'> {
  content: string;
  index: IndexRows;
  audit: AuditRow;
}

/**
 * Many creates and updates in one statement (bulk registration): rows with versionId > 1 replace their current
 * version (moved to resource_versions, index rows rewritten); new rows are owned by `owner`, updated ones keep
 * their owner. Callers hold row locks on the resources they update and name each (type, id) once.
 */
export function buildWriteManyStatement(items: ManyWriteItem[], owner: string, chains: AuditChains): WriteStatement {
  const p = new StatementParams();
  const ctes: string[] = [];
  const cols = STORED_COLUMNS;
  const updates = items.filter((i) => i.versionId > 1);
  if (updates.length > 0) {
    const ut = p.add(
      updates.map((u) => u.resourceType),
      'text[]',
    );
    const ui = p.add(
      updates.map((u) => u.id),
      'text[]',
    );
    ctes.push(`upd AS (SELECT * FROM unnest(${ut}, ${ui}) AS u(resource_type, id))`);
    ctes.push(
      `prev AS (INSERT INTO resource_versions (${cols}) SELECT ${cols
        .split(', ')
        .map((c) => `r.${c}`)
        .join(', ')} FROM resources r JOIN upd u ON r.resource_type = u.resource_type AND r.id = u.id)`,
    );
    for (const table of INDEX_TABLES)
      ctes.push(`del_${table} AS (DELETE FROM ${table} s USING upd u WHERE s.resource_type = u.resource_type AND s.resource_id = u.id)`);
  }
  const col = <K extends keyof ManyWriteItem>(k: K, cast: string) =>
    p.add(
      items.map((i) => i[k]),
      cast,
    );
  ctes.push(
    keyedCte(p, items),
    `cur AS (INSERT INTO resources (${cols}) SELECT o.resource_type, o.id, v.version_id, v.last_updated, false, o.patient_key, ${p.add(owner, 'text')}, ${labelsOf('v')}, v.data_date, v.content ` +
      `FROM keyed o JOIN unnest(${col('versionId', 'integer[]')}, ${col('lastUpdated', 'timestamptz[]')}, ${labelArray(p, items)}, ${col('dataDate', 'timestamptz[]')}, ${col('content', 'text[]')}) WITH ORDINALITY AS v(version_id, last_updated, labels, data_date, content, n) ON v.n = o.n ` +
      `ON CONFLICT (resource_type, id) DO UPDATE SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, deleted = false, patient_key = EXCLUDED.patient_key, labels = EXCLUDED.labels, data_date = EXCLUDED.data_date, content = EXCLUDED.content)`,
  );
  ctes.push(...indexAndAuditCtes(p, items, chains));
  // Unnamed: the text differs with and without updates.
  return { name: '', sql: `WITH ${ctes.join(',\n')}\nSELECT failed FROM audit_guard`, params: p.values };
}
