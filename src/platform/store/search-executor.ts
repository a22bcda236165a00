/**
 * Runs a parsed search: SQL from the index tables, `_include` / `_revinclude`, and one audit event per patient
 * whose data is returned. What the caller may read is part of the SQL (AccessPolicy.visibility), so matches,
 * totals, paging links and chained criteria only ever see readable rows: a withheld row and an absent one give the
 * same answer. Each returned row is checked again by the same rule row by row (the basis for the audit event).
 */
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import type { AuditRecord } from '../audit/audit-record.ts';
import { FhirError, badRequest, forbidden } from '../fhir/errors.ts';
import { outcome, type Issue } from '../fhir/outcome.ts';
import type { Queryable } from '../storage/database.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { isPatientCompartmentType } from '../search/patient-key.ts';
import { parseSearch, type IncludeRule, type SearchRequest } from '../search/search-request.ts';
import { orderClause, storedParamCondition, whereClause, type SearchRestriction } from '../search/search-sql.ts';
import { bundleText, type TextEntry } from './bundle-text.ts';
import type { Repository, WriteSession } from './repository.ts';
import { filterByAccess } from './row-access.ts';
import { STORED_COLUMNS, fromRow, relativeRef, type StoredResource, type StoredRow } from './stored-resource.ts';

export interface SearchOutput {
  req: SearchRequest;
  matches: StoredResource[];
  included: StoredResource[];
  total?: number;
}

const cols = (alias: string) => STORED_COLUMNS.split(', ').map((c) => `${alias}.${c}`).join(', ');

function restrictionFor(repo: Repository, ctx: RequestContext, at?: Date): SearchRestriction {
  return { visible: repo.deps.policy.visibility(ctx, at) };
}

/**
 * The rows a conditional interaction (If-None-Exist, conditional update or delete) resolves among: what matches
 * the criteria within the caller's own registrations and data belonging to no person (a patient: their own record;
 * operators: everything). Other organisations' records are out of its reach — neither matched nor counted, so the
 * answer tells nothing about them. At most two rows (enough to tell one match from several).
 */
export async function searchIds(
  repo: Repository,
  ctx: RequestContext,
  q: Queryable,
  type: string,
  query: URLSearchParams,
): Promise<StoredResource[]> {
  const req = parseSearch(repo.deps.registry, type, query);
  if (req.filters.length === 0)
    throw badRequest('条件付き操作には検索条件が必要です', 'a conditional interaction needs at least one search criterion');
  const p = new StatementParams();
  const restriction = restrictionFor(repo, ctx);
  const kind = ctx.principal.kind;
  if (kind !== 'operator' && kind !== 'patient') restriction.ownOrShared = ownerKey(ctx.principal);
  const res = await q.query<StoredRow>(`SELECT ${cols('r')} FROM resources r WHERE ${whereClause(req, p, restriction)} LIMIT 2`, p.values);
  return res.rows.map(fromRow);
}

/**
 * The one resource a conditional update or delete addresses (undefined: none matches; 412: several do), among the
 * caller's own records (see searchIds). Inside a transaction Bundle pass its session.
 */
export async function conditionalTarget(
  repo: Repository,
  ctx: RequestContext,
  type: string,
  query: URLSearchParams,
  interaction: 'update' | 'delete',
  session?: WriteSession,
): Promise<StoredResource | undefined> {
  const matches = await searchIds(repo, ctx, session?.tx ?? repo.db, type, query);
  if (matches.length > 1)
    throw FhirError.of(412, 'multiple-matches', '条件に一致するリソースが複数あります', `conditional ${interaction} matched more than one resource`);
  return matches[0];
}

