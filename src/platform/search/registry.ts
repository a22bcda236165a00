/**
 * Search parameter registry: the R4 SearchParameter definitions (and any an IG adds), compiled per resource
 * type into evaluators that run on every write to fill the index tables.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { r4SearchParameters } from '../fhir/base-definitions.ts';
import { compileForType, type Evaluator } from './expression.ts';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'quantity' | 'uri';

export interface SearchParam {
  code: string;
  type: SearchParamType;
  url: string;
  description?: string;
  /** Resource types a reference parameter may point to. */
  targets: string[];
  evaluate: Evaluator;
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
    const defs = [
      ...(this.byBase.get('Resource') ?? []),
      ...(this.byBase.get('DomainResource') ?? []),
      ...(this.byBase.get(resourceType) ?? []),
    ];
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
      });
    }
    this.compiled.set(resourceType, map);
    return map;
  }

  get(resourceType: string, code: string): SearchParam | undefined {
    return this.forType(resourceType).get(code);
  }
}

let r4: SearchRegistry | undefined;
export function r4SearchRegistry(): SearchRegistry {
  r4 ??= new SearchRegistry(r4SearchParameters());
  return r4;
}
