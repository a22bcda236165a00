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
  /** Next chain to use; starts at a random one so several server processes spread over the chains. */
  private next: number;

  constructor(
    readonly key: AuditKey,
    readonly chainCount: number,
  ) {
    this.next = randomInt(chainCount);
  }

  /**
   * Chains in turn: a chain head stays locked until its writer commits, so concurrent writers of this process
   * must not pick the same one (at random, 4 concurrent batches on 16 chains collide a third of the time).
   */
  pickChain(): number {
    const chain = this.next;
    this.next = (this.next + 1) % this.chainCount;
    return chain;
  }

  /** Creates missing chain heads (idempotent). */
  async ensureChains(db: Queryable): Promise<void> {
    for (let chain = 0; chain < this.chainCount; chain++) {
      await db.query('INSERT INTO audit_chains (chain, seq, head) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING', [chain, genesisLink(this.key, chain)]);
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
    const ipad = p.add(this.key.ipad, 'bytea');
    const opad = p.add(this.key.opad, 'bytea');
    const link = (prev: string, seq: string, material: string) =>
      `sha256(${opad} || sha256(${ipad} || ${prev} || sha256(convert_to(${seq}::text || '|' || ${material}, 'UTF8'))))`;
    const guard = `audit_guard AS (SELECT CASE WHEN (SELECT count(*) FROM audit_link) <> ${p.add(rows.length, 'integer')} THEN tsunagu_fail('audit chain ' || ${c} || ' is missing: nothing written') END AS failed)`;
    const columns = 'chain, seq, hash, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, detail';
    if (rows.length === 1) {
      // One row (a write): bump the head in place; the row lock is held until the transaction ends.
      const r = rows[0];
      return [
        `audit_link AS (UPDATE audit_chains SET seq = seq + 1, head = ${link('head', '(seq + 1)', p.add(auditMaterial(chain, r), 'text'))} WHERE chain = ${c} RETURNING seq, head)`,
        `audit_row AS (INSERT INTO audit_events (${columns}) SELECT ${c}, seq, head, ${p.add(r.recorded, 'timestamptz')}, ${p.add(r.patientKey, 'text')}, ${p.add(r.clientId, 'text')}, ${p.add(r.facilityCode, 'text')}, ${p.add(r.action, 'text')}, ${p.add(r.outcome, 'text')}, ${p.add(r.purpose, 'text')}, ${p.add(r.entities, 'text[]')}, ${p.add(r.detail, 'text')} FROM audit_link)`,
        guard,
      ];
    }
    // Several rows (a batch of reads or a transaction): lock the head, walk the rows computing each link.
    const col = <K extends keyof AuditRow>(k: K, cast: string) =>
      p.add(
        rows.map((r) => r[k]),
        cast,
      );
    return [
      `audit_in AS (SELECT * FROM unnest(${col('recorded', 'timestamptz[]')}, ${col('patientKey', 'text[]')}, ${col('clientId', 'text[]')}, ${col('facilityCode', 'text[]')}, ${col('action', 'text[]')}, ${col('outcome', 'text[]')}, ${col('purpose', 'text[]')}, ` +
        `${p.add(
          rows.map((r) => r.entities.join('\u001f')),
          'text[]',
        )}, ${col('detail', 'text[]')}, ${p.add(
          rows.map((r) => auditMaterial(chain, r)),
          'text[]',
        )}) ` +
        `WITH ORDINALITY AS t(recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, detail, material, n))`,
      `audit_head AS (SELECT seq, head FROM audit_chains WHERE chain = ${c} FOR UPDATE)`,
      `audit_link AS (WITH RECURSIVE walk(n, seq, link) AS (SELECT 0::bigint, seq, head FROM audit_head UNION ALL ` +
        `SELECT w.n + 1, w.seq + 1, ${link('w.link', '(w.seq + 1)', 'i.material')} FROM walk w JOIN audit_in i ON i.n = w.n + 1) SELECT n, seq, link FROM walk WHERE n > 0)`,
      `audit_row AS (INSERT INTO audit_events (${columns}) ` +
        `SELECT ${c}, l.seq, l.link, i.recorded, i.patient_key, i.client_id, i.facility_code, i.action, i.outcome, i.purpose, string_to_array(i.entities, chr(31)), i.detail FROM audit_link l JOIN audit_in i ON i.n = l.n)`,
      `audit_tip AS (UPDATE audit_chains SET seq = t.seq, head = t.link FROM (SELECT seq, link FROM audit_link ORDER BY n DESC LIMIT 1) t WHERE chain = ${c})`,
      guard,
    ];
  }

  /** Appends rows to one chain in a single statement (inside the caller's transaction, or on its own). */
  async appendBatch(q: Queryable, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const p = new StatementParams();
    const ctes = this.appendCtes(p, rows);
    await q.query(`WITH ${ctes.join(',\n')}\nSELECT failed FROM audit_guard`, p.values, { name: rows.length === 1 ? 'audit_append_1' : 'audit_append_n' });
  }
}
