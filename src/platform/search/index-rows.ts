/**
 * Turns a resource into the rows of the search index tables (sp_token, sp_string, …), column-wise so that each
 * table is filled by one `INSERT … SELECT FROM unnest(…)` in the write statement. What a value becomes is each
 * table's business (index-tables/).
 */
import type { SearchRegistry } from './registry.ts';
import { INDEX_TABLE, emptyIndexRows, type IndexRows } from './index-tables/tables.ts';
import type { ColumnRows, IndexTable } from './index-tables/descriptor.ts';

export { emptyIndexRows, type IndexRows };

export function buildIndexRows(resource: Record<string, unknown>, registry: SearchRegistry): IndexRows {
  const rows = emptyIndexRows();
  for (const param of registry.forType(resource.resourceType as string).values()) {
    if (param.stored.codes[0] !== param.code || param.stored.targetType) continue; // answered from other rows
    const table: IndexTable = INDEX_TABLE[param.type];
    const into: ColumnRows = rows[param.type];
    for (const found of param.evaluate(resource)) table.extract(into, param.code, found);
  }
  return rows;
}
