/**
 * One compiled ElementDefinition (要素定義) of a StructureDefinition snapshot: the rules for one
 * element, its children as a tree, its slices pre-resolved. Built once per profile, then shared by
 * every validation.
 */
import type { ElementDefinition } from '@medplum/fhirtypes';
import { fhirTypeOf, isPrimitiveType, parseMax } from './type-names.ts';
import type { CompiledProfile } from './compiled-profile.ts';
import { ATTACHMENT_HASH_EXPRESSION, ATTACHMENT_SIZE_EXPRESSION, quantityBoundExpression } from '../validate/native-invariants.ts';
import { fixInvariantExpression } from './invariant-fixes.ts';
import { quantityText } from '../validate/primitives.ts';

export interface TypeRef {
  code: string;
  profiles: string[];
  targetProfiles: string[];
}

export type DiscriminatorType = 'value' | 'pattern' | 'type' | 'profile' | 'exists';

export interface Discriminator {
  type: DiscriminatorType;
  path: string;
}

export interface Slicing {
  discriminators: Discriminator[];
  rules: 'open' | 'closed' | 'openAtEnd';
  ordered: boolean;
}

export interface Binding {
  strength: 'required' | 'extensible' | 'preferred' | 'example';
  valueSet?: string;
  /**
   * Codes accepted besides the value set: R4 `CapabilityStatement.format` allows the shorthand
   * `xml`, `json` and `ttl` next to MIME types (its definition says so; the HL7 validator accepts them).
   */
  alsoAllowed?: ReadonlySet<string>;
}

const SHORTHAND_FORMATS: ReadonlySet<string> = new Set(['xml', 'json', 'ttl']);
/** Elements whose R4 definition allows the shorthand format codes besides MIME types. */
const SHORTHAND_FORMAT_PATHS = new Set(['CapabilityStatement.format']);

export interface Invariant {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
  source?: string;
  /** `key` + expression: identifies the rule when results are cached per value. */
  cacheKey?: string;
}

/** A fixed[x] / pattern[x] / minValue[x] value with its FHIR type. */
export interface TypedValue {
  type: string;
  value: unknown;
}

export class ElementNode {
  readonly id: string;
  readonly path: string;
  /** Path of the element in the definition that first introduced it (ElementDefinition.base.path). */
  readonly basePath: string;
  /** Last path segment as written (`value[x]`). */
  readonly name: string;
  /** JSON property name, or its prefix for choice elements (`value`). */
  readonly jsonName: string;
  readonly isChoice: boolean;
  readonly sliceName?: string;
  readonly min: number;
  readonly max: number;
  /** JSON array or single value: decided by the base definition's max, never by a profile. */
  readonly isArray: boolean;
  readonly types: TypeRef[];
  readonly fixed?: TypedValue;
  readonly pattern?: TypedValue;
  readonly minValue?: TypedValue;
  readonly maxValue?: TypedValue;
  readonly maxLength?: number;
  readonly binding?: Binding;
  readonly invariants: Invariant[];
  readonly contentReference?: string;
  readonly isModifier: boolean;
  readonly slicing?: Slicing;
  readonly children: ElementNode[] = [];
  readonly slices: ElementNode[] = [];
  owner!: CompiledProfile;
  /** Set for the sliced element's slices: the element they slice. */
  slicedFrom?: ElementNode;

