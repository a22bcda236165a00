/**
 * A notification that names a person's resource (id-only payloads) discloses that the resource exists to whoever
 * receives it: every delivery — rest-hook, websocket, $events — is recorded in that person's access log like a read
 * by the subscription's registrant, before it is sent.
 */
import type { AuditRecord } from '../audit/audit-record.ts';
import type { EventRow, SubscriptionRow } from './rows.ts';

/** One audit record per person named by `events` (none for an empty payload or events of no person). */
export function deliveryAudits(sub: Pick<SubscriptionRow, 'id' | 'actor'>, events: EventRow[], how: 'rest-hook' | 'websocket' | '$events'): AuditRecord[] {
  const byPerson = new Map<string, Set<string>>();
  for (const e of events) if (e.patient_key) byPerson.set(e.patient_key, (byPerson.get(e.patient_key) ?? new Set()).add(e.focus));
  const { purpose, ...actor } = sub.actor;
  return [...byPerson].map(([patientKey, focuses]) => ({
    actor,
    action: 'R',
    subtype: 'subscription-notification',
    outcome: '0',
    patientKey,
    entities: [...focuses, `Subscription/${sub.id}`],
    purpose,
    outcomeDesc: `notified by ${how}`,
  }));
}
