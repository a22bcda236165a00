/**
 * The hash chain of the audit log. Rows are spread over a fixed set of chains so writers on different chains do
 * not wait for each other; each chain links its rows in order:
 *
 *   link(n) = HMAC-SHA256(key, link(n-1) || SHA-256("<seq>|" || material(row n)))
 *
 * with link(0) = HMAC-SHA256(key, "genesis:<chain>"). PostgreSQL computes the links with its built-in sha256()
 * from the pre-padded keys, so an append is part of the writer's own statement; this module computes the same
 * value in JavaScript only to verify.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Queryable } from '../storage/database.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { hmac, type AuditKey } from './audit-key.ts';
import { auditMaterial, type AuditRow } from './audit-record.ts';

export function genesisLink(key: AuditKey, chain: number): Buffer {
  return hmac(key, `genesis:${chain}`);
}

export function nextLink(key: AuditKey, previous: Uint8Array, seq: number, material: string): Buffer {
  const digest = createHash('sha256').update(`${seq}|`).update(material).digest();
  return hmac(key, previous, digest);
}

export class AuditChains {
  constructor(
    readonly key: AuditKey,
    readonly chainCount: number,
  ) {}

  pickChain(): number {
    return randomInt(this.chainCount);
  }

  /** Creates missing chain heads (idempotent). */
  async ensureChains(db: Queryable): Promise<void> {
    for (let chain = 0; chain < this.chainCount; chain++) {
      await db.query('INSERT INTO audit_chains (chain, seq, head) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING', [
        chain,
        genesisLink(this.key, chain),
      ]);
    }
  }

  /**
   * CTEs that append `rows`, in order, to one chain — for inclusion in a larger statement (`WITH …, <these>`) or
   * run alone by appendBatch. The chain head is locked (FOR UPDATE) until the transaction ends; each link is
   * computed by a recursive walk over the rows; a guard raises if not every row was chained, so the statement
   * (and whatever data it writes) fails as a whole.
   */
  appendCtes(p: StatementParams, rows: AuditRow[]): string[] {
    const chain = this.pickChain();
    const c = p.add(chain, 'integer');
    const col = <K extends keyof AuditRow>(k: K, cast: string) => p.add(rows.map((r) => r[k]), cast);
    const ipad = p.add(this.key.ipad, 'bytea');
    const opad = p.add(this.key.opad, 'bytea');
    return [
      `audit_in AS (SELECT * FROM unnest(${col('id', 'text[]')}, ${col('recorded', 'timestamptz[]')}, ${col('patientKey', 'text[]')}, ${col('clientId', 'text[]')}, ${col('facilityCode', 'text[]')}, ${col('action', 'text[]')}, ${col('outcome', 'text[]')}, ${col('purpose', 'text[]')}, ` +
        `${p.add(rows.map((r) => r.entities.join('\u001f')), 'text[]')}, ${col('content', 'text[]')}, ${p.add(rows.map((r) => auditMaterial(chain, r)), 'text[]')}) ` +
        `WITH ORDINALITY AS t(id, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, content, material, n))`,
      `audit_head AS (SELECT seq, head FROM audit_chains WHERE chain = ${c} FOR UPDATE)`,
      `audit_link AS (WITH RECURSIVE walk(n, seq, link) AS (SELECT 0::bigint, seq, head FROM audit_head UNION ALL ` +
        `SELECT w.n + 1, w.seq + 1, sha256(${opad} || sha256(${ipad} || w.link || sha256(convert_to((w.seq + 1)::text || '|' || i.material, 'UTF8')))) ` +
        `FROM walk w JOIN audit_in i ON i.n = w.n + 1) SELECT n, seq, link FROM walk WHERE n > 0)`,
      `audit_row AS (INSERT INTO audit_events (chain, seq, hash, id, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, content) ` +
        `SELECT ${c}, l.seq, l.link, i.id, i.recorded, i.patient_key, i.client_id, i.facility_code, i.action, i.outcome, i.purpose, string_to_array(i.entities, chr(31)), i.content FROM audit_link l JOIN audit_in i ON i.n = l.n)`,
      `audit_tip AS (UPDATE audit_chains SET seq = t.seq, head = t.link FROM (SELECT seq, link FROM audit_link ORDER BY n DESC LIMIT 1) t WHERE chain = ${c})`,
      `audit_guard AS (SELECT CASE WHEN (SELECT count(*) FROM audit_link) <> ${p.add(rows.length, 'integer')} THEN tsunagu_fail('audit chain ' || ${c} || ' is missing: nothing written') END AS failed)`,
    ];
  }

  /** Appends rows to one chain in a single statement (inside the caller's transaction, or on its own). */
  async appendBatch(q: Queryable, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const p = new StatementParams();
    const ctes = this.appendCtes(p, rows);
    await q.query(`WITH ${ctes.join(',\n')}\nSELECT failed FROM audit_guard`, p.values, { name: 'audit_append' });
  }
}
