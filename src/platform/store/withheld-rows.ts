/**
 * The background record of rows a search withheld: each person whose matching rows the caller may not read finds
 * the refusal in their access log, recorded after the answer so that neither its content nor its timing depends
 * on them.
 */
import type { RequestContext } from '../auth/principal.ts';
import { StatementParams } from '../storage/sql-params.ts';
import type { SearchRequest } from '../search/search-request.ts';
import { whereClause, type SearchRestriction } from '../search/search-sql.ts';
import type { Repository } from './repository.ts';
import { keyColumns } from './row-columns.ts';
import { filterByAccess } from './row-access.ts';
import { fromRow, type StoredRow } from './stored-resource.ts';

/** How many of the first matches of a search are looked at for rows withheld from the caller (a bounded cost). */
const WITHHELD_LOOKED_AT = 100;
/** One caller's identical search is looked at for withheld rows at most once in this many ms (polling EHRs). */
const WITHHELD_EVERY_MS = 60_000;
const withheldLookedAt = new Map<string, number>();

/** True when this caller's query was not looked at in the last WITHHELD_EVERY_MS (and notes that it is now). */
function dueForWithheldCheck(ctx: RequestContext, type: string, query: URLSearchParams): boolean {
  const key = `${ctx.principal.clientId}\u0000${type}?${query}`;
  const now = Date.now();
  const last = withheldLookedAt.get(key);
  if (last !== undefined && now - last < WITHHELD_EVERY_MS) return false;
  if (withheldLookedAt.size >= 10_000) withheldLookedAt.clear();
  withheldLookedAt.set(key, now);
  return true;
}

/**
 * Records, in the people's access logs, that rows matching the criteria were withheld from the caller — after the
 * answer, so neither its content nor its timing depends on them; among the first WITHHELD_LOOKED_AT matches, and
 * once a minute per caller and query, so a search over the caller's own thousands of rows, or one polled every few
 * seconds, does not pay twice. Patients and operators are never refused rows.
 */
export function recordWithheld(
  repo: Repository,
  ctx: RequestContext,
  req: SearchRequest,
  query: URLSearchParams,
  restriction: SearchRestriction,
  at: Date,
): void {
  const kind = ctx.principal.kind;
  if (kind === 'operator' || kind === 'patient' || req.filters.length === 0 || !restriction.visible) return;
  if (!dueForWithheldCheck(ctx, req.resourceType, query)) return;
  const visible = restriction.visible;
  repo.runInBackground(async () => {
    const p = new StatementParams();
    const where = whereClause(req, p, { ...restriction, anyMatch: true });
    const res = await repo.db.query<StoredRow>(
      `SELECT w.* FROM (SELECT ${keyColumns('r')} FROM resources r WHERE ${where} LIMIT ${WITHHELD_LOOKED_AT}) w
        WHERE w.patient_key <> '' AND NOT ${visible(p, 'w')}`,
      p.values,
    );
    await filterByAccess(repo, ctx, 'search', res.rows.map(fromRow), at);
  });
}
