/**
 * Local terminology (用語) service: code lookups in loaded CodeSystems and ValueSet membership
 * computed from `compose` (whole systems, concept lists, filters is-a / descendent-of / = / in /
 * regex / exists, imported value sets, excludes) or from a stored `expansion`. Nothing is fetched
 * from a terminology server: what cannot be decided locally is reported as `unknown`.
 */
import type { CodeSystem, ValueSet, ValueSetComposeInclude } from '@medplum/fhirtypes';
import { CanonicalIndex, splitCanonical } from '../registry.ts';
import { CodeSystemIndex } from './code-system-index.ts';
import { checkGrammarCode, isGrammarSystem } from './grammar-systems.ts';

/** yes / no, or unknown with the reason it cannot be decided. */
export type Tri = { result: 'yes' } | { result: 'no' } | { result: 'unknown'; reason: string };

const YES: Tri = { result: 'yes' };
const NO: Tri = { result: 'no' };
const unknown = (reason: string): Tri => ({ result: 'unknown', reason });

type Matcher = (system: string, code: string) => Tri;

/**
 * Large external terminologies (LOINC, SNOMED CT…): a package may publish a CodeSystem with one
 * of these URLs holding a few codes (even marked complete); it is only ever a subset.
 */
const EXTERNAL_SYSTEMS = new Set([
  'http://loinc.org',
  'http://snomed.info/sct',
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'http://hl7.org/fhir/sid/icd-10',
  'http://hl7.org/fhir/sid/icd-10-cm',
  'http://hl7.org/fhir/sid/icd-9-cm',
  'http://hl7.org/fhir/sid/ndc',
  'http://www.ama-assn.org/go/cpt',
  'http://dicom.nema.org/resources/ontology/DCM',
  'urn:iso:std:iso:3166',
  'http://unitsofmeasure.org',
]);

export interface ConceptDisplays {
  /** The concept's display(s) and designations (with their language when known). */
  displays: { value: string; language?: string }[];
  /** Some display or designation of the system (or a supplement) is Japanese. */
  systemHasJapanese: boolean;
}

export interface CompiledValueSet {
  url: string;
  /** Systems named by the value set's includes (used when a bare `code` has no system). */
  systems: string[];
  contains: Matcher;
}

export class Terminology {
  private readonly csCache = new Map<CodeSystem, CodeSystemIndex>();
  /**
   * Loaded Questionnaires by canonical URL (for QuestionnaireResponse checks). Filled by the loader
   * (`terminology.questionnaires.add(url, version, q, source)`) from packages and terminology files.
   */
  readonly questionnaires = new CanonicalIndex<Record<string, unknown>>();
  private readonly vsCache = new Map<string, CompiledValueSet | null>();

  constructor(
    private readonly codeSystems: CanonicalIndex<CodeSystem>,
    private readonly valueSets: CanonicalIndex<ValueSet>,
  ) {}

  /** The CodeSystem for a system URL (the copy from package `from` when there are several). */
  codeSystem(system: string, from?: string): CodeSystemIndex | undefined {
    const cs = this.codeSystems.get(system, from) ?? this.codeSystems.get(splitCanonical(system).url, from);
    return cs ? this.index(cs) : undefined;
  }

  private index(cs: CodeSystem): CodeSystemIndex | undefined {
    if (cs.content === 'supplement') return undefined;
    let idx = this.csCache.get(cs);
    if (!idx) {
      idx = new CodeSystemIndex(cs, EXTERNAL_SYSTEMS.has(cs.url ?? ''));
      this.csCache.set(cs, idx);
    }
    return idx;
  }

  /**
   * Is `code` defined in `system`? A code found in any loaded version counts; absent from a system
   * listed completely is a no; otherwise (not loaded, fragment, external terminology) unknown.
   */
  codeInSystem(system: string, code: string): Tri {
    const grammar = checkGrammarCode(system, code);
    if (grammar !== undefined) return grammar ? YES : NO;
    const versions = this.codeSystems
      .all(system)
      .map((cs) => this.index(cs))
      .filter((x): x is CodeSystemIndex => !!x);
    if (!versions.length) return unknown(`CodeSystem ${system} is not loaded`);
    if (versions.some((cs) => cs.lookup(code))) return YES;
    const latest = this.codeSystem(system) ?? versions[versions.length - 1];
    if (latest.isComplete) return NO;
    return unknown(`CodeSystem ${system} is loaded as ${latest.isExternal ? 'a subset of an external terminology' : latest.content}, not complete`);
  }

  /** True when the system is known locally (loaded, or checkable by grammar). */
  knowsSystem(system: string): boolean {
    return isGrammarSystem(system) || this.codeSystem(system) !== undefined;
  }

  display(system: string, code: string): string | undefined {
    return this.codeSystem(system)?.lookup(code)?.display;
  }

