/** sp_number: decimals and integers; a search value is the range its precision gives (`5.4` is [5.35, 5.45)). */
import { badRequest } from '../../fhir/errors.ts';
import type { StatementParams } from '../../storage/sql-params.ts';
import type { IndexTable } from './descriptor.ts';
import { lazy, splitPrefix } from './prefixes.ts';

export type NumberRows = { param: string[]; value: string[] };

function numberBounds(text: string): { value: number; lo: number; hi: number } {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw badRequest(`数値 ${text} の形式が正しくありません`, `'${text}' is not a number`);
  const value = Number(text);
  const m = /\.(\d+)/.exec(text.split(/[eE]/)[0]);
  const exp = /[eE]([+-]?\d+)/.exec(text);
  const decimals = (m ? m[1].length : 0) - (exp ? Number(exp[1]) : 0);
  const half = 0.5 * 10 ** -decimals;
  // Within ±1e300 (so ±10% for `ap` stays finite) and with a precision a double can hold: anything else is not a
  // number the index can compare with (1e999 is Infinity, 1e-400 is 0 with no range).
  if (!(Math.abs(value) <= 1e300) || !(half > 0 && half <= 1e300) || text.length > 100)
    throw badRequest(`数値 ${text.slice(0, 40)} は範囲外です`, `'${text.slice(0, 40)}' is out of the range a search number may have (±1e300)`);
  return { value, lo: value - half, hi: value + half };
}

/** A number search value (`gt5.4`) against column `col` (also the value of a quantity). */
export function numberValueCondition(value: string, p: StatementParams, col: string): string {
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

export const numberTable: IndexTable<NumberRows> = {
  type: 'number',
  table: 'sp_number',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    value: { name: 'value', cast: 'numeric[]' },
  },
  empty: () => ({ param: [], value: [] }),
  extract(rows, p, { value }) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    rows.param.push(p);
    rows.value.push(String(value));
  },
  condition: (raw, _modifier, p, a) => numberValueCondition(raw, p, `${a}.value`),
  sort: { ascending: 'value', descending: 'value' },
};
