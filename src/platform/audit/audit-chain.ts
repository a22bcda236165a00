/**
 * The hash chain of the audit log. Rows are spread over a fixed set of chains so writers on different chains do
 * not wait for each other; each chain links its rows in order:
 *
 *   link(n) = HMAC-SHA256(key, link(n-1) || SHA-256("<seq>|" || material(row n)))
 *
 * with link(0) = HMAC-SHA256(key, "genesis:<chain>"). PostgreSQL computes the same value with its built-in
 * sha256() from the pre-padded keys (so a single-row append is one statement, inside the writer's transaction);
 * a batch append computes it here under a row lock on the chain head.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Queryable } from '../storage/database.ts';
import type { StatementParams } from '../storage/sql-params.ts';
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
   * CTEs appending one row to a chain, for inclusion in a larger write statement (`WITH …, <these>`).
   * The chain head row stays locked until the surrounding transaction ends.
   */
  appendCtes(p: StatementParams, row: AuditRow, suffix = ''): string[] {
    // The statement must fail (and so write nothing) if the audit row could not be chained.
    const chain = this.pickChain();
    const c = p.add(chain, 'integer');
    const material = p.add(auditMaterial(chain, row), 'text');
    const ipad = p.add(this.key.ipad, 'bytea');
    const opad = p.add(this.key.opad, 'bytea');
    return [
      `audit_link${suffix} AS (UPDATE audit_chains SET seq = seq + 1, head = sha256(${opad} || sha256(${ipad} || head || sha256(convert_to((seq + 1)::text || '|' || ${material}, 'UTF8')))) WHERE chain = ${c} RETURNING seq, head)`,
      `audit_row${suffix} AS (INSERT INTO audit_events (chain, seq, hash, id, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, content) ` +
        `SELECT ${c}, seq, head, ${p.add(row.id)}, ${p.add(row.recorded, 'timestamptz')}, ${p.add(row.patientKey)}, ${p.add(row.clientId)}, ${p.add(row.facilityCode)}, ${p.add(row.action)}, ${p.add(row.outcome)}, ${p.add(row.purpose)}, ${p.add(row.entities, 'text[]')}, ${p.add(row.content)} FROM audit_link${suffix})`,
      `audit_guard${suffix} AS (SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM audit_link${suffix}) THEN tsunagu_fail('audit chain ' || ${c} || ' is missing: nothing written') END)`,
    ];
  }

  /** Appends rows in order to one chain inside the caller's transaction. */
  async appendBatch(tx: Queryable, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const chain = this.pickChain();
    const head = await tx.query<{ seq: number; head: Uint8Array }>(
      'SELECT seq, head FROM audit_chains WHERE chain = $1 FOR UPDATE',
      [chain],
    );
    if (head.rows.length === 0) throw new Error(`audit chain ${chain} is missing`);
    let { seq, head: link } = head.rows[0];
    const seqs: number[] = [];
    const links: Buffer[] = [];
    for (const row of rows) {
      seq += 1;
      link = nextLink(this.key, link, seq, auditMaterial(chain, row));
      seqs.push(seq);
      links.push(link as Buffer);
    }
    await tx.query(
      `INSERT INTO audit_events (chain, seq, hash, id, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, content)
       SELECT $1, s, h, i, r, pk, ci, fc, a, o, pu, string_to_array(e, chr(31)), c
       FROM unnest($2::bigint[], $3::bytea[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
         AS t(s, h, i, r, pk, ci, fc, a, o, pu, e, c)`,
      [
        chain,
        seqs,
        links,
        rows.map((r) => r.id),
        rows.map((r) => r.recorded),
        rows.map((r) => r.patientKey),
        rows.map((r) => r.clientId),
        rows.map((r) => r.facilityCode),
        rows.map((r) => r.action),
        rows.map((r) => r.outcome),
        rows.map((r) => r.purpose),
        rows.map((r) => r.entities.join('\u001f')),
        rows.map((r) => r.content),
      ],
    );
    await tx.query('UPDATE audit_chains SET seq = $2, head = $3 WHERE chain = $1', [chain, seq, link]);
  }
}
