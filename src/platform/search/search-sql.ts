/**
 * SQL for search: each filter becomes an EXISTS over the index table of its parameter type, joined to the
 * searched row by (resource_type, resource_id); what a value means on a row is the table's descriptor
 * (index-tables/). Date, number and quantity prefixes follow the R4 rules (http://hl7.org/fhir/R4/search.html#prefix).
 */
import type { Visibility } from '../access/policy.ts';
import type { StatementParams } from '../storage/sql-params.ts';
import { dateValueCondition } from './index-tables/date.ts';
import type { IndexTable } from './index-tables/descriptor.ts';
import { referenceTable } from './index-tables/reference.ts';
import { INDEX_TABLE } from './index-tables/tables.ts';
import type { SearchParam } from './registry.ts';
import { unescapeValue, type Filter, type SearchRequest, type SortRule } from './search-request.ts';

export { INDEXED_CHARS } from './index-tables/text-columns.ts';

let aliasCounter = 0;
const nextAlias = () => `i${++aliasCounter % 1_000_000}`;

function columnCondition(filter: Filter, p: StatementParams, r: string): string {
  if (filter.modifier === 'missing') return filter.values[0] === 'true' ? 'FALSE' : 'TRUE';
  if (filter.param.code === '_id') {
    const cond = `${r}.id = ANY(${p.add(filter.values.map(unescapeValue), 'text[]')})`;
    return filter.modifier === 'not' ? `NOT ${cond}` : cond;
  }
  return `(${filter.values.map((v) => dateValueCondition(v, p, `${r}.last_updated`, `${r}.last_updated`)).join(' OR ')})`;
}

/** Selects the index rows that hold a parameter's values (its own, or those of the parameters it is derived from). */
export function storedParamCondition(param: SearchParam, p: StatementParams, a: string): string {
  const { codes, targetType } = param.stored;
  const which = codes.length === 1 ? `${a}.param = ${p.add(codes[0])}` : `${a}.param = ANY(${p.add(codes, 'text[]')})`;
  return targetType ? `${which} AND ${a}.target_type = ${p.add(targetType)}` : which;
}

/**
 * The condition one filter puts on the row aliased `r`. A chain looks only at target resources the caller may
 * read (`visible`): criteria on rows it cannot see must not select anything.
 */
export function filterCondition(filter: Filter, p: StatementParams, r: string, visible?: Visibility): string {
  const param = filter.param;
  if (!('evaluate' in param)) return columnCondition(filter, p, r);
  const a = nextAlias();
  const owner = `${a}.resource_type = ${r}.resource_type AND ${a}.resource_id = ${r}.id AND ${storedParamCondition(param, p, a)}`;
  if (filter.chain) {
    const t = nextAlias();
    const inner = filterCondition(filter.chain.filter, p, t, visible);
    return (
      `EXISTS (SELECT 1 FROM ${referenceTable.table} ${a} JOIN resources ${t} ON ${t}.resource_type = ${a}.target_type AND ${t}.id = ${a}.target_id AND NOT ${t}.deleted ` +
      `WHERE ${owner} AND ${a}.target_type = ${p.add(filter.chain.targetType)} AND ${inner}${visible ? ` AND ${visible(p, t)}` : ''})`
    );
  }
  const index: IndexTable = INDEX_TABLE[param.type];
  if (filter.modifier === 'missing') {
    const exists = `EXISTS (SELECT 1 FROM ${index.table} ${a} WHERE ${owner})`;
    return filter.values[0] === 'true' ? `NOT ${exists}` : exists;
  }
  const alternatives = filter.values.map((v) => index.condition(v, filter.modifier, p, a)).join(' OR ');
  const exists = `EXISTS (SELECT 1 FROM ${index.table} ${a} WHERE ${owner} AND (${alternatives}))`;
  return filter.modifier === 'not' ? `NOT ${exists}` : exists;
}

function sortExpression(rule: SortRule, p: StatementParams, r: string): string {
  const dir = rule.descending ? 'DESC' : 'ASC';
  if (!('evaluate' in rule.param)) return rule.param.code === '_id' ? `${r}.id ${dir}` : `${r}.last_updated ${dir}`;
  const param = rule.param;
  const index: IndexTable = INDEX_TABLE[param.type];
  if (!index.sort) throw new Error(`${param.type} parameters cannot be sorted by`); // refused when parsed
  const a = nextAlias();
  const column = rule.descending ? index.sort.descending : index.sort.ascending;
  const agg = rule.descending ? 'max' : 'min';
  return `(SELECT ${agg}(${a}.${column}) FROM ${index.table} ${a} WHERE ${a}.resource_type = ${r}.resource_type AND ${a}.resource_id = ${r}.id AND ${storedParamCondition(param, p, a)}) ${dir} NULLS LAST`;
}

export interface SearchRestriction {
  /** The rows the caller may read (AccessPolicy.visibility): matches, and the targets of chained criteria. */
  visible?: Visibility;
  /** Only rows registered by this owner, or belonging to no person (conditional interactions resolve there). */
  ownOrShared?: string;
  /** Apply `visible` to chained targets only, not to the matches (to find the matches the caller may not read). */
  anyMatch?: boolean;
}

export function whereClause(req: SearchRequest, p: StatementParams, restriction: SearchRestriction = {}): string {
  const conds = [`r.resource_type = ${p.add(req.resourceType)}`, 'NOT r.deleted'];
  const { visible } = restriction;
  if (visible && !restriction.anyMatch) conds.push(visible(p, 'r'));
  if (restriction.ownOrShared !== undefined) conds.push(`(r.owner = ${p.add(restriction.ownOrShared)} OR r.patient_key = '')`);
  for (const f of req.filters) conds.push(filterCondition(f, p, 'r', visible));
  return conds.join(' AND ');
}

/** ORDER BY for rows aliased `r` (which must expose resource_type, id and last_updated); newest first by default. */
export function orderClause(req: SearchRequest, p: StatementParams, r = 'r'): string {
  const parts = req.sort.map((s) => sortExpression(s, p, r));
  parts.push(req.sort.length ? `${r}.id` : `${r}.last_updated DESC, ${r}.id`);
  return parts.join(', ');
}