async function includes(repo: Repository, ctx: RequestContext, matches: StoredResource[], rules: IncludeRule[], rev: boolean, restriction: SearchRestriction) {
  const out: StoredResource[] = [];
  if (matches.length === 0) return out;
  const ids = matches.map((m) => m.id);
  const type = matches[0].resourceType;
  for (const rule of rules) {
    const p = new StatementParams();
    let sql: string;
    if (!rev) {
      if (rule.sourceType !== type) continue;
      sql =
        `SELECT DISTINCT ${cols('r')} FROM sp_reference s JOIN resources r ON r.resource_type = s.target_type AND r.id = s.target_id AND NOT r.deleted ` +
        `WHERE s.resource_type = ${p.add(type)} AND s.resource_id = ANY(${p.add(ids, 'text[]')}) AND ${storedParamCondition(rule.param, p, 's')}` +
        (rule.targetType ? ` AND s.target_type = ${p.add(rule.targetType)}` : '');
    } else {
      if (rule.targetType && rule.targetType !== type) continue;
      sql =
        `SELECT DISTINCT ${cols('r')} FROM sp_reference s JOIN resources r ON r.resource_type = s.resource_type AND r.id = s.resource_id AND NOT r.deleted ` +
        `WHERE s.resource_type = ${p.add(rule.sourceType)} AND ${storedParamCondition(rule.param, p, 's')} AND s.target_type = ${p.add(type)} AND s.target_id = ANY(${p.add(ids, 'text[]')})`;
    }
    if (restriction.visible) sql += ` AND ${restriction.visible(p, 'r')}`;
    const res = await repo.db.query<StoredRow>(sql + ' LIMIT 5000', p.values);
    for (const row of res.rows.map(fromRow)) {
      const scope = repo.deps.policy.scopeDecision(ctx, row.resourceType, 'search');
      if (!scope.allow) continue; // included types the token cannot read are left out
      out.push(row);
    }
  }
  const seen = new Set(matches.map(relativeRef));
  return out.filter((r) => (seen.has(relativeRef(r)) ? false : (seen.add(relativeRef(r)), true)));
}

/** Above this many matches a search pages through an index-ordered scan and reports no total. */
export const MATERIALIZE_CAP = 1_000;

/**
 * The page of matches and the total. With filters, the matching keys are collected first (the filters' own
 * indexes drive the plan) and counted, then sorted and paged, so a patient's few rows are found directly instead
 * of by walking every row of the type in date order. Past MATERIALIZE_CAP matches, or without filters, the page
 * comes from an ordered scan and the total is counted only on request.
 */
