/**
 * Discriminator paths (スライス判別子): the restricted FHIRPath that slicing uses — element names,
 * `$this`, `extension('url')`, `resolve()` and `ofType(T)` — evaluated both on an instance value
 * and on a slice's definition.
 */
import type { ChildResolver } from '../model/child-index.ts';
import type { ElementNode } from '../model/element-node.ts';
import type { Definitions } from '../definitions.ts';
import { choiceSuffix, PRIMITIVE_TYPES } from '../model/type-names.ts';

export type Segment =
  | { kind: 'this' }
  | { kind: 'name'; name: string }
  | { kind: 'extension'; url: string }
  | { kind: 'resolve' }
  | { kind: 'ofType'; type: string };

const parsed = new Map<string, Segment[]>();

export function parseDiscriminatorPath(path: string): Segment[] {
  let segs = parsed.get(path);
  if (segs) return segs;
  segs = [];
  for (const raw of splitTopLevel(path)) {
    const s = raw.trim();
    if (s === '$this' || s === '') segs.push({ kind: 'this' });
    else if (s === 'resolve()') segs.push({ kind: 'resolve' });
    else if (/^extension\(/.test(s)) segs.push({ kind: 'extension', url: s.replace(/^extension\(\s*['"]/, '').replace(/['"]\s*\)$/, '') });
    else if (/^ofType\(/.test(s)) segs.push({ kind: 'ofType', type: s.slice(7, -1).trim() });
    else segs.push({ kind: 'name', name: s });
  }
  parsed.set(path, segs);
  return segs;
}

function splitTopLevel(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = '';
  for (const ch of path) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '.' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** An instance value with the FHIR type it has where it was found (when known). */
export interface TypedInstance {
  value: unknown;
  type?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function flatten(v: unknown, type: string | undefined, out: TypedInstance[]): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) for (const x of v) flatten(x, type, out);
  else out.push({ value: v, type: type ?? (isObj(v) && typeof v.resourceType === 'string' ? v.resourceType : undefined) });
}

/** Values at a discriminator path in an instance (collections flattened). */
export function instanceValuesAt(start: TypedInstance, segs: Segment[], resolve: (ref: string) => unknown): TypedInstance[] {
  let cur: TypedInstance[] = [start];
  for (const seg of segs) {
    const next: TypedInstance[] = [];
    for (const item of cur) {
      const v = item.value;
      switch (seg.kind) {
        case 'this':
          next.push(item);
          break;
        case 'resolve': {
          const ref = typeof v === 'string' ? v : isObj(v) ? v.reference : undefined;
          if (typeof ref === 'string') {
            const target = resolve(ref);
            if (isObj(target)) next.push({ value: target, type: String(target.resourceType) });
          }
          break;
        }
        case 'extension':
          if (isObj(v) && Array.isArray(v.extension)) {
            for (const x of v.extension) if (isObj(x) && x.url === seg.url) next.push({ value: x, type: 'Extension' });
          }
          break;
        case 'ofType':
          if (item.type === seg.type || (isObj(v) && v.resourceType === seg.type)) next.push(item);
          break;
        case 'name':
          if (isObj(v)) {
            if (v[seg.name] !== undefined) flatten(v[seg.name], undefined, next);
            else {
              // choice element: `value` finds `valueQuantity` etc.
              for (const k in v) {
                if (k.length > seg.name.length && k.startsWith(seg.name) && /[A-Z]/.test(k[seg.name.length])) {
                  const t = k.slice(seg.name.length);
                  const type = /^[A-Z][a-z]/.test(t) && isPrimitiveSuffix(t) ? t[0].toLowerCase() + t.slice(1) : t;
                  flatten(v[k], type, next);
                }
              }
            }
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

const PRIMITIVE_SUFFIXES = new Set([...PRIMITIVE_TYPES].map(choiceSuffix));

function isPrimitiveSuffix(s: string): boolean {
  return PRIMITIVE_SUFFIXES.has(s);
}

/** A definition reached by walking a discriminator path from a slice. */
export interface DefinitionAt {
  node: ElementNode;
  type?: string;
  /** Set when the path went through resolve(): the Reference's target profiles. */
  viaResolve?: boolean;
}

/** Walks a discriminator path through a slice's definition (children, type profiles, extension slices). */
export function definitionAt(start: ElementNode, segs: Segment[], children: ChildResolver, defs: Definitions): DefinitionAt | undefined {
  let cur: DefinitionAt = { node: start, type: start.types.length === 1 ? start.types[0].code : undefined };
  for (const seg of segs) {
    switch (seg.kind) {
      case 'this':
        break;
      case 'resolve':
        cur = { ...cur, viaResolve: true };
        break;
      case 'ofType':
        cur = { ...cur, type: seg.type };
        break;
      case 'extension': {
        const extNode = children.index(cur.node, cur.type).byJsonName.get('extension')?.node;
        const slice = extNode?.slices.find((s) => s.types.some((t) => t.profiles.some((p) => p.split('|')[0] === seg.url)));
        if (slice) {
          cur = { node: slice, type: 'Extension' };
          break;
        }
        const root = defs.profile(seg.url, start.owner.source)?.root;
        if (!root) return undefined;
        cur = { node: root, type: 'Extension' };
        break;
      }
      case 'name': {
        const idx = children.index(cur.node, cur.type);
        const direct = idx.byJsonName.get(seg.name);
        if (direct && !direct.type) {
          cur = { node: direct.node, type: direct.node.types.length === 1 ? direct.node.types[0].code : undefined };
          break;
        }
        const choice = idx.choices.get(seg.name);
        if (!choice) return undefined;
        cur = { node: choice, type: choice.types.length === 1 ? choice.types[0].code : undefined };
        break;
      }
    }
  }
  return cur;
}
