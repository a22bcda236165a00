/**
 * The FHIR REST interactions (http://hl7.org/fhir/R4/http.html) on the router: read, vread (both with `_summary` /
 * `_elements`; read also conditional: If-None-Match, If-Modified-Since), update, patch, delete, history (instance,
 * type, system), create, search (GET and POST _search, and in the patient compartment: `Patient/[id]/[type]`),
 * conditional create / update / patch / delete, batch and transaction. Bundle entries come through the same handlers
 * (with the transaction's session), so an interaction behaves the same whichever way it arrives.
 */
import { newId } from '../fhir/ids.ts';
import { FhirError } from '../fhir/errors.ts';
import { outcome } from '../fhir/outcome.ts';
import { assertResourceType } from '../fhir/resource-shape.ts';
import { decodeQueryString } from '../search/search-request.ts';
import { formPairs } from '../http/form-body.ts';
import { BundleProcessor } from '../store/bundle-processor.ts';
import { historyBundle, runHistory } from '../store/history.ts';
import type { Repository, WriteResult } from '../store/repository.ts';
import { conditionalTarget, runSearch, searchBundle, searchIds, type SearchOutput } from '../store/search-executor.ts';
import { etagOf, relativeRef, type StoredResource } from '../store/stored-resource.ts';
import { assertCompartmentType, clientSearchQuery, compartmentQuery } from './compartment.ts';
import { notModified } from './conditional-read.ts';
import type { FhirRequest, FhirResponse } from './fhir-request.ts';
import { patchResource } from './patch.ts';
import type { FhirRouter } from './router.ts';
import { requestedSubset, subsetText, type Subset } from './summary.ts';

export interface RestDeps {
  repo: Repository;
  capabilityStatement: () => object;
  /** Most entries in one batch or transaction (TSUNAGU_BUNDLE_MAX_ENTRIES; 413 above). */
  bundleMaxEntries?: number;
}

export function versionHeaders(s: StoredResource): Record<string, string> {
  return { etag: etagOf(s), 'last-modified': s.lastUpdated.toUTCString() };
}

/** The query of an If-None-Exist header (`[type]?` may lead), checked like a URL's query. */
export function ifNoneExistQuery(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const query = header.replace(/^[^?]*\?/, '');
  decodeQueryString(query, 'If-None-Exist');
  return query;
}

const lenient = (req: FhirRequest) => /handling=lenient/.test(req.headers.prefer ?? '');

/** The answer to a write: the resource, nothing (`Prefer: return=minimal`) or an OperationOutcome. */
export function written(req: FhirRequest, r: WriteResult): FhirResponse {
  const headers = { ...versionHeaders(r.stored), location: `${req.base}/${relativeRef(r.stored)}/_history/${r.stored.versionId}` };
  const prefer = req.headers.prefer ?? '';
  if (/return=minimal/.test(prefer)) return { status: r.status, headers, outcome: r.outcome };
  if (/return=OperationOutcome/i.test(prefer))
    return { status: r.status, headers, body: r.outcome ?? outcome([{ severity: 'information', code: 'informational', ja: '正常に処理しました', en: 'ok' }]) };
  return { status: r.status, headers, body: r.stored.content!, outcome: r.outcome };
}

/** The matches of a search reduced to the subset asked for (`_include`d resources stay whole). */
function subsetMatches(out: SearchOutput, subset: Subset | undefined): SearchOutput {
  if (!subset) return out;
  return { ...out, matches: out.matches.map((m) => ({ ...m, content: m.content && subsetText(m.content, subset) })) };
}

/** Search parameters of POST [type]/_search: the URL's query and the form body, repeated names kept. */
function searchQuery(req: FhirRequest): URLSearchParams {
  const query = new URLSearchParams(req.query);
  const body = req.body;
  const pairs = formPairs(body);
  if (pairs) for (const [k, v] of pairs) query.append(k, v);
  else if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') query.append(k, v);
  return query;
}

