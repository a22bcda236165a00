/**
 * The fee master's tables (schema/schema.ts, version 600): import of the official files and load into memory.
 * Every file is read and checked first; then each file is written in one transaction of its own (batches of
 * multi-row upserts), so a file that fails part-way changes nothing, and re-importing a file changes nothing.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Database, Queryable } from '../../../platform/storage/database.ts';
import type { BundleStep, CountLimit, Exclusion, FeeItem, FeeMaster } from '../model/types.ts';
import { readBundleStepsCsv } from './bundle-steps-reader.ts';
import { exclusionScopeOfFileName } from './codes.ts';
import type { MasterEncoding } from './csv.ts';
import { expandInclusions, feeMasterFrom } from './fee-master.ts';
import { readFeeMasterCsv } from './items-reader.ts';
import type { ReadResult } from './read-result.ts';
import {
  type InclusionLink,
  type InclusionMember,
  readCountLimitTableCsv,
  readExclusionTableCsv,
  readInclusionTableCsv,
  readSupportTableCsv,
} from './relations-reader.ts';

/** A file: its path, or its name and content (bytes or text). */
export type MasterFileInput = string | { name: string; data: Uint8Array | string };

/** The files of one import; each is optional. */
export interface FeeMasterFiles {
  /** 医科診療行為マスター (s_ALL*.csv). */
  items?: MasterFileInput;
  /** 01 補助マスターテーブル (the 包括 links of each item). */
  support?: MasterFileInput;
  /** 02 包括テーブル (the members of each 包括 group). */
  inclusions?: MasterFileInput;
  /** 03-1…03-4 背反テーブル: the scope is given or taken from the official file name (03-1 / 1日 …). */
  exclusions?: (MasterFileInput | { file: MasterFileInput; scope: Exclusion['scope'] })[];
  /** 05 算定回数テーブル. */
  countLimits?: MasterFileInput;
  /** Our まるめ steps file (bundle-steps-reader.ts). */
  bundleSteps?: MasterFileInput;
}

export interface ImportOptions {
  encoding?: MasterEncoding;
  /** Progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Rows per statement (default 500). */
  batchSize?: number;
}

/** A refused (or skipped) row of an imported file. */
export interface ImportRowReport {
  file: string;
  line: number;
  code?: string;
  reason: string;
}

export interface ImportResult {
  /** Rows stored (inserted or updated; an erased version counts too). */
  imported: number;
  refused: ImportRowReport[];
  /** Well-formed rows the calculation does not use (算定単位 一連, 包括単位 同時 …). */
  skipped: ImportRowReport[];
  files: { kind: FileKind; file: string; imported: number; refused: number; skipped: number }[];
}

/** A file that cannot be imported at all (unreadable, or a 背反テーブル whose scope is unknown). */
export class MasterImportError extends Error {}

type FileKind = 'items' | 'support' | 'inclusions' | 'exclusions' | 'count-limits' | 'bundle-steps';

/** How one kind of row is stored. */
interface TableSpec<T> {
  table: string;
  columns: string[];
  casts: string[];
  key: string[];
  values(row: T): unknown[];
}

const ITEMS: TableSpec<FeeItem> = {
  table: 'billing_items',
  columns: ['code', 'valid_from', 'valid_to', 'item'],
  casts: ['text', 'date', 'date', 'jsonb'],
  key: ['code', 'valid_from'],
  values: (i) => [i.code, i.validFrom, i.validTo, JSON.stringify(i)],
};
const COUNT_LIMITS: TableSpec<CountLimit> = {
  table: 'billing_count_limits',
  columns: ['code', 'unit', 'valid_from', 'valid_to', 'max_count'],
  casts: ['text', 'text', 'date', 'date', 'integer'],
  key: ['code', 'unit', 'valid_from'],
  values: (c) => [c.code, c.unit, c.validFrom, c.validTo, c.count],
};
const EXCLUSIONS: TableSpec<Exclusion> = {
  table: 'billing_exclusions',
  columns: ['code1', 'code2', 'scope', 'valid_from', 'valid_to', 'keep'],
  casts: ['text', 'text', 'text', 'date', 'date', 'text'],
  key: ['code1', 'code2', 'scope', 'valid_from'],
  values: (e) => [e.code1, e.code2, e.scope, e.validFrom, e.validTo, e.keep],
};
const LINKS: TableSpec<InclusionLink> = {
  table: 'billing_inclusion_links',
  columns: ['code', 'group_no', 'scope', 'valid_from', 'valid_to'],
  casts: ['text', 'text', 'text', 'date', 'date'],
  key: ['code', 'group_no', 'scope', 'valid_from'],
  values: (l) => [l.code, l.group, l.scope, l.validFrom, l.validTo],
};
const MEMBERS: TableSpec<InclusionMember> = {
  table: 'billing_inclusion_members',
  columns: ['group_no', 'code', 'valid_from', 'valid_to'],
  casts: ['text', 'text', 'date', 'date'],
  key: ['group_no', 'code', 'valid_from'],
  values: (m) => [m.group, m.code, m.validFrom, m.validTo],
};
const STEPS: TableSpec<BundleStep> = {
  table: 'billing_bundle_steps',
  columns: ['group_key', 'min_items', 'valid_from', 'valid_to', 'name', 'points', 'source'],
  casts: ['text', 'integer', 'date', 'date', 'text', 'integer', 'text'],
  key: ['group_key', 'min_items', 'valid_from'],
  values: (s) => [s.group, s.minItems, s.validFrom, s.validTo, s.name, s.points, s.source ?? null],
};

