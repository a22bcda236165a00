/**
 * Snapshot generation (スナップショット生成) for StructureDefinitions published with a differential
 * only (e.g. the ePrescriptionData package). The base snapshot is copied, then each differential
 * element is merged into the element with the same id; new slices copy the sliced element's
 * subtree; paths into a data type the base does not expand pull in that type's (or type profile's)
 * snapshot first. This covers what IG profiles use in practice; it is not a full implementation of
 * the FHIR snapshot algorithm (see docs/conformance.md).
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

export interface SnapshotSources {
  /** Snapshot elements of a StructureDefinition by canonical URL (generated on demand). */
  snapshotOf(url: string): ElementDefinition[] | undefined;
  /** Snapshot elements of the base definition of a FHIR type (`Timing`, `Coding`…). */
  typeSnapshot(code: string): ElementDefinition[] | undefined;
}

export interface SnapshotResult {
  elements: ElementDefinition[];
  /** Differential elements that could not be placed (reported as load warnings). */
  unplaced: string[];
}

const EXTENSION_SLICING = {
  discriminator: [{ type: 'value' as const, path: 'url' }],
  rules: 'open' as const,
  description: 'Extensions are always sliced by (at least) url',
};

export function generateSnapshot(sd: StructureDefinition, sources: SnapshotSources): SnapshotResult {
  const base = sd.baseDefinition ? sources.snapshotOf(sd.baseDefinition) : undefined;
  if (!base) throw new Error(`cannot generate snapshot of ${sd.url}: base ${sd.baseDefinition} is not loaded`);
  const out: ElementDefinition[] = base.map(clone);
  const unplaced: string[] = [];
  const renames: [string, string][] = [];
  for (const diff of sd.differential?.element ?? []) {
    let id = diff.id ?? (diff.sliceName ? `${diff.path}:${diff.sliceName}` : diff.path);
    if (!id) continue;
    for (const [from, to] of renames) if (id === from || id.startsWith(`${from}.`)) id = to + id.slice(from.length);
    let idx = indexOfId(out, id);
    if (idx < 0) {
      idx = indexOfRenamedSlice(out, id);
      if (idx >= 0) renames.push([id, out[idx].id ?? id]);
    }
    if (idx < 0) idx = placeSlice(out, id, diff);
    if (idx < 0) idx = expandTowards(out, id, sources);
    if (idx < 0) {
      unplaced.push(id);
      continue;
    }
    merge(out[idx], diff);
  }
  // Slices introduced without slicing on the sliced element: extensions imply slicing by url.
  for (const ed of out) {
    if (!ed.slicing && (ed.path?.endsWith('.extension') || ed.path?.endsWith('.modifierExtension'))) {
      const id = ed.id ?? '';
      if (out.some((x) => x.id?.startsWith(`${id}:`))) ed.slicing = structuredClone(EXTENSION_SLICING);
    }
  }
  return { elements: out, unplaced };
}

function clone(ed: ElementDefinition): ElementDefinition {
  return structuredClone(ed);
}

function indexOfId(list: ElementDefinition[], id: string): number {
  for (let i = 0; i < list.length; i++) if (list[i].id === id) return i;
  return -1;
}

/**
 * A differential written against an older base may name a slice with different letter case
 * (`identifier:RpNumber` for the base's `identifier:rpNumber`): treat it as that slice.
 */
function indexOfRenamedSlice(list: ElementDefinition[], id: string): number {
  if (!id.includes(':')) return -1;
  const lower = id.toLowerCase();
  const matches = list.filter((e) => e.id?.toLowerCase() === lower);
  if (matches.length !== 1) return -1;
  return list.indexOf(matches[0]);
}

/** Index just past the subtree of the element at `idx` (its descendants and its slices). */
function endOfSubtree(list: ElementDefinition[], idx: number): number {
  const id = list[idx].id ?? '';
  let i = idx + 1;
  while (i < list.length) {
    const other = list[i].id ?? '';
    if (!other.startsWith(`${id}.`) && !other.startsWith(`${id}:`)) break;
    i++;
  }
  return i;
}

/** Creates a new slice `…elem:slice` by copying the sliced element's subtree. Returns its index or -1. */
function placeSlice(out: ElementDefinition[], id: string, diff: ElementDefinition): number {
  if (!diff.sliceName) return -1;
  const suffix = `:${diff.sliceName}`;
  if (!id.endsWith(suffix)) return -1;
  const slicedId = id.slice(0, -suffix.length);
  const slicedIdx = indexOfId(out, slicedId);
  if (slicedIdx < 0) return -1;
  const sliced = out[slicedIdx];
  const copies: ElementDefinition[] = [];
  const head = clone(sliced);
  delete head.slicing;
  head.id = id;
  head.sliceName = diff.sliceName;
  // A new slice takes its own cardinality from the differential; the sliced element's minimum
  // applies to all slices together, not to each.
  head.min = 0;
  copies.push(head);
  for (let i = slicedIdx + 1; i < out.length; i++) {
    const other = out[i].id ?? '';
    if (other.startsWith(`${slicedId}:`)) continue; // other slices and their content
    if (!other.startsWith(`${slicedId}.`)) break;
    const c = clone(out[i]);
    c.id = id + other.slice(slicedId.length);
    copies.push(c);
  }
  const at = endOfSubtree(out, slicedIdx);
  out.splice(at, 0, ...copies);
  return at;
}

