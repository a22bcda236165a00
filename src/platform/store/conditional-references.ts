/**
 * Conditional references in batch and transaction Bundles (http://hl7.org/fhir/R4/http.html#trules): a `reference`
 * of the form `[type]?[criteria]`, anywhere in an entry's resource, is replaced by `[type]/[id]` of the one resource
 * the criteria match before the entry is written. The criteria are checked like any search (unknown parameters 400;
 * only filtering parameters) and matched exactly as conditional interactions are (searchIds): among the caller's own
 * registrations and data of no person, so another organisation's person data is neither matched nor counted and
 * answers as no match. No match: 404; several: 412 (HAPI FHIR answers the same: HAPI-1091 / HAPI-1092).
 */
import type { RequestContext } from '../auth/principal.ts';
import { toAuditRow, type AuditRecord } from '../audit/audit-record.ts';
import { FhirError, badRequest, forbidden } from '../fhir/errors.ts';
import { isKnownResourceType } from '../fhir/resource-shape.ts';
import { decodeQueryString, parseSearch, type Filter } from '../search/search-request.ts';
import type { Queryable } from '../storage/database.ts';
import type { Repository, WriteSession } from './repository.ts';
import { searchIds } from './search-executor.ts';
import { relativeRef } from './stored-resource.ts';

/** Most distinct conditional references in one Bundle: each is a search (413 above). */
export const MAX_CONDITIONAL_REFERENCES = 1000;

const CONDITIONAL = /^([A-Z][A-Za-z]+)\?(.*)$/s;

/** The id conditional references stand in with while a resource is validated (never stored). */
const PLACEHOLDER_ID = 'conditional-reference';

export interface ConditionalReference {
  /** The reference as written (`Practitioner?identifier=…`). */
  reference: string;
  type: string;
  query: URLSearchParams;
  /** The types whose rows the criteria read: the type and the targets of chained criteria. */
  reads: string[];
  /** Where it first occurs in the resource (FHIRPath-like, e.g. `Encounter.participant[0].individual.reference`). */
  path: string;
}

/** Every `reference` string in a resource, with its location. */
export function referencesIn(resource: unknown): { reference: string; path: string }[] {
  const out: { reference: string; path: string }[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (k === 'reference' && typeof v === 'string') out.push({ reference: v, path: `${path}.reference` });
        else if (typeof v === 'object') walk(v, `${path}.${k}`);
      }
  };
  const root = (resource as { resourceType?: unknown } | undefined)?.resourceType;
  walk(resource, typeof root === 'string' ? root : 'resource');
  return out;
}

/** The same error with the reference named in its texts and located at `path`. */
function about(ref: string, path: string, err: unknown): unknown {
  if (!(err instanceof FhirError)) return err;
  const issue = (err.outcome.issue ?? []).map((i) => ({
    ...i,
    details: { text: `条件付き参照 ${ref}: ${i.details?.text ?? ''}` },
    diagnostics: `conditional reference ${ref}: ${i.diagnostics ?? ''}`,
    expression: [path],
  }));
  return new FhirError(err.status, { resourceType: 'OperationOutcome', issue }, err.headers);
}

function chainTypes(filter: Filter): string[] {
  return filter.chain ? [filter.chain.targetType, ...chainTypes(filter.chain.filter)] : [];
}

/**
 * The conditional references of a resource, their criteria checked as a search would check them: a known type,
 * text that decodes, known parameters, at least one, and filters only (`_count`, `_sort`, `_include` … are no
 * part of a reference). 400 naming the reference otherwise.
 */
export function conditionalReferencesIn(repo: Repository, resource: unknown): ConditionalReference[] {
  const found = new Map<string, ConditionalReference>();
  for (const { reference, path } of referencesIn(resource)) {
    const m = CONDITIONAL.exec(reference);
    if (!m || found.has(reference)) continue;
    const [, type, criteria] = m;
    try {
      if (!isKnownResourceType(type)) throw badRequest(`リソース型 ${type} はありません`, `unknown resource type '${type}'`);
      const pairs = decodeQueryString(criteria, 'criteria');
      if (pairs.length === 0) throw badRequest('検索条件がありません', 'no search criteria');
      const query = new URLSearchParams(pairs);
      const req = parseSearch(repo.deps.registry, type, query);
      if (req.filters.length !== pairs.length)
        throw badRequest(
          '使えるのは絞り込みの検索パラメータだけです (_count, _sort, _include などは使えません)',
          'only filtering parameters are allowed (not _count, _sort, _include …)',
        );
      const reads = [...new Set([type, ...req.filters.flatMap(chainTypes)])];
      found.set(reference, { reference, type, query, reads, path });
    } catch (err) {
      throw about(reference, path, err);
    }
  }
  return [...found.values()];
}

