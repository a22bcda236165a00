/** What the subscription routes and operations use of the platform. */
import type { RequestContext } from '../auth/principal.ts';
import type { PlatformKey } from '../auth/platform-keys.ts';
import type { GroupAuditWriter } from '../audit/audit-writer.ts';
import type { SearchRegistry } from '../search/registry.ts';
import type { Repository } from '../store/repository.ts';
import type { SubscriptionRow } from './rows.ts';
import type { SubscriptionSettings } from './settings.ts';
import type { TopicRegistry } from './topics.ts';

export interface SubscriptionDeps {
  repo: Repository;
  registry: SearchRegistry;
  topics: TopicRegistry;
  settings: SubscriptionSettings;
  readAudit: GroupAuditWriter;
  key: PlatformKey;
  /** Asks the dispatcher for a step (a subscription to hand-shake, an event to send). */
  wake(): void;
}

/** The registrant's client, named as the reader in the audit events of deliveries. */
export function actorOf(ctx: RequestContext): SubscriptionRow['actor'] {
  const p = ctx.principal;
  return { clientId: p.clientId, name: p.name, kind: p.kind, facilityCode: p.facilityCode, purpose: ctx.purpose };
}
