/**
 * `Patient/[id]/$everything` (http://hl7.org/fhir/R4/patient-operation-everything.html): the Patient and every
 * resource of their compartment the caller may read, as one searchset paged with `_count` and `_offset`. It is a
 * sequence of ordinary compartment searches — the Patient, then each compartment type alphabetically — so the
 * access policy, the SQL visibility and the audit log are those of search: another organisation's records without a
 * basis are absent (not counted, not paged), a patient sees only their own. Types the token may not search are left
 * out. `start` / `end` filter on each type's `date` search parameter (types without one are not filtered), `_since`
 * on the last update, `_type` chooses the types. The definition is HL7's with `_offset` added for the paging links.
 */
import { TSUNAGU_CANONICAL } from '../fhir/canonical.ts';
import { badRequest, forbidden } from '../fhir/errors.ts';
import { pagingParam } from '../search/search-request.ts';
import { bundleText } from '../store/bundle-text.ts';
import type { Repository } from '../store/repository.ts';
import { runSearch } from '../store/search-executor.ts';
import { relativeRef, type StoredResource } from '../store/stored-resource.ts';
import { compartmentQuery, patientCompartmentTypes } from './compartment.ts';
import type { OperationHandler } from './operations/operation-registry.ts';
import type { OperationSpec } from './operations/operation-spec.ts';

/** Entries per page when `_count` is not given. */
export const EVERYTHING_DEFAULT_COUNT = 100;

export const EVERYTHING_SPEC: OperationSpec = {
  id: 'Patient-everything',
  code: 'everything',
  url: `${TSUNAGU_CANONICAL}/OperationDefinition/Patient-everything`,
  title: '患者の全情報 / Everything about a patient',
  description:
    'The Patient and every resource of the patient compartment the caller may read (the same access rules as search), ' +
    'as a searchset: the Patient first, then each type alphabetically; paged with _count and _offset (next / previous links). ' +
    'HL7 Patient-everything with _offset added for paging.',
  system: false,
  resource: ['Patient'],
  type: false,
  instance: true,
  affectsState: false,
  parameters: [
    {
      name: 'start',
      use: 'in',
      min: 0,
      max: '1',
      type: 'date',
      documentation: 'care dates from this date: the date search parameter (ge) of each type that has one',
    },
    {
      name: 'end',
      use: 'in',
      min: 0,
      max: '1',
      type: 'date',
      documentation: 'care dates up to this date: the date search parameter (le) of each type that has one',
    },
    { name: '_since', use: 'in', min: 0, max: '1', type: 'instant', documentation: 'only resources updated at or after this instant' },
    { name: '_type', use: 'in', min: 0, max: '*', type: 'code', documentation: 'only these resource types (repeated or comma-separated)' },
    { name: '_count', use: 'in', min: 0, max: '1', type: 'integer', documentation: `entries per page (default ${EVERYTHING_DEFAULT_COUNT}, at most 1000)` },
    { name: '_offset', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'the first entry of the page (set in the next and previous links)' },
    { name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'a searchset Bundle' },
  ],
};

interface Criteria {
  start?: string;
  end?: string;
  since?: string;
}

export function everythingHandler(repo: Repository): OperationHandler {
  return async ({ req, context, input, id }) => {
    const ctx = await context();
    const patientId = id!;
    const count = pagingParam('_count', input.string('_count') ?? String(EVERYTHING_DEFAULT_COUNT));
    const offset = pagingParam('_offset', input.string('_offset') ?? '0');
    const criteria: Criteria = { start: input.string('start'), end: input.string('end'), since: input.string('_since') };
    const asked = input
      .strings('_type')
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
    for (const t of asked)
      if (!patientCompartmentTypes().includes(t))
        throw badRequest(
          `_type の ${t.slice(0, 40)} は患者コンパートメントの型ではありません`,
          `_type: '${t.slice(0, 40)}' is not a type of the Patient compartment`,
          ['Parameters._type'],
        );
    const types = patientCompartmentTypes()
      .filter((t) => asked.length === 0 || asked.includes(t))
      .filter((t) => repo.deps.policy.scopeDecision(ctx, t, 'search').allow);
    if (types.length === 0)
      throw forbidden('患者コンパートメントの検索権限がありません', "the token's scopes allow searching no type of the Patient compartment");

    const page: StoredResource[] = [];
    let skip = offset;
    let more = false;
    let total = 0;
    for (const type of types) {
      const want = count - page.length;
      const q = compartmentQuery(patientId, new URLSearchParams());
      const hasDate = repo.deps.registry.get(type, 'date')?.type === 'date';
      if (criteria.start && hasDate) q.append('date', `ge${criteria.start}`);
      if (criteria.end && hasDate) q.append('date', `le${criteria.end}`);
      if (criteria.since) q.append('_lastUpdated', `ge${criteria.since}`);
      q.set('_count', String(want));
      if (want > 0 && skip > 0) q.set('_offset', String(skip));
      q.set('_total', 'accurate');
      const out = await runSearch(repo, ctx, type, q);
      const n = out.total ?? 0;
      page.push(...out.matches);
      total += n;
      // Rows of this type beyond the page, or (page full) any row of a later type: there is a next page.
      if (want > 0 ? n > skip + out.matches.length : n > 0) more = true;
      skip = Math.max(0, skip - n);
      if (more && count > 0) break;
    }

    const link = (at: number) => {
      const q = new URLSearchParams();
      if (criteria.start) q.set('start', criteria.start);
      if (criteria.end) q.set('end', criteria.end);
      if (criteria.since) q.set('_since', criteria.since);
      if (asked.length) q.set('_type', asked.join(','));
      q.set('_count', String(count));
      if (at > 0) q.set('_offset', String(at));
      return `${req.base}/Patient/${patientId}/$everything?${q}`;
    };
    const links = [{ relation: 'self', url: link(offset) }];
    if (offset > 0 && count > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - count)) });
    if (more && count > 0) links.push({ relation: 'next', url: link(offset + count) });
    const head: Record<string, unknown> = { type: 'searchset' };
    if (!more || count === 0) head.total = total;
    head.link = links;
    const entries = page.map((m) => ({ fullUrl: `${req.base}/${relativeRef(m)}`, resource: m.content, extra: { search: { mode: 'match' } } }));
    return { status: 200, body: bundleText(head, entries) };
  };
}
