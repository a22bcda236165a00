/**
 * Index of canonical resources (StructureDefinition, ValueSet, CodeSystem) by URL and version.
 * A reference may carry a version (`url|version`, as in `meta.profile`); without one the newest
 * version wins, and between equal versions the package loaded later wins (the operator's order).
 */

export interface CanonicalEntry<T> {
  url: string;
  version?: string;
  resource: T;
  /** Package id (`name#version`) the resource came from. */
  source: string;
  /** Load order, used to break ties. */
  order: number;
}

export function splitCanonical(ref: string): { url: string; version?: string } {
  const bar = ref.indexOf('|');
  if (bar < 0) return { url: ref };
  return { url: ref.slice(0, bar), version: ref.slice(bar + 1) || undefined };
}

/** Compares dotted versions numerically where possible (`1.10.0` > `1.9`). Missing version sorts first. */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** True when `wanted` names `actual`: equal, or a leading part of it (`1` matches `1.0.2`). */
export function versionMatches(wanted: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return actual === wanted || actual.startsWith(`${wanted}.`);
}

export class CanonicalIndex<T> {
  private readonly byUrl = new Map<string, CanonicalEntry<T>[]>();
  private order = 0;

  add(url: string, version: string | undefined, resource: T, source: string): void {
    const list = this.byUrl.get(url) ?? [];
    list.push({ url, version, resource, source, order: this.order++ });
    list.sort((x, y) => compareVersions(x.version, y.version) || x.order - y.order);
    this.byUrl.set(url, list);
  }

  /**
   * Resolves `url` or `url|version`; undefined when not loaded (or not in that version). When the
   * same URL comes from several packages, `preferSource` (the package of the definition that makes
   * the reference) wins: an IG is validated with its own copy of a shared definition.
   */
  resolve(ref: string, preferSource?: string): CanonicalEntry<T> | undefined {
    const { url, version } = splitCanonical(ref);
    const list = this.byUrl.get(url);
    if (!list?.length) return undefined;
    if (preferSource && list.length > 1) {
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i];
        if (e.source === preferSource && (version === undefined || versionMatches(version, e.version))) return e;
      }
    }
    if (version === undefined) return list[list.length - 1];
    for (let i = list.length - 1; i >= 0; i--) if (versionMatches(version, list[i].version)) return list[i];
    return undefined;
  }

  get(ref: string, preferSource?: string): T | undefined {
    return this.resolve(ref, preferSource)?.resource;
  }

  /** Every loaded version of a URL. */
  all(ref: string): T[] {
    return (this.byUrl.get(splitCanonical(ref).url) ?? []).map((e) => e.resource);
  }

  /** True when some version of the URL is loaded (even if not the requested one). */
  hasUrl(ref: string): boolean {
    return this.byUrl.has(splitCanonical(ref).url);
  }

  versionsOf(ref: string): (string | undefined)[] {
    return (this.byUrl.get(splitCanonical(ref).url) ?? []).map((e) => e.version);
  }

  /** The newest entry of every URL. */
  *latest(): IterableIterator<CanonicalEntry<T>> {
    for (const list of this.byUrl.values()) yield list[list.length - 1];
  }

  get size(): number {
    return this.byUrl.size;
  }
}
