/** The search index tables by parameter type, and the rows of one resource in all of them. */
import type { SearchParamType } from '../registry.ts';
import type { IndexTable } from './descriptor.ts';
import { dateTable } from './date.ts';
import { numberTable } from './number.ts';
import { quantityTable } from './quantity.ts';
import { referenceTable } from './reference.ts';
import { stringTable } from './string.ts';
import { tokenTable } from './token.ts';
import { uriTable } from './uri.ts';

export const INDEX_TABLE = {
  token: tokenTable,
  string: stringTable,
  date: dateTable,
  reference: referenceTable,
  number: numberTable,
  quantity: quantityTable,
  uri: uriTable,
} satisfies { [T in SearchParamType]: IndexTable };

/** Every index table, in the order the write statement fills them. */
export const INDEX_TABLE_LIST: readonly IndexTable[] = Object.values(INDEX_TABLE);

type RowsOf<T> = T extends IndexTable<infer R> ? R : never;

/** A resource's index rows: per parameter type, its table's rows column-wise. */
export type IndexRows = { [T in SearchParamType]: RowsOf<(typeof INDEX_TABLE)[T]> };

export function emptyIndexRows(): IndexRows {
  return {
    token: tokenTable.empty(),
    string: stringTable.empty(),
    date: dateTable.empty(),
    reference: referenceTable.empty(),
    number: numberTable.empty(),
    quantity: quantityTable.empty(),
    uri: uriTable.empty(),
  };
}
