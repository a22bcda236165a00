/** What conditional interactions (If-None-Exist, conditional update and delete) resolve to. */
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import { FhirError, badRequest } from '../fhir/errors.ts';
import type { Queryable } from '../storage/database.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { parseSearch } from '../search/search-request.ts';
import { whereClause, type SearchRestriction } from '../search/search-sql.ts';
import type { Repository, WriteSession } from './repository.ts';
import { storedColumns } from './row-columns.ts';
import { fromRow, type StoredResource, type StoredRow } from './stored-resource.ts';

/**
 * The rows a conditional interaction (If-None-Exist, conditional update or delete) resolves among: what matches
 * the criteria within the caller's own registrations and data belonging to no person (a patient: their own record;
 * operators: everything). Other organisations' records are out of its reach — neither matched nor counted, so the
 * answer tells nothing about them. At most two rows (enough to tell one match from several).
 */
export async function searchIds(repo: Repository, ctx: RequestContext, q: Queryable, type: string, query: URLSearchParams): Promise<StoredResource[]> {
  const req = parseSearch(repo.deps.registry, type, query);
  if (req.filters.length === 0) throw badRequest('条件付き操作には検索条件が必要です', 'a conditional interaction needs at least one search criterion');
  const p = new StatementParams();
  const restriction: SearchRestriction = { visible: repo.deps.policy.visibility(ctx) };
  const kind = ctx.principal.kind;
  if (kind !== 'operator' && kind !== 'patient') restriction.ownOrShared = ownerKey(ctx.principal);
  const res = await q.query<StoredRow>(`SELECT ${storedColumns('r')} FROM resources r WHERE ${whereClause(req, p, restriction)} LIMIT 2`, p.values);
  return res.rows.map(fromRow);
}

/**
 * The one resource a conditional update or delete addresses (undefined: none matches; 412: several do), among the
 * caller's own records (see searchIds). Inside a transaction Bundle pass its session.
 */
export async function conditionalTarget(
  repo: Repository,
  ctx: RequestContext,
  type: string,
  query: URLSearchParams,
  interaction: 'update' | 'delete',
  session?: WriteSession,
): Promise<StoredResource | undefined> {
  const matches = await searchIds(repo, ctx, session?.tx ?? repo.db, type, query);
  if (matches.length > 1)
    throw FhirError.of(412, 'multiple-matches', '条件に一致するリソースが複数あります', `conditional ${interaction} matched more than one resource`);
  return matches[0];
}
