/** sp_uri: uris, urls and canonicals; exact, `:below` (starts with) and `:above` (is a prefix of the value). */
import { unescapeValue } from '../search-request.ts';
import type { IndexTable } from './descriptor.ts';
import { textEquals, textStartsWith } from './text-columns.ts';

export type UriRows = { param: string[]; uri: string[] };

export const uriTable: IndexTable<UriRows> = {
  type: 'uri',
  table: 'sp_uri',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    uri: { name: 'uri', cast: 'text[]', prefixed: true },
  },
  empty: () => ({ param: [], uri: [] }),
  extract(rows, p, { value }) {
    if (typeof value !== 'string' || !value) return;
    rows.param.push(p);
    rows.uri.push(value);
  },
  condition(raw, modifier, p, a) {
    const v = unescapeValue(raw);
    if (modifier === 'below') return textStartsWith(`${a}.uri`, p, v);
    if (modifier === 'above') return `${p.add(v)} LIKE (replace(replace(replace(${a}.uri, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;
    return textEquals(`${a}.uri`, p, v);
  },
};
