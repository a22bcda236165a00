/** The FHIR REST interactions at `/fhir` (http://hl7.org/fhir/R4/http.html). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../auth/principal.ts';
import { outcome } from '../fhir/outcome.ts';
import { assertResourceType } from '../fhir/resource-shape.ts';
import { BundleProcessor } from '../store/bundle-processor.ts';
import { historyBundle, runHistory } from '../store/history.ts';
import type { Repository, WriteResult } from '../store/repository.ts';
import { newId } from '../fhir/ids.ts';
import { conditionalTarget, runSearch, searchBundle } from '../store/search-executor.ts';
import { etagOf, relativeRef, type StoredResource } from '../store/stored-resource.ts';
import { sendFhir } from './fhir-json.ts';
import { formPairs } from './form-body.ts';
import { decodeQueryString } from '../search/search-request.ts';
import { authenticate } from './request-context.ts';
import { readAuditLog } from './audit-routes.ts';
import type { AccessTokens } from '../auth/access-tokens.ts';

export interface FhirRouteDeps {
  repo: Repository;
  tokens: AccessTokens;
  /** Public base of the FHIR API, e.g. https://tsunagu.example.jp/fhir; derived from the request when unset. */
  baseUrl?: string;
  capabilityStatement: () => object;
  /** Most entries in one batch or transaction (TSUNAGU_BUNDLE_MAX_ENTRIES; 413 above). */
  bundleMaxEntries?: number;
}

type Params = { type: string; id: string; vid: string };

function queryOf(request: FastifyRequest): URLSearchParams {
  const i = request.url.indexOf('?');
  return new URLSearchParams(i >= 0 ? request.url.slice(i + 1) : '');
}

/** The query of an If-None-Exist header (`[type]?` may lead), checked like a URL's query. */
function ifNoneExistQuery(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const query = header.replace(/^[^?]*\?/, '');
  decodeQueryString(query, 'If-None-Exist');
  return query;
}

function versionHeaders(s: StoredResource): Record<string, string> {
  return { etag: etagOf(s), 'last-modified': s.lastUpdated.toUTCString() };
}

function lenient(request: FastifyRequest): boolean {
  return /handling=lenient/.test(String(request.headers.prefer ?? ''));
}

/** Prefer: return=minimal | representation | OperationOutcome */
function sendWrite(request: FastifyRequest, reply: FastifyReply, r: WriteResult, base: string) {
  const headers = {
    ...versionHeaders(r.stored),
    location: `${base}/${relativeRef(r.stored)}/_history/${r.stored.versionId}`,
  };
  const prefer = String(request.headers.prefer ?? '');
  if (/return=minimal/.test(prefer)) return reply.code(r.status).headers(headers).send();
  if (/return=OperationOutcome/i.test(prefer))
    return sendFhir(reply, r.status, r.outcome ?? outcome([{ severity: 'information', code: 'informational', ja: '正常に処理しました', en: 'ok' }]), headers);
  return sendFhir(reply, r.status, r.stored.content!, headers);
}

