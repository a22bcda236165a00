/**
 * The shipped SAMPLE drug master (samples/drug-master.csv): real products with the source each fact was read from, the
 * drugs of the ePrescriptionData package's examples, and a few fictional rows ([SYNTH], 【架空】) for the date tests.
 * It is not the official master — an operator imports that (importers.ts, store.ts); the sample stays merged beneath.
 * File format: `#` comment lines, then the header below and rows; dates YYYY-MM-DD.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../../platform/master-files/csv.ts';
import type { DrugEntry } from './drug-entry.ts';

const COLUMNS = [
  'receipt_code',
  'yj_code',
  'price_code',
  'general_code',
  'hot9',
  'name',
  'general_name',
  'unit',
  'ingredient_key',
  'class_key',
  'valid_from',
  'valid_to',
  'revised_on',
  'source',
] as const;

let cached: DrugEntry[] | undefined;

/** The sample rows; throws when the sample file is malformed (a defect of the shipped file, caught by the tests). */
export function sampleDrugEntries(): DrugEntry[] {
  cached ??= read();
  return cached.map((e) => ({ ...e }));
}

function read(): DrugEntry[] {
  const file = new URL('./samples/drug-master.csv', import.meta.url);
  const text = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('#'))
    .join('\n');
  const [header, ...rows] = parseCsv(text);
  if (header?.fields.join(',') !== COLUMNS.join(',')) throw new Error(`${file.pathname}: the header must be ${COLUMNS.join(',')}`);
  return rows.map(({ fields }) => {
    const f = Object.fromEntries(COLUMNS.map((c, i) => [c, fields[i]?.trim() || undefined])) as Record<(typeof COLUMNS)[number], string | undefined>;
    if (!f.name || !f.source) throw new Error(`${file.pathname}: a row without name or source`);
    if (!f.receipt_code && !f.yj_code && !f.general_code && !f.hot9) throw new Error(`${file.pathname}: ${f.name} has no code`);
    return {
      receiptCode: f.receipt_code,
      yjCode: f.yj_code,
      priceCode: f.price_code,
      generalCode: f.general_code,
      hot9: f.hot9,
      name: f.name,
      generalName: f.general_name,
      unit: f.unit,
      ingredientKey: f.ingredient_key,
      classKey: f.class_key,
      validFrom: f.valid_from,
      validTo: f.valid_to,
      revisedOn: f.revised_on,
      source: `sample: ${f.source}`,
    };
  });
}
