/** The page of a search's matches and their total. */
import { StatementParams } from '../storage/sql-params.ts';
import type { SearchRequest } from '../search/search-request.ts';
import { orderClause, whereClause, type SearchRestriction } from '../search/search-sql.ts';
import type { Repository } from './repository.ts';
import { storedColumns } from './row-columns.ts';
import { fromRow, type StoredResource, type StoredRow } from './stored-resource.ts';

/** Above this many matches a search pages through an index-ordered scan and reports no total. */
export const MATERIALIZE_CAP = 1_000;

/**
 * The page of matches and the total. With filters, the matching keys are collected first (the filters' own
 * indexes drive the plan) and counted, then sorted and paged, so a patient's few rows are found directly instead
 * of by walking every row of the type in date order. Past MATERIALIZE_CAP matches, or without filters, the page
 * comes from an ordered scan and the total is counted only on request.
 */
export async function findMatches(
  repo: Repository,
  req: SearchRequest,
  restriction: SearchRestriction,
): Promise<{ matches: StoredResource[]; total?: number }> {
  const cap = repo.deps.searchMaterializeCap ?? MATERIALIZE_CAP;
  const wantPage = !req.summaryCount && req.count > 0;
  if (req.filters.length > 0 && req.total !== 'none') {
    const p = new StatementParams();
    const where = whereClause(req, p, restriction);
    const order = orderClause(req, p, 'm');
    const res = await repo.db.query<StoredRow & { total: number; rn: number }>(
      // The filter is planned for all its matches (a LIMIT here would make PostgreSQL walk the type in date
      // order hoping to stop early); the cap is applied by the consumer, which stops pulling rows at cap + 1.
      `WITH hits AS MATERIALIZED (SELECT r.resource_type, r.id, r.last_updated FROM resources r WHERE ${where}),
            m AS MATERIALIZED (SELECT * FROM hits LIMIT ${cap + 1}),
            page AS (SELECT m.resource_type, m.id, row_number() OVER (ORDER BY ${order}) AS rn FROM m ORDER BY rn LIMIT ${wantPage ? req.count : 0} OFFSET ${req.offset})
       SELECT ${storedColumns('r')}, page.rn, (SELECT count(*) FROM m)::int AS total
       FROM (SELECT 1) one LEFT JOIN (page JOIN resources r ON r.resource_type = page.resource_type AND r.id = page.id) ON TRUE
       ORDER BY page.rn`,
      p.values,
    );
    const total = res.rows[0]?.total ?? 0;
    if (total <= cap) return { matches: res.rows.filter((r) => r.id !== null).map(fromRow), total };
  }
  let matches: StoredResource[] = [];
  if (wantPage) {
    const p = new StatementParams();
    const where = whereClause(req, p, restriction);
    const res = await repo.db.query<StoredRow>(
      `SELECT ${storedColumns('r')} FROM resources r WHERE ${where} ORDER BY ${orderClause(req, p)} LIMIT ${req.count} OFFSET ${req.offset}`,
      p.values,
    );
    matches = res.rows.map(fromRow);
  }
  if (!req.summaryCount && req.total !== 'accurate') return { matches };
  if (!req.summaryCount && req.offset === 0 && matches.length < req.count) return { matches, total: matches.length };
  const p = new StatementParams();
  const res = await repo.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resources r WHERE ${whereClause(req, p, restriction)}`, p.values);
  return { matches, total: res.rows[0].n };
}