export async function fhirRoutes(app: FastifyInstance, deps: FhirRouteDeps): Promise<void> {
  const { repo } = deps;
  const auditDeps = { db: repo.db, tokens: deps.tokens, readAudit: repo.deps.readAudit, repo };
  const baseOf = (request: FastifyRequest) => deps.baseUrl ?? `${request.protocol}://${request.host}/fhir`;
  const ctxOf = (request: FastifyRequest) => authenticate(request, deps.tokens);

  /** Read or search given a relative URL; used by GET entries of Bundles. */
  const getByUrl = async (ctx: RequestContext, url: string, base: string) => {
    const [path, qs] = url.split('?', 2) as [string, string | undefined];
    const [type, id] = path.split('/');
    assertResourceType(type);
    // The audit log is served from its own tables, as by GET /fhir/AuditEvent.
    if (type === 'AuditEvent') return { status: 200, body: await readAuditLog(auditDeps, ctx, id || undefined, new URLSearchParams(qs ?? ''), base) };
    if (id) {
      const s = await repo.read(ctx, type, id);
      return { status: 200, body: s.content! };
    }
    const query = new URLSearchParams(qs ?? '');
    const out = await runSearch(repo, ctx, type, query);
    return { status: 200, body: searchBundle(out, base, type, query) };
  };

  app.get('/fhir/metadata', async (_request, reply) => sendFhir(reply, 200, deps.capabilityStatement()));

  app.post('/fhir', async (request, reply) => {
    const ctx = await ctxOf(request);
    const base = baseOf(request);
    const limits = deps.bundleMaxEntries !== undefined ? { maxEntries: deps.bundleMaxEntries } : undefined;
    const processor = new BundleProcessor(repo, (c, url) => getByUrl(c, url, base), limits);
    const result = await processor.process(ctx, request.body, base);
    return sendFhir(reply, 200, result);
  });

  app.get('/fhir/_history', async (request, reply) => {
    const ctx = await ctxOf(request);
    const hq = { params: queryOf(request) };
    return sendFhir(reply, 200, historyBundle(baseOf(request), hq, await runHistory(repo, ctx, hq)));
  });

  const search = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, query: URLSearchParams) => {
    const ctx = await ctxOf(request);
    const { type } = request.params;
    assertResourceType(type);
    const out = await runSearch(repo, ctx, type, query, { lenient: lenient(request) });
    return sendFhir(reply, 200, searchBundle(out, baseOf(request), type, query));
  };

  app.get<{ Params: Params }>('/fhir/:type', (request, reply) => search(request, reply, queryOf(request)));

  app.post<{ Params: Params }>('/fhir/:type/_search', (request, reply) => {
    const query = queryOf(request);
    const body = request.body;
    const pairs = formPairs(body);
    if (pairs) for (const [k, v] of pairs) query.append(k, v); // a form body, repeated parameters kept
    else if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') query.append(k, v);
    }
    return search(request, reply, query);
  });

  app.post<{ Params: Params }>('/fhir/:type', async (request, reply) => {
    const ctx = await ctxOf(request);
    const { type } = request.params;
    assertResourceType(type);
    const r = await repo.create(ctx, request.body, { type, ifNoneExist: ifNoneExistQuery(request.headers['if-none-exist']) });
    return sendWrite(request, reply, r, baseOf(request));
  });

  // Conditional update: PUT /fhir/Patient?identifier=…
  app.put<{ Params: Params }>('/fhir/:type', async (request, reply) => {
    const ctx = await ctxOf(request);
    const { type } = request.params;
    assertResourceType(type);
    const match = await conditionalTarget(repo, ctx, type, queryOf(request), 'update');
    const body = request.body as Record<string, unknown> | undefined;
    // No match: the resource is created — with the body's id if it has one, else a new one (as in a Bundle).
    const id = match?.id ?? (typeof body?.id === 'string' ? body.id : newId());
    const r = await repo.update(ctx, type, id, body && typeof body === 'object' && body.id === undefined ? { ...body, id } : body, {
      ifMatch: request.headers['if-match'] as string | undefined,
    });
    return sendWrite(request, reply, r, baseOf(request));
  });

  // Conditional delete (single match).
  app.delete<{ Params: Params }>('/fhir/:type', async (request, reply) => {
    const ctx = await ctxOf(request);
    const { type } = request.params;
    assertResourceType(type);
    const match = await conditionalTarget(repo, ctx, type, queryOf(request), 'delete');
    if (match) await repo.delete(ctx, type, match.id);
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>('/fhir/:type/_history', async (request, reply) => {
    const ctx = await ctxOf(request);
    const hq = { type: request.params.type, params: queryOf(request) };
    return sendFhir(reply, 200, historyBundle(baseOf(request), hq, await runHistory(repo, ctx, hq)));
  });

  app.get<{ Params: Params }>('/fhir/:type/:id', async (request, reply) => {
    const ctx = await ctxOf(request);
    const s = await repo.read(ctx, request.params.type, request.params.id);
    const inm = request.headers['if-none-match'];
    if (inm && inm === etagOf(s)) return reply.code(304).headers(versionHeaders(s)).send();
    return sendFhir(reply, 200, s.content!, versionHeaders(s));
  });

  app.put<{ Params: Params }>('/fhir/:type/:id', async (request, reply) => {
    const ctx = await ctxOf(request);
    const r = await repo.update(ctx, request.params.type, request.params.id, request.body, {
      ifMatch: request.headers['if-match'] as string | undefined,
    });
    return sendWrite(request, reply, r, baseOf(request));
  });

  app.delete<{ Params: Params }>('/fhir/:type/:id', async (request, reply) => {
    const ctx = await ctxOf(request);
    const deleted = await repo.delete(ctx, request.params.type, request.params.id);
    if (deleted) reply.header('etag', etagOf(deleted));
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>('/fhir/:type/:id/_history', async (request, reply) => {
    const ctx = await ctxOf(request);
    const hq = { type: request.params.type, id: request.params.id, params: queryOf(request) };
    return sendFhir(reply, 200, historyBundle(baseOf(request), hq, await runHistory(repo, ctx, hq)));
  });

  app.get<{ Params: Params }>('/fhir/:type/:id/_history/:vid', async (request, reply) => {
    const ctx = await ctxOf(request);
    const s = await repo.vread(ctx, request.params.type, request.params.id, request.params.vid);
    return sendFhir(reply, 200, s.content!, versionHeaders(s));
  });
}
