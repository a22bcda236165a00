/**
 * All loaded conformance resources (base R4 plus the operator's IG packages), indexed by
 * canonical URL, with compiled profiles cached on first use.
 */
import type { CodeSystem, ElementDefinition, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import { CompiledProfile } from './model/compiled-profile.ts';
import { CanonicalIndex, splitCanonical } from './registry.ts';
import { generateSnapshot } from './snapshot/snapshot-generator.ts';
import { Terminology } from './terminology/terminology.ts';

export const FHIR_SD_BASE = 'http://hl7.org/fhir/StructureDefinition/';

/** An invariant added to an element of a profile by the product (not in the IG package). */
export interface SupplementaryInvariant {
  profile: string;
  elementId: string;
  key: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
  source: string;
}

export interface LoadProblem {
  severity: 'warning' | 'error';
  source: string;
  message: string;
}

/** How validation treats what the definitions do not settle. */
export interface DefinitionOptions {
  /**
   * An extension whose definition is not loaded: `error` (default, as the HL7 validator) or `warning` (lenient: the
   * extension is accepted unvalidated). Unknown modifier extensions are errors either way.
   */
  unknownExtensions: 'error' | 'warning';
}

export class Definitions {
  readonly options: DefinitionOptions = { unknownExtensions: 'error' };
  /** ImplementationGuide.global of the loaded IG packages: resource type → profiles every such resource must meet. */
  readonly globalProfiles = new Map<string, string[]>();
  readonly structures = new CanonicalIndex<StructureDefinition>();
  readonly valueSets = new CanonicalIndex<ValueSet>();
  readonly codeSystems = new CanonicalIndex<CodeSystem>();
  /** Measure resources of the loaded packages (MeasureReport checks against their Measure). */
  readonly measures = new CanonicalIndex<Record<string, unknown>>();
  /** SearchParameter resources of the loaded packages (derivedFrom checks). */
  readonly searchParameters = new CanonicalIndex<Record<string, unknown>>();
  readonly terminology = new Terminology(this.codeSystems, this.valueSets);
  readonly problems: LoadProblem[] = [];
  /** Concrete resource type names of R4. */
  readonly resourceTypes = new Set<string>();
  private readonly compiled = new Map<StructureDefinition, CompiledProfile | null>();
  private readonly snapshots = new Map<StructureDefinition, ElementDefinition[] | null>();
  private readonly generating = new Set<StructureDefinition>();
  private readonly sourceOf = new Map<object, string>();
  private readonly supplementary: SupplementaryInvariant[] = [];
  /** Resolved profile references (definitions do not change after loading). */
  private readonly profileCache = new Map<string, CompiledProfile | null>();
  private readonly baseTypeCache = new Map<string, CompiledProfile | null>();

  /** Adds a product rule to a profile's element; applied when the profile is compiled. */
  addSupplementaryInvariant(rule: SupplementaryInvariant): void {
    this.profileCache.clear();
    this.supplementary.push(rule);
  }

  add(resource: Record<string, unknown>, source: string): void {
    this.profileCache.clear();
    this.baseTypeCache.clear();
    const url = resource.url;
    if (typeof url !== 'string') return;
    const version = typeof resource.version === 'string' ? resource.version : undefined;
    this.sourceOf.set(resource, source);
    switch (resource.resourceType) {
      case 'StructureDefinition': {
        const sd = resource as unknown as StructureDefinition;
        this.structures.add(url, version, sd, source);
        if (sd.kind === 'resource' && sd.derivation === 'specialization' && !sd.abstract && sd.type && url === FHIR_SD_BASE + sd.type) {
          this.resourceTypes.add(sd.type);
        }
        break;
      }
      case 'ValueSet':
        this.valueSets.add(url, version, resource as unknown as ValueSet, source);
        break;
      case 'CodeSystem':
        this.codeSystems.add(url, version, resource as unknown as CodeSystem, source);
        break;
      case 'Measure':
        this.measures.add(url, version, resource, source);
        break;
      case 'Questionnaire':
        this.terminology.questionnaires.add(url, version, resource, source);
        break;
      case 'SearchParameter':
        this.searchParameters.add(url, version, resource, source);
        break;
      case 'ImplementationGuide': {
        const globals = Array.isArray(resource.global) ? (resource.global as { type?: unknown; profile?: unknown }[]) : [];
        for (const g of globals) {
          if (typeof g?.type !== 'string' || typeof g.profile !== 'string') continue;
          const list = this.globalProfiles.get(g.type) ?? [];
          if (!list.includes(g.profile)) list.push(g.profile);
          this.globalProfiles.set(g.type, list);
        }
        break;
      }
      default:
    }
  }

  /**
   * A compiled profile by canonical (`url` or `url|version`), or undefined when not loaded / not
   * usable. `from` is the package of the referring definition, whose own copy is preferred.
   */
  profile(ref: string, from?: string): CompiledProfile | undefined {
    const key = from ? `${from}\u0000${ref}` : ref;
    let hit = this.profileCache.get(key);
    if (hit === undefined) {
      const sd = this.structures.get(ref, from);
      hit = (sd && this.compile(sd)) ?? null;
      this.profileCache.set(key, hit);
    }
    return hit ?? undefined;
  }

  /** The base definition of a FHIR type (`Observation`, `Quantity`, `string`…). */
  baseType(code: string): CompiledProfile | undefined {
    let hit = this.baseTypeCache.get(code);
    if (hit === undefined) {
      hit = this.profile(FHIR_SD_BASE + code) ?? null;
      this.baseTypeCache.set(code, hit);
    }
    return hit ?? undefined;
  }

  /** Eagerly compiles every profile whose URL matches (used to surface load problems early). */
  compileAll(filter: (sd: StructureDefinition) => boolean): number {
    let n = 0;
    for (const e of this.structures.latest()) {
      if (filter(e.resource) && this.compile(e.resource)) n++;
    }
    return n;
  }

  private compile(sd: StructureDefinition): CompiledProfile | undefined {
    const cached = this.compiled.get(sd);
    if (cached !== undefined) return cached ?? undefined;
    let result: CompiledProfile | null = null;
    const elements = this.snapshotElements(sd);
    if (elements?.length) {
      try {
        result = new CompiledProfile(sd, elements, this.sourceOf.get(sd) ?? '');
        result.ancestors = this.ancestorsOf(sd);
        for (const rule of this.supplementary) {
          if (rule.profile !== sd.url) continue;
          const node = result.byId.get(rule.elementId);
          if (!node) {
            this.problems.push({ severity: 'warning', source: rule.source, message: `${rule.key}: element ${rule.elementId} not in ${sd.url}` });
            continue;
          }
          node.addInvariant({ key: rule.key, severity: rule.severity, human: rule.human, expression: rule.expression, source: rule.source });
        }
      } catch (e) {
        this.problems.push({ severity: 'error', source: sd.url ?? '', message: `cannot compile: ${(e as Error).message}` });
      }
    }
    this.compiled.set(sd, result);
    return result ?? undefined;
  }

  private ancestorsOf(sd: StructureDefinition): Set<string> {
    const out = new Set<string>();
    let cur: StructureDefinition | undefined = sd;
    for (let guard = 0; cur && guard < 30; guard++) {
      if (cur.url) {
        if (out.has(cur.url)) break;
        out.add(cur.url);
      }
      cur = cur.baseDefinition ? this.structures.get(cur.baseDefinition, this.sourceOf.get(cur)) : undefined;
    }
    return out;
  }

  /** Snapshot elements; generated from the differential when the package ships none. */
  snapshotElements(sd: StructureDefinition): ElementDefinition[] | undefined {
    if (sd.snapshot?.element?.length) return sd.snapshot.element;
    const cached = this.snapshots.get(sd);
    if (cached !== undefined) return cached ?? undefined;
    if (this.generating.has(sd)) return undefined;
    this.generating.add(sd);
    let elements: ElementDefinition[] | null = null;
    try {
      const res = generateSnapshot(sd, {
        snapshotOf: (url) => {
          const base = this.structures.get(url, this.sourceOf.get(sd));
          return base ? this.snapshotElements(base) : undefined;
        },
        typeSnapshot: (code) => {
          const base = this.structures.get(FHIR_SD_BASE + code);
          return base ? this.snapshotElements(base) : undefined;
        },
      });
      elements = res.elements;
      for (const id of res.unplaced) {
        this.problems.push({ severity: 'warning', source: sd.url ?? '', message: `snapshot generation: differential element ${id} could not be placed` });
      }
    } catch (e) {
      this.problems.push({ severity: 'error', source: sd.url ?? '', message: (e as Error).message });
    } finally {
      this.generating.delete(sd);
    }
    this.snapshots.set(sd, elements);
    return elements ?? undefined;
  }

  /** Where a canonical resource came from (package id), for reporting. */
  sourceOfCanonical(ref: string): string | undefined {
    return this.structures.resolve(ref)?.source ?? this.valueSets.resolve(ref)?.source ?? this.codeSystems.resolve(ref)?.source;
  }

  isLoadedStructure(ref: string): boolean {
    return this.structures.resolve(ref) !== undefined;
  }

  urlOf(ref: string): string {
    return splitCanonical(ref).url;
  }
}
