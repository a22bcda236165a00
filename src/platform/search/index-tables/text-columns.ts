/**
 * Conditions on text columns. Index entries of the prefixed text columns hold their first INDEXED_CHARS characters
 * (migrations 005 and 007: a btree entry is limited to about 2.7 kB, and a long name, identifier or URL must be
 * stored and found): a condition compares that prefix, which the index answers, and then the whole value.
 */
import type { StatementParams } from '../../storage/sql-params.ts';

export const INDEXED_CHARS = 200;
const head = (col: string) => `left(${col}, ${INDEXED_CHARS})`;

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function textEquals(col: string, p: StatementParams, value: string): string {
  const v = p.add(value);
  return `(${head(col)} = left(${v}::text, ${INDEXED_CHARS}) AND ${col} = ${v})`;
}

/** `col LIKE prefix%` through the index of its first characters (prefix given unescaped). */
export function textStartsWith(col: string, p: StatementParams, prefix: string): string {
  const chars = Array.from(prefix);
  if (chars.length <= INDEXED_CHARS) return `${head(col)} LIKE ${p.add(`${escapeLike(prefix)}%`)}`;
  return `(${head(col)} = ${p.add(chars.slice(0, INDEXED_CHARS).join(''))} AND ${col} LIKE ${p.add(`${escapeLike(prefix)}%`)})`;
}
