/**
 * What a service needs of the resource store beyond the client-facing interactions, without knowing its tables:
 * current versions to update (locked), the JSON of a resource inside a service's own statement (one round trip at
 * reception), a person's data a caller may read (service views). No access check and no audit here — the service
 * decides and records (its operations are the checks); `Repository.transaction` is where it writes.
 */
import { assertResourceType } from '../fhir/resource-shape.ts';
import type { RequestContext } from '../auth/principal.ts';
import type { AccessPolicy } from '../access/policy.ts';
import type { Queryable } from '../storage/database.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { STORED_COLUMNS, fromRow, type StoredResource, type StoredRow } from './stored-resource.ts';

export class SystemRepository {
  constructor(
    private readonly db: Queryable,
    private readonly policy: AccessPolicy,
  ) {}

  /** Current versions of resources of one type, by id (`lock`: held until the transaction of `q` ends). */
  async current(q: Queryable, type: string, ids: string[], opts: { lock?: boolean } = {}): Promise<Map<string, StoredResource>> {
    assertResourceType(type);
    if (ids.length === 0) return new Map();
    const res = await q.query<StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM resources WHERE resource_type = $1 AND id = ANY($2::text[])${opts.lock ? ' FOR UPDATE' : ''}`,
      [type, ids],
    );
    return new Map(res.rows.map((r) => [r.id, fromRow(r)]));
  }

  /** Current JSON of several resources by reference (`Type/id`), in one query; absent ones are left out. */
  async contents(refs: string[], q: Queryable = this.db): Promise<Map<string, string>> {
    const pairs = refs.map((r) => r.split('/'));
    if (pairs.length === 0) return new Map();
    const res = await q.query<{ resource_type: string; id: string; content: string }>(
      `SELECT resource_type, id, content FROM resources WHERE NOT deleted AND (resource_type, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return new Map(res.rows.map((r) => [`${r.resource_type}/${r.id}`, r.content]));
  }

  /**
   * A SQL expression for a service's own statement: the current JSON of the resource of `type` whose id is the SQL
   * expression `idSql` (NULL when there is none). For hot paths that read a service table and a resource in one
   * round trip; the type is checked, the id is the caller's SQL.
   */
  contentSql(type: string, idSql: string): string {
    assertResourceType(type);
    return `(SELECT content FROM resources WHERE resource_type = '${type}' AND id = ${idSql} AND NOT deleted)`;
  }

  /**
   * A person's current data of these types carrying any of `labels` (`system|code`), unchecked: for a workflow that
   * is itself the basis (the emergency view), which audits what it shows.
   */
  async labelledData(patientKey: string, types: string[], labels: string[], q: Queryable = this.db): Promise<StoredResource[]> {
    for (const t of types) assertResourceType(t);
    const res = await q.query<StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM resources r
        WHERE r.patient_key = $1 AND r.resource_type = ANY($2::text[]) AND NOT r.deleted AND r.labels && $3::text[]`,
      [patientKey, types, labels],
    );
    return res.rows.map(fromRow);
  }

  /** A person's current data of these types carrying `label` (`system|code`) that the caller may read. */
  async personData(ctx: RequestContext, patientKey: string, types: string[], label: string): Promise<StoredResource[]> {
    for (const t of types) assertResourceType(t);
    const p = new StatementParams();
    const res = await this.db.query<StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM resources r
        WHERE r.patient_key = ${p.add(patientKey)} AND r.resource_type = ANY(${p.add(types, 'text[]')}) AND NOT r.deleted
          AND ${p.add(label)} = ANY(r.labels) AND ${this.policy.visibility(ctx)(p, 'r')}`,
      p.values,
    );
    return res.rows.map(fromRow);
  }
}
