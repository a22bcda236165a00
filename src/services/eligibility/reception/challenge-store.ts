/**
 * The database side of card verification at reception, batched.
 *
 * - Replay guard (ChallengeStore): a redeemed challenge nonce is one row; its primary key makes a second
 *   redemption fail on every node. Expired nonces are deleted in the background (the challenge MAC carries the
 *   expiry, so an expired nonce can no longer be redeemed anyway).
 * - Person lookup: the certificate (by SHA-256 fingerprint) → the linked person, their Patient, every eligibility
 *   record and the Coverage in force on the visit date.
 *
 *
 * A verification asks both in the same tick (the lookup is started before the card is verified). Everything asked
 * while the previous statement runs — by any number of readers — goes into ONE statement: the nonce INSERT and the
 * lookups together, one round trip and one commit for the whole batch. On a busy node that keeps database round
 * trips (and their system calls) well below one per verification. (Audit events go through a group writer of
 * their own: folding them into this statement was measured slower — the chain append lengthens every batch.)
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import { StatementParams } from '../../../platform/storage/sql-params.ts';
import type { ChallengeStore } from './card/challenge.ts';

export interface CertificateRow {
  patient_key: string;
  superseded_by: string | null;
  unlinked_at: Date | null;
  patient: string | null;
  record: string | null;
  coverage_id: string | null;
  coverage: string | null;
}

/**
 * Upper bound on the eligibility periods read per person at reception (a lifetime rarely has more than a few
 * dozen). Besides bounding the work it keeps the planner's cost estimate low, so PostgreSQL does not JIT-compile
 * a statement that runs in a fraction of a millisecond.
 */
export const MAX_RECORDS_PER_PERSON = 64;

/** `r` covers `date` (both ISO date text). */
export const COVERS_SQL = (r: string, date: string) => `${r}.acquired_on <= ${date} AND (${r}.lost_on IS NULL OR ${date} < ${r}.lost_on)`;

type Item =
  | { kind: 'nonce'; nonce: string; expiresAt: Date; resolve: (fresh: boolean) => void; reject: (err: unknown) => void }
  | { kind: 'lookup'; fingerprint: string; visitDate: string; resolve: (rows: CertificateRow[]) => void; reject: (err: unknown) => void };

const NO_LOOKUP_COLUMNS = `NULL::text AS patient_key, NULL::text AS superseded_by, NULL::timestamptz AS unlinked_at,
       NULL::text AS patient, NULL::text AS record, NULL::text AS coverage_id, NULL::text AS coverage`;

/** The JSON of a resource inside this service's statement (SystemRepository.contentSql). */
export type ContentSql = (type: string, idSql: string) => string;

/** The batch statement: nonces and lookups (fixed text, prepared once per connection). */
function batchStatement(contentSql: ContentSql, nonces: { nonce: string; expiresAt: Date }[], lookups: { fingerprint: string; visitDate: string }[]) {
  const p = new StatementParams();
  const ctes = [
    `ins AS (INSERT INTO elig_challenge_nonces (nonce, expires_at) SELECT * FROM unnest(${p.add(
      nonces.map((n) => n.nonce),
      'text[]',
    )}, ${p.add(
      nonces.map((n) => n.expiresAt.toISOString()),
      'timestamptz[]',
    )}) ON CONFLICT (nonce) DO NOTHING RETURNING nonce)`,
  ];
  const sql = `WITH ${ctes.join(',\n')}
SELECT 'n' AS kind, nonce AS k, ${NO_LOOKUP_COLUMNS} FROM ins
UNION ALL
SELECT 'l', q.k, c.patient_key, c.superseded_by, c.unlinked_at,
       ${contentSql('Patient', 'c.patient_key')},
       r.record, r.coverage_id,
       CASE WHEN ${COVERS_SQL('r', 'q.visit')} THEN ${contentSql('Coverage', 'r.coverage_id')} END
  FROM unnest(${p.add(
    lookups.map((_, i) => String(i)),
    'text[]',
  )}, ${p.add(
    lookups.map((l) => l.fingerprint),
    'text[]',
  )}, ${p.add(
    lookups.map((l) => l.visitDate),
    'text[]',
  )}) AS q(k, fingerprint, visit)
  CROSS JOIN LATERAL (SELECT * FROM elig_cards c WHERE c.fingerprint = q.fingerprint LIMIT 1) c
  LEFT JOIN LATERAL (SELECT * FROM elig_records r WHERE r.patient_key = c.patient_key LIMIT ${MAX_RECORDS_PER_PERSON}) r ON true`;
  return { sql, params: p.values, name: 'elig_reception_batch' };
}

