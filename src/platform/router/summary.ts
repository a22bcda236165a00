/**
 * Subsets of a resource for `_summary=true|text|data` and `_elements` (http://hl7.org/fhir/R4/search.html#summary,
 * #elements) on read, vread and the matches of a search; a subsetted resource carries the SUBSETTED tag. Which
 * elements are summary and which mandatory comes from the base R4 StructureDefinitions (ElementDefinition.isSummary,
 * min): `true` keeps the summary elements (inside backbone elements too) and the mandatory ones, `text` text, id,
 * meta and the mandatory top-level elements, `data` everything but text; `_elements` the named top-level elements
 * with id, meta and the mandatory ones.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import { baseDefinitionFile } from '../fhir/base-definitions.ts';
import { badRequest } from '../fhir/errors.ts';
import { parseElements, parseSummary, type SummaryMode } from '../search/search-request.ts';

/** What a response should be reduced to: a `_summary` mode or an `_elements` list. */
export type Subset = { summary: SummaryMode } | { elements: string[] };

export const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' } as const;

interface ElementFacts {
  summary: boolean;
  mandatory: boolean;
  /** A choice element (`value[x]`): JSON keys are the name followed by a type (`valueQuantity`). */
  choice: boolean;
}

/** Elements by parent path (`Observation`, `Observation.component`) and name. */
type TypeFacts = Map<string, Map<string, ElementFacts>>;

const facts = new Map<string, TypeFacts>();

function factsOf(type: string): TypeFacts {
  let out = facts.get(type);
  if (out) return out;
  out = new Map();
  const url = `http://hl7.org/fhir/StructureDefinition/${type}`;
  const sd = (baseDefinitionFile('profiles-resources.json').entry ?? []).map((e) => e.resource as StructureDefinition).find((r) => r?.url === url);
  for (const e of sd?.snapshot?.element ?? []) {
    const path = e.path ?? '';
    const dot = path.lastIndexOf('.');
    if (dot < 0) continue;
    const parent = path.slice(0, dot);
    const raw = path.slice(dot + 1);
    const choice = raw.endsWith('[x]');
    const children = out.get(parent) ?? new Map<string, ElementFacts>();
    children.set(choice ? raw.slice(0, -3) : raw, { summary: e.isSummary === true, mandatory: (e.min ?? 0) > 0, choice });
    out.set(parent, children);
  }
  facts.set(type, out);
  return out;
}

/** The element a JSON key holds (`valueQuantity` → `value`, `_birthDate` → `birthDate`), if the parent has it. */
function elementOf(children: Map<string, ElementFacts>, key: string): string | undefined {
  const name = key.startsWith('_') ? key.slice(1) : key;
  if (children.has(name)) return name;
  for (const [n, f] of children) if (f.choice && name.length > n.length && name.startsWith(n) && /[A-Z]/.test(name[n.length])) return n;
  return undefined;
}

/**
 * The subset a read's or search's query asks for (element names checked against `type`), or undefined for the whole
 * resource; `_summary` and `_elements` together are a 400. `search`: `_summary=count` is the search's business.
 */
export function requestedSubset(type: string, query: URLSearchParams, opts: { lenient?: boolean; search?: boolean } = {}): Subset | undefined {
  const summary = query.get('_summary');
  const elements = query.getAll('_elements');
  if (summary !== null && elements.length) throw badRequest('_summary と _elements は同時に指定できません', '_summary and _elements cannot be used together');
  if (elements.length) return { elements: checkElements(type, elements.flatMap(parseElements), opts) };
  const mode = summary === null ? undefined : parseSummary(summary, { lenient: opts.lenient, count: opts.search === true });
  return mode && mode !== 'count' ? { summary: mode } : undefined;
}

/** Element names of `_elements` checked against the type (`Patient.name` and `name` alike); unknown ones are a 400. */
function checkElements(type: string, names: string[], opts: { lenient?: boolean }): string[] {
  const top = factsOf(type).get(type) ?? new Map<string, ElementFacts>();
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.startsWith(`${type}.`) ? raw.slice(type.length + 1) : raw;
    if (top.has(name)) out.push(name);
    else if (!opts.lenient)
      throw badRequest(`_elements の ${raw.slice(0, 60)} は ${type} の要素ではありません`, `_elements: '${raw.slice(0, 60)}' is not an element of ${type}`, [
        '_elements',
      ]);
  }
  return out;
}

/** Keeps, in `node` (an element at `path`), the children that are summary or mandatory; recursing into backbone elements. */
function keepSummary(node: Record<string, unknown>, path: string, all: TypeFacts): Record<string, unknown> {
  const children = all.get(path);
  if (!children) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'resourceType') {
      out[key] = value;
      continue;
    }
    const name = elementOf(children, key);
    const f = name === undefined ? undefined : children.get(name);
    if (!f || !(f.summary || f.mandatory)) continue;
    const childPath = `${path}.${name}`;
    if (!all.has(childPath)) out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map((v) => (v && typeof v === 'object' ? keepSummary(v as Record<string, unknown>, childPath, all) : v));
    else out[key] = value && typeof value === 'object' ? keepSummary(value as Record<string, unknown>, childPath, all) : value;
  }
  return out;
}

/** The resource reduced to the subset, tagged SUBSETTED. */
export function subsetResource(resource: Record<string, unknown>, subset: Subset): Record<string, unknown> {
  const type = resource.resourceType as string;
  const all = factsOf(type);
  const top = all.get(type) ?? new Map<string, ElementFacts>();
  let out: Record<string, unknown>;
  if ('elements' in subset) {
    const wanted = new Set(['id', 'meta', ...subset.elements]);
    out = pick(resource, top, (name, f) => wanted.has(name) || f.mandatory);
  } else if (subset.summary === 'data') {
    const { text: _text, ...rest } = resource;
    void _text;
    out = rest;
  } else if (subset.summary === 'text') {
    out = pick(resource, top, (name, f) => name === 'id' || name === 'meta' || name === 'text' || f.mandatory);
  } else {
    out = keepSummary(resource, type, all);
  }
  const meta = { ...((out.meta as Record<string, unknown> | undefined) ?? {}) };
  const tags = Array.isArray(meta.tag) ? (meta.tag as { system?: string; code?: string }[]) : [];
  if (!tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) meta.tag = [...tags, { ...SUBSETTED }];
  return { ...out, meta };
}

function pick(resource: Record<string, unknown>, top: Map<string, ElementFacts>, keep: (name: string, f: ElementFacts) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { resourceType: resource.resourceType };
  for (const [key, value] of Object.entries(resource)) {
    const name = elementOf(top, key);
    const f = name === undefined ? undefined : top.get(name);
    if (name !== undefined && f && keep(name, f)) out[key] = value;
  }
  return out;
}

/** Stored JSON text subsetted, as JSON text. */
export function subsetText(content: string, subset: Subset): string {
  return JSON.stringify(subsetResource(JSON.parse(content) as Record<string, unknown>, subset));
}
