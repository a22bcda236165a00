/**
 * Topic-based notifications (通知), the FHIR R4 Subscriptions Backport IG way — the platform capability services
 * use so that an addressee or a patient learns of new items without polling (docs/subscriptions.md).
 *
 * For services:
 *   platform.subscriptions.topics.register({ url, title, description, resourceTypes, filters? })   at start
 *   await platform.subscriptions.publish(session.tx, { topic, focus: 'Type/id', patientKey, audience })  in the
 *       write transaction (an event of a write that rolls back is never sent), or publish(undefined, …) after commit
 *
 * Clients create Subscription resources through the FHIR API (routes.ts); only the registrant reads them. Events are
 * rows, numbered per subscription, delivered by a background dispatcher (rest-hook POST, websocket), catch-up with
 * `$events`, state with `$status`.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessPolicy } from '../access/policy.ts';
import type { GroupAuditWriter } from '../audit/audit-writer.ts';
import { ClientStates } from '../auth/client-states.ts';
import type { PlatformKey } from '../auth/platform-keys.ts';
import type { OperationRegistry } from '../router/operations/operation-registry.ts';
import type { FhirRouter } from '../router/router.ts';
import type { SearchRegistry } from '../search/registry.ts';
import type { Database, Queryable } from '../storage/database.ts';
import type { Repository } from '../store/repository.ts';
import type { SubscriptionDeps } from './deps.ts';
import { Dispatcher } from './dispatcher.ts';
import { registerSubscriptionOperations } from './operations.ts';
import { endExpired } from './expiry.ts';
import { publishEvents, type SubscriptionEvent } from './publish.ts';
import { RestHookClient } from './rest-hook.ts';
import { deliverDue } from './rest-hook-deliveries.ts';
import { registerSubscriptionRoutes } from './routes.ts';
import { subscriptionSettings, type SubscriptionSettings } from './settings.ts';
import { TopicRegistry } from './topics.ts';
import { WebsocketHub } from './websocket-hub.ts';
import { subscriptionWriteRule } from './write-guard.ts';

export type { SubscriptionEvent } from './publish.ts';
export type { SubscriptionTopic, TopicFilter } from './topics.ts';
export { BACKPORT } from './backport.ts';
export { WEBSOCKET_PATH } from './websocket-hub.ts';
export { subscriptionSettings, type SubscriptionSettings } from './settings.ts';

export interface SubscriptionsDeps {
  db: Database;
  repo: Repository;
  registry: SearchRegistry;
  policy: AccessPolicy;
  readAudit: GroupAuditWriter;
  key: PlatformKey;
  settings?: SubscriptionSettings;
}

/** How soon after a publish inside a transaction the dispatcher looks (the commit is likely done by then). */
const AFTER_COMMIT_MS = 30;

export class Subscriptions {
  /** The topics services offer (listed in the CapabilityStatement). */
  readonly topics = new TopicRegistry();
  /** Delivery settings (TSUNAGU_SUBSCRIPTION_*); tests may lower the delays. */
  readonly settings: SubscriptionSettings;
  private readonly abort = new AbortController();
  private readonly client = new RestHookClient(() => this.settings.allowPrivateEndpoints);
  private readonly hub: WebsocketHub;
  private readonly dispatcher: Dispatcher;
  private soon: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SubscriptionsDeps) {
    this.settings = deps.settings ?? subscriptionSettings();
    // Endpoints and headers are secrets of the registrant: a Subscription is read by its owner alone.
    deps.policy.readOnlyByOwner('Subscription');
    deps.policy.addWriteRule(subscriptionWriteRule());
    this.hub = new WebsocketHub({ db: deps.db, key: deps.key, clients: new ClientStates(deps.db), audit: (r) => deps.readAudit.write(r) });
    const restHookDeps = { ...deps, settings: this.settings, client: this.client, signal: this.abort.signal };
    this.dispatcher = new Dispatcher(deps.db, this.settings, {
      restHooks: async () => (await endExpired(deps)) + (await deliverDue(restHookDeps)),
      websockets: () => this.hub.push(),
    });
  }

  /**
   * Stores `event` (or each of several) for every subscriber of its topic in its audience (returns how many): on `q` — the service’s
   * transaction — or, without one, in a transaction of its own.
   */
  async publish(q: Queryable | undefined, event: SubscriptionEvent | SubscriptionEvent[]): Promise<number> {
    const deps = { topics: this.topics, registry: this.deps.registry };
    const events = Array.isArray(event) ? event : [event];
    if (q) {
      const n = await publishEvents(q, deps, events);
      if (n > 0 && !this.soon) {
        this.soon = setTimeout(() => {
          this.soon = undefined;
          this.dispatcher.wake();
        }, AFTER_COMMIT_MS);
        this.soon.unref();
      }
      return n;
    }
    const n = await this.deps.db.transaction((tx) => publishEvents(tx, deps, events));
    if (n > 0) this.dispatcher.wake();
    return n;
  }

  /**
   * Serves subscriptions on a server: the Subscription write routes, the operations, the websocket endpoint, and
   * starts the dispatcher (servers only: CLI commands open the platform without delivering).
   */
  serve(opts: { router: FhirRouter; operations: OperationRegistry; app: FastifyInstance }): void {
    const deps: SubscriptionDeps = {
      repo: this.deps.repo,
      registry: this.deps.registry,
      topics: this.topics,
      settings: this.settings,
      readAudit: this.deps.readAudit,
      key: this.deps.key,
      wake: () => this.dispatcher.wake(),
    };
    registerSubscriptionRoutes(opts.router, deps);
    registerSubscriptionOperations(opts.operations, deps);
    this.hub.attach(opts.app.server);
    // Upgraded sockets would hold the HTTP server's close open.
    opts.app.addHook('preClose', async () => this.hub.close());
    this.dispatcher.start();
  }

  /** Stops delivery (deliveries in flight are cut and redone after a restart), closes websockets. Idempotent. */
  async close(): Promise<void> {
    clearTimeout(this.soon);
    this.abort.abort();
    await this.dispatcher.close();
    this.client.close();
    await this.hub.close();
  }
}