interface PreparedFile {
  kind: FileKind;
  name: string;
  write(tx: Queryable, batchSize: number, progress: (n: number) => void): Promise<number>;
  result: ReadResult<unknown>;
}

function contentOf(input: MasterFileInput): { name: string; data: Uint8Array | string } {
  if (typeof input !== 'string') return input;
  try {
    return { name: basename(input), data: readFileSync(input) };
  } catch (err) {
    throw new MasterImportError(`ファイルを読めません: ${input}（${(err as Error).message}）`);
  }
}

function prepare<T>(
  kind: FileKind,
  input: MasterFileInput,
  spec: TableSpec<T>,
  read: (data: Uint8Array | string, name: string) => ReadResult<T>,
): PreparedFile {
  const { name, data } = contentOf(input);
  const result = read(data, name);
  return {
    kind,
    name,
    result,
    write: async (tx, batchSize, progress) => {
      let n = 0;
      for (const batch of batches(dedupe(result.rows, spec), batchSize)) {
        await tx.query(upsertSql(spec, batch.length), batch.flatMap(spec.values));
        n += batch.length;
        progress(batch.length);
      }
      for (const row of result.erased) {
        const values = spec.values(row);
        const where = spec.key.map((k, i) => `${k} = $${i + 1}::${spec.casts[spec.columns.indexOf(k)]}`).join(' AND ');
        await tx.query(
          `DELETE FROM ${spec.table} WHERE ${where}`,
          spec.key.map((k) => values[spec.columns.indexOf(k)]),
        );
        n++;
        progress(1);
      }
      return n;
    },
  };
}

/** One row per key (the last one of the file wins): an upsert may not touch a row twice. */
function dedupe<T>(rows: T[], spec: TableSpec<T>): T[] {
  const byKey = new Map<string, T>();
  const keyIdx = spec.key.map((k) => spec.columns.indexOf(k));
  for (const r of rows) {
    const v = spec.values(r);
    byKey.set(JSON.stringify(keyIdx.map((i) => v[i])), r);
  }
  return [...byKey.values()];
}

function* batches<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

