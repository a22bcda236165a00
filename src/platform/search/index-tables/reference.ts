/**
 * sp_reference: literal references. A reference to a resource of this server (`Patient/23`) is stored as its type
 * and id, which chains, `_include` and `_revinclude` join on. Anything else is stored as the URL it is written as:
 * canonicals and `urn:` (no type, no id), and absolute URLs — `http://example.org/fhir/Patient/23` keeps the type it
 * names (so `patient=` and `:missing` still see a Patient) but no id: it is another server's Patient 23, not ours,
 * and only a search by that URL finds it.
 *
 * Every absolute URL counts as another server's, this server's own base included: the index does not know the
 * public base (TSUNAGU_PUBLIC_URL is optional, and would change what stored rows mean if it changed), and the
 * patient key (patient-key.ts) reads an absolute Patient URL the same way. Clients refer to this server's resources
 * as `Type/id`; transaction Bundles rewrite their fullUrls to that form.
 */
import { badRequest } from '../../fhir/errors.ts';
import { ID_PATTERN, parseReference } from '../../fhir/references.ts';
import { unescapeValue } from '../search-request.ts';
import { isObj, nonEmpty, type IndexTable } from './descriptor.ts';
import { textEquals } from './text-columns.ts';

export type ReferenceRows = { param: string[]; targetType: (string | null)[]; targetId: (string | null)[]; targetUrl: (string | null)[] };

export interface ReferenceTarget {
  /** The resource type the reference names (also of another server's resource). */
  type: string | null;
  /** Set only for a resource of this server. */
  id: string | null;
  /** The reference as written, when it is not `Type/id` of this server. */
  url: string | null;
}

const isAbsolute = (ref: string) => ref.includes('://');

/** What a reference text points to, as the index stores it. */
export function referenceTarget(ref: string): ReferenceTarget {
  const parsed = parseReference(ref);
  if (!parsed) return { type: null, id: null, url: ref };
  if (isAbsolute(ref)) return { type: parsed.resourceType, id: null, url: ref };
  return { type: parsed.resourceType, id: parsed.id, url: null };
}

export const referenceTable: IndexTable<ReferenceRows> = {
  type: 'reference',
  table: 'sp_reference',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    targetType: { name: 'target_type', cast: 'text[]' },
    targetId: { name: 'target_id', cast: 'text[]' },
    targetUrl: { name: 'target_url', cast: 'text[]', prefixed: true },
  },
  empty: () => ({ param: [], targetType: [], targetId: [], targetUrl: [] }),
  extract(rows, p, { value }) {
    const ref = typeof value === 'string' ? value : isObj(value) ? nonEmpty(value.reference) : null;
    if (!ref) return;
    const target = referenceTarget(ref);
    rows.param.push(p);
    rows.targetType.push(target.type);
    rows.targetId.push(target.id);
    rows.targetUrl.push(target.url);
  },
  condition(raw, modifier, p, a) {
    const v = unescapeValue(raw);
    const parsed = parseReference(v);
    const typeModifier = modifier && /^[A-Z]/.test(modifier) ? modifier : undefined;
    if (parsed && typeModifier && typeModifier !== parsed.resourceType)
      throw badRequest(`${raw} は :${typeModifier} と一致しません`, `'${raw}' does not match modifier :${typeModifier}`);
    if (parsed && !isAbsolute(v)) return `(${a}.target_type = ${p.add(parsed.resourceType)} AND ${a}.target_id = ${p.add(parsed.id)})`;
    if (!parsed && ID_PATTERN.test(v)) {
      const t = typeModifier ? ` AND ${a}.target_type = ${p.add(typeModifier)}` : '';
      return `(${a}.target_id = ${p.add(v)}${t})`;
    }
    // An absolute URL (stored with the type it names), a canonical, a urn.
    return textEquals(`${a}.target_url`, p, v);
  },
};
