/**
 * Batch and transaction Bundles (http://hl7.org/fhir/R4/http.html#transaction).
 * A transaction is all or nothing: every write runs in one database transaction with its audit events, and any
 * failing entry rolls everything back. Entries are processed DELETE, POST, PUT, GET (within a group in Bundle order,
 * except that an entry waits for what it depends on: transaction-order.ts); `urn:uuid:` and other fullUrls of
 * created resources are rewritten to the ids the server assigns — the fullUrl of a conditional create to the
 * resource it found, once it has run. Conditional references (`Practitioner?identifier=…`,
 * conditional-references.ts) are resolved just before their entry is written, on the transaction's connection, so
 * they see what the transaction wrote before; in a batch, before each entry.
 *
 * One Bundle must not stall everyone else: it has at most `maxEntries` entries (413 before any work), its shape is
 * checked first (400 naming `Bundle.entry[i]…`), its resources are validated — the CPU-heavy part — before the
 * database transaction opens, so the transaction holds its connection (the embedded engine's only one) for the SQL
 * alone, and the event loop is given back between entries (inside the transaction, every TX_SLICE_MS).
 */
import { newId } from '../fhir/ids.ts';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../auth/principal.ts';
import { FhirError, badRequest } from '../fhir/errors.ts';
import { isKnownResourceType } from '../fhir/resource-shape.ts';
import { isValidId } from '../fhir/references.ts';
import { decodeQueryString } from '../search/search-request.ts';
import type { Repository, Validated, WriteResult } from './repository.ts';
import type { CreateItem } from './write-statement.ts';
import { etagOf, relativeRef } from './stored-resource.ts';
import {
  ConditionalReferenceResolver,
  checkConditionalReferenceCount,
  conditionalReferencesIn,
  referencesIn,
  replaceReferences,
  withPlaceholders,
  type ConditionalReference,
} from './conditional-references.ts';
import { LateReferences } from './late-references.ts';
import { processingOrder } from './transaction-order.ts';
import { innerRequest, type BundleEntryContext, type FhirRequest, type FhirResponse } from '../router/fhir-request.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
// PATCH with PUT: its resource is the patch (a Parameters, or a Binary holding a JSON Patch), applied by the router.
const ORDER: Record<Method, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3 };

/** Most entries in one Bundle unless configured (TSUNAGU_BUNDLE_MAX_ENTRIES). */
export const DEFAULT_BUNDLE_MAX_ENTRIES = 1000;

export interface BundleLimits {
  maxEntries: number;
}

/** Lets timers, sockets and other requests run before the next entry. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Inside the transaction the event loop is given back every TX_SLICE_MS: often enough for timers, health checks
 * and new connections, seldom enough that other requests' work (they wait for the connection anyway) does not
 * lengthen the time the transaction holds it.
 */
const TX_SLICE_MS = 20;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface ParsedEntry {
  index: number;
  method: Method;
  /** request.url's path (no leading slash, no query). */
  path: string;
  /** The path names an operation ($…). */
  operation: boolean;
  type: string;
  id?: string;
  query?: string;
  fullUrl?: string;
  resource?: Record<string, unknown>;
  ifMatch?: string;
  ifNoneExist?: string;
  ifNoneMatch?: string;
}

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

/** The JSON types of an entry's fields: an object, `request` an object, its method, url and headers strings. */
function checkEntryShape(entry: unknown, index: number): BundleEntry {
  const at = `Bundle.entry[${index}]`;
  const wrong = (field: string, ja: string, en: string) =>
    badRequest(`エントリ ${index} の ${field} は${ja}です`, `entry ${index}: ${field} must be ${en}`, [`${at}.${field}`]);
  if (!isObject(entry)) throw badRequest(`エントリ ${index} は JSON オブジェクトではありません`, `entry ${index} is not a JSON object`, [at]);
  if (entry.fullUrl !== undefined && typeof entry.fullUrl !== 'string') throw wrong('fullUrl', '文字列', 'a string');
  if (entry.resource !== undefined && !isObject(entry.resource)) throw wrong('resource', 'JSON オブジェクト', 'a JSON object');
  const req = entry.request;
  if (req === undefined) throw badRequest(`エントリ ${index} に request がありません`, `entry ${index} has no request`, [`${at}.request`]);
  if (!isObject(req)) throw wrong('request', 'JSON オブジェクト', 'a JSON object');
  for (const field of ['method', 'url', 'ifMatch', 'ifNoneExist', 'ifNoneMatch', 'ifModifiedSince'])
    if (req[field] !== undefined && typeof req[field] !== 'string') throw wrong(`request.${field}`, '文字列', 'a string');
  return entry as BundleEntry;
}

