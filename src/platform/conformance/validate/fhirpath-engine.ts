/**
 * FHIRPath evaluation of invariants (不変条件) with fhirpath.js (pinned 5.1.1) and the R4 model.
 * Each (base path, expression) pair is compiled once and cached for the life of the process.
 * Functions fhirpath.js lacks or cannot run synchronously are supplied here: htmlChecks(),
 * conformsTo(), memberOf() (local terminology) and resolve() (contained resources and Bundle
 * entries of the resource being validated).
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { htmlChecks1, htmlChecks2 } from './xhtml.ts';

/** What custom functions need from the validation in progress. */
export interface FhirPathHost {
  resolveReference(ref: string): unknown;
  conformsTo(value: unknown, profile: string): boolean | undefined;
  memberOf(system: string | undefined, code: string, valueSet: string): boolean | undefined;
}

type Compiled = (data: unknown, env?: Record<string, unknown>) => unknown[];

interface FpUtil {
  valData(v: unknown): unknown;
}

const util = (fhirpath as unknown as { util: FpUtil }).util;

let host: FhirPathHost | undefined;

const unwrap = (v: unknown): unknown => util.valData(v);

const userInvocationTable = {
  htmlChecks: {
    fn: (coll: unknown[]) => [
      coll.every((x) => {
        const v = unwrap(x);
        return typeof v !== 'string' || htmlChecks1(v);
      }),
    ],
  },
  htmlChecks2: {
    fn: (coll: unknown[]) => [
      coll.every((x) => {
        const v = unwrap(x);
        return typeof v !== 'string' || htmlChecks2(v);
      }),
    ],
  },
  conformsTo: {
    fn: (coll: unknown[], url: string) => {
      const results = coll.map((x) => host?.conformsTo(unwrap(x), url));
      if (results.some((r) => r === undefined)) return [];
      return [results.every(Boolean)];
    },
    arity: { 1: ['String'] },
  },
  memberOf: {
    fn: (coll: unknown[], vs: string) => {
      const out: boolean[] = [];
      for (const x of coll) {
        const v = unwrap(x) as unknown;
        const codings: { system?: string; code?: string }[] =
          typeof v === 'string'
            ? [{ code: v }]
            : v && typeof v === 'object' && Array.isArray((v as { coding?: unknown }).coding)
              ? (v as { coding: { system?: string; code?: string }[] }).coding
              : v && typeof v === 'object'
                ? [v as { system?: string; code?: string }]
                : [];
        let any: boolean | undefined = false;
        for (const c of codings) {
          if (!c.code) continue;
          const r = host?.memberOf(c.system, c.code, vs);
          if (r === true) {
            any = true;
            break;
          }
          if (r === undefined) any = undefined;
        }
        if (any === undefined) return [];
        out.push(any);
      }
      return out;
    },
    arity: { 1: ['String'] },
  },
  resolve: {
    // Receives fhirpath.js's nodes (not plain values) so that `#id` can find the reference's holder.
    internalStructures: true,
    fn: (coll: unknown[]) => {
      const out: unknown[] = [];
      for (const x of coll) {
        const v = unwrap(x);
        const ref = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { reference?: unknown }).reference : undefined;
        if (typeof ref !== 'string') continue;
        const target = (ref.startsWith('#') ? containedFrom(x, ref) : undefined) ?? host?.resolveReference(ref);
        if (target) out.push(asNode(x, target));
      }
      return out;
    },
  },
};

interface NodeLike {
  data?: unknown;
  parentResNode?: NodeLike | null;
}

const isJson = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A `#id` reference names a resource contained in the resource holding the reference — not in the
 * resource the expression started from (an invariant on a Bundle resolving an entry's `#p1`). The
 * holder is found by walking up fhirpath.js's node parents: the nearest resource, or its container
 * when that resource is itself contained.
 */
function containedFrom(x: unknown, ref: string): unknown {
  let n = isJson(x) ? (x as NodeLike).parentResNode : undefined;
  while (n && !(isJson(n.data) && typeof n.data.resourceType === 'string')) n = n.parentResNode;
  if (!n) return undefined;
  let holder = n.data as Record<string, unknown>;
  for (let p = n.parentResNode; p; p = p.parentResNode) {
    if (isJson(p.data) && typeof p.data.resourceType === 'string') {
      if (Array.isArray(p.data.contained) && p.data.contained.includes(holder)) holder = p.data;
      break;
    }
  }
  if (ref === '#') return holder;
  const id = ref.slice(1);
  return Array.isArray(holder.contained) ? holder.contained.find((c) => isJson(c) && c.id === id) : undefined;
}

interface NodeClass {
  makeResNode(ctx: unknown, data: unknown, parent: null, path: string, _data: null, type: string): unknown;
}

/** The target as a fhirpath.js node of its resource type (so that `resolve() is Patient` holds). */
function asNode(from: unknown, target: unknown): unknown {
  const cls = isJson(from) ? (from.constructor as unknown as Partial<NodeClass>) : undefined;
  const ctx = isJson(from) ? from.ctx : undefined;
  if (!cls?.makeResNode || !ctx || !isJson(target) || typeof target.resourceType !== 'string') return target;
  return cls.makeResNode(ctx, target, null, target.resourceType, null, target.resourceType);
}

const cache = new Map<string, Compiled | Error>();

function compiled(base: string, expression: string): Compiled | Error {
  const key = `${base}\u0000${expression}`;
  let fn = cache.get(key);
  if (!fn) {
    try {
      fn = fhirpath.compile({ base, expression }, r4, { userInvocationTable, traceFn: () => undefined } as never) as unknown as Compiled;
    } catch (e) {
      fn = e as Error;
    }
    cache.set(key, fn);
  }
  return fn;
}

export type InvariantResult = { ok: boolean } | { error: string };

/** The raw FHIRPath result (or the error) — the reference the fast path is tested against. */
export function evaluateRaw(
  expression: string,
  base: string,
  value: unknown,
  env: { resource: unknown; rootResource: unknown },
  currentHost: FhirPathHost,
): unknown[] | Error {
  const fn = compiled(base, expression);
  if (fn instanceof Error) return fn;
  const previous = host;
  host = currentHost;
  try {
    return fn(value, { resource: env.resource, rootResource: env.rootResource, context: value });
  } catch (e) {
    return e as Error;
  } finally {
    host = previous;
  }
}

/**
 * Evaluates a boolean invariant on `value` (the element at `base`). Only an explicit `false`
 * fails: an empty result (e.g. ref-1 on a Reference with only an identifier, or per-1 comparing
 * a date with a dateTime) is not a violation — the behaviour validators converge on in practice.
 */
export function evaluateInvariant(
  expression: string,
  base: string,
  value: unknown,
  env: { resource: unknown; rootResource: unknown },
  currentHost: FhirPathHost,
): InvariantResult {
  const fn = compiled(base, expression);
  evaluations.set(expression, (evaluations.get(expression) ?? 0) + 1);
  if (fn instanceof Error) return { error: `cannot compile: ${fn.message}` };
  const previous = host;
  host = currentHost;
  try {
    const res = fn(value, { resource: env.resource, rootResource: env.rootResource, context: value });
    if (res.length === 1 && typeof res[0] === 'boolean') return { ok: res[0] };
    return { ok: res.every((x) => x !== false) };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    host = previous;
  }
}

const evaluations = new Map<string, number>();

/** How often each expression was evaluated through FHIRPath in this process (for profiling). */
export function fhirPathEvaluationCounts(): Map<string, number> {
  return evaluations;
}

/** Number of compiled expressions held (for diagnostics). */
export function compiledExpressionCount(): number {
  return cache.size;
}
