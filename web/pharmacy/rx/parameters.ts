/** Reading the FHIR Parameters the e-prescription operations answer into plain values (no DOM, no React). */
export type Json = Record<string, unknown>;

export interface Param {
  name: string;
  part?: Param[];
  resource?: Json;
  [value: string]: unknown;
}

export interface Parameters {
  resourceType: 'Parameters';
  parameter?: Param[];
}

/** The value of a parameter (valueString, valueInteger …, or its resource). */
export function paramValue(p: Param | undefined): unknown {
  if (!p) return undefined;
  if (p.resource !== undefined) return p.resource;
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  return key ? p[key] : undefined;
}

export const partsOf = (p: Param | undefined, name: string): Param[] => (p?.part ?? []).filter((x) => x.name === name);
export const partValue = (p: Param | undefined, name: string): unknown => paramValue(partsOf(p, name)[0]);
export const all = (body: Parameters | undefined, name: string): Param[] => (body?.parameter ?? []).filter((p) => p.name === name);
export const first = (body: Parameters | undefined, name: string): unknown => paramValue(all(body, name)[0]);

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
