/** Who an audit record names for a request: the client (and facility) — and the person signed in to an app. */
import type { RequestContext } from '../auth/principal.ts';
import type { AuditActor } from './audit-record.ts';

export function actorOf(ctx: RequestContext): AuditActor {
  const p = ctx.principal;
  const u = p.user;
  return {
    clientId: p.clientId,
    name: p.name,
    kind: p.kind,
    facilityCode: p.facilityCode,
    ip: ctx.ip,
    ...(u ? { user: { id: u.id, name: u.name, kind: u.kind, ...(u.role ? { role: u.role } : {}) } } : {}),
  };
}