  /**
   * What a Coding's display may say for (system, code): the concept's display and designations
   * (any language) from every loaded version of the system and from loaded supplements of it.
   * Undefined when the concept is not found locally (nothing to compare with).
   */
  conceptDisplays(system: string, code: string): ConceptDisplays | undefined {
    const versions = this.codeSystems
      .all(system)
      .map((cs) => this.index(cs))
      .filter((x): x is CodeSystemIndex => !!x);
    if (!versions.length) return undefined;
    const displays: { value: string; language?: string }[] = [];
    let found = false;
    let hasJapanese = false;
    for (const cs of [...versions, ...this.supplementsOf(system)]) {
      if (cs.hasJapanese) hasJapanese = true;
      const c = cs.lookup(code);
      if (!c) continue;
      if (!cs.isSupplement) found = true;
      if (c.display) displays.push({ value: c.display, language: cs.language });
      displays.push(...c.designations);
    }
    return found ? { displays, systemHasJapanese: hasJapanese } : undefined;
  }

  private supplements: Map<string, CodeSystemIndex[]> | undefined;

  /** Loaded CodeSystem supplements (content = supplement) of a system, indexed on first use. */
  private supplementsOf(system: string): CodeSystemIndex[] {
    if (!this.supplements) {
      this.supplements = new Map();
      for (const e of this.codeSystems.latest()) {
        const cs = e.resource;
        if (cs.content !== 'supplement' || !cs.supplements) continue;
        const base = splitCanonical(cs.supplements).url;
        const list = this.supplements.get(base) ?? [];
        list.push(new CodeSystemIndex(cs));
        this.supplements.set(base, list);
      }
    }
    return this.supplements.get(splitCanonical(system).url) ?? [];
  }

  valueSet(ref: string, from?: string): CompiledValueSet | undefined {
    const key = from ? `${from}\u0000${ref}` : ref;
    const cached = this.vsCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    // A version the packages do not carry (e.g. `|4.0.1` on a terminology.hl7.org value set) falls back to the loaded one.
    const entry = this.valueSets.resolve(ref, from) ?? this.valueSets.resolve(splitCanonical(ref).url, from);
    const compiled = entry ? this.compile(entry.resource, new Set([ref]), entry.source) : null;
    this.vsCache.set(key, compiled);
    return compiled ?? undefined;
  }

  /**
   * Membership of (system, code) in a value set (the copy from package `from` when there are
   * several). A missing system tries each system the value set names.
   */
  inValueSet(from: string | undefined, ref: string, system: string | undefined, code: string): Tri {
    const vs = this.valueSet(ref, from);
    if (!vs) return unknown(`ValueSet ${ref} is not loaded`);
    if (system) return vs.contains(system, code);
    let sawUnknown: Tri | undefined;
    for (const s of vs.systems) {
      const r = vs.contains(s, code);
      if (r.result === 'yes') return r;
      if (r.result === 'unknown') sawUnknown ??= r;
    }
    return sawUnknown ?? NO;
  }

  private compile(vs: ValueSet, stack: Set<string>, source?: string): CompiledValueSet {
    const url = vs.url ?? '';
    const compose = vs.compose;
    if (!compose?.include?.length) {
      return this.fromExpansion(vs) ?? { url, systems: [], contains: () => unknown(`ValueSet ${url} has no compose or expansion`) };
    }
    const includes = compose.include.map((inc) => this.includeMatcher(inc, stack, source));
    const excludes = (compose.exclude ?? []).map((inc) => this.includeMatcher(inc, stack, source));
    const systems = [...new Set(compose.include.flatMap((i) => (i.system ? [i.system] : this.importedSystems(i, stack))))];
    const expansion = this.fromExpansion(vs);
    const contains: Matcher = (system, code) => {
      let result: Tri = NO;
      for (const m of includes) {
        const r = m(system, code);
        if (r.result === 'yes') {
          result = r;
          break;
        }
        if (r.result === 'unknown' && result.result === 'no') result = r;
      }
      if (result.result === 'yes') {
        for (const m of excludes) {
          const r = m(system, code);
          if (r.result === 'yes') return NO;
        }
        return YES;
      }
      // A stored expansion can settle what compose alone could not.
      if (result.result === 'unknown' && expansion) {
        const e = expansion.contains(system, code);
        if (e.result === 'yes') return e;
      }
      return result;
    };
    return { url, systems, contains };
  }

  private importedSystems(inc: ValueSetComposeInclude, stack: Set<string>): string[] {
    const out: string[] = [];
    for (const ref of inc.valueSet ?? []) {
      if (stack.has(ref)) continue;
      const vs = this.valueSets.get(ref) ?? this.valueSets.get(splitCanonical(ref).url);
      if (vs) out.push(...this.compile(vs, new Set([...stack, ref])).systems);
    }
    return out;
  }

