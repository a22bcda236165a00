/**
 * 代理人: who may use a patient app (the portal) for another person — a parent (親権者) for their child, a guardian
 * (後見人), or a representative the person chose (任意代理人). The registration is the operator's, after checking the
 * papers (戸籍・後見登記・委任状) at the municipality or the desk; the platform keeps who may act for whom and when.
 *
 * The proxy signs in with their own card; the app then asks to act for the person (the token endpoint's refresh
 * grant with `patient`: user-tokens.ts). The tokens name the person in context (`patient`) and the proxy as the user
 * (`fhirUser`), so every read is the person's data and the access log shows who read it.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../storage/database.ts';

/** The basis of a proxy. */
export const PROXY_RELATIONS = {
  parent: { ja: '親権者', en: 'parent (parental authority)' },
  guardian: { ja: '後見人', en: 'guardian' },
  delegate: { ja: '任意代理人', en: 'representative chosen by the person' },
} as const;
export type ProxyRelation = keyof typeof PROXY_RELATIONS;

export interface PatientProxy {
  id: string;
  /** The proxy (代理人): a Patient id and the name as registered. */
  proxyId: string;
  proxyName: string;
  /** The person acted for (ご本人). */
  patientId: string;
  patientName: string;
  relation: ProxyRelation;
  /** Calendar dates (Japan); `validTo` absent: until ended. */
  validFrom: string;
  validTo?: string;
  registeredAt: string;
  registeredBy: string;
  endedAt?: string;
}

export interface NewProxy {
  proxyId: string;
  proxyName: string;
  patientId: string;
  patientName: string;
  relation: ProxyRelation;
  validFrom: string;
  validTo?: string;
  registeredBy: string;
}

/** A registration that cannot be made (the message says why, in Japanese and English). */
export class ProxyInputError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(en);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Japan (the calendar the validity dates are in). */
export const japanDate = (at: Date) => new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

type Row = {
  id: string;
  proxy_id: string;
  proxy_name: string;
  patient_id: string;
  patient_name: string;
  relation: ProxyRelation;
  valid_from: string;
  valid_to: string | null;
  registered_at: Date | string;
  registered_by: string;
  ended_at: Date | string | null;
};

const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function fromRow(r: Row): PatientProxy {
  return {
    id: r.id,
    proxyId: r.proxy_id,
    proxyName: r.proxy_name,
    patientId: r.patient_id,
    patientName: r.patient_name,
    relation: r.relation,
    validFrom: r.valid_from,
    ...(r.valid_to ? { validTo: r.valid_to } : {}),
    registeredAt: iso(r.registered_at),
    registeredBy: r.registered_by,
    ...(r.ended_at ? { endedAt: iso(r.ended_at) } : {}),
  };
}

const COLUMNS = `id, proxy_id, proxy_name, patient_id, patient_name, relation, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
  to_char(valid_to, 'YYYY-MM-DD') AS valid_to, registered_at, registered_by, ended_at`;
const ACTIVE = 'ended_at IS NULL AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to >= $2::date)';

export class PatientProxies {
  constructor(private readonly db: Queryable) {}

  async add(p: NewProxy): Promise<PatientProxy> {
    if (!(p.relation in PROXY_RELATIONS))
      throw new ProxyInputError(
        `続柄は ${Object.keys(PROXY_RELATIONS).join(' / ')} です（${p.relation}）`,
        `relation must be one of ${Object.keys(PROXY_RELATIONS).join(', ')}`,
      );
    if (p.proxyId === p.patientId) throw new ProxyInputError('本人を自分の代理人にはできません', 'a person cannot be their own proxy');
    for (const [k, v] of [
      ['valid-from', p.validFrom],
      ['valid-to', p.validTo],
    ] as const)
      if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))))
        throw new ProxyInputError(`${k} は YYYY-MM-DD の日付です（${v}）`, `${k} must be a date YYYY-MM-DD (got ${v})`);
    if (p.validTo && p.validTo < p.validFrom) throw new ProxyInputError('終了日が開始日より前です', 'valid-to is before valid-from');
    const overlapping = await this.db.query<{ id: string }>(
      `SELECT id FROM patient_proxies WHERE proxy_id = $1 AND patient_id = $2 AND ended_at IS NULL
         AND (valid_to IS NULL OR valid_to >= $3::date) AND ($4::date IS NULL OR valid_from <= $4::date)`,
      [p.proxyId, p.patientId, p.validFrom, p.validTo ?? null],
    );
    if (overlapping.rows[0])
      throw new ProxyInputError(
        `この代理人の登録はすでにあります（${overlapping.rows[0].id}）`,
        `this proxy is already registered for an overlapping period (${overlapping.rows[0].id})`,
      );
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO patient_proxies (id, proxy_id, proxy_name, patient_id, patient_name, relation, valid_from, valid_to, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, p.proxyId, p.proxyName, p.patientId, p.patientName, p.relation, p.validFrom, p.validTo ?? null, p.registeredBy],
    );
    return (await this.get(id)) as PatientProxy;
  }

  async get(id: string): Promise<PatientProxy | undefined> {
    const res = await this.db.query<Row>(`SELECT ${COLUMNS} FROM patient_proxies WHERE id = $1`, [id]);
    return res.rows[0] && fromRow(res.rows[0]);
  }

  /** Ends a registration at once (true) — false when there is no such open registration. */
  async end(id: string): Promise<boolean> {
    const res = await this.db.query<{ id: string }>('UPDATE patient_proxies SET ended_at = now() WHERE id = $1 AND ended_at IS NULL RETURNING id', [id]);
    return res.rows.length > 0;
  }

  /** The people this proxy may act for now. */
  async activeFor(proxyId: string, at = new Date()): Promise<PatientProxy[]> {
    const res = await this.db.query<Row>(`SELECT ${COLUMNS} FROM patient_proxies WHERE proxy_id = $1 AND ${ACTIVE} ORDER BY patient_name, id`, [
      proxyId,
      japanDate(at),
    ]);
    return res.rows.map(fromRow);
  }

  /** The registration under which `proxyId` may act for `patientId` now, if any. */
  async activeBetween(proxyId: string, patientId: string, at = new Date()): Promise<PatientProxy | undefined> {
    const res = await this.db.query<Row>(`SELECT ${COLUMNS} FROM patient_proxies WHERE proxy_id = $1 AND ${ACTIVE} AND patient_id = $3 LIMIT 1`, [
      proxyId,
      japanDate(at),
      patientId,
    ]);
    return res.rows[0] && fromRow(res.rows[0]);
  }

  /** Every registration of or for a person (either side), ended ones too; newest first. */
  async ofPerson(patientId: string): Promise<PatientProxy[]> {
    const res = await this.db.query<Row>(`SELECT ${COLUMNS} FROM patient_proxies WHERE proxy_id = $1 OR patient_id = $1 ORDER BY registered_at DESC, id`, [
      patientId,
    ]);
    return res.rows.map(fromRow);
  }
}
