/**
 * The imported drug master in the table eprescription_drug_master (schema.ts): saving an import's rows in batches of
 * one `INSERT … SELECT FROM unnest(…)` each (plain SQL that PostgreSQL and PGlite both run), dropping a source, and
 * loading everything — with the shipped sample — into a DrugMaster.
 */
import { bumpRevision } from '../model/data-revision.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { type DrugEntry, withKeys } from './drug-entry.ts';
import { DrugMaster } from './drug-master.ts';
import { sampleDrugEntries } from './samples.ts';

export interface SaveDrugOptions {
  /** Drop the source's earlier rows first (a new release of the same file). Run inside a transaction to make it atomic. */
  replace?: boolean;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** A row's key within its source: its codes and revision (a code's versions are kept side by side). */
export const rowKey = (e: DrugEntry): string => [e.receiptCode, e.yjCode, e.generalCode, e.hot9, e.revisedOn, e.validFrom].map((v) => v ?? '').join('|');

const COLUMNS = [
  ['row_key', 'text', rowKey],
  ['receipt_code', 'text', (e) => e.receiptCode],
  ['yj_code', 'text', (e) => e.yjCode],
  ['price_code', 'text', (e) => e.priceCode],
  ['general_code', 'text', (e) => e.generalCode],
  ['hot9', 'text', (e) => e.hot9],
  ['name', 'text', (e) => e.name],
  ['general_name', 'text', (e) => e.generalName],
  ['unit', 'text', (e) => e.unit],
  ['ingredient_key', 'text', (e) => e.ingredientKey],
  ['class_key', 'text', (e) => e.classKey],
  ['valid_from', 'date', (e) => e.validFrom],
  ['valid_to', 'date', (e) => e.validTo],
  ['revised_on', 'date', (e) => e.revisedOn],
] as const satisfies readonly (readonly [string, string, (e: DrugEntry) => string | undefined])[];

const names = COLUMNS.map(([n]) => n).join(', ');
const INSERT =
  `INSERT INTO eprescription_drug_master (source, ${names}) ` +
  `SELECT $1, ${names} FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 2}::${t}[]`).join(', ')}) AS u(${names}) ` +
  `ON CONFLICT (source, row_key) DO UPDATE SET ${COLUMNS.slice(1)
    .map(([n]) => `${n} = EXCLUDED.${n}`)
    .join(', ')}`;

/** Saves `entries` under `source` (their own `source` is ignored); the last of duplicates (same codes and revision) wins. */
export async function saveDrugEntries(db: Queryable, source: string, entries: readonly DrugEntry[], opts: SaveDrugOptions = {}): Promise<number> {
  const unique = [...new Map(entries.map((e) => [rowKey(e), withKeys(e)])).values()];
  if (opts.replace) await db.query('DELETE FROM eprescription_drug_master WHERE source = $1', [source]);
  const size = opts.batchSize ?? 5000;
  for (let i = 0; i < unique.length; i += size) {
    const batch = unique.slice(i, i + size);
    await db.query(INSERT, [source, ...COLUMNS.map(([, , get]) => batch.map((e) => get(e) ?? null))]);
    opts.onProgress?.(Math.min(i + size, unique.length), unique.length);
  }
  await bumpRevision(db, 'drug-master');
  return unique.length;
}

export async function deleteDrugSource(db: Queryable, source: string): Promise<number> {
  const n = (await db.query('DELETE FROM eprescription_drug_master WHERE source = $1', [source])).rowCount;
  await bumpRevision(db, 'drug-master');
  return n;
}

/** The imported sources with their row counts. */
export async function drugSources(db: Queryable): Promise<{ source: string; count: number }[]> {
  const { rows } = await db.query<{ source: string; count: string | number }>(
    'SELECT source, count(*) AS count FROM eprescription_drug_master GROUP BY source ORDER BY source',
  );
  return rows.map((r) => ({ source: r.source, count: Number(r.count) }));
}

type Row = { source: string } & Record<(typeof COLUMNS)[number][0], string | null>;

/** The master: the shipped sample (unless `samples: false`), then the table's rows (which win over the sample's). */
export async function loadDrugMaster(db: Queryable, opts: { samples?: boolean } = {}): Promise<DrugMaster> {
  const master = new DrugMaster(opts.samples === false ? [] : sampleDrugEntries());
  const { rows } = await db.query<Row>(
    `SELECT source, ${COLUMNS.map(([n, t]) => (t === 'date' ? `${n}::text AS ${n}` : n)).join(', ')} FROM eprescription_drug_master ORDER BY source, row_key`,
  );
  const v = (s: string | null) => s ?? undefined;
  return master.add(
    rows.map((r) => ({
      receiptCode: v(r.receipt_code),
      yjCode: v(r.yj_code),
      priceCode: v(r.price_code),
      generalCode: v(r.general_code),
      hot9: v(r.hot9),
      name: r.name ?? '',
      generalName: v(r.general_name),
      unit: v(r.unit),
      ingredientKey: v(r.ingredient_key),
      classKey: v(r.class_key),
      validFrom: v(r.valid_from),
      validTo: v(r.valid_to),
      revisedOn: v(r.revised_on),
      source: r.source,
    })),
  );
}
