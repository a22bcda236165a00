/**
 * The interaction file (相互作用データ CSV): reads it into rules, never throwing on a bad row — the row is refused
 * with its line number and the reason, and the good rows stand. A file without a usable header is refused whole
 * (InteractionFileError).
 *
 * Format (docs in README.md of this folder):
 * - Encoding UTF-8 (BOM allowed) or Shift_JIS — detected (valid UTF-8 is read as UTF-8) or given.
 * - Lines starting with `#` are comments. The first other line is the header; columns are found by name, in any
 *   order: `kind`, `scope_a`, `key_a`, `name_a`, `scope_b`, `key_b`, `name_b`, `statement`, `reference`
 *   (`kind`, `scope_a`, `key_a`, `scope_b`, `key_b` required; the others may be absent).
 * - kind `contraindicated` (or 併用禁忌): sides a and b, each with scope `ingredient` (or 成分) or `class` (or 薬効分類)
 *   and the key in the drug master's form (YJ defaults: 7 digits / 4 digits); the pair holds in both orders.
 * - kind `duplicate-class` (or 同効薬重複): scope_a `class` (or empty), key_a the class; scope_b and key_b empty.
 * - statement: the fact (e.g. the 添付文書 10.1 併用禁忌 entry); reference: where it is published.
 */
import { type CsvRecord, decodeText, parseCsv, type TextEncoding } from '../../../platform/master-files/csv.ts';
import { type KeyFormat, YJ_KEY_FORMAT } from './drug-keys.ts';
import { type InteractionRule, ruleIdentity, type RuleScope, type RuleSide } from './rules.ts';

export const INTERACTION_CSV_COLUMNS = ['kind', 'scope_a', 'key_a', 'name_a', 'scope_b', 'key_b', 'name_b', 'statement', 'reference'] as const;
type Column = (typeof INTERACTION_CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['kind', 'scope_a', 'key_a', 'scope_b', 'key_b'];

export interface ImportProgress {
  phase: 'read' | 'save';
  done: number;
  total: number;
}

export interface ParseOptions {
  encoding?: TextEncoding;
  /** The shape keys must have (default: YJ-derived, 7 / 4 digits). */
  keyFormat?: KeyFormat;
  onProgress?: (progress: ImportProgress) => void;
}

export interface RefusedRow {
  line: number;
  reason: string;
}

export interface ParseResult {
  rules: InteractionRule[];
  refused: RefusedRow[];
  /** Data rows read (header and comments not counted). */
  rows: number;
}

/** The file cannot be read as interaction data at all (no header, a required column missing). Nothing is imported. */
export class InteractionFileError extends Error {
  override name = 'InteractionFileError';
}

const KINDS: Record<string, InteractionRule['kind']> = {
  contraindicated: 'contraindicated',
  併用禁忌: 'contraindicated',
  'duplicate-class': 'duplicate-class',
  同効薬重複: 'duplicate-class',
};
const SCOPES: Record<string, RuleScope> = { ingredient: 'ingredient', 成分: 'ingredient', class: 'class', 薬効分類: 'class' };

/** Comment lines become empty lines, so records keep their physical line numbers. */
const withoutComments = (text: string) => text.replace(/^#[^\r\n]*/gm, '');

export function parseInteractionCsv(data: Uint8Array | string, opts: ParseOptions = {}): ParseResult {
  const format = opts.keyFormat ?? YJ_KEY_FORMAT;
  const [header, ...records] = parseCsv(withoutComments(decodeText(data, opts.encoding)));
  if (!header) throw new InteractionFileError('相互作用データが空です / the file holds no header and no rows');
  const col = new Map<string, number>();
  for (const [i, f] of header.fields.entries()) col.set(f.trim(), i);
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length > 0)
    throw new InteractionFileError(
      `${header.line}行目の見出しに必須列がありません: ${missing.join(', ')} / line ${header.line}: the header lacks ${missing.join(', ')} (columns: ${INTERACTION_CSV_COLUMNS.join(',')})`,
    );
  const unknown = header.fields.map((f) => f.trim()).filter((f) => f && !(INTERACTION_CSV_COLUMNS as readonly string[]).includes(f));
  if (unknown.length > 0)
    throw new InteractionFileError(`line ${header.line}: unknown columns ${unknown.join(', ')} (columns: ${INTERACTION_CSV_COLUMNS.join(',')})`);

  const field = (r: CsvRecord, c: Column) => {
    const i = col.get(c);
    return i === undefined ? '' : (r.fields[i] ?? '').trim();
  };
  const side = (r: CsvRecord, s: 'a' | 'b'): RuleSide | string => {
    const scopeText = field(r, `scope_${s}`);
    const scope = SCOPES[scopeText];
    const key = field(r, `key_${s}`);
    if (!scope) return `scope_${s} "${scopeText}" is not ingredient or class`;
    const shape = scope === 'ingredient' ? format.ingredient : format.therapeuticClass;
    if (!shape.test(key)) return `key_${s} "${key}" is not a${scope === 'ingredient' ? 'n ingredient' : ' class'} key (${shape.source})`;
    const name = field(r, `name_${s}`);
    return name ? { scope, key, name } : { scope, key };
  };
  const facts = (r: CsvRecord) => {
    const [statement, reference] = [field(r, 'statement'), field(r, 'reference')];
    return { ...(statement ? { statement } : {}), ...(reference ? { reference } : {}) };
  };

  const read = (r: CsvRecord): InteractionRule | string => {
    if (r.fields.length > header.fields.length) return `${r.fields.length} fields, the header has ${header.fields.length}`;
    const kindText = field(r, 'kind');
    const kind = KINDS[kindText];
    if (!kind) return `kind "${kindText}" is not contraindicated (併用禁忌) or duplicate-class (同効薬重複)`;
    if (kind === 'duplicate-class') {
      const scope = field(r, 'scope_a') || 'class';
      if (SCOPES[scope] !== 'class') return `duplicate-class: scope_a must be class, not "${scope}"`;
      if (field(r, 'scope_b') || field(r, 'key_b')) return 'duplicate-class: scope_b and key_b must be empty';
      const key = field(r, 'key_a');
      if (!format.therapeuticClass.test(key)) return `key_a "${key}" is not a class key (${format.therapeuticClass.source})`;
      const name = field(r, 'name_a');
      return { kind, therapeuticClass: key, ...(name ? { name } : {}), ...facts(r) };
    }
    const a = side(r, 'a');
    if (typeof a === 'string') return a;
    const b = side(r, 'b');
    if (typeof b === 'string') return b;
    if (a.scope === b.scope && a.key === b.key) return `a and b are the same ${a.scope} (${a.key}): a drug with itself is a duplicate, not a contraindication`;
    return { kind, a, b, ...facts(r) };
  };

  const result: ParseResult = { rules: [], refused: [], rows: records.length };
  const firstLine = new Map<string, number>();
  for (const [i, r] of records.entries()) {
    const rule = read(r);
    if (typeof rule === 'string') result.refused.push({ line: r.line, reason: rule });
    else {
      const id = ruleIdentity(rule);
      const earlier = firstLine.get(id);
      if (earlier !== undefined) result.refused.push({ line: r.line, reason: `the same rule as line ${earlier} (a pair holds in both orders)` });
      else {
        firstLine.set(id, r.line);
        result.rules.push(rule);
      }
    }
    if ((i + 1) % 500 === 0) opts.onProgress?.({ phase: 'read', done: i + 1, total: records.length });
  }
  opts.onProgress?.({ phase: 'read', done: records.length, total: records.length });
  return result;
}
