/**
 * What is audited, and how it becomes a FHIR AuditEvent (P4: who, facility, action, what, outcome, purpose,
 * consent basis, when).
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '@medplum/fhirtypes';

/** C create, R read/search, U update, D delete, E execute (operations). */
export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';
/** 0 success, 4 minor failure (denied, not found), 8 serious failure, 12 major failure. */
export type AuditOutcome = '0' | '4' | '8' | '12';

export interface AuditActor {
  clientId: string;
  name: string;
  kind: string;
  /** 医療機関コード / 薬局コード / 保険者番号 … of the organisation acting. */
  facilityCode?: string;
  ip?: string;
}

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  /** FHIR interaction or operation name: read, vread, search-type, create, update, delete, $verify … */
  subtype: string;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  /** Patient whose data this touches ('' for none). */
  patientKey: string;
  /** Resources touched, as relative references. */
  entities: string[];
  /** Purpose of use (v3 ActReason code, e.g. TREAT, ETREAT, PATRQT). */
  purpose?: string;
  /** Consent (or other policy) on which access was granted, e.g. `Consent/123`. */
  basis?: string;
  /** Search query string, for searches. */
  query?: string;
  recorded?: Date;
}

/** An audit row as stored (columns + the AuditEvent JSON) before its chain position is assigned. */
export interface AuditRow {
  recorded: string;
  patientKey: string;
  clientId: string | null;
  facilityCode: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  purpose: string | null;
  entities: string[];
  content: string;
}

const INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';
const PURPOSE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const CLIENT_ID_SYSTEM = 'urn:tsunagu:client-id';

export function toAuditRow(rec: AuditRecord): AuditRow {
  const recorded = (rec.recorded ?? new Date()).toISOString();
  // resourceType and id are added when the event is read (auditEventJson): the id is its chain position.
  const event: Omit<AuditEvent, 'resourceType'> = {
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: INTERACTION_SYSTEM, code: rec.subtype }],
    action: rec.action,
    recorded,
    outcome: rec.outcome,
    ...(rec.outcomeDesc ? { outcomeDesc: rec.outcomeDesc } : {}),
    ...(rec.purpose ? { purposeOfEvent: [{ coding: [{ system: PURPOSE_SYSTEM, code: rec.purpose }] }] } : {}),
    agent: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
        who: { identifier: { system: CLIENT_ID_SYSTEM, value: rec.actor.clientId }, display: rec.actor.name },
        ...(rec.actor.facilityCode ? { altId: rec.actor.facilityCode } : {}),
        requestor: true,
        ...(rec.basis ? { policy: [rec.basis] } : {}),
        ...(rec.actor.ip ? { network: { address: rec.actor.ip, type: '2' as const } } : {}),
      },
    ],
    source: { observer: { display: 'Tsunagu' } },
    entity: [
      ...(rec.patientKey ? [{ what: { reference: `Patient/${rec.patientKey}` }, type: { code: '1' } }] : []),
      ...rec.entities
        .filter((e) => e !== `Patient/${rec.patientKey}`)
        .map((e) => ({ what: { reference: e } })),
      ...(rec.query ? [{ query: Buffer.from(rec.query).toString('base64') }] : []),
    ],
  };
  return {
    recorded,
    patientKey: rec.patientKey,
    clientId: rec.actor.clientId ?? null,
    facilityCode: rec.actor.facilityCode ?? null,
    action: rec.action,
    outcome: rec.outcome,
    purpose: rec.purpose ?? null,
    entities: rec.entities,
    content: JSON.stringify(event),
  };
}

/** The bytes each chain link covers: every stored column except the link itself. */
export function auditMaterial(chain: number, row: AuditRow): string {
  // Unit separators between fields (none can contain one: JSON escapes control characters), a marker for NULL,
  // and the JSON by its SHA-256 so the chain input stays small.
  const field = (v: string | null) => (v === null ? NULL_MARK : v);
  return [
    String(chain),
    row.recorded,
    row.patientKey,
    field(row.clientId),
    field(row.facilityCode),
    row.action,
    row.outcome,
    field(row.purpose),
    row.entities.join('\u001e'),
    createHash('sha256').update(row.content).digest('hex'),
  ].join('\u001f');
}

const NULL_MARK = '\u0018';

/** The FHIR id of the event at a chain position. */
export const auditEventId = (chain: number, seq: number) => `${chain}-${seq}`;

export function parseAuditEventId(id: string): { chain: number; seq: number } | undefined {
  const m = /^(\d{1,9})-(\d{1,15})$/.exec(id);
  return m ? { chain: Number(m[1]), seq: Number(m[2]) } : undefined;
}

/** The AuditEvent as served: stored JSON with resourceType and id put in front. */
export function auditEventJson(chain: number, seq: number, content: string): string {
  return `{"resourceType":"AuditEvent","id":"${auditEventId(chain, seq)}",${content.slice(1)}`;
}
