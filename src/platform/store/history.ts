/** History interactions: instance, type and system level, newest first, with `_count`, `_offset` and `_since`. */
import type { RequestContext } from '../auth/principal.ts';
import { badRequest, forbidden, notFound } from '../fhir/errors.ts';
import { assertResourceType } from '../fhir/resource-shape.ts';
import { isValidId } from '../fhir/references.ts';
import { parseDateRange } from '../search/dates.ts';
import { DEFAULT_COUNT, MAX_COUNT, pagingParam } from '../search/search-request.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { bundleText } from './bundle-text.ts';
import type { Repository } from './repository.ts';
import { filterByAccess } from './row-access.ts';
import { keyColumns } from './search-executor.ts';
import { ALL_VERSIONS, STORED_COLUMNS, etagOf, fromRow, relativeRef, type StoredResource, type StoredRow } from './stored-resource.ts';

export interface HistoryQuery {
  type?: string;
  id?: string;
  params: URLSearchParams;
}

export interface HistoryResult {
  rows: StoredResource[];
  count: number;
  offset: number;
  /** There are more versions after this page. */
  more: boolean;
}

/** `_count` / `_offset` of a history, parsed as in searches (an absurd offset is refused, not sent to SQL). */
function pagingNumber(params: URLSearchParams, name: '_count' | '_offset', fallback: number): number {
  const raw = params.get(name);
  return raw === null ? fallback : pagingParam(name, raw);
}

/**
 * Versions the caller may read, newest first. Each version is judged by its own registrant, labels and clinical
 * date, in SQL (AccessPolicy.visibility), so paging never counts a version the caller cannot see; an instance the
 * caller may not read at all answers as an absent one.
 */
export async function runHistory(repo: Repository, ctx: RequestContext, hq: HistoryQuery): Promise<HistoryResult> {
  const count = pagingNumber(hq.params, '_count', DEFAULT_COUNT);
  const offset = pagingNumber(hq.params, '_offset', 0);
  for (const key of hq.params.keys())
    if (!['_count', '_offset', '_since', '_format', '_pretty'].includes(key))
      throw badRequest(`履歴では ${key} は使えません`, `history does not support '${key}'`);
  // Conditions as builders: the same criteria make the page query and the background query of withheld versions.
  const conds: ((p: StatementParams) => string)[] = [];
  if (hq.type) {
    assertResourceType(hq.type);
    const scope = repo.deps.policy.scopeDecision(ctx, hq.type, 'history');
    if (!scope.allow) throw forbidden(scope.ja, scope.en);
    const type = hq.type;
    conds.push((p) => `resource_type = ${p.add(type)}`);
  } else if (ctx.principal.kind !== 'operator') {
    throw forbidden('システム全体の履歴は運用者のみ参照できます', 'system-wide history is for operators only');
  }
  const at = new Date();
  if (hq.id) {
    const id = hq.id;
    if (!isValidId(id)) throw notFound(`${hq.type}/${id}`);
    const current = await repo.loadCurrent(repo.db, hq.type!, id);
    if (!current) throw notFound(`${hq.type}/${id}`);
    const d = await repo.mayRead(ctx, current, 'history');
    if (!d.allow) throw await repo.hide(ctx, 'history', current.patientKey, `${hq.type}/${id}`, d.en);
    conds.push((p) => `id = ${p.add(id)}`);
  }
  const since = hq.params.get('_since');
  if (since) {
    const r = parseDateRange(since);
    if (!r) throw badRequest(`_since (${since}) の形式が正しくありません`, `_since '${since}' is not a valid instant`);
    const low = new Date(r.low).toISOString();
    conds.push((p) => `last_updated >= ${p.add(low, 'timestamptz')}`);
  }
  const visible = repo.deps.policy.visibility(ctx, at);
  const where = (p: StatementParams, withVisibility: boolean) => {
    const all = conds.map((c) => c(p));
    if (withVisibility) all.push(visible(p, 'v'));
    return all.length ? `WHERE ${all.join(' AND ')}` : '';
  };
  const p = new StatementParams();
  const res = await repo.db.query<StoredRow>(
    `SELECT ${STORED_COLUMNS} FROM ${ALL_VERSIONS} v ${where(p, true)}
     ORDER BY last_updated DESC, version_id DESC LIMIT ${Math.min(count, MAX_COUNT) + 1} OFFSET ${offset}`,
    p.values,
  );
  // Versions the caller could not see are recorded as refusals in the people's logs, after the answer.
  const kind = ctx.principal.kind;
  if (kind !== 'operator' && kind !== 'patient')
    repo.runInBackground(async () => {
      const q = new StatementParams();
      // Among the versions up to the end of this page only: a bounded cost.
      const upTo = Math.min(offset + Math.min(count, MAX_COUNT), MAX_COUNT);
      const newest = `SELECT ${keyColumns('v')} FROM ${ALL_VERSIONS} v ${where(q, false)} ORDER BY last_updated DESC, version_id DESC LIMIT ${upTo}`;
      const withheld = await repo.db.query<StoredRow>(`SELECT w.* FROM (${newest}) w WHERE w.patient_key <> '' AND NOT ${visible(q, 'w')} LIMIT 100`, q.values);
      await filterByAccess(repo, ctx, 'history', withheld.rows.map(fromRow), at);
    });
  // One row more than the page tells whether there is a next page.
  const more = res.rows.length > Math.min(count, MAX_COUNT);
  const page = res.rows.slice(0, Math.min(count, MAX_COUNT)).map(fromRow);
  // The same rule row by row, for the basis of the audit event (it refuses nothing the SQL let through).
  const rows = (await filterByAccess(repo, ctx, 'history', page, at)).kept;
  const byPatient = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.patientKey) continue;
    byPatient.set(r.patientKey, [...(byPatient.get(r.patientKey) ?? []), `${relativeRef(r)}/_history/${r.versionId}`]);
  }
  await repo.deps.readAudit.write(
    [...byPatient].map(([pk, entities]) =>
      repo.auditRecord(ctx, 'R', hq.id ? 'history-instance' : hq.type ? 'history-type' : 'history-system', '0', pk, entities),
    ),
  );
  return { rows, count: Math.min(count, MAX_COUNT), offset, more: more && count > 0 };
}

export function historyBundle(base: string, hq: HistoryQuery, result: HistoryResult): string {
  const path = [hq.type, hq.id].filter(Boolean).join('/');
  const url = (offset: number) => {
    const q = new URLSearchParams(hq.params);
    q.delete('_offset');
    if (offset) q.set('_offset', String(offset));
    const s = q.toString();
    return `${base}/${path ? `${path}/` : ''}_history${s ? `?${s}` : ''}`;
  };
  const link = [{ relation: 'self', url: url(result.offset) }];
  if (result.more) link.push({ relation: 'next', url: url(result.offset + result.count) });
  if (result.offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, result.offset - result.count)) });
  return bundleText(
    { type: 'history', link },
    result.rows.map((r) => ({
      fullUrl: `${base}/${relativeRef(r)}`,
      resource: r.deleted ? null : r.content,
      extra: {
        request: {
          method: r.deleted ? 'DELETE' : r.versionId === 1 ? 'POST' : 'PUT',
          url: r.versionId === 1 && !r.deleted ? r.resourceType : relativeRef(r),
        },
        response: {
          status: r.deleted ? '204' : r.versionId === 1 ? '201' : '200',
          etag: etagOf(r),
          lastModified: r.lastUpdated.toISOString(),
        },
      },
    })),
  );
}
