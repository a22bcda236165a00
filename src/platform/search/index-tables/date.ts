/**
 * sp_date: dates, dateTimes, instants, Periods and Timings as instant ranges [low, high] (dates.ts). Prefixes compare
 * the stored range with the range of the value searched for (its precision: `2024` is the whole year).
 */
import { badRequest } from '../../fhir/errors.ts';
import type { StatementParams } from '../../storage/sql-params.ts';
import { isoOrInfinity, parseDateRange } from '../dates.ts';
import { isObj, type IndexTable } from './descriptor.ts';
import { lazy, splitPrefix } from './prefixes.ts';

export type DateRows = { param: string[]; low: string[]; high: string[] };

function add(rows: DateRows, p: string, low: number | undefined, high: number | undefined) {
  if (low === undefined && high === undefined) return;
  rows.param.push(p);
  rows.low.push(isoOrInfinity(low, 'low'));
  rows.high.push(isoOrInfinity(high, 'high'));
}

function extract(rows: DateRows, p: string, value: unknown): void {
  if (typeof value === 'string') {
    const r = parseDateRange(value);
    if (r) add(rows, p, r.low, r.high);
    return;
  }
  if (!isObj(value)) return;
  if ('start' in value || 'end' in value) {
    // Period: an open end is unbounded
    const start = typeof value.start === 'string' ? parseDateRange(value.start) : undefined;
    const end = typeof value.end === 'string' ? parseDateRange(value.end) : undefined;
    add(rows, p, start?.low, end?.high);
    return;
  }
  // Timing
  if (Array.isArray(value.event)) for (const e of value.event) if (typeof e === 'string') extract(rows, p, e);
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

/** A date search value (`ge2024-01`) against the range in columns `low`, `high` (also `_lastUpdated`: one column twice). */
export function dateValueCondition(value: string, p: StatementParams, low: string, high: string): string {
  const { prefix, rest } = splitPrefix(value);
  const range = parseDateRange(rest);
  if (!range) throw badRequest(`日付 ${value} の形式が正しくありません`, `'${value}' is not a valid date search value (yyyy[-mm[-dd[Thh:mm[:ss][zone]]]])`);
  const ql = lazy(() => p.add(new Date(range.low).toISOString(), 'timestamptz'));
  const qh = lazy(() => p.add(new Date(range.high).toISOString(), 'timestamptz'));
  // ap: within 10% of the distance between the value and now (at least a day)
  const delta = lazy(() => p.add(`${Math.round(Math.max(86_400_000, Math.abs(Date.now() - range.low) * 0.1))} milliseconds`, 'interval'));
  return rangeCondition(prefix, low, high, { ql, qh, delta });
}

export const dateTable: IndexTable<DateRows> = {
  type: 'date',
  table: 'sp_date',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    low: { name: 'low', cast: 'timestamptz[]' },
    high: { name: 'high', cast: 'timestamptz[]' },
  },
  empty: () => ({ param: [], low: [], high: [] }),
  extract: (rows, p, { value }) => extract(rows, p, value),
  condition: (raw, _modifier, p, a) => dateValueCondition(raw, p, `${a}.low`, `${a}.high`),
  sort: { ascending: 'low', descending: 'high' },
};
