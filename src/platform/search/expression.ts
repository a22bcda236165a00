/**
 * Fast evaluation of search parameter expressions.
 *
 * The R4 SearchParameter expressions are FHIRPath, but almost all are unions of simple paths with a few
 * filters (`as Type`, `where(resolve() is Patient)`, `where(system='phone')`, `[0]`). Those are compiled to
 * plain property walks (fast enough for every write); anything else falls back to the `fhirpath` library.
 */
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4/index.js';

/** A value found by an expression; `type` is known when it came from a choice element (`valueQuantity`). */
export interface FoundValue {
  value: unknown;
  type?: string;
}

export type Evaluator = (resource: Record<string, unknown>) => FoundValue[];

type Step =
  | { kind: 'field'; name: string; index?: number }
  | { kind: 'as'; type: string }
  | { kind: 'resolveIs'; type: string }
  | { kind: 'whereEquals'; field: string; value: string };

const NAME = /^[a-z][A-Za-z0-9]*$/;

/** Splits on a separator that is not inside parentheses or quotes. */
function splitTopLevel(expr: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && expr.startsWith(sep, i)) {
      parts.push(expr.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts.map((p) => p.trim());
}

/** Compiles one union term into steps after its root type; undefined when not in the simple subset. */
function compileTerm(term: string): { root: string; steps: Step[] } | undefined {
  let t = term.trim();
  // `(X as Type)` optionally followed by `.more.path`
  const wrapped = /^\((.+) as ([A-Za-z]+)\)((?:\.[a-z][A-Za-z0-9]*)*)$/.exec(t);
  if (wrapped) t = `${wrapped[1]}.as(${wrapped[2]})${wrapped[3]}`;
  const segments = splitTopLevel(t, '.');
  const root = segments.shift();
  if (!root || !/^[A-Z][A-Za-z]+$/.test(root)) return undefined;
  const steps: Step[] = [];
  for (const seg of segments) {
    let m: RegExpExecArray | null;
    if ((m = /^([a-z][A-Za-z0-9]*)\[(\d+)\]$/.exec(seg))) steps.push({ kind: 'field', name: m[1], index: Number(m[2]) });
    else if (NAME.test(seg)) steps.push({ kind: 'field', name: seg });
    else if ((m = /^(?:as|ofType)\(([A-Za-z]+)\)$/.exec(seg))) steps.push({ kind: 'as', type: m[1] });
    else if ((m = /^where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/.exec(seg))) steps.push({ kind: 'resolveIs', type: m[1] });
    else if ((m = /^where\(([a-z][A-Za-z0-9]*) ?= ?'([^']*)'\)$/.exec(seg))) steps.push({ kind: 'whereEquals', field: m[1], value: m[2] });
    else return undefined;
  }
  return { root, steps };
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function pushAll(out: FoundValue[], v: unknown, type: string | undefined, index?: number) {
  if (Array.isArray(v)) {
    if (index !== undefined) {
      if (v[index] !== undefined && v[index] !== null) out.push({ value: v[index], type });
    } else for (const item of v) if (item !== undefined && item !== null) out.push({ value: item, type });
  } else if (v !== undefined && v !== null && (index === undefined || index === 0)) out.push({ value: v, type });
}

function applyStep(input: FoundValue[], step: Step): FoundValue[] {
  const out: FoundValue[] = [];
  switch (step.kind) {
    case 'field':
      for (const { value } of input) {
        if (typeof value !== 'object' || value === null) continue;
        const obj = value as Record<string, unknown>;
        if (step.name in obj) {
          pushAll(out, obj[step.name], undefined, step.index);
          continue;
        }
        // Choice element: `value[x]` is stored as `valueQuantity`, `valueString`, …
        for (const key in obj) {
          if (key.length > step.name.length && key.startsWith(step.name)) {
            const suffix = key.slice(step.name.length);
            if (suffix[0] >= 'A' && suffix[0] <= 'Z') pushAll(out, obj[key], suffix, step.index);
          }
        }
      }
      return out;
    case 'as': {
      const want = upperFirst(step.type);
      for (const v of input) if (v.type === undefined || v.type === want) out.push({ value: v.value, type: want });
      return out;
    }
    case 'resolveIs':
      for (const v of input) {
        const ref = (v.value as { reference?: unknown })?.reference;
        if (typeof ref === 'string' && (ref.startsWith(`${step.type}/`) || ref.includes(`/${step.type}/`))) out.push(v);
      }
      return out;
    case 'whereEquals':
      for (const v of input) if ((v.value as Record<string, unknown>)?.[step.field] === step.value) out.push(v);
      return out;
  }
}

const ABSTRACT_ROOTS = new Set(['Resource', 'DomainResource']);

/**
 * Compiles the part of `expression` that applies to `resourceType` (terms rooted at other types are dropped).
 * Returns undefined when no term applies.
 */
export function compileForType(expression: string, resourceType: string): Evaluator | undefined {
  const terms = splitTopLevel(expression, '|');
  const evaluators: Evaluator[] = [];
  for (const term of terms) {
    const compiled = compileTerm(term);
    if (compiled) {
      if (compiled.root !== resourceType && !ABSTRACT_ROOTS.has(compiled.root)) continue;
      const steps = compiled.steps;
      evaluators.push((resource) => steps.reduce<FoundValue[]>((acc, s) => applyStep(acc, s), [{ value: resource }]));
    } else {
      const rootMatch = /^\(?\s*([A-Z][A-Za-z]+)/.exec(term);
      if (rootMatch && rootMatch[1] !== resourceType && !ABSTRACT_ROOTS.has(rootMatch[1])) continue;
      evaluators.push(fallbackEvaluator(term));
    }
  }
  if (evaluators.length === 0) return undefined;
  if (evaluators.length === 1) return evaluators[0];
  return (resource) => evaluators.flatMap((e) => e(resource));
}

function fallbackEvaluator(term: string): Evaluator {
  const compiled = fhirpath.compile(term, r4model);
  return (resource) => {
    try {
      return (compiled(resource) as unknown[]).map((value) => ({ value }));
    } catch {
      return [];
    }
  };
}

/** The union terms of `expression` that apply to `resourceType`, whitespace-normalised. */
export function termsForType(expression: string, resourceType: string): string[] {
  return splitTopLevel(expression, '|')
    .map((t) => t.replace(/\s+/g, ' ').trim())
    .filter((t) => {
      const root = /^\(?\s*([A-Z][A-Za-z]+)/.exec(t)?.[1];
      return root === resourceType || (root !== undefined && ABSTRACT_ROOTS.has(root));
    });
}

/** Exposed for tests: whether a term is handled by the fast path. */
export function isFastPath(term: string): boolean {
  return compileTerm(term) !== undefined;
}
