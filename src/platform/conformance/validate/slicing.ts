/**
 * Slicing (スライシング): assigns each item of a sliced element to the first slice whose
 * discriminators it satisfies, then checks closed / openAtEnd rules, ordering and per-slice
 * cardinality. Discriminator types: value, pattern, type, profile, exists.
 */
import type { ChildResolver } from '../model/child-index.ts';
import type { ElementNode } from '../model/element-node.ts';
import type { Definitions } from '../definitions.ts';
import type { IssueCollector } from '../issues.ts';
import { msg } from '../messages.ts';
import { definitionAt, instanceValuesAt, parseDiscriminatorPath, type DefinitionAt, type Segment, type TypedInstance } from './discriminator.ts';
import { matchesFixed, matchesPattern } from './fixed-pattern.ts';

export interface SliceItem {
  value: unknown;
  type?: string;
  loc: string;
}

export interface SlicingHost {
  defs: Definitions;
  children: ChildResolver;
  issues: IssueCollector;
  resolve(ref: string): unknown;
  /** Does the value (a resource or data type) conform to the profile? */
  conformsTo(value: unknown, profile: string, loc: string, from?: string): boolean;
  inValueSet(valueSet: string, system: string | undefined, code: string): boolean;
}

type Required = { kind: 'fixed'; values: unknown[] } | { kind: 'pattern'; values: unknown[] } | { kind: 'binding'; valueSet: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Returns, per item, the slice it belongs to (or undefined when it matches none), after reporting
 * rule and cardinality violations. `elementLoc` is where slice cardinality problems are reported.
 */
export function assignSlices(node: ElementNode, items: SliceItem[], host: SlicingHost, elementLoc: string): (ElementNode | undefined)[] {
  const slicing = node.slicing;
  const slices = node.slices;
  const assigned: (ElementNode | undefined)[] = [];
  const sliceIndex: number[] = [];
  for (const item of items) {
    let found = -1;
    for (let s = 0; s < slices.length; s++) {
      if (sliceMatches(slices[s], item, slicing?.discriminators ?? [], host)) {
        found = s;
        break;
      }
    }
    assigned.push(found >= 0 ? slices[found] : undefined);
    sliceIndex.push(found);
  }
  if (!slicing) return assigned;
  const rules = slicing.rules;
  let lastSlice = -1;
  let sawUnmatched = false;
  items.forEach((item, i) => {
    const s = sliceIndex[i];
    if (s < 0) {
      if (rules === 'closed') host.issues.error('structure', msg.sliceClosed(node.id), item.loc);
      sawUnmatched = true;
      return;
    }
    if (rules === 'openAtEnd' && sawUnmatched) host.issues.error('structure', msg.openAtEnd(node.id), item.loc);
    if (slicing.ordered && s < lastSlice) host.issues.error('structure', msg.sliceOrder(slices[s].sliceName ?? ''), item.loc);
    lastSlice = Math.max(lastSlice, s);
  });
  slices.forEach((slice, s) => {
    const count = sliceIndex.filter((x) => x === s).length;
    const name = slice.id;
    if (count < slice.min) host.issues.error('required', msg.sliceMin(name, slice.min, count), elementLoc);
    if (count > slice.max) host.issues.error('structure', msg.sliceMax(name, slice.max, count), elementLoc);
  });
  return assigned;
}

/** What a slice's definition says at one discriminator path: computed once per slice and path. */
interface SliceCriterion {
  segs: Segment[];
  def: DefinitionAt | undefined;
  req: Required | undefined;
}

const criteriaCache = new WeakMap<ElementNode, Map<string, SliceCriterion>>();

function criterion(slice: ElementNode, path: string, host: SlicingHost): SliceCriterion {
  let perSlice = criteriaCache.get(slice);
  if (!perSlice) {
    perSlice = new Map();
    criteriaCache.set(slice, perSlice);
  }
  let c = perSlice.get(path);
  if (!c) {
    const segs = parseDiscriminatorPath(path);
    c = { segs, def: definitionAt(slice, segs, host.children, host.defs), req: requiredAt(slice, segs, host) };
    perSlice.set(path, c);
  }
  return c;
}

function sliceMatches(slice: ElementNode, item: SliceItem, discriminators: { type: string; path: string }[], host: SlicingHost): boolean {
  if (!discriminators.length) return false;
  // Type pre-check: a slice restricted to certain types cannot hold an item of another type.
  const itemType = item.type === 'Resource' || item.type === 'DomainResource' ? (resourceTypeOf(item.value) ?? item.type) : item.type;
  if (itemType && slice.types.length && !slice.types.some((t) => t.code === itemType || t.code === 'Resource' || t.code === 'DomainResource')) return false;
  for (const d of discriminators) {
    const { segs, def, req } = criterion(slice, d.path, host);
    const inst = instanceValuesAt({ value: item.value, type: item.type ?? resourceTypeOf(item.value) }, segs, (r) => host.resolve(r));
    switch (d.type) {
      case 'value':
      case 'pattern': {
        if (!req) continue;
        if (!inst.length) return false;
        if (!inst.some((v) => satisfies(v.value, req, host))) return false;
        break;
      }
      case 'exists': {
        if (!def) continue;
        if (def.node.min >= 1 && !inst.length) return false;
        if (def.node.max === 0 && inst.length) return false;
        break;
      }
      case 'type': {
        if (!def) continue;
        const allowed = allowedTypes(def, host);
        if (!allowed.length) continue;
        if (!inst.length) return false;
        if (!inst.some((v) => v.type !== undefined && allowed.includes(v.type))) return false;
        break;
      }
      case 'profile': {
        if (!def) continue;
        if (!inst.length) return false;
        if (!inst.some((v) => conformsToSliceProfile(v, def, host, item.loc))) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

const allowedCache = new WeakMap<ElementNode, string[]>();

/**
 * Types a `type` discriminator accepts at a slice's element. `Resource` constrained to a profile
 * (`Bundle.entry:patient.resource` typed `Resource` with a Patient profile) stands for the type the
 * profile constrains.
 */
function allowedTypes(def: DefinitionAt, host: SlicingHost): string[] {
  if (def.type && def.type !== 'Resource' && def.type !== 'DomainResource') return [def.type];
  const known = allowedCache.get(def.node);
  if (known) return known;
  const out: string[] = [];
  for (const t of def.node.types) {
    if ((t.code === 'Resource' || t.code === 'DomainResource') && t.profiles.length) {
      for (const p of t.profiles) {
        const prof = host.defs.profile(p, def.node.owner.source);
        out.push(prof && prof.type !== 'Resource' && prof.type !== 'DomainResource' ? prof.type : t.code);
      }
    } else out.push(t.code);
  }
  allowedCache.set(def.node, out);
  return out;
}

function resourceTypeOf(v: unknown): string | undefined {
  return isObj(v) && typeof v.resourceType === 'string' ? v.resourceType : undefined;
}

function conformsToSliceProfile(v: TypedInstance, def: DefinitionAt, host: SlicingHost, loc: string): boolean {
  const profiles = def.viaResolve ? def.node.types.flatMap((t) => t.targetProfiles) : def.node.types.flatMap((t) => t.profiles);
  const rt = resourceTypeOf(v.value);
  if (!profiles.length) {
    const types = def.node.types.map((t) => t.code);
    return !types.length || types.includes(rt ?? v.type ?? '') || types.includes('Resource');
  }
  return profiles.some((p) => {
    const from = def.node.owner.source;
    const prof = host.defs.profile(p, from);
    if (!prof) return false;
    if (rt && prof.type !== rt && prof.type !== 'Resource' && prof.type !== 'DomainResource') return false;
    return host.conformsTo(v.value, p, loc, from);
  });
}

function satisfies(value: unknown, req: Required, host: SlicingHost): boolean {
  switch (req.kind) {
    case 'fixed':
      return req.values.some((f) => matchesFixed(value, f) || matchesPattern(value, f));
    case 'pattern':
      return req.values.some((p) => matchesPattern(value, p));
    case 'binding': {
      if (typeof value === 'string') return host.inValueSet(req.valueSet, undefined, value);
      if (!isObj(value)) return false;
      const codings = Array.isArray(value.coding) ? (value.coding as unknown[]) : [value];
      return codings.some((c) => isObj(c) && typeof c.code === 'string' && host.inValueSet(req.valueSet, c.system as string | undefined, c.code));
    }
  }
}

/** What a slice requires at a discriminator path: fixed / pattern value(s), or a required binding. */
function requiredAt(slice: ElementNode, segs: Segment[], host: SlicingHost): Required | undefined {
  let node: ElementNode = slice;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (node.fixed || node.pattern) {
      const kind = node.fixed ? 'fixed' : 'pattern';
      const base = (node.fixed ?? node.pattern)?.value;
      const values = extract(base, segs.slice(i));
      return values.length ? { kind, values } : undefined;
    }
    const next = definitionAt(node, [seg], host.children, host.defs);
    if (!next) return undefined;
    node = next.node;
  }
  if (node.fixed) return { kind: 'fixed', values: [node.fixed.value] };
  if (node.pattern) return { kind: 'pattern', values: [node.pattern.value] };
  // Extension url: the profile URL of the slice's extension definition.
  const last = segs[segs.length - 1];
  if (last?.kind === 'name' && last.name === 'url') {
    const ext = segs.length === 1 ? slice : undefined;
    const profile = ext?.types.find((t) => t.code === 'Extension')?.profiles[0];
    if (profile) return { kind: 'fixed', values: [profile.split('|')[0]] };
  }
  const composite = compositePattern(node, 0);
  if (composite !== undefined) return { kind: 'pattern', values: [composite] };
  if (node.binding?.valueSet && node.binding.strength === 'required') return { kind: 'binding', valueSet: node.binding.valueSet };
  return undefined;
}

/** Values inside a fixed/pattern JSON value at the remaining path (only plain names can be followed). */
function extract(value: unknown, segs: Segment[]): unknown[] {
  let cur: unknown[] = [value];
  for (const seg of segs) {
    if (seg.kind === 'this') continue;
    if (seg.kind !== 'name') return [];
    const next: unknown[] = [];
    for (const v of cur) {
      if (!isObj(v)) continue;
      const x = v[seg.name];
      if (Array.isArray(x)) next.push(...x);
      else if (x !== undefined) next.push(x);
    }
    cur = next;
  }
  return cur;
}

/** A pattern assembled from fixed / pattern values on an element's listed children (`category:laboratory`). */
function compositePattern(node: ElementNode, depth: number): unknown {
  if (depth > 6 || !node.children.length) return undefined;
  const out: Record<string, unknown> = {};
  for (const c of node.children) {
    let v: unknown = c.fixed?.value ?? c.pattern?.value;
    if (v === undefined) v = compositePattern(c, depth + 1);
    if (v === undefined) continue;
    const key = c.isChoice && c.types.length === 1 ? c.jsonName + c.types[0].code.charAt(0).toUpperCase() + c.types[0].code.slice(1) : c.jsonName;
    out[key] = c.isArray && !Array.isArray(v) ? [v] : v;
  }
  return Object.keys(out).length ? out : undefined;
}
