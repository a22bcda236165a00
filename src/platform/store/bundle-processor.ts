/**
 * Batch and transaction Bundles (http://hl7.org/fhir/R4/http.html#transaction).
 * A transaction is all or nothing: every write runs in one database transaction with its audit events, and any
 * failing entry rolls everything back. Entries are processed DELETE, POST, PUT, GET; `urn:uuid:` and other
 * fullUrls of created resources are rewritten to the ids the server assigns.
 */
import { newId } from '../fhir/ids.ts';
import type { Bundle, BundleEntry, OperationOutcome } from '@medplum/fhirtypes';
import type { RequestContext } from '../auth/principal.ts';
import { FhirError, badRequest, notFound } from '../fhir/errors.ts';
import { isKnownResourceType } from '../fhir/resource-shape.ts';
import { isValidId } from '../fhir/references.ts';
import type { Repository, WriteResult, WriteSession } from './repository.ts';
import { conditionalTarget } from './search-executor.ts';
import { etagOf, relativeRef, type StoredResource } from './stored-resource.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const ORDER: Record<Method, number> = { DELETE: 0, POST: 1, PUT: 2, GET: 3 };

interface ParsedEntry {
  index: number;
  method: Method;
  type: string;
  id?: string;
  query?: string;
  fullUrl?: string;
  resource?: Record<string, unknown>;
  ifMatch?: string;
  ifNoneExist?: string;
}

/** Handles a GET entry (read or search) through the REST layer's own code. */
export type GetHandler = (ctx: RequestContext, url: string) => Promise<{ status: number; body: string }>;

const entryError = (index: number, err: unknown): FhirError => {
  if (err instanceof FhirError) {
    const issues = (err.outcome.issue ?? []).map((i) => ({
      ...i,
      expression: [`Bundle.entry[${index}]`, ...(i.expression ?? [])],
      diagnostics: `entry ${index}: ${i.diagnostics ?? ''}`,
      details: { text: `エントリ ${index}: ${i.details?.text ?? ''}` },
    }));
    return new FhirError(err.status, { resourceType: 'OperationOutcome', issue: issues });
  }
  return err as FhirError;
};

function parseEntry(entry: BundleEntry, index: number): ParsedEntry {
  const where = [`Bundle.entry[${index}].request`];
  const req = entry.request;
  if (!req?.method || !req.url) throw badRequest(`エントリ ${index} に request.method / request.url がありません`, `entry ${index} has no request.method / request.url`, where);
  const method = req.method as Method;
  if (!(method in ORDER)) throw badRequest(`エントリ ${index} の方法 ${req.method} には対応していません`, `entry ${index}: method ${req.method} is not supported`, where);
  const [path, query] = req.url.replace(/^\//, '').split('?', 2) as [string, string | undefined];
  const [type, id, ...rest] = path.split('/');
  if (!isKnownResourceType(type) || rest.length > 0 || (id !== undefined && !isValidId(id)))
    throw badRequest(`エントリ ${index} の URL ${req.url} を解釈できません`, `entry ${index}: cannot interpret request.url '${req.url}'`, where);
  const resource = entry.resource as Record<string, unknown> | undefined;
  if ((method === 'POST' || method === 'PUT') && !resource)
    throw badRequest(`エントリ ${index} にリソースがありません`, `entry ${index}: ${method} needs a resource`, [`Bundle.entry[${index}]`]);
  if (method === 'POST' && id) throw badRequest(`エントリ ${index}: POST の URL に id は付けられません`, `entry ${index}: POST url must not contain an id`, where);
  if ((method === 'PUT' || method === 'DELETE') && !id && !query)
    throw badRequest(`エントリ ${index}: ${method} には id か検索条件が必要です`, `entry ${index}: ${method} needs an id or a search query`, where);
  return {
    index,
    method,
    type,
    id,
    query,
    fullUrl: entry.fullUrl,
    resource,
    ifMatch: req.ifMatch,
    ifNoneExist: req.ifNoneExist,
  };
}

/** Replaces every `reference` that names a rewritten fullUrl, anywhere in the resource. */
function rewriteReferences(node: unknown, map: Map<string, string>): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteReferences(item, map);
  } else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'reference' && typeof v === 'string' && map.has(v)) obj[k] = map.get(v);
      else if (typeof v === 'object') rewriteReferences(v, map);
    }
  }
}

function responseEntry(stored: StoredResource, status: string, base: string, extra?: OperationOutcome): BundleEntry {
  return {
    fullUrl: `${base}/${relativeRef(stored)}`,
    ...(stored.content ? { resource: JSON.parse(stored.content) } : {}),
    response: {
      status,
      location: `${relativeRef(stored)}/_history/${stored.versionId}`,
      etag: etagOf(stored),
      lastModified: stored.lastUpdated.toISOString(),
      ...(extra ? { outcome: extra } : {}),
    },
  };
}

const statusText = (r: WriteResult) => (r.status === 201 ? '201 Created' : '200 OK');

export class BundleProcessor {
  constructor(
    private readonly repo: Repository,
    private readonly get: GetHandler,
  ) {}

  async process(ctx: RequestContext, body: unknown, base: string): Promise<Bundle> {
    const bundle = body as Bundle;
    if (bundle?.resourceType !== 'Bundle') throw badRequest('Bundle が必要です', 'a Bundle is required');
    if (bundle.type !== 'transaction' && bundle.type !== 'batch')
      throw badRequest(`Bundle.type が ${bundle.type} です (transaction か batch が必要)`, `Bundle.type is '${bundle.type}'; expected transaction or batch`, ['Bundle.type']);
    const entries = bundle.entry ?? [];
    return bundle.type === 'transaction' ? this.transaction(ctx, entries, base) : this.batch(ctx, entries, base);
  }

