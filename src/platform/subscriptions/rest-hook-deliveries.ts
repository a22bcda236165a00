/**
 * rest-hook delivery, one step per due subscription: the handshake of a `requested` one (active once the endpoint
 * answers 2xx), else its undelivered events (up to max-count per notification, oldest first), else a heartbeat when
 * the period has passed. A failure is retried after a delay that doubles each time; after `attempts` failures in a
 * row the subscription is set to `error` (its events stay: a client's new start, or $events, gets them). A lease
 * on the row keeps other nodes off it while a delivery is under way; `delivered_through` moves only after a 2xx, so
 * a committed event is delivered at least once (the event number tells a receiver a repeat).
 */
import type { GroupAuditWriter } from '../audit/audit-writer.ts';
import type { Database } from '../storage/database.ts';
import type { Repository } from '../store/repository.ts';
import type { NotificationType } from './backport.ts';
import { deliveryAudits } from './delivery-audit.ts';
import { notificationBundle } from './notification.ts';
import type { DeliveryResult, RestHookClient } from './rest-hook.ts';
import { eventsOf, loadRow, type EventRow, type SubscriptionRow } from './rows.ts';
import { writeResourceStatus } from './server-status.ts';
import type { SubscriptionSettings } from './settings.ts';

export interface RestHookDeps {
  db: Database;
  repo: Repository;
  readAudit: GroupAuditWriter;
  settings: SubscriptionSettings;
  client: RestHookClient;
  /** Aborted at shutdown: a delivery cut by it is neither a success nor a failure (the lease runs out, it is redone). */
  signal: AbortSignal;
}

/** Subscriptions taken per step. */
export const CLAIM_LIMIT = 20;

const COLUMNS =
  's.id, s.owner, s.topic, s.filters, s.channel, s.endpoint, s.headers, s.content, s.heartbeat_seconds, s.timeout_seconds, s.max_count, s.ends, s.status, s.base_url, s.actor, s.generation, s.events_count, s.delivered_through, s.failures, s.last_sent, s.last_error';

/** Takes the due rest-hook subscriptions (a lease of twice the timeout plus 30 s), skipping those another node holds. */
async function claim(db: Database): Promise<SubscriptionRow[]> {
  const res = await db.query<SubscriptionRow>(
    `UPDATE subscriptions s SET lease_until = now() + make_interval(secs => s.timeout_seconds * 2 + 30)
      WHERE s.id IN (
        SELECT id FROM subscriptions
         WHERE channel = 'rest-hook' AND status IN ('requested', 'active') AND next_attempt <= now()
           AND (lease_until IS NULL OR lease_until < now())
           AND (status = 'requested' OR events_count > delivered_through
                OR (heartbeat_seconds IS NOT NULL AND (ends IS NULL OR ends > now())
                    AND coalesce(last_sent, '-infinity'::timestamptz) <= now() - make_interval(secs => heartbeat_seconds)))
         ORDER BY next_attempt LIMIT ${CLAIM_LIMIT} FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
  );
  return res.rows;
}

/** Delivers what is due (every delivery settled before it returns); returns how many subscriptions were worked on. */
export async function deliverDue(deps: RestHookDeps): Promise<number> {
  const rows = await claim(deps.db);
  const results = await Promise.allSettled(rows.map((row) => deliverOne(deps, row).catch((err) => release(deps, row, err))));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return rows.length;
}

/** A step that failed on our side (the database away): the lease is given back if it can be, for a prompt retry. */
async function release(deps: RestHookDeps, row: SubscriptionRow, err: unknown): Promise<never> {
  await deps.db.query('UPDATE subscriptions SET lease_until = NULL WHERE id = $1 AND generation = $2', [row.id, row.generation]).catch(() => undefined);
  throw err;
}

async function deliverOne(deps: RestHookDeps, row: SubscriptionRow): Promise<void> {
  const pending = Number(row.events_count) > Number(row.delivered_through);
  let kind: NotificationType = 'heartbeat';
  let events: EventRow[] = [];
  if (row.status === 'requested') kind = 'handshake';
  else if (pending) {
    events = await eventsOf(deps.db, row.id, Number(row.delivered_through) + 1, Number(row.events_count), row.max_count);
    if (events.length) kind = 'event-notification';
  }
  // Events past retention are gone: what is left of the count is settled by this step.
  const through = events.length ? Number(events[events.length - 1].number) : kind === 'heartbeat' && pending ? Number(row.events_count) : undefined;
  if (row.content === 'id-only' && events.length) await deps.readAudit.write(deliveryAudits(row, events, 'rest-hook'));
  const bundle = notificationBundle(row, kind, events, row.content);
  const result = await deps.client.post(row.endpoint ?? '', row.headers, bundle, row.timeout_seconds * 1000, deps.signal);
  if (deps.signal.aborted) return;
  await finish(deps, row, kind, through, result);
}

/** Records the outcome, unless a client rewrote or deleted the subscription meanwhile (its new state decides). */
async function finish(deps: RestHookDeps, row: SubscriptionRow, kind: NotificationType, through: number | undefined, result: DeliveryResult): Promise<void> {
  const { repo, settings } = deps;
  await repo.transaction(
    async (session) => {
      const cur = await loadRow(session.tx, row.id, true);
      if (!cur || cur.generation !== row.generation) return;
      if (result.ok) {
        const status = kind === 'handshake' ? 'active' : cur.status;
        await session.tx.query(
          `UPDATE subscriptions SET status = $2, failures = 0, last_error = NULL, last_sent = now(), next_attempt = now(), lease_until = NULL,
             delivered_through = GREATEST(delivered_through, $3) WHERE id = $1`,
          [row.id, status, through ?? 0],
        );
        if (status !== cur.status) await writeResourceStatus(repo, session, row.id, status);
        return;
      }
      const failures = cur.failures + 1;
      const failed = failures >= settings.attempts;
      const delay = Math.min(settings.retryMs * 2 ** (failures - 1), settings.retryMaxMs);
      await session.tx.query(
        `UPDATE subscriptions SET failures = $2, last_error = $3, status = $4, lease_until = NULL,
           next_attempt = now() + make_interval(secs => $5::float8 / 1000) WHERE id = $1`,
        [row.id, failures, result.error, failed ? 'error' : cur.status, delay],
      );
      if (failed)
        await writeResourceStatus(
          repo,
          session,
          row.id,
          'error',
          `通知先に ${failures} 回続けて届きませんでした / ${failures} deliveries in a row failed: ${result.error}`,
        );
    },
    { trusted: true },
  );
}
