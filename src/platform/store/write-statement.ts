/**
 * The single SQL statement that writes one resource version: current row, version row, the index tables and
 * (outside transaction Bundles) its audit event. One statement = one round trip and one atomic unit.
 * The text is fixed per shape so PostgreSQL prepares it once per connection.
 */
import type { AuditChains } from '../audit/audit-chain.ts';
import type { AuditRow } from '../audit/audit-record.ts';
import type { IndexRows } from '../search/index-rows.ts';
import { emptyIndexRows } from '../search/index-rows.ts';
import { StatementParams } from '../storage/sql-params.ts';

export interface VersionRow {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  patientKey: string;
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

function indexInserts(p: StatementParams, rows: IndexRows, t: string, id: string, pk: string): string[] {
  const arr = (v: unknown[], cast: string) => p.add(v, cast);
  return [
    `ins_token AS (INSERT INTO sp_token (resource_type, resource_id, patient_key, param, system, code, display) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.token.param, 'text[]')}, ${arr(rows.token.system, 'text[]')}, ${arr(rows.token.code, 'text[]')}, ${arr(rows.token.display, 'text[]')}))`,
    `ins_string AS (INSERT INTO sp_string (resource_type, resource_id, patient_key, param, norm, exact) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.string.param, 'text[]')}, ${arr(rows.string.norm, 'text[]')}, ${arr(rows.string.exact, 'text[]')}))`,
    `ins_date AS (INSERT INTO sp_date (resource_type, resource_id, patient_key, param, low, high) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.date.param, 'text[]')}, ${arr(rows.date.low, 'timestamptz[]')}, ${arr(rows.date.high, 'timestamptz[]')}))`,
    `ins_reference AS (INSERT INTO sp_reference (resource_type, resource_id, patient_key, param, target_type, target_id, target_url) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.reference.param, 'text[]')}, ${arr(rows.reference.targetType, 'text[]')}, ${arr(rows.reference.targetId, 'text[]')}, ${arr(rows.reference.targetUrl, 'text[]')}))`,
    `ins_number AS (INSERT INTO sp_number (resource_type, resource_id, patient_key, param, value) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.number.param, 'text[]')}, ${arr(rows.number.value, 'numeric[]')}))`,
    `ins_quantity AS (INSERT INTO sp_quantity (resource_type, resource_id, patient_key, param, value, system, code, unit) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.quantity.param, 'text[]')}, ${arr(rows.quantity.value, 'numeric[]')}, ${arr(rows.quantity.system, 'text[]')}, ${arr(rows.quantity.code, 'text[]')}, ${arr(rows.quantity.unit, 'text[]')}))`,
    `ins_uri AS (INSERT INTO sp_uri (resource_type, resource_id, patient_key, param, uri) SELECT ${t}, ${id}, ${pk}, * FROM unnest(${arr(rows.uri.param, 'text[]')}, ${arr(rows.uri.uri, 'text[]')}))`,
  ];
}

const INDEX_TABLES = ['sp_token', 'sp_string', 'sp_date', 'sp_reference', 'sp_number', 'sp_quantity', 'sp_uri'];

export function buildWriteStatement(
  v: VersionRow,
  index: IndexRows | null,
  shape: WriteShape,
  audit?: { chains: AuditChains; row: AuditRow },
): WriteStatement {
  const p = new StatementParams();
  const t = p.add(v.resourceType, 'text');
  const id = p.add(v.id, 'text');
  const vid = p.add(v.versionId, 'integer');
  const updated = p.add(v.lastUpdated, 'timestamptz');
  const deleted = p.add(v.deleted, 'boolean');
  const pk = p.add(v.patientKey, 'text');
  const content = p.add(v.content, 'text');
  const values = `(${t}, ${id}, ${vid}, ${updated}, ${deleted}, ${pk}, ${content})`;
  const cols = '(resource_type, id, version_id, last_updated, deleted, patient_key, content)';
  const upsert =
    shape.mode === 'upsert'
      ? ' ON CONFLICT (resource_type, id) DO UPDATE SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated, deleted = EXCLUDED.deleted, patient_key = EXCLUDED.patient_key, content = EXCLUDED.content'
      : '';
  const ctes = [`cur AS (INSERT INTO resources ${cols} VALUES ${values}${upsert})`, `ver AS (INSERT INTO resource_versions ${cols} VALUES ${values})`];
  if (shape.replaceIndex)
    for (const table of INDEX_TABLES)
      ctes.push(`del_${table} AS (DELETE FROM ${table} WHERE resource_type = ${t} AND resource_id = ${id})`);
  ctes.push(...indexInserts(p, index ?? emptyIndexRows(), t, id, pk));
  if (audit) ctes.push(...audit.chains.appendCtes(p, audit.row));
  return {
    name: `write_${shape.mode}_${shape.replaceIndex ? 'r' : 'n'}_${audit ? 'a' : 'n'}`,
    sql: `WITH ${ctes.join(',\n')}\nSELECT 1${audit ? ' FROM audit_guard' : ''}`,
    params: p.values,
  };
}
