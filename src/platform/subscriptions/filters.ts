/**
 * Filter criteria of a subscription (`_criteria` extension backport-filter-criteria: `Type?param=value&…`), judged by
 * the platform's own search engine: a filter of the focus's type matches when a search with it finds the focus. Only
 * the parameters the topic names (TopicFilter) may be used; a filter of another type than the focus does not apply.
 */
import { badRequest } from '../fhir/errors.ts';
import { parseSearch } from '../search/search-request.ts';
import { whereClause } from '../search/search-sql.ts';
import type { SearchRegistry } from '../search/registry.ts';
import type { Queryable } from '../storage/database.ts';
import { StatementParams } from '../storage/sql-params.ts';
import type { SubscriptionTopic } from './topics.ts';

const WHERE = ['Subscription.criteria.extension'];

function split(criteria: string): { type: string; query: URLSearchParams } {
  const i = criteria.indexOf('?');
  if (i <= 0)
    throw badRequest(`絞り込み条件 ${criteria} は「型?パラメータ=値」の形式です`, `filter criteria '${criteria}' must look like Type?param=value`, WHERE);
  return { type: criteria.slice(0, i), query: new URLSearchParams(criteria.slice(i + 1)) };
}

/** Checks one filter against the topic (400 naming what is wrong); returns it as given. */
export function checkFilter(criteria: string, topic: SubscriptionTopic, registry: SearchRegistry): string {
  const { type, query } = split(criteria);
  if (!topic.resourceTypes.includes(type))
    throw badRequest(
      `絞り込み条件の型 ${type} はこのトピックの対象ではありません（${topic.resourceTypes.join(', ')}）`,
      `filter criteria type ${type} is not a resource type of topic ${topic.url}`,
      WHERE,
    );
  const allowed = new Set((topic.filters ?? []).filter((f) => f.resourceType === type).map((f) => f.parameter));
  if ([...query.keys()].length === 0) throw badRequest(`絞り込み条件 ${criteria} に条件がありません`, `filter criteria '${criteria}' has no parameter`, WHERE);
  for (const key of query.keys()) {
    const code = key.split(':')[0];
    if (!allowed.has(code))
      throw badRequest(
        `このトピックは ${type} の ${code} で絞り込めません（使えるもの: ${[...allowed].join(', ') || 'なし'}）`,
        `topic ${topic.url} cannot be filtered by ${type}.${code} (allowed: ${[...allowed].join(', ') || 'none'})`,
        WHERE,
      );
  }
  parseSearch(registry, type, query);
  return criteria;
}

/** Does the focus (`type`/`id`, as written in `q`'s transaction) satisfy every filter of its type? */
export async function focusMatches(q: Queryable, registry: SearchRegistry, filters: string[], type: string, id: string): Promise<boolean> {
  for (const criteria of filters) {
    const f = split(criteria);
    if (f.type !== type) continue;
    const p = new StatementParams();
    const where = whereClause(parseSearch(registry, type, f.query), p);
    const res = await q.query(`SELECT 1 FROM resources r WHERE ${where} AND r.id = ${p.add(id)} LIMIT 1`, p.values);
    if (res.rowCount === 0) return false;
  }
  return true;
}
