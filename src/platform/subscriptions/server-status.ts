/**
 * Status changes the server makes (handshake done → active, repeated failure → error): written to the Subscription
 * resource as a new version, by the platform itself, in the transaction that changes the row — so what a client
 * reads and what delivery does never disagree.
 */
import type { RequestContext } from '../auth/principal.ts';
import { parseScopes } from '../auth/scopes.ts';
import type { Repository, WriteSession } from '../store/repository.ts';
import type { SubscriptionStatus } from './backport.ts';

/** The platform's delivery service as the actor of its own writes (recorded in the audit log). */
export const DELIVERY_ACTOR: RequestContext = {
  principal: { clientId: 'tsunagu-subscriptions', name: 'Tsunagu 通知配信', kind: 'operator', scopes: parseScopes('system/Subscription.cru') },
  purpose: 'HOPERAT',
};

/** Sets Subscription.status (and .error, or removes it) of the current version, unless deleted or already so. */
export async function writeResourceStatus(repo: Repository, session: WriteSession, id: string, status: SubscriptionStatus, error?: string): Promise<void> {
  const current = await repo.loadCurrent(session.tx, 'Subscription', id, true);
  if (!current?.content || current.deleted) return;
  const body = JSON.parse(current.content) as Record<string, unknown>;
  if (body.status === status && body.error === error) return;
  body.status = status;
  if (error) body.error = error;
  else delete body.error;
  await repo.update(DELIVERY_ACTOR, 'Subscription', id, body, { session });
}