function upsertSql(spec: TableSpec<unknown>, count: number): string {
  const width = spec.columns.length;
  const tuples = Array.from({ length: count }, (_, r) => `(${spec.casts.map((c, i) => `$${r * width + i + 1}::${c}`).join(', ')})`);
  const updates = spec.columns.filter((c) => !spec.key.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  return `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${spec.key.join(', ')}) DO ${
    updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'
  }`;
}

function prepareAll(files: FeeMasterFiles, encoding: MasterEncoding | undefined): PreparedFile[] {
  const opts = (name: string) => ({ encoding, source: name });
  const out: PreparedFile[] = [];
  if (files.items) out.push(prepare('items', files.items, ITEMS, (d, name) => readFeeMasterCsv(d, opts(name))));
  if (files.support) out.push(prepare('support', files.support, LINKS, (d, name) => readSupportTableCsv(d, opts(name))));
  if (files.inclusions) out.push(prepare('inclusions', files.inclusions, MEMBERS, (d, name) => readInclusionTableCsv(d, opts(name))));
  for (const e of files.exclusions ?? []) {
    const [input, given] = typeof e === 'object' && 'file' in e ? [e.file, e.scope] : [e, undefined];
    out.push(
      prepare('exclusions', input, EXCLUSIONS, (d, name) => {
        const scope = given ?? exclusionScopeOfFileName(name);
        if (!scope)
          throw new MasterImportError(
            `背反テーブル ${name} の種類（1日・同一月・同時・1週間）が分かりません: 03-1〜03-4 のファイル名にするか、種類を指定してください`,
          );
        return readExclusionTableCsv(d, scope, opts(name));
      }),
    );
  }
  if (files.countLimits) out.push(prepare('count-limits', files.countLimits, COUNT_LIMITS, (d, name) => readCountLimitTableCsv(d, opts(name))));
  if (files.bundleSteps) out.push(prepare('bundle-steps', files.bundleSteps, STEPS, (d, name) => readBundleStepsCsv(d, opts(name))));
  return out;
}

/**
 * Imports master files into the billing tables. Refused rows are reported (with file, line, code and reason) and
 * the file's other rows are stored; a database error rolls that file back whole and is thrown.
 */
export async function importFeeMaster(db: Pick<Database, 'transaction'>, files: FeeMasterFiles, options: ImportOptions = {}): Promise<ImportResult> {
  const prepared = prepareAll(files, options.encoding);
  const total = prepared.reduce((n, p) => n + p.result.rows.length + p.result.erased.length, 0);
  const showBar = options.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar
    ? new SingleBar({
        format: '医科診療行為マスター import |{bar}| {percentage}% | {value}/{total} rows | {file}',
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 2000,
        hideCursor: true,
      })
    : undefined;
  const result: ImportResult = { imported: 0, refused: [], skipped: [], files: [] };
  bar?.start(total, 0, { file: '' });
  try {
    for (const p of prepared) {
      bar?.update({ file: p.name });
      const imported = await db.transaction(async (tx) => {
        const n = await p.write(tx, options.batchSize ?? 500, (k) => bar?.increment(k));
        await tx.query(
          `INSERT INTO billing_master_files (kind, file_name, rows) VALUES ($1, $2, $3)
           ON CONFLICT (kind, file_name) DO UPDATE SET rows = EXCLUDED.rows, imported_at = now()`,
          [p.kind, p.name, n],
        );
        return n;
      });
      result.imported += imported;
      result.refused.push(...p.result.refused.map((r) => ({ file: p.name, ...r })));
      result.skipped.push(...p.result.skipped.map((r) => ({ file: p.name, ...r })));
      result.files.push({ kind: p.kind, file: p.name, imported, refused: p.result.refused.length, skipped: p.result.skipped.length });
    }
  } finally {
    bar?.stop();
  }
  return result;
}

const KIND_NAMES: Record<string, string> = {
  items: '医科診療行為マスター',
  support: '補助マスターテーブル',
  inclusions: '包括テーブル',
  exclusions: '背反テーブル',
  'count-limits': '算定回数テーブル',
  'bundle-steps': 'まるめ',
};

/** The master as stored: every version of every table, indexed in memory (FeeMaster). */
export async function loadFeeMaster(db: Queryable): Promise<FeeMaster> {
  const period = `valid_from::text AS valid_from, valid_to::text AS valid_to`;
  type P = { valid_from: string; valid_to: string | null };
  const [items, counts, exclusions, links, members, steps, files] = await Promise.all([
    db.query<{ item: FeeItem | string }>('SELECT item FROM billing_items ORDER BY code, valid_from'),
    db.query<P & { code: string; unit: CountLimit['unit']; max_count: number }>(`SELECT code, unit, max_count, ${period} FROM billing_count_limits`),
    db.query<P & { code1: string; code2: string; scope: Exclusion['scope']; keep: Exclusion['keep'] }>(
      `SELECT code1, code2, scope, keep, ${period} FROM billing_exclusions`,
    ),
    db.query<P & { code: string; group_no: string; scope: InclusionLink['scope'] }>(`SELECT code, group_no, scope, ${period} FROM billing_inclusion_links`),
    db.query<P & { code: string; group_no: string }>(`SELECT code, group_no, ${period} FROM billing_inclusion_members`),
    db.query<P & { group_key: string; min_items: number; name: string; points: number; source: string | null }>(
      `SELECT group_key, min_items, name, points, source, ${period} FROM billing_bundle_steps`,
    ),
    db.query<{ kind: string; file_name: string }>('SELECT kind, file_name FROM billing_master_files ORDER BY kind, file_name'),
  ]);
  const dates = (r: P) => ({ validFrom: r.valid_from, validTo: r.valid_to });
  const description = files.rows.length
    ? `医科診療行為マスター・電子点数表（取込: ${files.rows.map((f) => `${KIND_NAMES[f.kind] ?? f.kind} ${f.file_name}`).join('、')}）`
    : '医科診療行為マスター（未取込）';
  return feeMasterFrom(
    {
      items: items.rows.map((r) => (typeof r.item === 'string' ? (JSON.parse(r.item) as FeeItem) : r.item)),
      countLimits: counts.rows.map((r) => ({ code: r.code, unit: r.unit, count: Number(r.max_count), ...dates(r) })),
      exclusions: exclusions.rows.map((r) => ({ code1: r.code1, code2: r.code2, scope: r.scope, keep: r.keep, ...dates(r) })),
      inclusions: expandInclusions(
        links.rows.map((r) => ({ code: r.code, group: r.group_no, scope: r.scope, ...dates(r) })),
        members.rows.map((r) => ({ group: r.group_no, code: r.code, ...dates(r) })),
      ),
      bundleSteps: steps.rows.map((r) => ({
        group: r.group_key,
        name: r.name,
        minItems: Number(r.min_items),
        points: Number(r.points),
        ...dates(r),
        ...(r.source ? { source: r.source } : {}),
      })),
    },
    description,
  );
}
