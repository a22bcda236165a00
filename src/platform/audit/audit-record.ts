/**
 * What is audited, and how it becomes a FHIR AuditEvent (P4: who, facility, action, what, outcome, purpose,
 * consent basis, when).
 */
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
  /** The person signed in to an app (a staff member with their role, or the patient). */
  user?: { id: string; name: string; kind: 'staff' | 'patient'; role?: string };
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

/**
 * An audit row as stored, before its chain position is assigned: indexed columns plus `detail`, a small JSON
 * object with the rest. The FHIR AuditEvent is rendered from these when read (renderAuditEvent), so the log
 * stores no boilerplate — it grows by hundreds of millions of rows a month at national scale.
 */
export interface AuditRow {
  recorded: string;
  patientKey: string;
  clientId: string | null;
  facilityCode: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  purpose: string | null;
  entities: string[];
  detail: string;
}

/** The parts of an event that have no column of their own. */
interface AuditDetail {
  /** subtype (interaction or operation) */
  s: string;
  /** actor name, actor kind */
  n: string;
  k: string;
  ip?: string;
  /** outcome description */
  d?: string;
  /** basis: the Consent or policy that allowed the access */
  b?: string;
  /** search query */
  q?: string;
  /** the person signed in: kind, id, name, role */
  u?: [string, string, string, string?];
}

const INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';
const PURPOSE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const CLIENT_ID_SYSTEM = 'urn:tsunagu:client-id';
export const STAFF_ID_SYSTEM = 'urn:tsunagu:staff-id';
export const PATIENT_USER_SYSTEM = 'urn:tsunagu:patient-user';
/** 職種 of the staff member (staff-roles.ts: doctor, dentist, nurse, clerk, pharmacist). */
export const STAFF_ROLE_SYSTEM = 'urn:tsunagu:staff-role';

export function toAuditRow(rec: AuditRecord): AuditRow {
  const detail: AuditDetail = { s: rec.subtype, n: rec.actor.name, k: rec.actor.kind };
  if (rec.actor.ip) detail.ip = rec.actor.ip;
  if (rec.outcomeDesc) detail.d = rec.outcomeDesc;
  if (rec.basis) detail.b = rec.basis;
  if (rec.query) detail.q = rec.query;
  const u = rec.actor.user;
  if (u) detail.u = u.role ? [u.kind, u.id, u.name, u.role] : [u.kind, u.id, u.name];
  return {
    recorded: (rec.recorded ?? new Date()).toISOString(),
    patientKey: rec.patientKey,
    clientId: rec.actor.clientId ?? null,
    facilityCode: rec.actor.facilityCode ?? null,
    action: rec.action,
    outcome: rec.outcome,
    purpose: rec.purpose ?? null,
    entities: rec.entities,
    detail: JSON.stringify(detail),
  };
}

/** The FHIR AuditEvent for a stored row at a chain position. */
export function renderAuditEvent(chain: number, seq: number, row: AuditRow): AuditEvent {
  const d = JSON.parse(row.detail) as AuditDetail;
  return {
    resourceType: 'AuditEvent',
    id: auditEventId(chain, seq),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: INTERACTION_SYSTEM, code: d.s }],
    action: row.action,
    recorded: row.recorded,
    outcome: row.outcome,
    ...(d.d ? { outcomeDesc: d.d } : {}),
    ...(row.purpose ? { purposeOfEvent: [{ coding: [{ system: PURPOSE_SYSTEM, code: row.purpose }] }] } : {}),
    agent: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
        who: { identifier: { system: CLIENT_ID_SYSTEM, value: row.clientId ?? undefined }, display: d.n },
        ...(row.facilityCode ? { altId: row.facilityCode } : {}),
        requestor: true,
        ...(d.b ? { policy: [d.b] } : {}),
        ...(d.ip ? { network: { address: d.ip, type: '2' as const } } : {}),
      },
      // The person who signed in to the app, beside the client (and facility) they acted through.
      ...(d.u
        ? [
            {
              who: { identifier: { system: d.u[0] === 'staff' ? STAFF_ID_SYSTEM : PATIENT_USER_SYSTEM, value: d.u[1] }, display: d.u[2] },
              ...(d.u[3] ? { role: [{ coding: [{ system: STAFF_ROLE_SYSTEM, code: d.u[3] }] }] } : {}),
              requestor: true,
            },
          ]
        : []),
    ],
    source: { observer: { display: 'Tsunagu' }, type: [{ code: d.k }] },
    entity: [
      ...(row.patientKey ? [{ what: { reference: `Patient/${row.patientKey}` }, type: { code: '1' } }] : []),
      ...row.entities.filter((e) => e !== `Patient/${row.patientKey}`).map((e) => ({ what: { reference: e } })),
      ...(d.q ? [{ query: Buffer.from(d.q).toString('base64') }] : []),
    ],
  };
}

/** The bytes each chain link covers: every stored column except the link itself. */
export function auditMaterial(chain: number, row: AuditRow): string {
  // Unit separators between fields (none can contain one: JSON escapes control characters) and a marker for NULL.
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
    row.detail,
  ].join('\u001f');
}

const NULL_MARK = '\u0018';

/** The FHIR id of the event at a chain position. */
export const auditEventId = (chain: number, seq: number) => `${chain}-${seq}`;

export function parseAuditEventId(id: string): { chain: number; seq: number } | undefined {
  const m = /^(\d{1,9})-(\d{1,15})$/.exec(id);
  return m ? { chain: Number(m[1]), seq: Number(m[2]) } : undefined;
}

/** An `audit_events` row as selected (without its hash). */
export interface StoredAuditRow {
  chain: number;
  seq: number;
  recorded: Date;
  patient_key: string;
  client_id: string | null;
  facility_code: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  purpose: string | null;
  entities: string[];
  detail: string;
}

/** The row as the chain and the renderer see it. */
export function fromStoredAuditRow(r: StoredAuditRow): AuditRow {
  return {
    recorded: new Date(r.recorded).toISOString(),
    patientKey: r.patient_key,
    clientId: r.client_id,
    facilityCode: r.facility_code,
    action: r.action,
    outcome: r.outcome,
    purpose: r.purpose,
    entities: r.entities,
    detail: r.detail,
  };
}
