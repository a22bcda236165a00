/**
 * Reading the portal's `Parameters` answers (pure, no DOM): a repeated part (`consent`, `access`, `letter` …) becomes
 * a flat record of its sub-parts' values — strings, numbers, booleans and references as they come.
 */
import { type Param, param, paramValue, params } from '../clinic/reception/parameters.ts';

export type Flat = Record<string, string | number | boolean | undefined>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The top-level parameters of an answer (none when it is not a Parameters). */
export function topOf(body: unknown): Param[] {
  if (!isRecord(body) || body.resourceType !== 'Parameters' || !Array.isArray(body.parameter)) return [];
  return body.parameter.filter((p): p is Param => isRecord(p) && typeof p.name === 'string');
}

/** A value as a scalar: a Reference becomes its `reference`, a Coding its `code`. */
function scalar(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (isRecord(v) && typeof v.reference === 'string') return v.reference;
  if (isRecord(v) && typeof v.code === 'string') return v.code;
  return undefined;
}

/** Each `name` part as a flat record (its sub-parts by name; the first of a repeated one). */
export function flatParts(body: unknown, name: string): Flat[] {
  return params(topOf(body), name).map((p) => {
    const out: Flat = {};
    for (const sub of Array.isArray(p.part) ? p.part : []) if (out[sub.name] === undefined) out[sub.name] = scalar(paramValue(sub));
    return out;
  });
}

/** One top-level value. */
export const topValue = (body: unknown, name: string) => scalar(paramValue(param(topOf(body), name)));

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
