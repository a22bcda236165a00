/**
 * Runs a parsed search: the page of matches and the total (search-matches.ts), `_include` / `_revinclude`
 * (search-includes.ts), one audit event per patient whose data is returned (search-audit.ts), and the background
 * record of withheld rows (withheld-rows.ts); the searchset Bundle is rendered by search-bundle.ts. What the caller
 * may read is part of the SQL (AccessPolicy.visibility), so matches, totals, paging links and chained criteria only
 * ever see readable rows: a withheld row and an absent one give the same answer. Each returned row is checked again
 * by the same rule row by row (the basis for the audit event).
 */
import type { RequestContext } from '../auth/principal.ts';
import { FhirError, forbidden } from '../fhir/errors.ts';
import { parseSearch } from '../search/search-request.ts';
import type { SearchRestriction } from '../search/search-sql.ts';
import type { Repository } from './repository.ts';
import { filterByAccess } from './row-access.ts';
import { auditSearch } from './search-audit.ts';
import type { SearchOutput } from './search-bundle.ts';
import { findIncludes } from './search-includes.ts';
import { findMatches } from './search-matches.ts';
import { recordWithheld } from './withheld-rows.ts';

export { conditionalTarget, searchIds } from './conditional-target.ts';
export { keyColumns } from './row-columns.ts';
export { searchBundle, type SearchOutput } from './search-bundle.ts';
export { MATERIALIZE_CAP } from './search-matches.ts';

export async function runSearch(
  repo: Repository,
  ctx: RequestContext,
  type: string,
  query: URLSearchParams,
  opts: { lenient?: boolean } = {},
): Promise<SearchOutput> {
  const scope = repo.deps.policy.scopeDecision(ctx, type, 'search');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  const req = parseSearch(repo.deps.registry, type, query, opts);
  const at = new Date();
  const restriction: SearchRestriction = { visible: repo.deps.policy.visibility(ctx, at) };
  const found = await findMatches(repo, req, restriction);
  const included = [
    ...(await findIncludes(repo, ctx, found.matches, req.include, false, restriction)),
    ...(await findIncludes(repo, ctx, found.matches, req.revinclude, true, restriction)),
  ];
  // The same rule row by row: it gives each person's basis; it refuses nothing the SQL let through.
  const checkedMatches = await filterByAccess(repo, ctx, 'search', found.matches, at);
  const checkedIncluded = await filterByAccess(repo, ctx, 'search', included, at);
  if (checkedMatches.refused.length || checkedIncluded.refused.length)
    throw FhirError.of(500, 'exception', '閲覧可否の判定が一致しませんでした', 'access decision mismatch between SQL visibility and the row check');
  await auditSearch(repo, ctx, type, query, [...checkedMatches.kept, ...checkedIncluded.kept], checkedMatches.decisions);
  recordWithheld(repo, ctx, req, query, restriction, at);
  return { req, matches: checkedMatches.kept, included: checkedIncluded.kept, total: found.total };
}
