/**
 * Children of an element for one concrete type, keyed by JSON property name. They come from the
 * snapshot when it lists them, from a content reference, or else from the type's definition (its
 * type profile when exactly one is given, otherwise the base data type). Choice elements are
 * expanded to one property per allowed type (`value[x]` → `valueQuantity`, `valueString`…).
 * Computed once per (element, type) and cached.
 */
import type { Definitions } from '../definitions.ts';
import type { ElementNode } from './element-node.ts';
import { choiceSuffix, isPrimitiveType } from './type-names.ts';

export interface ChildRef {
  node: ElementNode;
  /** Concrete type for choice properties (`Quantity` for `valueQuantity`). */
  type?: string;
}

export interface ChildIndex {
  byJsonName: Map<string, ChildRef>;
  /** Element nodes in definition order. */
  nodes: ElementNode[];
  /** Choice element by its JSON prefix (`value` → `value[x]`). */
  choices: Map<string, ElementNode>;
}

const EMPTY: ChildIndex = { byJsonName: new Map(), nodes: [], choices: new Map() };

export class ChildResolver {
  private readonly cache = new WeakMap<ElementNode, Map<string, ChildIndex>>();
  private readonly rootCache = new WeakMap<ElementNode, Map<string, ElementNode | null>>();

  constructor(private readonly defs: Definitions) {}

  index(node: ElementNode, type: string | undefined): ChildIndex {
    const key = type ?? '';
    let perType = this.cache.get(node);
    if (!perType) {
      perType = new Map();
      this.cache.set(node, perType);
    }
    let idx = perType.get(key);
    if (!idx) {
      let nodes = this.childNodes(node, type, 0);
      // The `_name` object of a primitive holds only id and extension: its value is the JSON `name`.
      if (node.path === node.id && isPrimitiveType(node.path)) nodes = nodes.filter((n) => n.name !== 'value');
      idx = nodes.length ? buildIndex(nodes) : EMPTY;
      perType.set(key, idx);
    }
    return idx;
  }

  /** The element the children come from when it is not `node` itself (content reference / type). */
  private childNodes(node: ElementNode, type: string | undefined, depth: number): ElementNode[] {
    if (node.children.length) return node.children;
    if (depth > 8) return [];
    if (node.contentReference) {
      const target = this.contentTarget(node);
      return target ? this.childNodes(target, type, depth + 1) : [];
    }
    const root = this.typeRoot(node, type);
    return root ? root.children : [];
  }

  /**
   * Root element of the definition a value of `type` at `node` follows: the single type profile when
   * there is exactly one (and it is loaded), otherwise the base definition of the type.
   */
  typeRoot(node: ElementNode, type: string | undefined): ElementNode | undefined {
    let perType = this.rootCache.get(node);
    if (!perType) {
      perType = new Map();
      this.rootCache.set(node, perType);
    }
    const key = type ?? '';
    let hit = perType.get(key);
    if (hit === undefined) {
      hit = this.findTypeRoot(node, type) ?? null;
      perType.set(key, hit);
    }
    return hit ?? undefined;
  }

  private findTypeRoot(node: ElementNode, type: string | undefined): ElementNode | undefined {
    const code = type ?? (node.types.length === 1 ? node.types[0].code : undefined);
    if (!code || code === 'Element' || code === 'BackboneElement') return undefined;
    const ref = node.typeRef(code);
    if (ref && ref.profiles.length === 1) {
      const p = this.defs.profile(ref.profiles[0], node.owner.source);
      if (p && p.type === code) return p.root;
    }
    return this.defs.baseType(code)?.root;
  }

  contentTarget(node: ElementNode): ElementNode | undefined {
    const ref = node.contentReference ?? '';
    const hash = ref.indexOf('#');
    const id = hash >= 0 ? ref.slice(hash + 1) : ref;
    const own = node.owner.byId.get(id);
    if (own) return own;
    const base = this.defs.baseType(id.split('.')[0]);
    return base?.byId.get(id);
  }
}

function buildIndex(nodes: ElementNode[]): ChildIndex {
  const byJsonName = new Map<string, ChildRef>();
  const choices = new Map<string, ElementNode>();
  for (const n of nodes) {
    if (n.isChoice) {
      choices.set(n.jsonName, n);
      for (const t of n.types) byJsonName.set(n.jsonName + choiceSuffix(t.code), { node: n, type: t.code });
    } else {
      byJsonName.set(n.jsonName, { node: n });
    }
  }
  return { byJsonName, nodes, choices };
}