export class ReceptionBatcher implements ChallengeStore {
  private queue: Item[] = [];
  private inFlight = 0;
  private scheduled = false;
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Queryable,
    /** How the store gives a resource's JSON inside this batch statement. */
    private readonly contentSql: ContentSql,
    /** parallel: batch statements in flight at once (more overlap database work; fewer share round trips). */
    private readonly options: { parallel?: number; maxBatch?: number; purgeEveryMs?: number } = {},
  ) {
    const every = options.purgeEveryMs ?? 60_000;
    if (every > 0) {
      this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), every);
      this.purgeTimer.unref();
    }
  }

  /**
   * ChallengeStore: true the first time a nonce is redeemed. The stored key is the expiry (base 36, fixed width)
   * then the nonce: keys arrive in time order, so the primary-key index grows at its right edge instead of touching
   * a random page per redemption (far less write-ahead log after each checkpoint). The expiry is part of the MACed
   * challenge, so one nonce always has one key.
   */
  markUsed(nonce: string, expiresAt: Date): Promise<boolean> {
    const key = `${expiresAt.getTime().toString(36).padStart(9, '0')}:${nonce}`;
    return new Promise((resolve, reject) => this.enqueue({ kind: 'nonce', nonce: key, expiresAt, resolve, reject }));
  }

  /** The person linked to the certificate with this fingerprint, with their records (none: not linked). */
  lookup(fingerprint: string, visitDate: string): Promise<CertificateRow[]> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'lookup', fingerprint, visitDate, resolve, reject }));
  }

  /** Resolves when nothing is queued or being written (shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0 || this.scheduled) await new Promise((r) => setTimeout(r, 5));
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    // Wait for the end of this turn of the event loop, so the nonce and the lookup of a verification (and those of
    // every request handled in the same turn) travel together.
    if (!this.scheduled && this.inFlight < (this.options.parallel ?? 1)) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  private async flush(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
        const nonces = new Map<string, Extract<Item, { kind: 'nonce' }>>();
        const lookups: Extract<Item, { kind: 'lookup' }>[] = [];
        for (const item of batch) {
          if (item.kind === 'lookup') lookups.push(item);
          else if (!nonces.has(item.nonce)) nonces.set(item.nonce, item);
        }
        try {
          const stmt = batchStatement(this.contentSql, [...nonces.values()], lookups);
          const res = await this.db.query<CertificateRow & { kind: 'n' | 'l'; k: string }>(stmt.sql, stmt.params, { name: stmt.name });
          const fresh = new Set<string>();
          const rows = new Map<string, CertificateRow[]>();
          for (const row of res.rows) {
            if (row.kind === 'n') fresh.add(row.k);
            else rows.set(row.k, [...(rows.get(row.k) ?? []), row]);
          }
          for (const item of batch) {
            // A nonce twice in one batch: only its first occurrence can be fresh.
            if (item.kind === 'nonce') item.resolve(nonces.get(item.nonce) === item && fresh.has(item.nonce));
          }
          for (const [i, l] of lookups.entries()) l.resolve(rows.get(String(i)) ?? []);
        } catch (err) {
          for (const item of batch) item.reject(err);
        }
      }
    } finally {
      this.inFlight--;
    }
  }

  /** Deletes nonces whose challenges have expired. */
  async purge(now: Date = new Date()): Promise<number> {
    const res = await this.db.query('DELETE FROM elig_challenge_nonces WHERE expires_at < $1', [now.toISOString()]);
    return res.rowCount;
  }

  close(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
  }
}
