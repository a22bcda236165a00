/**
 * SQL for search: each filter becomes an EXISTS over the index table of its parameter type, joined to the
 * searched row by (resource_type, resource_id). Date, number and quantity prefixes follow the R4 rules
 * (http://hl7.org/fhir/R4/search.html#prefix), with ranges from the precision of the value given.
 */
import { badRequest } from '../fhir/errors.ts';
import { parseReference } from '../fhir/references.ts';
import type { Visibility } from '../access/policy.ts';
import type { StatementParams } from '../storage/sql-params.ts';
import { parseDateRange } from './dates.ts';
import { normalizeForSearch } from './normalize.ts';
import type { SearchParam } from './registry.ts';
import { splitUnescaped, unescapeValue, type Filter, type SearchRequest, type SortRule } from './search-request.ts';

const PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/s;
const TABLE: Record<string, string> = {
  token: 'sp_token',
  string: 'sp_string',
  date: 'sp_date',
  reference: 'sp_reference',
  number: 'sp_number',
  quantity: 'sp_quantity',
  uri: 'sp_uri',
};

let aliasCounter = 0;
const nextAlias = () => `i${++aliasCounter % 1_000_000}`;

function splitPrefix(value: string): { prefix: string; rest: string } {
  const m = PREFIX.exec(value)!;
  return { prefix: m[1] ?? 'eq', rest: m[2] };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/**
 * Index entries of text columns hold the first INDEXED_CHARS characters (migration 005): a condition compares that
 * prefix, which the index answers, and then the whole value.
 */
export const INDEXED_CHARS = 200;
const head = (col: string) => `left(${col}, ${INDEXED_CHARS})`;

function textEquals(col: string, p: StatementParams, value: string): string {
  const v = p.add(value);
  return `(${head(col)} = left(${v}::text, ${INDEXED_CHARS}) AND ${col} = ${v})`;
}

/** `col LIKE prefix%` through the index of its first characters (prefix given unescaped). */
function textStartsWith(col: string, p: StatementParams, prefix: string): string {
  const chars = Array.from(prefix);
  if (chars.length <= INDEXED_CHARS) return `${head(col)} LIKE ${p.add(escapeLike(prefix) + '%')}`;
  return `(${head(col)} = ${p.add(chars.slice(0, INDEXED_CHARS).join(''))} AND ${col} LIKE ${p.add(escapeLike(prefix) + '%')})`;
}

/** A parameter placeholder added to the statement only if the SQL uses it (unused parameters are errors). */
function lazy(make: () => string): () => string {
  let placeholder: string | undefined;
  return () => (placeholder ??= make());
}

/** Placeholders of a query range [ql, qh]; each is added to the statement only when the SQL uses it. */
interface QueryRange {
  ql: () => string;
  qh: () => string;
  /** Tolerance for `ap`. */
  delta: () => string;
}

/** Range condition for a stored [low, high] against a query range (instants, both inclusive). */
function rangeCondition(prefix: string, low: string, high: string, q: QueryRange): string {
  switch (prefix) {
    case 'eq':
      return `(${low} >= ${q.ql()} AND ${high} <= ${q.qh()})`;
    case 'ne':
      return `NOT (${low} >= ${q.ql()} AND ${high} <= ${q.qh()})`;
    case 'gt':
      return `(${high} > ${q.qh()})`;
    case 'lt':
      return `(${low} < ${q.ql()})`;
    case 'ge':
      return `(${high} > ${q.qh()} OR (${low} >= ${q.ql()} AND ${high} <= ${q.qh()}))`;
    case 'le':
      return `(${low} < ${q.ql()} OR (${low} >= ${q.ql()} AND ${high} <= ${q.qh()}))`;
    case 'sa':
      return `(${low} > ${q.qh()})`;
    case 'eb':
      return `(${high} < ${q.ql()})`;
    case 'ap':
      return `(${low} <= ${q.qh()} + ${q.delta()} AND ${high} >= ${q.ql()} - ${q.delta()})`;
  }
  throw new Error(`prefix ${prefix}`);
}

function dateValueCondition(value: string, p: StatementParams, low: string, high: string): string {
  const { prefix, rest } = splitPrefix(value);
  const range = parseDateRange(rest);
  if (!range)
    throw badRequest(`日付 ${value} の形式が正しくありません`, `'${value}' is not a valid date search value (yyyy[-mm[-dd[Thh:mm[:ss][zone]]]])`);
  const ql = lazy(() => p.add(new Date(range.low).toISOString(), 'timestamptz'));
  const qh = lazy(() => p.add(new Date(range.high).toISOString(), 'timestamptz'));
  // ap: within 10% of the distance between the value and now (at least a day)
  const delta = lazy(() => p.add(`${Math.round(Math.max(86_400_000, Math.abs(Date.now() - range.low) * 0.1))} milliseconds`, 'interval'));
  return rangeCondition(prefix, low, high, { ql, qh, delta });
}

function numberBounds(text: string): { value: number; lo: number; hi: number } {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw badRequest(`数値 ${text} の形式が正しくありません`, `'${text}' is not a number`);
  const value = Number(text);
  const m = /\.(\d+)/.exec(text.split(/[eE]/)[0]);
  const exp = /[eE]([+-]?\d+)/.exec(text);
  const decimals = (m ? m[1].length : 0) - (exp ? Number(exp[1]) : 0);
  const half = 0.5 * Math.pow(10, -decimals);
  // Within ±1e300 (so ±10% for `ap` stays finite) and with a precision a double can hold: anything else is not a
  // number the index can compare with (1e999 is Infinity, 1e-400 is 0 with no range).
  if (!(Math.abs(value) <= 1e300) || !(half > 0 && half <= 1e300) || text.length > 100)
    throw badRequest(`数値 ${text.slice(0, 40)} は範囲外です`, `'${text.slice(0, 40)}' is out of the range a search number may have (±1e300)`);
  return { value, lo: value - half, hi: value + half };
}

function numberValueCondition(value: string, p: StatementParams, col: string): string {
  const { prefix, rest } = splitPrefix(value);
  const n = numberBounds(rest);
  const exact = lazy(() => p.add(String(n.value), 'numeric'));
  switch (prefix) {
    case 'eq':
      return `(${col} >= ${p.add(String(n.lo), 'numeric')} AND ${col} < ${p.add(String(n.hi), 'numeric')})`;
    case 'ne':
      return `NOT (${col} >= ${p.add(String(n.lo), 'numeric')} AND ${col} < ${p.add(String(n.hi), 'numeric')})`;
    case 'gt':
    case 'sa':
      return `(${col} > ${exact()})`;
    case 'lt':
    case 'eb':
      return `(${col} < ${exact()})`;
    case 'ge':
      return `(${col} >= ${exact()})`;
    case 'le':
      return `(${col} <= ${exact()})`;
    case 'ap': {
      const d = Math.abs(n.value) * 0.1;
      return `(${col} BETWEEN ${p.add(String(n.value - d), 'numeric')} AND ${p.add(String(n.value + d), 'numeric')})`;
    }
  }
  throw new Error(`prefix ${prefix}`);
}

/** `system|code` parts, unescaped. */
const splitBars = (v: string) => splitUnescaped(v, '|').map(unescapeValue);

function valueCondition(filter: Filter, raw: string, p: StatementParams, a: string): string {
  const type = filter.param.type;
  switch (type) {
    case 'token': {
      const parts = splitBars(raw);
      if (parts.length > 2) throw badRequest(`トークン ${raw} の形式が正しくありません`, `token '${raw}' has more than one '|'`);
      if (parts.length === 1) return textEquals(`${a}.code`, p, parts[0]);
      const [system, code] = parts;
      if (system === '') return `(${a}.system IS NULL AND ${textEquals(`${a}.code`, p, code)})`;
      if (code === '') return textEquals(`${a}.system`, p, system);
      return `(${textEquals(`${a}.system`, p, system)} AND ${textEquals(`${a}.code`, p, code)})`;
    }
    case 'string': {
      const v = unescapeValue(raw);
      if (filter.modifier === 'exact')
        return `(${textEquals(`${a}.norm`, p, normalizeForSearch(v))} AND coalesce(${a}.exact, ${a}.norm) = ${p.add(v)})`;
      if (filter.modifier === 'contains') return `${a}.norm LIKE ${p.add('%' + escapeLike(normalizeForSearch(v)) + '%')}`;
      return textStartsWith(`${a}.norm`, p, normalizeForSearch(v));
    }
    case 'date':
      return dateValueCondition(raw, p, `${a}.low`, `${a}.high`);
    case 'reference': {
      const v = unescapeValue(raw);
      const parsed = parseReference(v);
      const typeModifier = filter.modifier && /^[A-Z]/.test(filter.modifier) ? filter.modifier : undefined;
      if (parsed) {
        if (typeModifier && typeModifier !== parsed.resourceType)
          throw badRequest(`${raw} は :${typeModifier} と一致しません`, `'${raw}' does not match modifier :${typeModifier}`);
        return `(${a}.target_type = ${p.add(parsed.resourceType)} AND ${a}.target_id = ${p.add(parsed.id)})`;
      }
      if (/^[A-Za-z0-9\-.]{1,64}$/.test(v)) {
        const t = typeModifier ? ` AND ${a}.target_type = ${p.add(typeModifier)}` : '';
        return `(${a}.target_id = ${p.add(v)}${t})`;
      }
      return `${a}.target_url = ${p.add(v)}`;
    }
    case 'number':
      return numberValueCondition(raw, p, `${a}.value`);
    case 'quantity': {
      const [num, system, code] = splitBars(raw);
      let cond = numberValueCondition(num, p, `${a}.value`);
      if (system && code) cond += ` AND ${a}.system = ${p.add(system)} AND ${a}.code = ${p.add(code)}`;
      else if (code) cond += ` AND (${a}.code = ${p.add(code)} OR ${a}.unit = ${p.add(code)})`;
      return `(${cond})`;
    }
    case 'uri': {
      const v = unescapeValue(raw);
      if (filter.modifier === 'below') return textStartsWith(`${a}.uri`, p, v);
      if (filter.modifier === 'above') return `${p.add(v)} LIKE (replace(replace(replace(${a}.uri, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;
      return textEquals(`${a}.uri`, p, v);
    }
  }
}

function columnCondition(filter: Filter, p: StatementParams, r: string): string {
  if (filter.modifier === 'missing') return filter.values[0] === 'true' ? 'FALSE' : 'TRUE';
  if (filter.param.code === '_id') {
    const cond = `${r}.id = ANY(${p.add(filter.values.map(unescapeValue), 'text[]')})`;
    return filter.modifier === 'not' ? `NOT ${cond}` : cond;
  }
  return '(' + filter.values.map((v) => dateValueCondition(v, p, `${r}.last_updated`, `${r}.last_updated`)).join(' OR ') + ')';
}

/** Selects the index rows that hold a parameter's values (its own, or those of the parameters it is derived from). */
export function storedParamCondition(param: SearchParam, p: StatementParams, a: string): string {
  const { codes, targetType } = param.stored;
  const which = codes.length === 1 ? `${a}.param = ${p.add(codes[0])}` : `${a}.param = ANY(${p.add(codes, 'text[]')})`;
  return targetType ? `${which} AND ${a}.target_type = ${p.add(targetType)}` : which;
}

/**
 * The condition one filter puts on the row aliased `r` of type `type`. A chain looks only at target resources the
 * caller may read (`visible`): criteria on rows it cannot see must not select anything.
 */
export function filterCondition(filter: Filter, p: StatementParams, r: string, type: string, visible?: Visibility): string {
  const param = filter.param;
  if (!('evaluate' in param)) return columnCondition(filter, p, r);
  const a = nextAlias();
  const owner = `${a}.resource_type = ${r}.resource_type AND ${a}.resource_id = ${r}.id AND ${storedParamCondition(param, p, a)}`;
  if (filter.chain) {
    const t = nextAlias();
    const inner = filterCondition(filter.chain.filter, p, t, filter.chain.targetType, visible);
    return (
      `EXISTS (SELECT 1 FROM sp_reference ${a} JOIN resources ${t} ON ${t}.resource_type = ${a}.target_type AND ${t}.id = ${a}.target_id AND NOT ${t}.deleted ` +
      `WHERE ${owner} AND ${a}.target_type = ${p.add(filter.chain.targetType)} AND ${inner}${visible ? ` AND ${visible(p, t)}` : ''})`
    );
  }
  const table = TABLE[param.type];
  if (filter.modifier === 'missing') {
    const exists = `EXISTS (SELECT 1 FROM ${table} ${a} WHERE ${owner})`;
    return filter.values[0] === 'true' ? `NOT ${exists}` : exists;
  }
  const alternatives = filter.values.map((v) => valueCondition(filter, v, p, a)).join(' OR ');
  const exists = `EXISTS (SELECT 1 FROM ${table} ${a} WHERE ${owner} AND (${alternatives}))`;
  void type;
  return filter.modifier === 'not' ? `NOT ${exists}` : exists;
}

function sortExpression(rule: SortRule, p: StatementParams, r: string): string {
  const dir = rule.descending ? 'DESC' : 'ASC';
  if (!('evaluate' in rule.param)) return rule.param.code === '_id' ? `${r}.id ${dir}` : `${r}.last_updated ${dir}`;
  const param = rule.param;
  const a = nextAlias();
  const agg = rule.descending ? 'max' : 'min';
  const column: Record<string, string> = {
    token: 'code',
    string: 'norm',
    date: rule.descending ? 'high' : 'low',
    number: 'value',
    quantity: 'value',
  };
  const table = TABLE[param.type];
  return `(SELECT ${agg}(${a}.${column[param.type]}) FROM ${table} ${a} WHERE ${a}.resource_type = ${r}.resource_type AND ${a}.resource_id = ${r}.id AND ${storedParamCondition(param, p, a)}) ${dir} NULLS LAST`;
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
  for (const f of req.filters) conds.push(filterCondition(f, p, 'r', req.resourceType, visible));
  return conds.join(' AND ');
}

/** ORDER BY for rows aliased `r` (which must expose resource_type, id and last_updated); newest first by default. */
export function orderClause(req: SearchRequest, p: StatementParams, r = 'r'): string {
  const parts = req.sort.map((s) => sortExpression(s, p, r));
  parts.push(req.sort.length ? `${r}.id` : `${r}.last_updated DESC, ${r}.id`);
  return parts.join(', ');
}