/**
 * Makes `id` exist by expanding the data type of its nearest existing ancestor (repeatedly, for
 * deep paths such as `dosageInstruction.timing.repeat.bounds[x].value`). Returns the index or -1.
 */
function expandTowards(out: ElementDefinition[], id: string, sources: SnapshotSources): number {
  for (let guard = 0; guard < 12; guard++) {
    const idx = indexOfId(out, id);
    if (idx >= 0) return idx;
    const ancestorIdx = nearestAncestor(out, id);
    if (ancestorIdx < 0) return -1;
    const ancestor = out[ancestorIdx];
    const aid = ancestor.id ?? '';
    if (out.some((x) => x.id?.startsWith(`${aid}.`))) return -1; // already expanded, the child simply does not exist
    const nextSeg = id
      .slice(aid.length + 1)
      .split('.')[0]
      .split(':')[0];
    const typeElements = ancestor.contentReference ? contentElementsFor(ancestor.contentReference, sources) : typeElementsFor(ancestor, nextSeg, sources);
    if (!typeElements) return -1;
    if (ancestor.contentReference) {
      // A recursive element (`Parameters.parameter.part`, `Questionnaire.item.item`) constrained below:
      // it takes the referenced element's children, as the snapshot generator expands it.
      ancestor.type = structuredClone(typeElements[0].type);
      const keys = new Set((ancestor.constraint ?? []).map((c) => c.key));
      const inherited = (typeElements[0].constraint ?? []).filter((c) => !keys.has(c.key)).map((c) => structuredClone(c));
      if (inherited.length) ancestor.constraint = [...(ancestor.constraint ?? []), ...inherited];
      delete ancestor.contentReference;
    }
    const rootId = typeElements[0].id ?? typeElements[0].path ?? '';
    const rootPath = typeElements[0].path ?? rootId;
    const children = typeElements.slice(1).map((ed) => {
      const c = clone(ed);
      c.id = aid + (ed.id ?? ed.path ?? '').slice(rootId.length);
      c.path = (ancestor.path ?? aid) + (ed.path ?? '').slice(rootPath.length);
      return c;
    });
    out.splice(ancestorIdx + 1, 0, ...children);
  }
  return -1;
}

function nearestAncestor(out: ElementDefinition[], id: string): number {
  let end = id.lastIndexOf('.');
  while (end > 0) {
    const idx = indexOfId(out, id.slice(0, end));
    if (idx >= 0) return idx;
    end = id.lastIndexOf('.', end - 1);
  }
  return -1;
}

/**
 * The element a content reference names (`#Parameters.parameter`, or `url#id`) with its descendants,
 * taken from the base definition of the resource it belongs to (never a profile's slices).
 */
function contentElementsFor(ref: string, sources: SnapshotSources): ElementDefinition[] | undefined {
  const hash = ref.indexOf('#');
  const id = hash >= 0 ? ref.slice(hash + 1) : ref;
  const base = sources.typeSnapshot(id.split('.')[0]);
  const i = base ? indexOfId(base, id) : -1;
  if (!base || i < 0) return undefined;
  const out = [base[i]];
  for (let j = i + 1; j < base.length && (base[j].id ?? '').startsWith(`${id}.`); j++) out.push(base[j]);
  return out.length > 1 ? out : undefined;
}

/** Snapshot elements of the (single, or the one having `childName`) type of an element. */
function typeElementsFor(ed: ElementDefinition, childName: string, sources: SnapshotSources): ElementDefinition[] | undefined {
  const types = ed.type ?? [];
  for (const t of types) {
    const profile = t.profile?.[0];
    const elements = (profile && sources.snapshotOf(profile)) || (t.code ? sources.typeSnapshot(t.code) : undefined);
    if (!elements?.length) continue;
    const rootPath = elements[0].path ?? '';
    if (types.length === 1 || elements.some((x) => x.path === `${rootPath}.${childName}`)) return elements;
  }
  return undefined;
}

/** Applies a differential element onto a snapshot element. */
function merge(target: ElementDefinition, diff: ElementDefinition): void {
  const t = target as unknown as Record<string, unknown>;
  const d = diff as unknown as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (key === 'id' || key === 'path' || key === 'sliceName') continue;
    if (key === 'constraint') {
      const existing = new Set((target.constraint ?? []).map((c) => c.key));
      target.constraint = [...(target.constraint ?? []), ...(diff.constraint ?? []).filter((c) => !existing.has(c.key))];
      continue;
    }
    if (key.startsWith('fixed') || key.startsWith('pattern')) {
      for (const k of Object.keys(t)) if ((k.startsWith('fixed') || k.startsWith('pattern')) && k !== key) delete t[k];
    }
    t[key] = structuredClone(d[key]);
  }
}
