/**
 * What a subscriber receives (Backport IG, R4): a Bundle of type `history` whose first entry is a Parameters
 * resource of the backport-subscription-status-r4 profile — subscription, topic, status, type (handshake, heartbeat,
 * event-notification, query-status, query-event), events-since-subscription-start and one notification-event per
 * event (event-number, timestamp and, with id-only payloads, focus). With id-only payloads every focus also gets an
 * entry of its own (its full URL and a GET request, as the IG allows), never the resource itself.
 */
import { randomUUID } from 'node:crypto';
import { BACKPORT, type NotificationType, type PayloadContent } from './backport.ts';
import type { EventRow, SubscriptionRow } from './rows.ts';

type Json = Record<string, unknown>;

export type StatusSource = Pick<SubscriptionRow, 'id' | 'topic' | 'status' | 'base_url' | 'events_count' | 'last_error'>;

/** The status Parameters (SubscriptionStatus in R4 form). */
export function statusParameters(sub: StatusSource, type: NotificationType, events: EventRow[], content: PayloadContent): Json {
  const parameter: Json[] = [
    { name: 'subscription', valueReference: { reference: `${sub.base_url}/Subscription/${sub.id}` } },
    { name: 'topic', valueCanonical: sub.topic },
    { name: 'status', valueCode: sub.status },
    { name: 'type', valueCode: type },
    { name: 'events-since-subscription-start', valueString: String(Number(sub.events_count)) },
    ...events.map((e) => ({
      name: 'notification-event',
      part: [
        { name: 'event-number', valueString: String(Number(e.number)) },
        { name: 'timestamp', valueInstant: new Date(e.recorded).toISOString() },
        ...(content === 'id-only' ? [{ name: 'focus', valueReference: { reference: `${sub.base_url}/${e.focus}` } }] : []),
      ],
    })),
  ];
  if (sub.status === 'error' && sub.last_error) parameter.push({ name: 'error', valueCodeableConcept: { text: sub.last_error } });
  const id = randomUUID();
  return { resourceType: 'Parameters', id, meta: { profile: [BACKPORT.statusProfile] }, parameter };
}

/** The notification Bundle of `type` for `sub` carrying `events`. */
export function notificationBundle(sub: StatusSource, type: NotificationType, events: EventRow[], content: PayloadContent): Json {
  const status = statusParameters(sub, type, events, content);
  const focuses = content === 'id-only' ? [...new Set(events.map((e) => e.focus))] : [];
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { profile: [BACKPORT.notificationProfile] },
    type: 'history',
    timestamp: new Date().toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${status.id as string}`,
        resource: status,
        request: { method: 'GET', url: `${sub.base_url}/Subscription/${sub.id}/$status` },
        response: { status: '200' },
      },
      ...focuses.map((focus) => ({ fullUrl: `${sub.base_url}/${focus}`, request: { method: 'GET', url: focus }, response: { status: '200' } })),
    ],
  };
}
