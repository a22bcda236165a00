/**
 * 閲覧履歴 for the person (the portal's "who looked at my data"): the events of the person's log caused by anyone but
 * the person — their own successful reads and writes (a patient principal of that person: their app session, or
 * their own client) are left out; refusals (outcome 4) stay, whoever made them: they are attempts on the person's
 * data or account (a wrong PIN at the portal sign-in). Newest first. Like
 * `GET /fhir/AuditEvent` for the person, the references the person may not know of (`hiddenEntities`: items withheld
 * from them, e.g. 未告知 diagnoses) are removed from each event; the event itself stays.
 */
import type { Queryable } from '../storage/database.ts';
import type { AuditAction, AuditOutcome } from './audit-record.ts';

export interface PersonAccess {
  /** The AuditEvent id (`<chain>-<seq>`). */
  id: string;
  recorded: Date;
  clientId?: string;
  /** The principal kind that acted (facility, pharmacy, insurer, operator, patient …). */
  clientKind: string;
  clientName: string;
  /** 医療機関コード / 保険者番号 … of the organisation acting. */
  facilityCode?: string;
  /** The person signed in to the app (a staff member and their role). */
  user?: { kind: string; id: string; name: string; role?: string };
  action: AuditAction;
  /** Interaction or operation (read, search-type, clinical-information …). */
  subtype: string;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  purpose?: string;
  /** The basis as recorded (space-separated: `Consent/<id>`, `registrant`, `Coverage/<id>` …). */
  basis?: string;
  /** The references touched, less those hidden from the person. */
  entities: string[];
}

export interface PersonAccessQuery {
  /** Events recorded at or after this instant. */
  from?: Date;
  /** At most this many events. */
  count: number;
  /** Of these references (`Type/id`), the ones the person may not know of. */
  hiddenEntities?: (refs: string[]) => Promise<Set<string>>;
}

interface Row {
  chain: number;
  seq: number;
  recorded: Date;
  client_id: string | null;
  facility_code: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  purpose: string | null;
  entities: string[];
  detail: string;
}

interface Detail {
  s: string;
  n: string;
  k: string;
  d?: string;
  b?: string;
  u?: [string, string, string, string?];
}

const baseRef = (e: string) => /^([A-Z][A-Za-z]+\/[^/]+)(\/_history\/[^/]+)?$/.exec(e)?.[1];

/**
 * The person's own successful accesses: a patient principal whose signed-in user, or whose client, is this person.
 * Refused attempts stay whoever made them (a wrong PIN with the person's card is the person's to see).
 */
const OWN = `a.outcome = '0' AND (a.detail::jsonb ->> 'k') = 'patient' AND COALESCE(a.detail::jsonb -> 'u' ->> 1,
  (SELECT c.patient_id FROM clients c WHERE c.client_id = a.client_id)) = a.patient_key`;

export async function personAccessLog(db: Queryable, patientKey: string, q: PersonAccessQuery): Promise<PersonAccess[]> {
  const res = await db.query<Row>(
    `SELECT a.chain, a.seq, a.recorded, a.client_id, a.facility_code, a.action, a.outcome, a.purpose, a.entities, a.detail
       FROM audit_events a
      WHERE a.patient_key = $1 AND a.recorded >= $2 AND NOT (${OWN})
      ORDER BY a.recorded DESC, a.chain DESC, a.seq DESC LIMIT $3`,
    [patientKey, (q.from ?? new Date(0)).toISOString(), q.count],
  );
  const refs = [...new Set(res.rows.flatMap((r) => r.entities.map(baseRef)).filter((e): e is string => e !== undefined))];
  const hidden = refs.length && q.hiddenEntities ? await q.hiddenEntities(refs) : new Set<string>();
  return res.rows.map((r) => {
    const d = JSON.parse(r.detail) as Detail;
    return {
      id: `${r.chain}-${r.seq}`,
      recorded: new Date(r.recorded),
      ...(r.client_id ? { clientId: r.client_id } : {}),
      clientKind: d.k,
      clientName: d.n,
      ...(r.facility_code ? { facilityCode: r.facility_code } : {}),
      ...(d.u ? { user: { kind: d.u[0], id: d.u[1], name: d.u[2], ...(d.u[3] ? { role: d.u[3] } : {}) } } : {}),
      action: r.action,
      subtype: d.s,
      outcome: r.outcome,
      ...(d.d ? { outcomeDesc: d.d } : {}),
      ...(r.purpose ? { purpose: r.purpose } : {}),
      ...(d.b ? { basis: d.b } : {}),
      entities: r.entities.filter((e) => !hidden.has(baseRef(e) ?? '')),
    };
  });
}
