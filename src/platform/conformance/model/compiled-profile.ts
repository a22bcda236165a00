/**
 * A StructureDefinition compiled into an element tree: children by name, slices attached to the
 * element they slice. Built once from the snapshot (スナップショット) and cached by the Definitions.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { ElementNode } from './element-node.ts';

export class CompiledProfile {
  readonly url: string;
  readonly version?: string;
  readonly name: string;
  /** The type it constrains (`Observation`, `Extension`, `Quantity`…). */
  readonly type: string;
  readonly kind: string;
  readonly derivation: 'specialization' | 'constraint';
  readonly baseDefinition?: string;
  readonly abstract: boolean;
  readonly root: ElementNode;
  readonly byId = new Map<string, ElementNode>();
  /** Canonical URLs of this profile and every profile it derives from (its ancestors). */
  ancestors = new Set<string>();
  /** Package the definition came from. */
  readonly source: string;

  constructor(sd: StructureDefinition, elements: ElementDefinition[], source: string) {
    this.url = sd.url ?? '';
    this.version = sd.version;
    this.name = sd.name ?? sd.id ?? this.url;
    this.type = sd.type ?? '';
    this.kind = sd.kind ?? '';
    this.derivation = sd.derivation === 'constraint' ? 'constraint' : 'specialization';
    this.baseDefinition = sd.baseDefinition;
    this.abstract = sd.abstract === true;
    this.source = source;
    if (!elements.length) throw new Error(`StructureDefinition ${this.url} has no elements`);
    this.root = this.buildTree(elements);
  }

  get canonical(): string {
    return this.version ? `${this.url}|${this.version}` : this.url;
  }

  /** True when this profile is, or derives from, the given canonical URL. */
  derivesFrom(url: string): boolean {
    return this.ancestors.has(url);
  }

  private buildTree(elements: ElementDefinition[]): ElementNode {
    let root: ElementNode | undefined;
    for (const ed of elements) {
      const node = new ElementNode(ed);
      node.owner = this;
      if (!root) {
        root = node;
        this.byId.set(node.id, node);
        continue;
      }
      this.byId.set(node.id, node);
      const lastSeg = lastSegment(node.id);
      const colon = lastSeg.indexOf(':');
      if (colon >= 0 && node.sliceName !== undefined) {
        // A slice: attach to the element it slices (for `a:s1/s2` reslices, the slice `a:s1` when present).
        const parentPrefix = node.id.slice(0, node.id.length - lastSeg.length);
        const elementName = lastSeg.slice(0, colon);
        const sliceName = lastSeg.slice(colon + 1);
        let sliced: ElementNode | undefined;
        const slash = sliceName.lastIndexOf('/');
        if (slash > 0) sliced = this.byId.get(`${parentPrefix}${elementName}:${sliceName.slice(0, slash)}`);
        sliced ??= this.byId.get(`${parentPrefix}${elementName}`);
        if (sliced) {
          node.slicedFrom = sliced;
          sliced.slices.push(node);
          continue;
        }
      }
      const parent = this.findParent(node.id);
      if (parent) parent.children.push(node);
    }
    return root as ElementNode;
  }

  /** The element whose id is the longest proper prefix of `id` ending at a segment boundary. */
  private findParent(id: string): ElementNode | undefined {
    let end = id.lastIndexOf('.');
    while (end > 0) {
      const found = this.byId.get(id.slice(0, end));
      if (found) return found;
      end = id.lastIndexOf('.', end - 1);
    }
    return undefined;
  }
}

/** Last `.`-separated segment of an element id (`Observation.code.coding:local` → `coding:local`). */
function lastSegment(id: string): string {
  const dot = id.lastIndexOf('.');
  return dot < 0 ? id : id.slice(dot + 1);
}