/** Refuses a Bundle with more distinct conditional references than MAX_CONDITIONAL_REFERENCES (413). */
export function checkConditionalReferenceCount(distinct: number): void {
  if (distinct > MAX_CONDITIONAL_REFERENCES)
    throw FhirError.of(
      413,
      'too-costly',
      `Bundle の条件付き参照が多すぎます (${distinct} 種類、上限 ${MAX_CONDITIONAL_REFERENCES})`,
      `the Bundle has ${distinct} distinct conditional references; the limit is ${MAX_CONDITIONAL_REFERENCES}: split it`,
      ['Bundle.entry'],
    );
}

/** Replaces, anywhere in the resource (in place), every reference the map names. */
export function replaceReferences(node: unknown, map: Map<string, string>): void {
  if (map.size === 0) return;
  if (Array.isArray(node)) for (const item of node) replaceReferences(item, map);
  else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'reference' && typeof v === 'string' && map.has(v)) obj[k] = map.get(v);
      else if (typeof v === 'object') replaceReferences(v, map);
    }
  }
}

/**
 * A copy of the resource to validate before the references are resolved: each conditional reference stands as a
 * literal reference to its type (`Practitioner/conditional-reference`), which validates as the resolved one will.
 */
export function withPlaceholders(resource: Record<string, unknown>, refs: ConditionalReference[]): Record<string, unknown> {
  const copy = structuredClone(resource);
  replaceReferences(copy, new Map(refs.map((r) => [r.reference, `${r.type}/${PLACEHOLDER_ID}`])));
  return copy;
}

/**
 * Resolves conditional references on one connection (a transaction's session: its own writes are seen) for one
 * caller. Within a transaction an answer is kept until something of a type its criteria read is written.
 */
export class ConditionalReferenceResolver {
  private readonly known = new Map<string, { target: string; reads: string[] }>();

  constructor(
    private readonly repo: Repository,
    private readonly ctx: RequestContext,
    private readonly q: Queryable,
    /** Inside a transaction: reads of a person's data are audited with its writes. */
    private readonly session?: WriteSession,
  ) {}

  /** The types the lookups of these references would read (none for answers already known). */
  typesToRead(refs: ConditionalReference[]): Set<string> {
    return new Set(refs.filter((r) => !this.known.has(r.reference)).flatMap((r) => r.reads));
  }

  /**
   * Something of `type` was written (or is about to be): answers whose criteria read that type are forgotten; all of
   * them when the type is not known (an operation may write anything).
   */
  written(type: string | undefined): void {
    for (const [ref, k] of this.known) if (type === undefined || k.reads.includes(type)) this.known.delete(ref);
  }

  /** The literal reference for each conditional one, or the entry's error (403 scope, 404 none, 412 several). */
  async resolve(refs: ConditionalReference[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const reads: AuditRecord[] = [];
    for (const r of refs) {
      const known = this.known.get(r.reference);
      if (known) {
        out.set(r.reference, known.target);
        continue;
      }
      // Resolving reads: it needs the search scope of the type, like a conditional create.
      const scope = this.repo.deps.policy.scopeDecision(this.ctx, r.type, 'search');
      if (!scope.allow) throw about(r.reference, r.path, forbidden(scope.ja, scope.en));
      const matches = await searchIds(this.repo, this.ctx, this.q, r.type, r.query);
      if (matches.length === 0)
        throw FhirError.of(
          404,
          'not-found',
          `条件付き参照 ${r.reference} の条件に一致するリソースがありません`,
          `conditional reference ${r.reference} matches no resource`,
          [r.path],
        );
      if (matches.length > 1)
        throw FhirError.of(
          412,
          'multiple-matches',
          `条件付き参照 ${r.reference} の条件に一致するリソースが複数あります`,
          `conditional reference ${r.reference} matches more than one resource`,
          [r.path],
        );
      const match = matches[0];
      const target = relativeRef(match);
      if (match.patientKey) reads.push(this.repo.auditRecord(this.ctx, 'R', 'read', '0', match.patientKey, [target], { query: r.reference }));
      this.known.set(r.reference, { target, reads: r.reads });
      out.set(r.reference, target);
    }
    if (reads.length) {
      if (this.session) this.session.audits.push(...reads.map(toAuditRow));
      else await this.repo.deps.readAudit.write(reads);
    }
    return out;
  }
}
