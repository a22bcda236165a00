/**
 * Publishing an event of a topic (イベント通知の登録): the subscriptions of the topic whose owner is in the event's
 * audience — an organisation named in `ownerKeys`, or the patient `patientId` for patient accounts — and whose
 * filters the focus satisfies get the event, numbered after their last one. Written on the connection given: inside
 * the service's write transaction, an event of a write that rolls back is never stored, hence never sent.
 */
import { parseReference } from '../fhir/references.ts';
import type { SearchRegistry } from '../search/registry.ts';
import type { Queryable } from '../storage/database.ts';
import { focusMatches } from './filters.ts';
import type { TopicRegistry } from './topics.ts';

export interface SubscriptionEvent {
  /** Topic canonical URL (registered). */
  topic: string;
  /** The resource the event is about, `Type/id`. */
  focus: string;
  /** Whose data the focus is (its patient key; '' for none): the audit events of deliveries name this person. */
  patientKey: string;
  /** Who may learn of it — only they receive it: a notification must not reveal data to someone who may not read it. */
  audience: { ownerKeys?: string[]; patientId?: string };
}

/** Stores the event for every subscriber it concerns; returns how many subscriptions received it. */
export async function publishEvent(q: Queryable, deps: { topics: TopicRegistry; registry: SearchRegistry }, event: SubscriptionEvent): Promise<number> {
  const { topic, focus } = checkEvent(deps.topics, event);
  const owners = [...(event.audience.ownerKeys ?? []), ...(event.audience.patientId ? [`patient:${event.audience.patientId}`] : [])];
  if (owners.length === 0) return 0;
  const candidates = await q.query<{ id: string; filters: string[] }>(
    `SELECT id, filters FROM subscriptions
      WHERE topic = $1 AND owner = ANY($2::text[]) AND status <> 'off' AND (ends IS NULL OR ends > now())`,
    [topic.url, owners],
  );
  const ids: string[] = [];
  for (const c of candidates.rows)
    if (c.filters.length === 0 || (await focusMatches(q, deps.registry, c.filters, focus.resourceType, focus.id))) ids.push(c.id);
  if (ids.length === 0) return 0;
  await q.query(
    `WITH s AS (UPDATE subscriptions SET events_count = events_count + 1 WHERE id = ANY($1::text[]) RETURNING id, events_count)
     INSERT INTO subscription_events (subscription_id, number, topic, focus, patient_key) SELECT id, events_count, $2, $3, $4 FROM s`,
    [ids, topic.url, event.focus, event.patientKey],
  );
  return ids.length;
}

/**
 * `publishEvent` for several events in one transaction: the subscribers of each (topic, audience) are looked up once
 * (a registration of twenty items with no subscriber costs one query), then each event is stored as alone.
 */
export async function publishEvents(q: Queryable, deps: { topics: TopicRegistry; registry: SearchRegistry }, events: SubscriptionEvent[]): Promise<number> {
  const groups = new Map<string, SubscriptionEvent[]>();
  for (const e of events) {
    const owners = [...(e.audience.ownerKeys ?? []), ...(e.audience.patientId ? [`patient:${e.audience.patientId}`] : [])].sort();
    const key = `${e.topic}\u0000${owners.join(' ')}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  let n = 0;
  for (const group of groups.values()) {
    const first = group[0];
    const owners = [...(first.audience.ownerKeys ?? []), ...(first.audience.patientId ? [`patient:${first.audience.patientId}`] : [])];
    if (owners.length === 0) continue;
    const any = await q.query(
      `SELECT 1 FROM subscriptions WHERE topic = $1 AND owner = ANY($2::text[]) AND status <> 'off' AND (ends IS NULL OR ends > now()) LIMIT 1`,
      [first.topic, owners],
    );
    if (any.rowCount === 0) {
      // Still refuse what publishEvent would refuse (an unknown topic, a focus outside it): a service bug, not data.
      for (const e of group) checkEvent(deps.topics, e);
      continue;
    }
    for (const e of group) n += await publishEvent(q, deps, e);
  }
  return n;
}

function checkEvent(topics: TopicRegistry, event: SubscriptionEvent) {
  const topic = topics.get(event.topic);
  if (!topic) throw new Error(`publish: subscription topic ${event.topic} is not registered`);
  const focus = parseReference(event.focus);
  if (!focus || !topic.resourceTypes.includes(focus.resourceType) || event.focus !== `${focus.resourceType}/${focus.id}`)
    throw new Error(`publish: focus ${event.focus} is not a Type/id of topic ${topic.url}`);
  return { topic, focus };
}
