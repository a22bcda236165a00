/**
 * The imported code lists in the table sharing_codes (schema.ts), and the lists the checks read: samples, the
 * loaded packages' CodeSystems and the table, merged. Plain SQL that PostgreSQL and PGlite both run; rows are
 * written in batches of one `INSERT … SELECT FROM unnest(…)` each.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import { type CodeEntry, CodeLists, isListName, type ListName } from './code-lists.ts';
import { fromCodeSystems } from './code-systems.ts';
import { sampleEntries } from './samples.ts';

export interface SaveOptions {
  /** Drop the source's earlier rows first (a new release of the same file). Run inside a transaction to make it atomic. */
  replace?: boolean;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Saves `entries` under `source` (their own `source` is ignored); the last of duplicates (list, code) wins. */
export async function saveCodeEntries(db: Queryable, source: string, entries: readonly CodeEntry[], opts: SaveOptions = {}): Promise<number> {
  const unique = [...new Map(entries.map((e) => [`${e.list}\u0000${e.code}`, e])).values()];
  if (opts.replace) await db.query('DELETE FROM sharing_codes WHERE source = $1', [source]);
  const size = opts.batchSize ?? 5000;
  for (let i = 0; i < unique.length; i += size) {
    const batch = unique.slice(i, i + size);
    const col = <T>(f: (e: CodeEntry) => T) => batch.map(f);
    await db.query(
      `INSERT INTO sharing_codes (list, code, display, item, valid_from, valid_to, source)
       SELECT l, c, d, it, vf, vt, $7 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[]) AS u(l, c, d, it, vf, vt)
       ON CONFLICT (list, code, source) DO UPDATE
         SET display = EXCLUDED.display, item = EXCLUDED.item, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to`,
      [
        col((e) => e.list),
        col((e) => e.code),
        col((e) => e.display ?? null),
        col((e) => e.item ?? null),
        col((e) => e.validFrom ?? null),
        col((e) => e.validTo ?? null),
        source,
      ],
    );
    opts.onProgress?.(Math.min(i + size, unique.length), unique.length);
  }
  return unique.length;
}

export async function deleteCodeSource(db: Queryable, source: string): Promise<number> {
  return (await db.query('DELETE FROM sharing_codes WHERE source = $1', [source])).rowCount;
}

/** The imported sources with their row counts per list. */
export async function codeSources(db: Queryable): Promise<{ source: string; list: ListName; count: number }[]> {
  const { rows } = await db.query<{ source: string; list: string; count: string | number }>(
    'SELECT source, list, count(*) AS count FROM sharing_codes GROUP BY source, list ORDER BY source, list',
  );
  return rows.filter((r) => isListName(r.list)).map((r) => ({ source: r.source, list: r.list as ListName, count: Number(r.count) }));
}

export interface LoadExtra {
  /** CodeSystem resources (e.g. the loaded IG packages'): JLAC10 lists, and any other list's codes they hold. */
  codeSystems?: Iterable<Record<string, unknown>>;
  /** Merge the shipped sample lists (default true). */
  samples?: boolean;
}

interface Row {
  list: string;
  code: string;
  display: string | null;
  item: string | null;
  valid_from: string | null;
  valid_to: string | null;
  source: string;
}

/** The merged lists: samples, then the CodeSystems, then the table's rows. */
export async function loadCodeLists(db: Queryable, extra: LoadExtra = {}): Promise<CodeLists> {
  const lists = new CodeLists(extra.samples === false ? [] : sampleEntries());
  if (extra.codeSystems) lists.add(fromCodeSystems(extra.codeSystems));
  const { rows } = await db.query<Row>(
    'SELECT list, code, display, item, valid_from::text AS valid_from, valid_to::text AS valid_to, source FROM sharing_codes',
  );
  lists.add(
    rows.flatMap((r) =>
      isListName(r.list)
        ? [
            {
              list: r.list,
              code: r.code,
              display: r.display ?? undefined,
              item: r.item ?? undefined,
              validFrom: r.valid_from ?? undefined,
              validTo: r.valid_to ?? undefined,
              source: r.source,
            },
          ]
        : [],
    ),
  );
  return lists;
}
