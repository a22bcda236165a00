/**
 * The shape every search index table (sp_token, sp_string, …) is described by: its columns, how the values a
 * parameter's expression finds become rows, how a search value becomes a condition on a row, and what `_sort` reads.
 * The write statement, the row extraction and the search SQL are all driven by these descriptors; the schema itself
 * is in the migrations (test/platform/index-tables.test.ts checks the two agree).
 */
import type { StatementParams } from '../../storage/sql-params.ts';
import type { FoundValue } from '../expression.ts';
import type { SearchParamType } from '../registry.ts';

/** One column after (resource_type, resource_id, patient_key), which every index table starts with. */
export interface IndexColumn {
  /** SQL name. */
  name: string;
  /** Cast of the column's array parameter in the write statement (`text[]`, `timestamptz[]`, `numeric[]`). */
  cast: string;
  /**
   * A text column whose index entries hold its first INDEXED_CHARS characters (text-columns.ts): conditions compare
   * that prefix, which the index answers, then the whole value.
   */
  prefixed?: boolean;
}

/** A table's rows column-wise (one array per column, all of one length), as one `unnest(…)` inserts them. */
export type ColumnRows = { param: string[] };

export interface IndexTable<R extends ColumnRows = ColumnRows> {
  /** The parameter type whose values the table holds. */
  type: SearchParamType;
  table: string;
  /** Row key → column, in insert order; the first is `param` (the parameter code). */
  columns: { readonly [K in keyof R]: IndexColumn };
  /** No rows (a literal of the same keys: it runs on every write, and a literal is several times faster to build). */
  empty(): R;
  /** Adds the rows of one value found for parameter `param`. */
  extract(rows: R, param: string, found: FoundValue): void;
  /** The condition one search value (one alternative of a filter, as sent) puts on a row aliased `a`. */
  condition(value: string, modifier: string | undefined, p: StatementParams, a: string): string;
  /** The column `_sort` reads (min ascending, max descending); none when the type cannot be sorted by. */
  sort?: { ascending: string; descending: string };
}

/** A column with its row key, in the table's order. */
export interface KeyedColumn extends IndexColumn {
  key: string;
}

const lists = new WeakMap<IndexTable, readonly KeyedColumn[]>();

/** The columns of a table as a list (computed once per table). */
export function columnList(t: IndexTable): readonly KeyedColumn[] {
  let list = lists.get(t);
  if (!list) {
    list = Object.entries(t.columns as Record<string, IndexColumn>).map(([key, c]) => ({ key, ...c }));
    lists.set(t, list);
  }
  return list;
}

/** Column `key` of a table's rows (the descriptors' row types have no index signature). */
export const columnOf = (rows: ColumnRows, key: string): unknown[] => (rows as unknown as Record<string, unknown[]>)[key];

/** Helpers for reading found values. */
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
