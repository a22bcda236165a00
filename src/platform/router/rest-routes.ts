/**
 * The FHIR REST interactions (http://hl7.org/fhir/R4/http.html) on the router: read, vread, update, delete,
 * history (instance, type, system), create, search (GET and POST _search), conditional create / update / delete,
 * batch and transaction. Bundle entries come through the same handlers (with the transaction's session), so an
 * interaction behaves the same whichever way it arrives.
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
import { conditionalTarget, runSearch, searchBundle } from '../store/search-executor.ts';
import { etagOf, relativeRef, type StoredResource } from '../store/stored-resource.ts';
import type { FhirRequest, FhirResponse } from './fhir-request.ts';
import type { FhirRouter } from './router.ts';

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
function ifNoneExistQuery(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const query = header.replace(/^[^?]*\?/, '');
  decodeQueryString(query, 'If-None-Exist');
  return query;
}

const lenient = (req: FhirRequest) => /handling=lenient/.test(req.headers.prefer ?? '');

/** The answer to a write: the resource, nothing (`Prefer: return=minimal`) or an OperationOutcome. */
function written(req: FhirRequest, r: WriteResult): FhirResponse {
  const headers = { ...versionHeaders(r.stored), location: `${req.base}/${relativeRef(r.stored)}/_history/${r.stored.versionId}` };
  const prefer = req.headers.prefer ?? '';
  if (/return=minimal/.test(prefer)) return { status: r.status, headers, outcome: r.outcome };
  if (/return=OperationOutcome/i.test(prefer))
    return { status: r.status, headers, body: r.outcome ?? outcome([{ severity: 'information', code: 'informational', ja: '正常に処理しました', en: 'ok' }]) };
  return { status: r.status, headers, body: r.stored.content!, outcome: r.outcome };
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

  const search = async (req: FhirRequest, type: string, query: URLSearchParams): Promise<FhirResponse> => {
    const out = await runSearch(repo, await req.context(), type, query, { lenient: lenient(req) });
    return { status: 200, body: searchBundle(out, req.base, type, query) };
  };
  router.add('GET', ':type', (req, p) => search(req, typeOf(p), req.query));
  router.add('POST', ':type/_search', (req, p) => search(req, typeOf(p), searchQuery(req)));

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
    return written(req, await repo.update(ctx, type, id, resource, { ifMatch: req.headers['if-match'], session: req.entry?.session, validated: req.entry?.validated }));
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
    const s = await repo.read(await req.context(), p.type, p.id);
    const headers = versionHeaders(s);
    if (req.headers['if-none-match'] === headers.etag) return { status: 304, headers };
    return { status: 200, body: s.content!, headers };
  });

  router.add('PUT', ':type/:id', async (req, p) =>
    written(req, await repo.update(await req.context(), p.type, p.id, req.body, { ifMatch: req.headers['if-match'], session: req.entry?.session, validated: req.entry?.validated })),
  );

  router.add('DELETE', ':type/:id', async (req, p) => {
    const deleted = await repo.delete(await req.context(), p.type, p.id, { session: req.entry?.session });
    return { status: 204, headers: deleted ? { etag: etagOf(deleted) } : undefined };
  });

  router.add('GET', ':type/:id/_history', async (req, p) => {
    const hq = { type: p.type, id: p.id, params: req.query };
    return { status: 200, body: historyBundle(req.base, hq, await runHistory(repo, await req.context(), hq)) };
  });

  router.add('GET', ':type/:id/_history/:vid', async (req, p) => {
    const s = await repo.vread(await req.context(), p.type, p.id, p.vid);
    return { status: 200, body: s.content!, headers: versionHeaders(s) };
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
