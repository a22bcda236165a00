/**
 * The shipped SAMPLE lists (samples/<list>.csv): a handful of real codes, each with the source it was read from,
 * so the service checks codes out of the box. They are not the official masters — an operator imports those
 * (importers.ts); the samples stay merged beside them (every sample code is a real one).
 * File format: `#` comment lines, then a header `code,display,item,valid_from,valid_to,source` and rows.
 */
import { readFileSync } from 'node:fs';
import { type CodeEntry, LIST_NAMES } from './code-lists.ts';
import { parseCsv } from '../../../platform/master-files/csv.ts';

const COLUMNS = ['code', 'display', 'item', 'valid_from', 'valid_to', 'source'];

/** The sample entries; throws when a sample file is malformed (a defect of the shipped files, caught by tests). */
export function sampleEntries(): CodeEntry[] {
  return LIST_NAMES.flatMap((list) => {
    const file = new URL(`./samples/${list}.csv`, import.meta.url);
    const text = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    const [header, ...rows] = parseCsv(text);
    if (header?.fields.join(',') !== COLUMNS.join(',')) throw new Error(`${file.pathname}: the header must be ${COLUMNS.join(',')}`);
    return rows.map(({ fields: [code, display, item, from, to, source] }) => {
      if (!code || !source) throw new Error(`${file.pathname}: a row without code or source (${code})`);
      return {
        list,
        code,
        display: display || undefined,
        item: item || undefined,
        validFrom: from || undefined,
        validTo: to || undefined,
        source: `sample:${list}`,
      };
    });
  });
}
