/** `_include` and `_revinclude`: the resources the page's matches refer to, or that refer to them. */
import type { RequestContext } from '../auth/principal.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { referenceTable } from '../search/index-tables/reference.ts';
import type { IncludeRule } from '../search/search-request.ts';
import { storedParamCondition, type SearchRestriction } from '../search/search-sql.ts';
import type { Repository } from './repository.ts';
import { storedColumns } from './row-columns.ts';
import { fromRow, relativeRef, type StoredResource, type StoredRow } from './stored-resource.ts';

/** Most rows one rule includes. */
const INCLUDE_LIMIT = 5000;

/**
 * The resources `rules` add to `matches` (all of one type): only rows the caller may read (`restriction.visible`) of
 * types its scopes let it search, each once and none that is a match already.
 */
export async function findIncludes(
  repo: Repository,
  ctx: RequestContext,
  matches: StoredResource[],
  rules: IncludeRule[],
  rev: boolean,
  restriction: SearchRestriction,
): Promise<StoredResource[]> {
  const out: StoredResource[] = [];
  if (matches.length === 0) return out;
  const ids = matches.map((m) => m.id);
  const type = matches[0].resourceType;
  const refs = referenceTable.table;
  for (const rule of rules) {
    const p = new StatementParams();
    let sql: string;
    if (!rev) {
      if (rule.sourceType !== type) continue;
      sql =
        `SELECT DISTINCT ${storedColumns('r')} FROM ${refs} s JOIN resources r ON r.resource_type = s.target_type AND r.id = s.target_id AND NOT r.deleted ` +
        `WHERE s.resource_type = ${p.add(type)} AND s.resource_id = ANY(${p.add(ids, 'text[]')}) AND ${storedParamCondition(rule.param, p, 's')}` +
        (rule.targetType ? ` AND s.target_type = ${p.add(rule.targetType)}` : '');
    } else {
      if (rule.targetType && rule.targetType !== type) continue;
      sql =
        `SELECT DISTINCT ${storedColumns('r')} FROM ${refs} s JOIN resources r ON r.resource_type = s.resource_type AND r.id = s.resource_id AND NOT r.deleted ` +
        `WHERE s.resource_type = ${p.add(rule.sourceType)} AND ${storedParamCondition(rule.param, p, 's')} AND s.target_type = ${p.add(type)} AND s.target_id = ANY(${p.add(ids, 'text[]')})`;
    }
    if (restriction.visible) sql += ` AND ${restriction.visible(p, 'r')}`;
    const res = await repo.db.query<StoredRow>(`${sql} LIMIT ${INCLUDE_LIMIT}`, p.values);
    for (const row of res.rows.map(fromRow)) {
      const scope = repo.deps.policy.scopeDecision(ctx, row.resourceType, 'search');
      if (!scope.allow) continue; // included types the token cannot read are left out
      out.push(row);
    }
  }
  const seen = new Set(matches.map(relativeRef));
  return out.filter((r) => {
    const ref = relativeRef(r);
    if (seen.has(ref)) return false;
    seen.add(ref);
    return true;
  });
}