export function registerRestInteractions(router: FhirRouter, deps: RestDeps): void {
  const { repo } = deps;
  const typeOf = (params: Record<string, string>) => {
    assertResourceType(params.type);
    return params.type;
  };

  router.add('GET', 'metadata', async () => ({ status: 200, body: deps.capabilityStatement() }));

  router.add('POST', '', async (req) => {
    const ctx = await req.context();
    const limits = deps.bundleMaxEntries !== undefined ? { maxEntries: deps.bundleMaxEntries } : undefined;
    return { status: 200, body: await new BundleProcessor(repo, router, limits).process(ctx, req) };
  });

  router.add('GET', '_history', async (req) => {
    const hq = { params: req.query };
    return { status: 200, body: historyBundle(req.base, hq, await runHistory(repo, await req.context(), hq)) };
  });

  /** A search of `type` with the client's `query` (and the compartment's criterion when `patientId` is given). */
  const search = async (req: FhirRequest, type: string, query: URLSearchParams, patientId?: string): Promise<FhirResponse> => {
    const asked = clientSearchQuery(query, lenient(req));
    const subset = requestedSubset(type, asked, { lenient: lenient(req), search: true });
    const full = patientId === undefined ? asked : compartmentQuery(patientId, asked);
    const out = await runSearch(repo, await req.context(), type, full, { lenient: lenient(req) });
    const at = patientId === undefined ? type : `Patient/${patientId}/${type}`;
    return { status: 200, body: searchBundle(subsetMatches(out, subset), req.base, at, asked) };
  };
  router.add('GET', ':type', (req, p) => search(req, typeOf(p), req.query));
  router.add('POST', ':type/_search', (req, p) => search(req, typeOf(p), searchQuery(req)));
  // Compartment search: Patient/[id]/[type]?params.
  const compartmentType = (p: Record<string, string>) => {
    assertCompartmentType(p.type);
    return p.type;
  };
  router.add('GET', 'Patient/:id/:type', (req, p) => search(req, compartmentType(p), req.query, p.id));
  router.add('POST', 'Patient/:id/:type/_search', (req, p) => search(req, compartmentType(p), searchQuery(req), p.id));

  router.add('POST', ':type', async (req, p) => {
    const type = typeOf(p);
    const r = await repo.create(await req.context(), req.body, {
      type,
      ifNoneExist: ifNoneExistQuery(req.headers['if-none-exist']),
      session: req.entry?.session,
      id: req.entry?.assignedId,
      validated: req.entry?.validated,
    });
    return written(req, r);
  });

  // Conditional update: PUT [type]?criteria. No match: created, with the body's id if it has one, else a new one.
  router.add('PUT', ':type', async (req, p) => {
    const type = typeOf(p);
    const ctx = await req.context();
    const match = await conditionalTarget(repo, ctx, type, req.query, 'update', req.entry?.session);
    const body = req.body as Record<string, unknown> | undefined;
    const id = match?.id ?? (typeof body?.id === 'string' ? body.id : newId());
    const resource = body && typeof body === 'object' && body.id === undefined ? { ...body, id } : body;
    return written(
      req,
      await repo.update(ctx, type, id, resource, { ifMatch: req.headers['if-match'], session: req.entry?.session, validated: req.entry?.validated }),
    );
  });

  // Conditional patch: the one match among the caller's own records (none: 404; several: 412).
  router.add('PATCH', ':type', async (req, p) => {
    const type = typeOf(p);
    const matches = await searchIds(repo, await req.context(), req.entry?.session?.tx ?? repo.db, type, req.query);
    if (matches.length > 1)
      throw FhirError.of(412, 'multiple-matches', '条件に一致するリソースが複数あります', 'conditional patch matched more than one resource');
    if (matches.length === 0) throw FhirError.of(404, 'not-found', '条件に一致するリソースがありません', 'conditional patch matched no resource');
    return written(req, await patchResource(repo, req, type, matches[0].id));
  });

  // Conditional delete (a single match; none is not an error).
  router.add('DELETE', ':type', async (req, p) => {
    const type = typeOf(p);
    const ctx = await req.context();
    const match = await conditionalTarget(repo, ctx, type, req.query, 'delete', req.entry?.session);
    if (match) await repo.delete(ctx, type, match.id, { session: req.entry?.session });
    return { status: 204 };
  });

  router.add('GET', ':type/_history', async (req, p) => {
    const hq = { type: typeOf(p), params: req.query };
    return { status: 200, body: historyBundle(req.base, hq, await runHistory(repo, await req.context(), hq)) };
  });

  router.add('GET', ':type/:id', async (req, p) => {
    const subset = requestedSubset(typeOf(p), req.query);
    const s = await repo.read(await req.context(), p.type, p.id);
    const headers = versionHeaders(s);
    if (notModified(req.headers, s)) return { status: 304, headers };
    return { status: 200, body: subset ? subsetText(s.content!, subset) : s.content!, headers };
  });

  router.add('PUT', ':type/:id', async (req, p) =>
    written(
      req,
      await repo.update(await req.context(), p.type, p.id, req.body, {
        ifMatch: req.headers['if-match'],
        session: req.entry?.session,
        validated: req.entry?.validated,
      }),
    ),
  );

  router.add('PATCH', ':type/:id', async (req, p) => written(req, await patchResource(repo, req, p.type, p.id)));

  router.add('DELETE', ':type/:id', async (req, p) => {
    const deleted = await repo.delete(await req.context(), p.type, p.id, { session: req.entry?.session });
    return { status: 204, headers: deleted ? { etag: etagOf(deleted) } : undefined };
  });

  router.add('GET', ':type/:id/_history', async (req, p) => {
    const hq = { type: p.type, id: p.id, params: req.query };
    return { status: 200, body: historyBundle(req.base, hq, await runHistory(repo, await req.context(), hq)) };
  });

  router.add('GET', ':type/:id/_history/:vid', async (req, p) => {
    const subset = requestedSubset(typeOf(p), req.query);
    const s = await repo.vread(await req.context(), p.type, p.id, p.vid);
    return { status: 200, body: subset ? subsetText(s.content!, subset) : s.content!, headers: versionHeaders(s) };
  });
}

/** AuditEvent is served from the tamper-evident log, on every path (REST and Bundle entries); never written. */
export function registerAuditLog(router: FhirRouter, read: (req: FhirRequest, id: string | undefined) => Promise<string>): void {
  const readOnly = async (): Promise<FhirResponse> => {
    throw FhirError.of(405, 'not-supported', '監査記録は変更できません', 'AuditEvent is written by the platform only');
  };
  router.add('GET', 'AuditEvent', async (req) => ({ status: 200, body: await read(req, undefined) }));
  router.add('GET', 'AuditEvent/:id', async (req, p) => ({ status: 200, body: await read(req, p.id) }));
  for (const path of ['AuditEvent', 'AuditEvent/:id', 'AuditEvent/:id/_history', 'AuditEvent/:id/_history/:vid'])
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) router.add(method, path, readOnly);
}