  private async transaction(ctx: RequestContext, entries: BundleEntry[], base: string): Promise<Bundle> {
    const parsed = entries.map((e, i) => parseEntry(e, i));
    // Ids for created resources, and the map from their fullUrls to the new references.
    const refMap = new Map<string, string>();
    const assigned = new Map<number, string>();
    const seenFullUrls = new Set<string>();
    for (const e of parsed) {
      if (e.fullUrl) {
        if (seenFullUrls.has(e.fullUrl))
          throw badRequest(`fullUrl ${e.fullUrl} が重複しています`, `duplicate fullUrl ${e.fullUrl}`, [`Bundle.entry[${e.index}].fullUrl`]);
        seenFullUrls.add(e.fullUrl);
      }
      if (e.method === 'POST') {
        const id = newId();
        assigned.set(e.index, id);
        if (e.fullUrl) refMap.set(e.fullUrl, `${e.type}/${id}`);
      } else if (e.method === 'PUT' && e.id && e.fullUrl) {
        refMap.set(e.fullUrl, `${e.type}/${e.id}`);
      }
    }
    for (const e of parsed) {
      if (!e.resource) continue;
      e.resource = structuredClone(e.resource);
      rewriteReferences(e.resource, refMap);
    }
    const dangling = parsed.flatMap((e) => danglingUrnReferences(e));
    if (dangling.length)
      throw badRequest(
        `Bundle 内で解決できない参照があります: ${dangling[0].ref}`,
        `reference ${dangling[0].ref} does not resolve to any entry of the Bundle`,
        [`Bundle.entry[${dangling[0].index}].resource`],
      );

    const results = new Array<BundleEntry>(parsed.length);
    const order = [...parsed].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);
    // Conditional creates that found an existing resource also map their fullUrl to it.
    // Refusals inside the transaction are recorded once it has rolled back.
    await this.repo.writeTransaction(async (tx, denials) => {
      const session: WriteSession = { tx, audits: [], denials };
      for (const e of order) {
        if (e.method === 'GET') continue;
        try {
          results[e.index] = await this.write(ctx, e, session, base, assigned.get(e.index));
        } catch (err) {
          throw entryError(e.index, err);
        }
      }
      await this.repo.deps.chains.appendBatch(tx, session.audits);
    });
    for (const e of order) {
      if (e.method !== 'GET') continue;
      results[e.index] = await this.getEntry(ctx, e, base);
    }
    return { resourceType: 'Bundle', type: 'transaction-response', entry: results };
  }

  private async batch(ctx: RequestContext, entries: BundleEntry[], base: string): Promise<Bundle> {
    const results: BundleEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      try {
        const e = parseEntry(entries[i], i);
        if (e.method === 'GET') {
          results.push(await this.getEntry(ctx, e, base));
          continue;
        }
        const session = undefined;
        results.push(await this.write(ctx, e, session, base, e.method === 'POST' ? newId() : undefined));
      } catch (err) {
        const fe = err instanceof FhirError ? err : FhirError.of(500, 'exception', '処理中にエラーが発生しました', (err as Error).message);
        results.push({ response: { status: String(fe.status), outcome: fe.outcome } });
      }
    }
    return { resourceType: 'Bundle', type: 'batch-response', entry: results };
  }

  private async write(ctx: RequestContext, e: ParsedEntry, session: WriteSession | undefined, base: string, assignedId?: string): Promise<BundleEntry> {
    const repo = this.repo;
    switch (e.method) {
      case 'POST': {
        const r = await repo.create(ctx, e.resource, { type: e.type, session, ifNoneExist: e.ifNoneExist, id: assignedId });
        return responseEntry(r.stored, statusText(r), base, r.outcome);
      }
      case 'PUT': {
        let id = e.id;
        if (!id) {
          const match = await conditionalTarget(repo, ctx, e.type, new URLSearchParams(e.query), 'update', session);
          id = match?.id ?? (e.resource?.id as string | undefined) ?? newId();
          if (e.resource && e.resource.id === undefined) e.resource.id = id;
        }
        const r = await repo.update(ctx, e.type, id, e.resource, { ifMatch: e.ifMatch, session });
        return responseEntry(r.stored, statusText(r), base, r.outcome);
      }
      case 'DELETE': {
        let id = e.id;
        if (!id) {
          const match = await conditionalTarget(repo, ctx, e.type, new URLSearchParams(e.query), 'delete', session);
          if (!match) return { response: { status: '204 No Content' } };
          id = match.id;
        }
        await repo.delete(ctx, e.type, id, { session });
        return { response: { status: '204 No Content' } };
      }
      default:
        throw notFound(e.method);
    }
  }

  private async getEntry(ctx: RequestContext, e: ParsedEntry, _base: string): Promise<BundleEntry> {
    const url = `${e.type}${e.id ? '/' + e.id : ''}${e.query ? '?' + e.query : ''}`;
    try {
      const r = await this.get(ctx, url);
      return { resource: JSON.parse(r.body), response: { status: String(r.status) } };
    } catch (err) {
      const fe = err instanceof FhirError ? err : FhirError.of(500, 'exception', '処理中にエラーが発生しました', (err as Error).message);
      return { response: { status: String(fe.status), outcome: fe.outcome } };
    }
  }
}

function danglingUrnReferences(e: ParsedEntry): { index: number; ref: string }[] {
  const out: { index: number; ref: string }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (k === 'reference' && typeof v === 'string' && v.startsWith('urn:')) out.push({ index: e.index, ref: v });
        else if (typeof v === 'object') walk(v);
      }
    }
  };
  walk(e.resource);
  return out;
}

