/**
 * Reference resolution (参照解決) inside the resource being validated: `#id` to contained
 * resources, and `urn:uuid:` / `urn:oid:` / absolute / relative references to the entries of the
 * enclosing Bundle by their fullUrl (relative ones against the referring entry's base URL).
 */

export type Json = Record<string, unknown>;

export interface BundleIndex {
  type: string;
  byFullUrl: Map<string, Json>;
  /** `Type/id` → resource, for relative references when fullUrls are absolute. */
  byTypeAndId: Map<string, Json[]>;
}

export type ReferenceKind = 'contained' | 'uuid' | 'oid' | 'absolute' | 'relative' | 'invalid';

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const RESTFUL_ABSOLUTE = /^(https?:\/\/.+?\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;

export function referenceKind(ref: string): ReferenceKind {
  if (ref.startsWith('#')) return 'contained';
  if (ref.startsWith('urn:uuid:')) return UUID.test(withoutFragment(ref)) ? 'uuid' : 'invalid';
  if (ref.startsWith('urn:oid:')) return OID.test(withoutFragment(ref)) ? 'oid' : 'invalid';
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return /\s/.test(ref) ? 'invalid' : 'absolute';
  if (RELATIVE.test(ref)) return 'relative';
  return 'invalid';
}

/** The resource type a relative or RESTful absolute reference names, if it names one. */
export function typeInReference(ref: string): string | undefined {
  return RELATIVE.exec(ref)?.[1] ?? RESTFUL_ABSOLUTE.exec(ref)?.[2];
}

export function indexBundle(bundle: Json): BundleIndex {
  const byFullUrl = new Map<string, Json>();
  const byTypeAndId = new Map<string, Json[]>();
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  for (const e of entries) {
    if (!e || typeof e !== 'object') continue;
    const entry = e as Json;
    const res = entry.resource;
    if (!res || typeof res !== 'object' || Array.isArray(res)) continue;
    const r = res as Json;
    if (typeof entry.fullUrl === 'string') byFullUrl.set(stripHistory(entry.fullUrl), r);
    if (typeof r.resourceType === 'string' && typeof r.id === 'string') {
      const key = `${r.resourceType}/${r.id}`;
      const list = byTypeAndId.get(key) ?? [];
      list.push(r);
      byTypeAndId.set(key, list);
    }
  }
  return { type: typeof bundle.type === 'string' ? bundle.type : '', byFullUrl, byTypeAndId };
}

/** A URI without its `#fragment`. */
function withoutFragment(ref: string): string {
  const hash = ref.indexOf('#');
  return hash >= 0 ? ref.slice(0, hash) : ref;
}

function stripHistory(url: string): string {
  const i = url.indexOf('/_history/');
  return i >= 0 ? url.slice(0, i) : url;
}

/**
 * Resolves a reference from a resource (whose own fullUrl is `fromFullUrl`) in a Bundle.
 * Returns the target resource or undefined.
 */
export function resolveInBundle(bundle: BundleIndex, ref: string, fromFullUrl: string | undefined): Json | undefined {
  const hash = ref.indexOf('#');
  if (hash > 0) {
    // `urn:uuid:…#p1`: a resource contained in another entry.
    const holder = resolveInBundle(bundle, ref.slice(0, hash), fromFullUrl);
    return holder ? resolveContained(holder, ref.slice(hash)) : undefined;
  }
  const direct = bundle.byFullUrl.get(stripHistory(ref));
  if (direct) return direct;
  const rel = RELATIVE.exec(ref);
  if (!rel) return undefined;
  const key = `${rel[1]}/${rel[2]}`;
  const base = fromFullUrl ? RESTFUL_ABSOLUTE.exec(fromFullUrl)?.[1] : undefined;
  if (base) {
    const hit = bundle.byFullUrl.get(base + key);
    if (hit) return hit;
  }
  // Entries with RESTful fullUrls (any base) or with a matching Type/id.
  for (const [url, res] of bundle.byFullUrl) if (url.endsWith(`/${key}`)) return res;
  const byId = bundle.byTypeAndId.get(key);
  return byId?.length === 1 ? byId[0] : undefined;
}

/** The contained resource a `#id` reference names (`#` alone is the container itself). */
export function resolveContained(container: Json, ref: string): Json | undefined {
  if (ref === '#') return container;
  const id = ref.slice(1);
  const contained = Array.isArray(container.contained) ? container.contained : [];
  return contained.find((c) => c && typeof c === 'object' && (c as Json).id === id) as Json | undefined;
}