function parseEntry(raw: unknown, index: number): ParsedEntry {
  const entry = checkEntryShape(raw, index);
  const where = [`Bundle.entry[${index}].request`];
  const req = entry.request!;
  if (!req.method || !req.url)
    throw badRequest(`エントリ ${index} に request.method / request.url がありません`, `entry ${index} has no request.method / request.url`, where);
  const method = req.method as Method;
  if (!Object.hasOwn(ORDER, method))
    throw badRequest(`エントリ ${index} の方法 ${req.method} には対応していません`, `entry ${index}: method ${req.method} is not supported`, where);
  const [path, query] = req.url.replace(/^\//, '').split('?', 2) as [string, string | undefined];
  // Query parts are read as searches later: they must decode to text now (400 naming the entry).
  if (query) decodeQueryString(query, `Bundle.entry[${index}].request.url`);
  if (req.ifNoneExist) decodeQueryString(req.ifNoneExist, `Bundle.entry[${index}].request.ifNoneExist`);
  const [type, id, ...rest] = path.split('/');
  // An operation ($validate …) or, for GET, any read path (history, vread) goes to its handler as it is.
  const operation = path.split('/').some((s) => s.startsWith('$'));
  const plain = isKnownResourceType(type) && rest.length === 0 && (id === undefined || isValidId(id));
  const special = id !== undefined && (id.startsWith('_') || id.startsWith('$')); // _history, _search, $operation
  const read = method === 'GET' && (isKnownResourceType(type) || type.startsWith('$')) && (id === undefined || special || isValidId(id));
  if (!operation && !plain && !read)
    throw badRequest(`エントリ ${index} の URL ${req.url} を解釈できません`, `entry ${index}: cannot interpret request.url '${req.url}'`, where);
  const resource = entry.resource as Record<string, unknown> | undefined;
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !resource && !operation)
    throw badRequest(`エントリ ${index} にリソースがありません`, `entry ${index}: ${method} needs a resource`, [`Bundle.entry[${index}]`]);
  if (method === 'POST' && id && !operation)
    throw badRequest(`エントリ ${index}: POST の URL に id は付けられません`, `entry ${index}: POST url must not contain an id`, where);
  if ((method === 'PUT' || method === 'PATCH' || method === 'DELETE') && !id && !query && !operation)
    throw badRequest(`エントリ ${index}: ${method} には id か検索条件が必要です`, `entry ${index}: ${method} needs an id or a search query`, where);
  return {
    index,
    method,
    path,
    operation,
    type,
    id,
    query,
    fullUrl: entry.fullUrl,
    resource,
    ifMatch: req.ifMatch,
    ifNoneExist: req.ifNoneExist,
    ifNoneMatch: req.ifNoneMatch,
  };
}

const STATUS_TEXT: Record<number, string> = { 200: '200 OK', 201: '201 Created', 204: '204 No Content', 304: '304 Not Modified' };

/** A Bundle entry answering one interaction: the router's response, with a relative location. */
function responseEntry(res: FhirResponse, base: string): BundleEntry {
  const resource = res.body === undefined ? undefined : typeof res.body === 'string' ? (JSON.parse(res.body) as Resource) : (res.body as Resource);
  const h = res.headers ?? {};
  const location = h.location?.startsWith(`${base}/`) ? h.location.slice(base.length + 1) : h.location;
  const lastModified =
    (resource?.meta as { lastUpdated?: string } | undefined)?.lastUpdated ?? (h['last-modified'] ? new Date(h['last-modified']).toISOString() : undefined);
  return {
    ...(location && resource ? { fullUrl: `${base}/${location.replace(/\/_history\/[^/]+$/, '')}` } : {}),
    ...(resource ? { resource } : {}),
    response: {
      status: STATUS_TEXT[res.status] ?? String(res.status),
      ...(location ? { location } : {}),
      ...(h.etag ? { etag: h.etag } : {}),
      ...(location && lastModified ? { lastModified } : {}),
      ...(res.outcome ? { outcome: res.outcome } : {}),
    },
  };
}