async function findMatches(repo: Repository, req: SearchRequest, restriction: SearchRestriction): Promise<{ matches: StoredResource[]; total?: number }> {
  const cap = repo.deps.searchMaterializeCap ?? MATERIALIZE_CAP;
  const wantPage = !req.summaryCount && req.count > 0;
  if (req.filters.length > 0 && req.total !== 'none') {
    const p = new StatementParams();
    const where = whereClause(req, p, restriction);
    const order = orderClause(req, p, 'm');
    const res = await repo.db.query<StoredRow & { total: number; rn: number }>(
      // The filter is planned for all its matches (a LIMIT here would make PostgreSQL walk the type in date
      // order hoping to stop early); the cap is applied by the consumer, which stops pulling rows at cap + 1.
      `WITH hits AS MATERIALIZED (SELECT r.resource_type, r.id, r.last_updated FROM resources r WHERE ${where}),
            m AS MATERIALIZED (SELECT * FROM hits LIMIT ${cap + 1}),
            page AS (SELECT m.resource_type, m.id, row_number() OVER (ORDER BY ${order}) AS rn FROM m ORDER BY rn LIMIT ${wantPage ? req.count : 0} OFFSET ${req.offset})
       SELECT ${cols('r')}, page.rn, (SELECT count(*) FROM m)::int AS total
       FROM (SELECT 1) one LEFT JOIN (page JOIN resources r ON r.resource_type = page.resource_type AND r.id = page.id) ON TRUE
       ORDER BY page.rn`,
      p.values,
    );
    const total = res.rows[0]?.total ?? 0;
    if (total <= cap) return { matches: res.rows.filter((r) => r.id !== null).map(fromRow), total };
  }
  let matches: StoredResource[] = [];
  if (wantPage) {
    const p = new StatementParams();
    const where = whereClause(req, p, restriction);
    const res = await repo.db.query<StoredRow>(
      `SELECT ${cols('r')} FROM resources r WHERE ${where} ORDER BY ${orderClause(req, p)} LIMIT ${req.count} OFFSET ${req.offset}`,
      p.values,
    );
    matches = res.rows.map(fromRow);
  }
  if (!req.summaryCount && req.total !== 'accurate') return { matches };
  if (!req.summaryCount && req.offset === 0 && matches.length < req.count) return { matches, total: matches.length };
  const p = new StatementParams();
  const res = await repo.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resources r WHERE ${whereClause(req, p, restriction)}`, p.values);
  return { matches, total: res.rows[0].n };
}

/** A row's columns without its content, for rows only judged, never returned. */
export const keyColumns = (alias: string) => STORED_COLUMNS.split(', ').map((c) => (c === 'content' ? 'NULL::text AS content' : `${alias}.${c}`)).join(', ');

/** How many of the first matches of a search are looked at for rows withheld from the caller (a bounded cost). */
const WITHHELD_LOOKED_AT = 100;
/** One caller's identical search is looked at for withheld rows at most once in this many ms (polling EHRs). */
const WITHHELD_EVERY_MS = 60_000;
const withheldLookedAt = new Map<string, number>();

/** True when this caller's query was not looked at in the last WITHHELD_EVERY_MS (and notes that it is now). */
function dueForWithheldCheck(ctx: RequestContext, type: string, query: URLSearchParams): boolean {
  const key = `${ctx.principal.clientId}\u0000${type}?${query}`;
  const now = Date.now();
  const last = withheldLookedAt.get(key);
  if (last !== undefined && now - last < WITHHELD_EVERY_MS) return false;
  if (withheldLookedAt.size >= 10_000) withheldLookedAt.clear();
  withheldLookedAt.set(key, now);
  return true;
}

/**
 * Records, in the people's access logs, that rows matching the criteria were withheld from the caller — after the
 * answer, so neither its content nor its timing depends on them; among the first WITHHELD_LOOKED_AT matches, and
 * once a minute per caller and query, so a search over the caller's own thousands of rows, or one polled every few
 * seconds, does not pay twice. Patients and operators are never refused rows.
 */
function recordWithheld(repo: Repository, ctx: RequestContext, req: SearchRequest, query: URLSearchParams, restriction: SearchRestriction, at: Date): void {
  const kind = ctx.principal.kind;
  if (kind === 'operator' || kind === 'patient' || req.filters.length === 0 || !restriction.visible) return;
  if (!dueForWithheldCheck(ctx, req.resourceType, query)) return;
  const visible = restriction.visible;
  repo.runInBackground(async () => {
    const p = new StatementParams();
    const where = whereClause(req, p, { ...restriction, anyMatch: true });
    const res = await repo.db.query<StoredRow>(
      `SELECT w.* FROM (SELECT ${keyColumns('r')} FROM resources r WHERE ${where} LIMIT ${WITHHELD_LOOKED_AT}) w
        WHERE w.patient_key <> '' AND NOT ${visible(p, 'w')}`,
      p.values,
    );
    await filterByAccess(repo, ctx, 'search', res.rows.map(fromRow), at);
  });
}

export async function runSearch(
  repo: Repository,
  ctx: RequestContext,
  type: string,
  query: URLSearchParams,
  opts: { lenient?: boolean } = {},
): Promise<SearchOutput> {
  const scope = repo.deps.policy.scopeDecision(ctx, type, 'search');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  const req = parseSearch(repo.deps.registry, type, query, opts);
  const at = new Date();
  const restriction = restrictionFor(repo, ctx, at);
  const found = await findMatches(repo, req, restriction);
  const included = [
    ...(await includes(repo, ctx, found.matches, req.include, false, restriction)),
    ...(await includes(repo, ctx, found.matches, req.revinclude, true, restriction)),
  ];
  // The same rule row by row: it gives each person's basis; it refuses nothing the SQL let through.
  const checkedMatches = await filterByAccess(repo, ctx, 'search', found.matches, at);
  const checkedIncluded = await filterByAccess(repo, ctx, 'search', included, at);
  if (checkedMatches.refused.length || checkedIncluded.refused.length)
    throw FhirError.of(500, 'exception', '閲覧可否の判定が一致しませんでした', 'access decision mismatch between SQL visibility and the row check');
  await auditSearch(repo, ctx, type, query, [...checkedMatches.kept, ...checkedIncluded.kept], checkedMatches.decisions);
  recordWithheld(repo, ctx, req, query, restriction, at);
  return { req, matches: checkedMatches.kept, included: checkedIncluded.kept, total: found.total };
}

async function auditSearch(
  repo: Repository,
  ctx: RequestContext,
  type: string,
  query: URLSearchParams,
  rows: StoredResource[],
  decisions: Map<string, { basis?: string }>,
): Promise<void> {
  const byPatient = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.patientKey) continue;
    const set = byPatient.get(r.patientKey) ?? new Set<string>();
    set.add(relativeRef(r));
    byPatient.set(r.patientKey, set);
  }
  const qs = `${type}?${query.toString()}`;
  const records: AuditRecord[] = [...byPatient].map(([pk, entities]) =>
    repo.auditRecord(ctx, 'R', 'search-type', '0', pk, [...entities], { query: qs, basis: decisions.get(pk)?.basis }),
  );
  // A search for people's data that returned nothing is still recorded.
  if (records.length === 0 && isPatientCompartmentType(type)) records.push(repo.auditRecord(ctx, 'R', 'search-type', '0', '', [], { query: qs }));
  await repo.deps.readAudit.write(records);
}

/** The searchset Bundle, as text. `selfQuery` is the query string as received (without `_offset`). */
export function searchBundle(out: SearchOutput, base: string, type: string, query: URLSearchParams): string {
  const { req } = out;
  const linkFor = (offset: number) => {
    const q = new URLSearchParams(query);
    q.delete('_offset');
    if (offset > 0) q.set('_offset', String(offset));
    const s = q.toString();
    return `${base}/${type}${s ? '?' + s : ''}`;
  };
  const link = [{ relation: 'self', url: linkFor(req.offset) }];
  if (req.count > 0) {
    link.push({ relation: 'first', url: linkFor(0) });
    if (req.offset > 0) link.push({ relation: 'previous', url: linkFor(Math.max(0, req.offset - req.count)) });
    const more = out.total !== undefined ? req.offset + req.count < out.total : out.matches.length >= req.count;
    if (more) link.push({ relation: 'next', url: linkFor(req.offset + req.count) });
    if (out.total !== undefined && out.total > 0)
      link.push({ relation: 'last', url: linkFor(Math.floor((out.total - 1) / req.count) * req.count) });
  }
  const entries: TextEntry[] = [
    ...out.matches.map((m) => ({ fullUrl: `${base}/${relativeRef(m)}`, resource: m.content, extra: { search: { mode: 'match' } } })),
    ...out.included.map((m) => ({ fullUrl: `${base}/${relativeRef(m)}`, resource: m.content, extra: { search: { mode: 'include' } } })),
  ];
  // Warnings about the search itself go in one OperationOutcome entry.
  const warnings: Issue[] = [];
  if (req.ignored.length > 0)
    warnings.push({
      severity: 'warning',
      code: 'not-supported',
      ja: `次の検索パラメータは無視されました: ${req.ignored.join(', ')}`,
      en: `ignored search parameters: ${req.ignored.join(', ')}`,
    });
  if (warnings.length) entries.push({ resource: JSON.stringify(outcome(warnings)), extra: { search: { mode: 'outcome' } } });
  const head: Record<string, unknown> = { type: 'searchset' };
  if (out.total !== undefined) head.total = out.total;
  head.link = link;
  return bundleText(head, entries);
}
