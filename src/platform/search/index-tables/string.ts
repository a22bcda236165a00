/**
 * sp_string: names, addresses, texts — normalised for search (normalize.ts), with the text as written when it
 * differs. Default search is "starts with"; `:exact` and `:contains`.
 */
import { normalizeForSearch } from '../normalize.ts';
import { unescapeValue } from '../search-request.ts';
import { isObj, type IndexTable } from './descriptor.ts';
import { escapeLike, textEquals, textStartsWith } from './text-columns.ts';

export type StringRows = { param: string[]; norm: string[]; exact: (string | null)[] };

function add(rows: StringRows, p: string, s: unknown) {
  if (typeof s !== 'string' || s.length === 0) return;
  const norm = normalizeForSearch(s);
  rows.param.push(p);
  rows.norm.push(norm);
  rows.exact.push(norm === s ? null : s);
}

/** Parts of HumanName, Address and other complex types that are searchable. */
const PARTS = ['text', 'family', 'given', 'prefix', 'suffix', 'line', 'city', 'district', 'state', 'postalCode', 'country'];

export const stringTable: IndexTable<StringRows> = {
  type: 'string',
  table: 'sp_string',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    norm: { name: 'norm', cast: 'text[]', prefixed: true },
    exact: { name: 'exact', cast: 'text[]' },
  },
  empty: () => ({ param: [], norm: [], exact: [] }),
  extract(rows, p, { value }) {
    if (typeof value === 'string') return add(rows, p, value);
    if (!isObj(value)) return;
    // Every string part is searchable, and the whole as written.
    const parts: string[] = [];
    for (const key of PARTS) {
      const v = value[key];
      for (const s of Array.isArray(v) ? v : [v]) {
        if (typeof s === 'string' && s) {
          add(rows, p, s);
          if (key !== 'text') parts.push(s);
        }
      }
    }
    if (parts.length > 1 && typeof value.text !== 'string') add(rows, p, parts.join(' '));
  },
  condition(raw, modifier, p, a) {
    const v = unescapeValue(raw);
    if (modifier === 'exact') return `(${textEquals(`${a}.norm`, p, normalizeForSearch(v))} AND coalesce(${a}.exact, ${a}.norm) = ${p.add(v)})`;
    if (modifier === 'contains') return `${a}.norm LIKE ${p.add(`%${escapeLike(normalizeForSearch(v))}%`)}`;
    return textStartsWith(`${a}.norm`, p, normalizeForSearch(v));
  },
  sort: { ascending: 'norm', descending: 'norm' },
};
