/** sp_quantity: Quantity, Money and both bounds of a Range; searched as `[prefix]number[|system|code]`. */
import { isObj, nonEmpty, type IndexTable } from './descriptor.ts';
import { numberValueCondition } from './number.ts';
import { splitBars } from './token.ts';

export type QuantityRows = { param: string[]; value: string[]; system: (string | null)[]; code: (string | null)[]; unit: (string | null)[] };

function extract(rows: QuantityRows, p: string, value: unknown): void {
  if (!isObj(value)) return;
  if (typeof value.value === 'number') {
    rows.param.push(p);
    rows.value.push(String(value.value));
    rows.system.push(nonEmpty(value.system));
    rows.code.push(nonEmpty(value.code) ?? nonEmpty(value.currency));
    rows.unit.push(nonEmpty(value.unit));
  } else if (isObj(value.low) || isObj(value.high)) {
    // Range: index both bounds
    if (isObj(value.low)) extract(rows, p, value.low);
    if (isObj(value.high)) extract(rows, p, value.high);
  }
}

export const quantityTable: IndexTable<QuantityRows> = {
  type: 'quantity',
  table: 'sp_quantity',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    value: { name: 'value', cast: 'numeric[]' },
    system: { name: 'system', cast: 'text[]' },
    code: { name: 'code', cast: 'text[]' },
    unit: { name: 'unit', cast: 'text[]' },
  },
  empty: () => ({ param: [], value: [], system: [], code: [], unit: [] }),
  extract: (rows, p, { value }) => extract(rows, p, value),
  condition(raw, _modifier, p, a) {
    const [num, system, code] = splitBars(raw);
    let cond = numberValueCondition(num, p, `${a}.value`);
    if (system && code) cond += ` AND ${a}.system = ${p.add(system)} AND ${a}.code = ${p.add(code)}`;
    else if (code) cond += ` AND (${a}.code = ${p.add(code)} OR ${a}.unit = ${p.add(code)})`;
    return `(${cond})`;
  },
  sort: { ascending: 'value', descending: 'value' },
};