  private fromExpansion(vs: ValueSet): CompiledValueSet | undefined {
    const contains = vs.expansion?.contains;
    if (!contains?.length) return undefined;
    const codes = new Set<string>();
    const systems = new Set<string>();
    const walk = (list: typeof contains) => {
      for (const c of list ?? []) {
        if (c.system && c.code) {
          codes.add(`${c.system}|${c.code}`);
          systems.add(c.system);
        }
        if (c.contains) walk(c.contains);
      }
    };
    walk(contains);
    const complete = !vs.expansion?.total || vs.expansion.total <= codes.size;
    return {
      url: vs.url ?? '',
      systems: [...systems],
      contains: (system, code) => (codes.has(`${system}|${code}`) ? YES : complete ? NO : unknown(`expansion of ${vs.url} is partial`)),
    };
  }

  /** One compose.include (or exclude): system part AND every imported value set. */
  private includeMatcher(inc: ValueSetComposeInclude, stack: Set<string>, source: string | undefined): Matcher {
    const parts: Matcher[] = [];
    if (inc.system) parts.push(this.systemPart(inc, source));
    for (const ref of inc.valueSet ?? []) {
      const key = splitCanonical(ref).url;
      if (stack.has(key) || stack.has(ref)) {
        parts.push(() => unknown(`ValueSet ${ref} imports itself`));
        continue;
      }
      const entry = this.valueSets.resolve(ref, source) ?? this.valueSets.resolve(key, source);
      if (!entry) {
        parts.push(() => unknown(`ValueSet ${ref} is not loaded`));
        continue;
      }
      const compiled = this.compile(entry.resource, new Set([...stack, key]), entry.source);
      parts.push(compiled.contains);
    }
    return (system, code) => {
      let out: Tri = YES;
      for (const p of parts) {
        const r = p(system, code);
        if (r.result === 'no') return NO;
        if (r.result === 'unknown') out = r;
      }
      return out;
    };
  }

  private systemPart(inc: ValueSetComposeInclude, source: string | undefined): Matcher {
    const system = inc.system as string;
    if (inc.concept?.length) {
      const codes = new Set(inc.concept.map((c) => c.code));
      return (s, code) => (s !== system ? NO : codes.has(code) ? YES : NO);
    }
    const filters = inc.filter ?? [];
    return (s, code) => {
      if (s !== system) return NO;
      const grammar = checkGrammarCode(system, code);
      if (grammar !== undefined && !filters.length) return grammar ? YES : NO;
      const cs = this.codeSystem(system, source);
      if (!cs) return unknown(`CodeSystem ${system} is not loaded`);
      const concept = cs.lookup(code);
      if (!concept) {
        if (!filters.length && this.codeInSystem(system, code).result === 'yes') return YES; // found in another loaded version
        return cs.isComplete ? NO : unknown(`CodeSystem ${system} is not complete (${cs.content})`);
      }
      for (const f of filters) {
        const r = applyFilter(cs, code, f.property ?? '', f.op ?? '', f.value ?? '');
        if (r.result !== 'yes') return r;
      }
      return YES;
    };
  }
}

function applyFilter(cs: CodeSystemIndex, code: string, property: string, op: string, value: string): Tri {
  const concept = cs.lookup(code);
  if (!concept) return NO;
  const onConcept = property === 'concept' || property === 'code';
  switch (op) {
    case 'is-a':
      return onConcept ? (cs.isA(concept.code, value) ? YES : NO) : unknown(`filter ${property} is-a`);
    case 'descendent-of':
      return onConcept ? (cs.isDescendantOf(concept.code, value) ? YES : NO) : unknown(`filter ${property} descendent-of`);
    case 'is-not-a':
      return onConcept ? (cs.isA(concept.code, value) ? NO : YES) : unknown(`filter ${property} is-not-a`);
    case 'in':
      return onConcept
        ? value
            .split(',')
            .map((v) => v.trim())
            .includes(concept.code)
          ? YES
          : NO
        : unknown(`filter ${property} in`);
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${value})$`);
      } catch {
        return unknown(`invalid regex filter ${value}`);
      }
      if (onConcept) return re.test(concept.code) ? YES : NO;
      const vals = concept.properties.get(property) ?? [];
      return vals.some((v) => re.test(String(v))) ? YES : NO;
    }
    case '=': {
      if (onConcept) return concept.code === value ? YES : NO;
      if (property === 'display') return concept.display === value ? YES : NO;
      const vals = concept.properties.get(property);
      if (!vals) return NO;
      return vals.some((v) => String(v) === value) ? YES : NO;
    }
    case 'exists': {
      const has = concept.properties.has(property);
      return has === (value === 'true') ? YES : NO;
    }
    default:
      return unknown(`filter operator ${op} is not supported locally`);
  }
}
