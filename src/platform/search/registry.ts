/**
 * Search parameter registry: the R4 SearchParameter definitions (and any an IG adds), compiled per resource
 * type into evaluators that run on every write to fill the index tables.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { r4SearchParameters } from '../fhir/base-definitions.ts';
import { compileForType, termsForType, type Evaluator } from './expression.ts';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'quantity' | 'uri';

export interface SearchParam {
  code: string;
  type: SearchParamType;
  url: string;
  description?: string;
  /** Resource types a reference parameter may point to. */
  targets: string[];
  evaluate: Evaluator;
  /**
   * Where its values are stored. Most parameters index their own rows; one whose expression another parameter
   * already covers is answered from that one's rows instead (phonetic = name, patient = subject restricted to
   * Patient, combo-code = code ∪ component-code), so the same values are not written twice.
   */
  stored: { codes: string[]; targetType?: string };
}

/** Parameters answered from the `resources` table itself rather than index rows. */
export const COLUMN_PARAMS = new Set(['_id', '_lastUpdated']);
const INDEXABLE: ReadonlySet<string> = new Set(['number', 'date', 'string', 'token', 'reference', 'quantity', 'uri']);
const UNINDEXED = new Set(['_text', '_content', '_query', '_list', '_has', '_type', '_filter']);

export class SearchRegistry {
  private readonly byBase = new Map<string, SearchParameter[]>();
  private readonly compiled = new Map<string, Map<string, SearchParam>>();

  constructor(definitions: SearchParameter[]) {
    for (const sp of definitions) this.add(sp);
  }

  add(sp: SearchParameter): void {
    if (!sp.code || !sp.type || !INDEXABLE.has(sp.type) || UNINDEXED.has(sp.code)) return;
    for (const base of sp.base ?? []) {
      const list = this.byBase.get(base) ?? [];
      list.push(sp);
      this.byBase.set(base, list);
      this.compiled.clear();
    }
  }

  /** All indexable parameters of a resource type, by code. */
  forType(resourceType: string): Map<string, SearchParam> {
    let map = this.compiled.get(resourceType);
    if (map) return map;
    map = new Map();
    const defs = [...(this.byBase.get('Resource') ?? []), ...(this.byBase.get('DomainResource') ?? []), ...(this.byBase.get(resourceType) ?? [])];
    const terms = new Map<string, string[]>();
    for (const sp of defs) {
      if (COLUMN_PARAMS.has(sp.code as string) || !sp.expression) continue;
      const evaluate = compileForType(sp.expression, resourceType);
      if (!evaluate) continue;
      map.set(sp.code as string, {
        code: sp.code as string,
        type: sp.type as SearchParamType,
        url: sp.url as string,
        description: sp.description,
        targets: (sp.target ?? []) as string[],
        evaluate,
        stored: { codes: [sp.code as string] },
      });
      terms.set(sp.code as string, termsForType(sp.expression, resourceType));
    }
    deriveStorage(map, terms);
    this.compiled.set(resourceType, map);
    return map;
  }

  get(resourceType: string, code: string): SearchParam | undefined {
    return this.forType(resourceType).get(code);
  }
}

/** Marks parameters answerable from other parameters' rows (see SearchParam.stored). */
function deriveStorage(map: Map<string, SearchParam>, terms: Map<string, string[]>): void {
  const key = (t: string[]) => [...t].sort().join(' | ');
  const codes = [...map.keys()].sort();
  // Identical expressions: the alphabetically first parameter holds the rows.
  const owner = new Map<string, string>();
  for (const code of codes) {
    const k = `${map.get(code)!.type}:${key(terms.get(code)!)}`;
    const first = owner.get(k);
    if (first) map.get(code)!.stored = { codes: [first] };
    else owner.set(k, code);
  }
  const indexed = () => codes.filter((c) => map.get(c)!.stored.codes[0] === c && !map.get(c)!.stored.targetType);
  // `X.where(resolve() is T)` where another reference parameter is exactly X.
  for (const code of indexed()) {
    const p = map.get(code)!;
    const t = terms.get(code)!;
    const m = t.length === 1 ? /^(.+)\.where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/.exec(t[0]) : null;
    if (p.type !== 'reference' || !m) continue;
    const base = indexed().find((c) => c !== code && map.get(c)!.type === 'reference' && key(terms.get(c)!) === m[1]);
    if (base) p.stored = { codes: [base], targetType: m[2] };
  }
  // Unions of other parameters' expressions.
  for (const code of indexed()) {
    const p = map.get(code)!;
    const mine = new Set(terms.get(code)!);
    if (mine.size < 2) continue;
    const parts = indexed().filter(
      (c) =>
        c !== code && map.get(c)!.type === p.type && terms.get(c)!.length > 0 && terms.get(c)!.every((t) => mine.has(t)) && terms.get(c)!.length < mine.size,
    );
    const covered = new Set(parts.flatMap((c) => terms.get(c)!));
    if (parts.length >= 2 && covered.size === mine.size) p.stored = { codes: parts };
  }
}

let r4: SearchRegistry | undefined;
export function r4SearchRegistry(): SearchRegistry {
  r4 ??= new SearchRegistry(r4SearchParameters());
  return r4;
}
