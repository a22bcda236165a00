/**
 * The interaction data in the table eprescription_interactions (schema.ts): save an import in batches (one
 * `INSERT … SELECT FROM unnest(…)` per batch, the same SQL on PostgreSQL and PGlite), list and delete datasets, load
 * every rule back (with the shipped sample first, unless told otherwise).
 */
import { bumpRevision } from '../model/data-revision.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { type InteractionRule, ruleIdentity, type RuleScope } from './rules.ts';
import { sampleRules } from './samples.ts';

export interface SaveOptions {
  /** Drop the dataset's earlier rows first (a new release of the same file). Run inside a transaction to make it atomic. */
  replace?: boolean;
  /** Rows per statement (default 1000). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Saves `rules` under `dataset`; the last of the same rule (A × B = B × A) wins. Returns the rows written. */
export async function saveInteractionRules(db: Queryable, dataset: string, rules: readonly InteractionRule[], opts: SaveOptions = {}): Promise<number> {
  const unique = [...new Map(rules.map((r) => [ruleIdentity(r), r])).entries()];
  if (opts.replace) await db.query('DELETE FROM eprescription_interactions WHERE dataset = $1', [dataset]);
  const size = Math.max(1, opts.batchSize ?? 1000);
  for (let i = 0; i < unique.length; i += size) {
    const batch = unique.slice(i, i + size);
    const col = (f: (r: InteractionRule) => string | undefined) => batch.map(([, r]) => f(r) ?? null);
    const contra = (f: (r: Extract<InteractionRule, { kind: 'contraindicated' }>) => string | undefined) => (r: InteractionRule) =>
      r.kind === 'contraindicated' ? f(r) : undefined;
    await db.query(
      `INSERT INTO eprescription_interactions (dataset, rule_id, kind, scope_a, key_a, name_a, scope_b, key_b, name_b, statement, reference)
       SELECT $11, id, k, sa, ka, na, sb, kb, nb, st, rf
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS u(id, k, sa, ka, na, sb, kb, nb, st, rf)
       ON CONFLICT (dataset, rule_id) DO UPDATE SET kind = EXCLUDED.kind, scope_a = EXCLUDED.scope_a, key_a = EXCLUDED.key_a,
         name_a = EXCLUDED.name_a, scope_b = EXCLUDED.scope_b, key_b = EXCLUDED.key_b, name_b = EXCLUDED.name_b,
         statement = EXCLUDED.statement, reference = EXCLUDED.reference, imported_at = now()`,
      [
        batch.map(([id]) => id),
        col((r) => r.kind),
        col((r) => (r.kind === 'contraindicated' ? r.a.scope : 'class')),
        col((r) => (r.kind === 'contraindicated' ? r.a.key : r.therapeuticClass)),
        col((r) => (r.kind === 'contraindicated' ? r.a.name : r.name)),
        col(contra((r) => r.b.scope)),
        col(contra((r) => r.b.key)),
        col(contra((r) => r.b.name)),
        col((r) => r.statement),
        col((r) => r.reference),
        dataset,
      ],
    );
    opts.onProgress?.(Math.min(i + size, unique.length), unique.length);
  }
  await bumpRevision(db, 'interactions');
  return unique.length;
}

export async function deleteInteractionDataset(db: Queryable, dataset: string): Promise<number> {
  const n = (await db.query('DELETE FROM eprescription_interactions WHERE dataset = $1', [dataset])).rowCount;
  await bumpRevision(db, 'interactions');
  return n;
}

/** The imported datasets with their row counts per kind. */
export async function interactionDatasets(db: Queryable): Promise<{ dataset: string; kind: InteractionRule['kind']; count: number }[]> {
  const { rows } = await db.query<{ dataset: string; kind: InteractionRule['kind']; count: string | number }>(
    'SELECT dataset, kind, count(*) AS count FROM eprescription_interactions GROUP BY dataset, kind ORDER BY dataset, kind',
  );
  return rows.map((r) => ({ dataset: r.dataset, kind: r.kind, count: Number(r.count) }));
}

interface Row {
  dataset: string;
  kind: string;
  scope_a: string;
  key_a: string;
  name_a: string | null;
  scope_b: string | null;
  key_b: string | null;
  name_b: string | null;
  statement: string | null;
  reference: string | null;
}

const opt = <K extends string>(key: K, v: string | null): { [P in K]?: string } => (v === null ? {} : ({ [key]: v } as { [P in K]: string }));

function toRule(r: Row): InteractionRule | undefined {
  const facts = { ...opt('statement', r.statement), ...opt('reference', r.reference), dataset: r.dataset };
  if (r.kind === 'duplicate-class') return { kind: 'duplicate-class', therapeuticClass: r.key_a, ...opt('name', r.name_a), ...facts };
  if (r.kind !== 'contraindicated' || r.scope_b === null || r.key_b === null) return undefined;
  return {
    kind: 'contraindicated',
    a: { scope: r.scope_a as RuleScope, key: r.key_a, ...opt('name', r.name_a) },
    b: { scope: r.scope_b as RuleScope, key: r.key_b, ...opt('name', r.name_b) },
    ...facts,
  };
}

export interface LoadOptions {
  /** Put the shipped sample first (default true); imported rows of the same pair replace it in the index. */
  samples?: boolean;
}

/** Every rule: the sample (unless `samples: false`), then the table's rows by dataset. */
export async function loadInteractionRules(db: Queryable, opts: LoadOptions = {}): Promise<InteractionRule[]> {
  const { rows } = await db.query<Row>(
    `SELECT dataset, kind, scope_a, key_a, name_a, scope_b, key_b, name_b, statement, reference
     FROM eprescription_interactions ORDER BY dataset, rule_id`,
  );
  const stored = rows.map(toRule).filter((r): r is InteractionRule => r !== undefined);
  return opts.samples === false ? stored : [...sampleRules(), ...stored];
}