  constructor(ed: ElementDefinition) {
    this.id = ed.id ?? ed.path ?? '';
    this.path = ed.path ?? this.id;
    this.basePath = ed.base?.path ?? this.path;
    const dot = this.path.lastIndexOf('.');
    this.name = dot < 0 ? this.path : this.path.slice(dot + 1);
    this.isChoice = this.name.endsWith('[x]');
    this.jsonName = this.isChoice ? this.name.slice(0, -3) : this.name;
    this.sliceName = ed.sliceName;
    this.min = ed.min ?? 0;
    this.max = parseMax(ed.max);
    const baseMax = ed.base?.max !== undefined ? parseMax(ed.base.max) : this.max;
    this.isArray = baseMax > 1;
    this.types = (ed.type ?? []).map((t) => ({
      code: fhirTypeOf(t.code ?? '', t.extension?.find((x) => x.url === 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type')?.valueUrl),
      profiles: t.profile ?? [],
      targetProfiles: t.targetProfile ?? [],
    }));
    const rec = ed as unknown as Record<string, unknown>;
    this.fixed = typedValue(rec, 'fixed');
    this.pattern = typedValue(rec, 'pattern');
    this.minValue = typedValue(rec, 'minValue');
    this.maxValue = typedValue(rec, 'maxValue');
    this.maxLength = ed.maxLength;
    if (ed.binding?.strength) {
      this.binding = { strength: ed.binding.strength as Binding['strength'], valueSet: ed.binding.valueSet };
      if (SHORTHAND_FORMAT_PATHS.has(this.basePath)) this.binding.alsoAllowed = SHORTHAND_FORMATS;
    }
    this.invariants = (ed.constraint ?? [])
      .filter((c) => c.key && c.expression)
      .map((c) => ({
        key: c.key as string,
        severity: c.severity === 'warning' ? 'warning' : 'error',
        human: c.human ?? '',
        expression: fixInvariantExpression(c.expression as string, c.key),
        source: c.source,
      }));
    for (const [kind, bound] of [
      ['min', this.minValue],
      ['max', this.maxValue],
    ] as const) {
      if (!bound || isPrimitiveType(bound.type) || typeof bound.value !== 'object' || bound.value === null) continue;
      this.invariants.push({
        key: `${kind}Value`,
        severity: 'error',
        human: `${kind === 'min' ? 'value must be >=' : 'value must be <='} ${quantityText(bound.value)}`,
        expression: quantityBoundExpression(kind, bound.value),
      });
    }
    if (this.id === 'Attachment' && this.path === 'Attachment') {
      this.invariants.push({
        key: 'att-size',
        severity: 'error',
        human: 'Attachment.size must be the number of bytes of data',
        expression: ATTACHMENT_SIZE_EXPRESSION,
      });
      this.invariants.push({
        key: 'att-hash',
        severity: 'error',
        human: 'Attachment.hash must be the base64 SHA-1 hash of data',
        expression: ATTACHMENT_HASH_EXPRESSION,
      });
    }
    this.contentReference = ed.contentReference;
    this.isModifier = ed.isModifier === true;
    if (ed.slicing) {
      this.slicing = {
        discriminators: (ed.slicing.discriminator ?? []).map((d) => ({ type: d.type as DiscriminatorType, path: d.path ?? '$this' })),
        rules: (ed.slicing.rules as Slicing['rules']) ?? 'open',
        ordered: ed.slicing.ordered === true,
      };
    }
  }

  private active?: Invariant[];

  /** Adds a rule after compilation (product rules not in the IG package). */
  addInvariant(inv: Invariant): void {
    this.invariants.push(inv);
    this.active = undefined;
  }

  /** Invariants that need evaluating (ele-1 is enforced structurally by the walker). */
  get activeInvariants(): Invariant[] {
    return (this.active ??= this.withReferencedInvariants().filter((i) => !i.expression.startsWith('hasValue() or (children().count() > id.count())')));
  }

  /**
   * A recursive element (`contentReference`: `Questionnaire.item.item`, `Parameters.parameter.part`)
   * follows the referenced element's rules, its constraints included (que-1…, inv-1 on nested items).
   */
  private withReferencedInvariants(): Invariant[] {
    const ref = this.contentReference;
    if (!ref || !this.owner) return this.invariants;
    const hash = ref.indexOf('#');
    const target = this.owner.byId.get(hash >= 0 ? ref.slice(hash + 1) : ref);
    if (!target || target === this || !target.invariants.length) return this.invariants;
    const keys = new Set(this.invariants.map((i) => i.key));
    return [...this.invariants, ...target.invariants.filter((i) => !keys.has(i.key))];
  }

  /** The type reference for a concrete type code, if this element allows it. */
  typeRef(code: string): TypeRef | undefined {
    return this.types.find((t) => t.code === code);
  }

  get isPrimitiveOnly(): boolean {
    return this.types.length > 0 && this.types.every((t) => isPrimitiveType(t.code));
  }

  toString(): string {
    return this.id;
  }
}

/** Reads `fixedUri`, `patternCodeableConcept`… into a TypedValue. */
function typedValue(rec: Record<string, unknown>, prefix: string): TypedValue | undefined {
  for (const key in rec) {
    if (key.length > prefix.length && key.startsWith(prefix)) {
      const suffix = key.slice(prefix.length);
      if (suffix[0] !== suffix[0].toUpperCase()) continue;
      const lower = suffix[0].toLowerCase() + suffix.slice(1);
      return { type: isPrimitiveType(lower) ? lower : suffix, value: rec[key] };
    }
  }
  return undefined;
}
