/**
 * Reception visits (受付) as stateless tokens. A successful identification at reception returns a visit token
 * naming the person, the facility, the visit date and how the person was identified, MACed with a secret every
 * node shares — nothing is written per verification beyond its audit event (the durable record of the visit).
 * The reader then records the patient's consent against that token; a consent is accepted only for a visit
 * identified with the My Number card (PIN or face), at the same facility, within the token's lifetime.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomPooled } from './random-pool.ts';

export type VisitMethod = 'card-pin' | 'card-face' | 'insurance-card' | 'eligibility-certificate';

export interface Visit {
  /** Visit id (random). */
  id: string;
  patientId: string;
  facilityCode: string;
  visitDate: string;
  method: VisitMethod;
  /** Identified at (epoch ms). */
  at: number;
  /** Token expiry (epoch ms). */
  exp: number;
}

export type VisitCheck =
  | { ok: true; visit: Visit }
  | { ok: false; code: 'unknown-visit' | 'expired-visit' | 'visit-facility-mismatch'; ja: string; en: string };

export class VisitTokens {
  constructor(
    private readonly secret: Buffer,
    readonly ttlMs = 30 * 60_000,
  ) {}

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(`visit|${body}`).digest().subarray(0, 18).toString('base64url');
  }

  issue(v: Omit<Visit, 'id' | 'exp' | 'at'>, now = Date.now()): { token: string; visit: Visit } {
    const visit: Visit = { id: randomPooled(12).toString('base64url'), ...v, at: now, exp: now + this.ttlMs };
    const body = Buffer.from(JSON.stringify([visit.id, visit.patientId, visit.facilityCode, visit.visitDate, visit.method, visit.at, visit.exp])).toString(
      'base64url',
    );
    return { token: `v1.${body}.${this.mac(body)}`, visit };
  }

  check(token: unknown, facilityCode: string, now = Date.now()): VisitCheck {
    const unknown: VisitCheck = { ok: false, code: 'unknown-visit', ja: '受付情報（visit）が不正です', en: 'the visit token is not valid' };
    if (typeof token !== 'string') return unknown;
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== 'v1') return unknown;
    const given = Buffer.from(parts[2], 'base64url');
    const expected = Buffer.from(this.mac(parts[1]), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return unknown;
    let fields: unknown[];
    try {
      fields = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown[];
    } catch {
      return unknown;
    }
    const [id, patientId, facility, visitDate, method, at, exp] = fields as [string, string, string, string, VisitMethod, number, number];
    if (facility !== facilityCode)
      return { ok: false, code: 'visit-facility-mismatch', ja: '別の医療機関での受付情報です', en: 'the visit belongs to another facility' };
    if (now >= exp)
      return {
        ok: false,
        code: 'expired-visit',
        ja: '受付から時間が経ちすぎています。もう一度カードで受付してください',
        en: 'the visit token has expired; identify the patient again',
      };
    return { ok: true, visit: { id, patientId, facilityCode: facility, visitDate, method, at, exp } };
  }
}
