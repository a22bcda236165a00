/** Reads of `AuditEvent`: served from the tamper-evident audit log (never from the resource store). */
import { searchAuditEvents, readAuditEvent, type AuditReadOptions } from '../audit/audit-query.ts';
import { forbidden } from '../fhir/errors.ts';
import type { Queryable } from '../storage/database.ts';
import { bundleText } from '../store/bundle-text.ts';
import { allows } from '../auth/scopes.ts';
import type { RequestContext } from '../auth/principal.ts';
import type { GroupAuditWriter } from '../audit/audit-writer.ts';
import type { Repository } from '../store/repository.ts';

/**
 * Someone other than the person reading a person's access log (an operator) is itself recorded in that log; the
 * person reading their own log, and a client reading the events it caused, are not.
 */
async function recordLogViews(deps: AuditLogDeps, ctx: RequestContext, subtype: string, patientKeys: string[]): Promise<void> {
  if (ctx.principal.kind !== 'operator') return;
  const people = [...new Set(patientKeys.filter(Boolean))];
  if (people.length)
    await deps.readAudit.write(people.map((pk) => deps.repo.auditRecord(ctx, 'R', subtype, '0', pk, [], { outcomeDesc: 'AuditEvent (access log)' })));
}

export interface AuditLogDeps extends AuditReadOptions {
  db: Queryable;
  readAudit: GroupAuditWriter;
  repo: Pick<Repository, 'auditRecord'>;
}

/** The token must allow reading AuditEvent (a patient always reads their own log). */
function assertAuditScope(ctx: RequestContext): void {
  if (ctx.principal.kind !== 'patient' && !allows(ctx.principal.scopes, 'AuditEvent', 'r'))
    throw forbidden('監査記録を閲覧する権限がありません', 'the token does not allow reading AuditEvent');
}

/**
 * A read (`AuditEvent/<id>`) or search (`AuditEvent?…`) of the audit log as JSON text: the REST routes and GET
 * entries of batch / transaction Bundles both come here, so AuditEvent is only ever served from the log.
 */
export async function readAuditLog(deps: AuditLogDeps, ctx: RequestContext, id: string | undefined, query: URLSearchParams, base: string): Promise<string> {
  assertAuditScope(ctx);
  if (id !== undefined) {
    const event = await readAuditEvent(deps.db, ctx, id, deps);
    await recordLogViews(deps, ctx, 'read', [event.patientKey]);
    return event.json;
  }
  const page = await searchAuditEvents(deps.db, ctx, query, deps);
  await recordLogViews(
    deps,
    ctx,
    'search-type',
    page.events.map((e) => e.patientKey),
  );
  const link = [{ relation: 'self', url: `${base}/AuditEvent?${query}` }];
  if (page.offset + page.count < page.total) {
    const next = new URLSearchParams(query);
    next.set('_offset', String(page.offset + page.count));
    link.push({ relation: 'next', url: `${base}/AuditEvent?${next}` });
  }
  return bundleText(
    { type: 'searchset', total: page.total, link },
    page.events.map((e) => ({ fullUrl: `${base}/AuditEvent/${e.id}`, resource: e.json, extra: { search: { mode: 'match' } } })),
  );
}