/** A failed entry of a batch: its status and OperationOutcome. */
function failedEntry(err: unknown): BundleEntry {
  const fe = err instanceof FhirError ? err : FhirError.of(500, 'exception', '処理中にエラーが発生しました', (err as Error).message);
  return { response: { status: String(fe.status), outcome: fe.outcome } };
}

export class BundleProcessor {
  constructor(
    private readonly repo: Repository,
    /** Every entry is dispatched as the interaction it names (the REST handlers, operations …). */
    private readonly router: { handle(req: FhirRequest): Promise<FhirResponse> },
    private readonly limits: BundleLimits = { maxEntries: DEFAULT_BUNDLE_MAX_ENTRIES },
  ) {}

  async process(ctx: RequestContext, req: FhirRequest): Promise<Bundle> {
    const body = req.body;
    if (!isObject(body) || body.resourceType !== 'Bundle') throw badRequest('Bundle が必要です', 'a Bundle is required');
    const type = body.type;
    if (type !== 'transaction' && type !== 'batch') {
      const shown = typeof type === 'string' ? type.slice(0, 40) : JSON.stringify(type ?? null).slice(0, 40);
      throw badRequest(`Bundle.type が ${shown} です (transaction か batch が必要)`, `Bundle.type is ${shown}; expected transaction or batch`, ['Bundle.type']);
    }
    const entries = body.entry === undefined ? [] : body.entry;
    if (!Array.isArray(entries)) throw badRequest('Bundle.entry は配列です', 'Bundle.entry must be an array', ['Bundle.entry']);
    const configured = this.limits.maxEntries;
    const max = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_BUNDLE_MAX_ENTRIES;
    if (entries.length > max)
      throw FhirError.of(
        413,
        'too-costly',
        `Bundle のエントリが多すぎます (${entries.length} 件、上限 ${max} 件。分けて送ってください)`,
        `the Bundle has ${entries.length} entries; the limit is ${max} (TSUNAGU_BUNDLE_MAX_ENTRIES): split it`,
        ['Bundle.entry'],
      );
    return type === 'transaction' ? this.transaction(ctx, entries, req) : this.batch(ctx, entries, req);
  }

  /**
   * Validates an entry's resource as the write will (Repository.prepare: shape, conformance, index), outside any
   * transaction; the write then reuses the outcome instead of validating again while it holds the connection.
   */
  private precheck(e: ParsedEntry, id: string | undefined, now: string): Validated {
    const bodyId = typeof e.resource?.id === 'string' ? e.resource.id : undefined;
    const prepared = this.repo.prepare(e.resource, { type: e.type, id: id ?? e.id ?? bodyId ?? newId(), versionId: 1, now });
    return { outcome: prepared.outcome };
  }

  /** Each entry's conditional references, checked before any work (400 naming the entry; 413 beyond the limit). */
  private conditionalReferences(parsed: ParsedEntry[]): Map<number, ConditionalReference[]> {
    const out = new Map<number, ConditionalReference[]>();
    for (const e of parsed) {
      if (!carriesResource(e)) continue;
      try {
        const refs = conditionalReferencesIn(this.repo, e.resource);
        if (refs.length) out.set(e.index, refs);
      } catch (err) {
        throw entryError(e.index, err);
      }
    }
    checkConditionalReferenceCount(new Set([...out.values()].flat().map((r) => r.reference)).size);
    return out;
  }

