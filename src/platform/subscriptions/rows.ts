/**
 * The tables of subscriptions (migration 011): one row per Subscription, written with the resource; the events of
 * each, numbered per subscription. Every function runs on the connection it is given (inside a transaction: the
 * transaction), so a row and its resource change together.
 */
import type { AuditActor } from '../audit/audit-record.ts';
import type { Queryable } from '../storage/database.ts';
import type { SubscriptionStatus } from './backport.ts';
import type { SubscriptionSpec } from './subscription-request.ts';

export interface SubscriptionRow {
  id: string;
  owner: string;
  topic: string;
  filters: string[];
  channel: 'rest-hook' | 'websocket';
  endpoint: string | null;
  headers: string[];
  content: 'empty' | 'id-only';
  heartbeat_seconds: number | null;
  timeout_seconds: number;
  max_count: number;
  ends: Date | null;
  status: SubscriptionStatus;
  base_url: string;
  /** Who registered it (named as the reader in the audit events of its deliveries), with the purpose of use. */
  actor: AuditActor & { purpose?: string };
  generation: number;
  /** bigint columns come back as strings (pg) or numbers (PGlite): read them through Number(). */
  events_count: string | number;
  delivered_through: string | number;
  failures: number;
  last_sent: Date | null;
  last_error: string | null;
}

export interface EventRow {
  subscription_id: string;
  number: string | number;
  topic: string;
  focus: string;
  patient_key: string;
  recorded: Date;
}

const COLUMNS =
  'id, owner, topic, filters, channel, endpoint, headers, content, heartbeat_seconds, timeout_seconds, max_count, ends, status, base_url, actor, generation, events_count, delivered_through, failures, last_sent, last_error';

export async function loadRow(q: Queryable, id: string, lock = false): Promise<SubscriptionRow | undefined> {
  const res = await q.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return res.rows[0];
}

export async function loadRows(q: Queryable, ids: string[]): Promise<SubscriptionRow[]> {
  if (ids.length === 0) return [];
  return (await q.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions WHERE id = ANY($1::text[])`, [ids])).rows;
}

/** Inserts or rewrites the row of a client's write; a changed channel starts delivery afresh (no failures, due now). */
export async function writeRow(
  q: Queryable,
  row: { id: string; owner: string; status: SubscriptionStatus; baseUrl: string; actor: SubscriptionRow['actor'] },
  spec: SubscriptionSpec,
): Promise<void> {
  await q.query(
    `INSERT INTO subscriptions (id, owner, topic, filters, channel, endpoint, headers, content, heartbeat_seconds, timeout_seconds, max_count, ends,
       status, base_url, actor)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7::text[], $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (id) DO UPDATE SET topic = EXCLUDED.topic, filters = EXCLUDED.filters, channel = EXCLUDED.channel, endpoint = EXCLUDED.endpoint,
       headers = EXCLUDED.headers, content = EXCLUDED.content, heartbeat_seconds = EXCLUDED.heartbeat_seconds, timeout_seconds = EXCLUDED.timeout_seconds,
       max_count = EXCLUDED.max_count, ends = EXCLUDED.ends, status = EXCLUDED.status, base_url = EXCLUDED.base_url,
       generation = subscriptions.generation + 1, failures = 0, next_attempt = now(), lease_until = NULL,
       last_error = CASE WHEN EXCLUDED.status = subscriptions.status THEN subscriptions.last_error END`,
    [
      row.id,
      row.owner,
      spec.topic,
      spec.filters,
      spec.channel,
      spec.endpoint ?? null,
      spec.headers,
      spec.content,
      spec.heartbeatSeconds ?? null,
      spec.timeoutSeconds,
      spec.maxCount,
      spec.ends ?? null,
      row.status,
      row.baseUrl,
      JSON.stringify(row.actor),
    ],
  );
}

/** How many Subscriptions `owner` holds. */
export async function ownedCount(q: Queryable, owner: string): Promise<number> {
  return (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions WHERE owner = $1', [owner])).rows[0].n;
}

/** A deleted Subscription: its row and its events go. */
export async function removeRow(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM subscription_events WHERE subscription_id = $1', [id]);
  await q.query('DELETE FROM subscriptions WHERE id = $1', [id]);
}

/** Events of one subscription numbered from..to (inclusive), oldest first. */
export async function eventsOf(q: Queryable, id: string, from: number, to: number, limit: number): Promise<EventRow[]> {
  const res = await q.query<EventRow>(
    `SELECT subscription_id, number, topic, focus, patient_key, recorded FROM subscription_events
      WHERE subscription_id = $1 AND number >= $2 AND number <= $3 ORDER BY number LIMIT $4`,
    [id, from, to, limit],
  );
  return res.rows;
}

/** Events after the given number of each subscription (websocket connections), oldest first. */
export async function eventsAfter(q: Queryable, after: Map<string, number>, limit: number): Promise<EventRow[]> {
  if (after.size === 0) return [];
  const res = await q.query<EventRow>(
    `SELECT e.subscription_id, e.number, e.topic, e.focus, e.patient_key, e.recorded
       FROM subscription_events e JOIN unnest($1::text[], $2::bigint[]) AS b(id, after) ON e.subscription_id = b.id AND e.number > b.after
      ORDER BY e.subscription_id, e.number LIMIT $3`,
    [[...after.keys()], [...after.values()], limit],
  );
  return res.rows;
}
