/** A CodeSystem (コードシステム) indexed for lookups: concepts by code, hierarchy for is-a filters. */
import type { CodeSystem, CodeSystemConcept } from '@medplum/fhirtypes';

export interface ConceptInfo {
  code: string;
  display?: string;
  /** designation values with their language (any use), for display checks. */
  designations: { language?: string; value: string }[];
  parents: string[];
  properties: Map<string, unknown[]>;
}

export class CodeSystemIndex {
  readonly url: string;
  readonly version?: string;
  /** complete | fragment | example | not-present | supplement */
  readonly content: string;
  readonly caseSensitive: boolean;
  readonly isSupplement: boolean;
  private readonly concepts = new Map<string, ConceptInfo>();
  /** CodeSystem.language (the language of its displays), e.g. `ja`, `en-US`. */
  readonly language?: string;
  /** True when some display or designation is Japanese (language ja, or Japanese script). */
  hasJapanese = false;

  /** A subset published for an external terminology (never complete, whatever it says). */
  readonly isExternal: boolean;

  constructor(cs: CodeSystem, external = false) {
    this.url = cs.url ?? '';
    this.version = cs.version;
    this.isExternal = external;
    this.content = external ? 'fragment' : (cs.content ?? 'complete');
    this.caseSensitive = cs.caseSensitive !== false;
    this.isSupplement = cs.content === 'supplement';
    this.language = cs.language;
    if (cs.language && /^ja\b/i.test(cs.language)) this.hasJapanese = true;
    this.addConcepts(cs.concept ?? [], undefined);
  }

  /** True when a code that is absent can be called unknown (the system lists all its codes). */
  get isComplete(): boolean {
    return this.content === 'complete';
  }

  get size(): number {
    return this.concepts.size;
  }

  lookup(code: string): ConceptInfo | undefined {
    return this.concepts.get(this.caseSensitive ? code : code.toLowerCase());
  }

  /** `code` is `ancestor` or one of its descendants. */
  isA(code: string, ancestor: string): boolean {
    return code === ancestor || this.isDescendantOf(code, ancestor);
  }

  isDescendantOf(code: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const queue = [...(this.lookup(code)?.parents ?? [])];
    while (queue.length) {
      const p = queue.pop() as string;
      if (p === ancestor) return true;
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(...(this.lookup(p)?.parents ?? []));
    }
    return false;
  }

  private addConcepts(list: CodeSystemConcept[], parent: string | undefined): void {
    for (const c of list) {
      if (!c.code) continue;
      const key = this.caseSensitive ? c.code : c.code.toLowerCase();
      const info: ConceptInfo = this.concepts.get(key) ?? {
        code: c.code,
        display: c.display,
        designations: [],
        parents: [],
        properties: new Map(),
      };
      if (!this.hasJapanese && c.display && JAPANESE_SCRIPT.test(c.display)) this.hasJapanese = true;
      for (const d of c.designation ?? []) {
        if (!d.value) continue;
        if (!info.designations.some((x) => x.value === d.value && x.language === d.language)) info.designations.push({ language: d.language, value: d.value });
        if (!this.hasJapanese && ((d.language && /^ja\b/i.test(d.language)) || JAPANESE_SCRIPT.test(d.value))) this.hasJapanese = true;
      }
      if (parent) info.parents.push(parent);
      for (const p of c.property ?? []) {
        if (!p.code) continue;
        const value = firstValue(p as unknown as Record<string, unknown>);
        if (p.code === 'parent' || p.code === 'subsumedBy') {
          if (typeof value === 'string') info.parents.push(value);
        }
        const values = info.properties.get(p.code) ?? [];
        values.push(value);
        info.properties.set(p.code, values);
      }
      this.concepts.set(key, info);
      if (c.concept?.length) this.addConcepts(c.concept, c.code);
    }
  }
}

/** Hiragana, katakana (incl. half-width), CJK ideographs, full-width forms: text written in Japanese. */
export const JAPANESE_SCRIPT = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff9f]/;

function firstValue(p: Record<string, unknown>): unknown {
  for (const k in p) if (k.startsWith('value')) return p[k];
  return undefined;
}