  /** The entry as a request to the router, on behalf of the Bundle's caller. */
  private entryRequest(outer: FhirRequest, e: ParsedEntry, entry?: BundleEntryContext): FhirRequest {
    return innerRequest(outer, {
      method: e.method,
      path: e.path,
      query: new URLSearchParams(e.query ?? ''),
      body: e.resource,
      headers: { 'if-match': e.ifMatch, 'if-none-exist': e.ifNoneExist, 'if-none-match': e.ifNoneMatch },
      entry,
    });
  }

  private async transaction(ctx: RequestContext, entries: unknown[], outer: FhirRequest): Promise<Bundle> {
    const base = outer.base;
    const parsed = entries.map((e, i) => parseEntry(e, i));
    const conditional = this.conditionalReferences(parsed);
    // Ids for created resources, and the map from their fullUrls to the new references. A conditional create's
    // fullUrl is mapped once it has run (`late`: its assigned id until then): it may find an existing resource.
    const refMap = new Map<string, string>();
    const late = new Map<string, string>();
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
        if (e.fullUrl) (isConditionalCreate(e) ? late : refMap).set(e.fullUrl, `${e.type}/${id}`);
      } else if (e.method === 'PUT' && e.id && e.fullUrl) {
        refMap.set(e.fullUrl, `${e.type}/${e.id}`);
      }
    }
    for (const e of parsed) {
      if (!e.resource) continue;
      e.resource = structuredClone(e.resource);
      replaceReferences(e.resource, refMap);
    }
    const dangling = parsed.flatMap((e) => danglingUrnReferences(e)).filter((d) => !late.has(d.ref));
    if (dangling.length)
      throw badRequest(
        `Bundle 内で解決できない参照があります: ${dangling[0].ref}`,
        `reference ${dangling[0].ref} does not resolve to any entry of the Bundle`,
        [`Bundle.entry[${dangling[0].index}].resource`],
      );

    // Validation before the transaction opens, giving the event loop back between entries.
    const now = new Date().toISOString();
    const validated = new Map<number, Validated>();
    for (const e of parsed) {
      if (!e.resource || (e.method !== 'POST' && e.method !== 'PUT')) continue;
      await yieldToEventLoop();
      try {
        validated.set(e.index, this.precheck(forValidation(e, conditional.get(e.index), late), assigned.get(e.index), now));
      } catch (err) {
        throw entryError(e.index, err);
      }
    }

    const results = new Array<BundleEntry>(parsed.length);
    const order = processingOrder(
      parsed.map((e) => ({
        e,
        index: e.index,
        group: ORDER[e.method],
        type: e.type,
        fullUrl: e.fullUrl,
        reads: (conditional.get(e.index) ?? []).flatMap((r) => r.reads),
        awaits: late.size ? referencesIn(e.resource).flatMap((r) => (late.has(r.reference) ? [r.reference] : [])) : [],
      })),
    ).map((o) => o.e);
    // Refusals inside the transaction are recorded once it has rolled back.
    await this.repo.transaction(async (session) => {
      const tx = session.tx;
      const resolver = new ConditionalReferenceResolver(this.repo, ctx, tx, session);
      const lateRefs = new LateReferences(late);
      let sliceStart = performance.now();
      // Consecutive plain creates are checked one by one and written together (Repository.writeCreates).
      let creates: { item: CreateItem; e: ParsedEntry; result: WriteResult }[] = [];
      const flush = async () => {
        if (creates.length === 0) return;
        const batch = creates;
        creates = [];
        try {
          await this.repo.writeCreates(
            session,
            batch.map((c) => c.item),
          );
        } catch (err) {
          throw entryError(batch[0].e.index, err);
        }
        for (const c of batch) results[c.e.index] = responseEntry(createdResponse(c.result, base), base);
      };
      for (const e of order) {
        if (e.method === 'GET') continue;
        if (performance.now() - sliceStart >= TX_SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
        const plainCreate = e.method === 'POST' && e.ifNoneExist === undefined && e.id === undefined && e.query === undefined && !e.operation;
        if (!plainCreate) await flush();
        try {
          const early = e.resource ? lateRefs.apply(e.resource) : [];
          const refs = conditional.get(e.index);
          if (refs) {
            // The lookup must see the creates still waiting to be written that it may match.
            const types = resolver.typesToRead(refs);
            if (creates.some((c) => types.has(c.e.type))) await flush();
            replaceReferences(e.resource, await resolver.resolve(refs));
          }
          resolver.written(e.operation ? undefined : e.type);
          if (plainCreate) {
            const ready = await this.repo.readyCreate(ctx, e.resource, {
              type: e.type,
              id: assigned.get(e.index)!,
              validated: validated.get(e.index),
              session,
            });
            creates.push({ ...ready, e });
            lateRefs.written(early);
          } else {
            const entry = { session, assignedId: assigned.get(e.index), validated: validated.get(e.index) };
            const res = await this.router.handle(this.entryRequest(outer, e, entry));
            results[e.index] = responseEntry(res, base);
            // A conditional create that found a resource wrote nothing: its references do not matter.
            if (!(isConditionalCreate(e) && res.status === 200)) lateRefs.written(early);
            if (e.fullUrl && late.has(e.fullUrl)) lateRefs.settle(e.fullUrl, res);
          }
        } catch (err) {
          throw entryError(e.index, err);
        }
      }
      await flush();
    });
    for (const e of order) {
      if (e.method !== 'GET') continue;
      results[e.index] = await this.getEntry(outer, e);
    }
    return { resourceType: 'Bundle', type: 'transaction-response', entry: results };
  }

  private async batch(ctx: RequestContext, entries: unknown[], outer: FhirRequest): Promise<Bundle> {
    const results: BundleEntry[] = [];
    const distinct = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      if (i > 0) await yieldToEventLoop();
      try {
        const e = parseEntry(entries[i], i);
        if (e.method === 'GET') {
          results.push(await this.getEntry(outer, e));
          continue;
        }
        // Conditional references are resolved just before the entry, as the caller would see them then.
        const refs = carriesResource(e) ? conditionalReferencesIn(this.repo, e.resource) : [];
        if (refs.length) {
          for (const r of refs) distinct.add(r.reference);
          checkConditionalReferenceCount(distinct.size);
          e.resource = structuredClone(e.resource);
          replaceReferences(e.resource, await new ConditionalReferenceResolver(this.repo, ctx, this.repo.db).resolve(refs));
        }
        // An update validates inside its own transaction: validate first (a create does so before any).
        const validated = e.method === 'PUT' && e.resource && !e.operation ? this.precheck(e, e.id, new Date().toISOString()) : undefined;
        results.push(responseEntry(await this.router.handle(this.entryRequest(outer, e, { validated })), outer.base));
      } catch (err) {
        results.push(failedEntry(err));
      }
    }
    return { resourceType: 'Bundle', type: 'batch-response', entry: results };
  }

  private async getEntry(outer: FhirRequest, e: ParsedEntry): Promise<BundleEntry> {
    try {
      return responseEntry(await this.router.handle(this.entryRequest(outer, e)), outer.base);
    } catch (err) {
      return failedEntry(err);
    }
  }
}

/** What the create interaction answers, for creates written together. */
function createdResponse(r: WriteResult, base: string): FhirResponse {
  return {
    status: 201,
    body: r.stored.content!,
    headers: { etag: etagOf(r.stored), location: `${base}/${relativeRef(r.stored)}/_history/${r.stored.versionId}` },
    outcome: r.outcome,
  };
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

/** A create or update with a resource body (not an operation): where conditional references are resolved. */
const carriesResource = (e: ParsedEntry): boolean => (e.method === 'POST' || e.method === 'PUT') && !e.operation && e.resource !== undefined;

const isConditionalCreate = (e: ParsedEntry): boolean => e.method === 'POST' && e.ifNoneExist !== undefined && !e.operation;

/** The entry as it is validated before the transaction: conditional references and late fullUrls stood in for. */
function forValidation(e: ParsedEntry, refs: ConditionalReference[] | undefined, late: Map<string, string>): ParsedEntry {
  if (!e.resource || (!refs && late.size === 0)) return e;
  const resource = refs ? withPlaceholders(e.resource, refs) : structuredClone(e.resource);
  replaceReferences(resource, late);
  return { ...e, resource };
}
