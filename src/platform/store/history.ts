/** History interactions: instance, type and system level, newest first, with `_count`, `_offset` and `_since`. */
import type { RequestContext } from '../auth/principal.ts';
import { badRequest, forbidden, notFound } from '../fhir/errors.ts';
import { assertResourceType } from '../fhir/resource-shape.ts';
import { parseDateRange } from '../search/dates.ts';
import { DEFAULT_COUNT, MAX_COUNT } from '../search/search-request.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { bundleText } from './bundle-text.ts';
import type { Repository } from './repository.ts';
import { filterByAccess } from './row-access.ts';
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
  /** A full page was read (before rows the caller may not see were left out): there may be more. */
  more: boolean;
}

export async function runHistory(repo: Repository, ctx: RequestContext, hq: HistoryQuery): Promise<HistoryResult> {
  const count = hq.params.has('_count') ? Number(hq.params.get('_count')) : DEFAULT_COUNT;
  const offset = hq.params.has('_offset') ? Number(hq.params.get('_offset')) : 0;
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(offset) || offset < 0)
    throw badRequest('_count と _offset は0以上の整数です', '_count and _offset must be non-negative integers');
  for (const key of hq.params.keys())
    if (!['_count', '_offset', '_since', '_format', '_pretty'].includes(key))
      throw badRequest(`履歴では ${key} は使えません`, `history does not support '${key}'`);
  const p = new StatementParams();
  const conds: string[] = [];
  if (hq.type) {
    assertResourceType(hq.type);
    const scope = repo.deps.policy.scopeDecision(ctx, hq.type, 'history');
    if (!scope.allow) throw forbidden(scope.ja, scope.en);
    conds.push(`resource_type = ${p.add(hq.type)}`);
  } else if (ctx.principal.kind !== 'operator') {
    throw forbidden('システム全体の履歴は運用者のみ参照できます', 'system-wide history is for operators only');
  }
  if (hq.id) {
    const current = await repo.loadCurrent(repo.db, hq.type!, hq.id);
    if (!current) throw notFound(`${hq.type}/${hq.id}`);
    const d = await repo.deps.policy.check({ ctx, interaction: 'history', resourceType: hq.type!, patientKey: current.patientKey, owner: current.owner });
    if (!d.allow) throw await repo.deny(ctx, 'history', current.patientKey, `${hq.type}/${hq.id}`, d.ja, d.en);
    conds.push(`id = ${p.add(hq.id)}`);
  }
  const since = hq.params.get('_since');
  if (since) {
    const r = parseDateRange(since);
    if (!r) throw badRequest(`_since (${since}) の形式が正しくありません`, `_since '${since}' is not a valid instant`);
    conds.push(`last_updated >= ${p.add(new Date(r.low).toISOString(), 'timestamptz')}`);
  }
  if (ctx.principal.kind === 'patient') conds.push(`patient_key IN ('', ${p.add(ctx.principal.patientId ?? '')})`);
  const res = await repo.db.query<StoredRow>(
    `SELECT ${STORED_COLUMNS} FROM ${ALL_VERSIONS} v ${conds.length ? 'WHERE ' + conds.join(' AND ') : ''}
     ORDER BY last_updated DESC, version_id DESC LIMIT ${Math.min(count, MAX_COUNT)} OFFSET ${offset}`,
    p.values,
  );
  // Each version is checked like a search row (its own labels decide); refused ones are left out.
  const rows = (await filterByAccess(repo, ctx, 'history', res.rows.map(fromRow))).kept;
  const byPatient = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.patientKey) continue;
    byPatient.set(r.patientKey, [...(byPatient.get(r.patientKey) ?? []), `${relativeRef(r)}/_history/${r.versionId}`]);
  }
  await repo.deps.readAudit.write(
    [...byPatient].map(([pk, entities]) => repo.auditRecord(ctx, 'R', hq.id ? 'history-instance' : hq.type ? 'history-type' : 'history-system', '0', pk, entities)),
  );
  return { rows, count: Math.min(count, MAX_COUNT), offset, more: res.rows.length === Math.min(count, MAX_COUNT) && count > 0 };
}

export function historyBundle(base: string, hq: HistoryQuery, result: HistoryResult): string {
  const path = [hq.type, hq.id].filter(Boolean).join('/');
  const url = (offset: number) => {
    const q = new URLSearchParams(hq.params);
    q.delete('_offset');
    if (offset) q.set('_offset', String(offset));
    const s = q.toString();
    return `${base}/${path ? path + '/' : ''}_history${s ? '?' + s : ''}`;
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
