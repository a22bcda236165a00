/**
 * Limits of number input at reception (番号入力による照会の制限), against probing: a desk that types numbers and
 * birth dates until one matches learns who is insured where and when they were born.
 *
 *   per client   `$verify-insurance` and `$bulk-precheck` entries, weighted by entry count, at most
 *                numberLookupsPerHour (TSUNAGU_NUMBER_LOOKUPS_PER_HOUR, default 3000) in any 60 minutes; beyond,
 *                the whole request is refused with 429 and Retry-After, before anything is looked up. Counted in
 *                `elig_number_lookups` (one row per client and minute), so the limit holds across nodes; a
 *                per-client advisory lock serialises the check and the count.
 *   per number   failed lookups (nothing registered, wrong 枝番, wrong birth date) of one card number
 *                保険者番号:記号:番号 — every 枝番 together, since a lookup without 枝番 tries every family member —
 *                by any client, counted in `elig_number_failures` whether or not anyone holds the number; after
 *                numberFailuresPerDay (TSUNAGU_NUMBER_FAILURES_PER_DAY, default 5) failures the number is locked
 *                for number input until 24 hours after its first failure: the answer is `too-many-attempts`, the
 *                same for a number nobody has. The card path is not affected. Requests running at the same moment
 *                on one number may each use the last attempt (at most one extra failure per concurrent request).
 *   per request  a `$bulk-precheck` entry with the number and 枝番 of an earlier entry but another birth date is
 *                not looked up (`repeated-number`): one request cannot try several birth dates of one person.
 *
 * Why not @fastify/rate-limit: it counts requests (each `incr` adds one) in memory or Redis, while the limit here
 * is on entries (a pre-check of 1000 entries is 1000 lookups) and must hold across nodes on the database we have.
 */
import type { PlatformConfig } from '../../../platform/config.ts';
import type { Database } from '../../../platform/storage/database.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export type QuotaDecision = { ok: true } | { ok: false; limit: number; used: number; retryAfterSeconds: number };

export class ProbeGuard {
  private readonly purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    /** Read on every call (the limits of the running platform's configuration). */
    private readonly config: Pick<PlatformConfig, 'numberLookupsPerHour' | 'numberFailuresPerDay'>,
    purgeEveryMs = 10 * 60_000,
  ) {
    if (purgeEveryMs > 0) {
      this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), purgeEveryMs);
      this.purgeTimer.unref();
    }
  }

  get failuresPerDay(): number {
    return this.config.numberFailuresPerDay;
  }

  /** Counts `entries` lookups for the client when they fit in its last hour; refuses (counting nothing) otherwise. */
  async reserve(clientId: string, entries: number, now = new Date()): Promise<QuotaDecision> {
    const limit = this.config.numberLookupsPerHour;
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tsunagu:number-lookups:${clientId}`]);
      const rows = (
        await tx.query<{ minute: Date | string; entries: number }>(
          'SELECT minute, entries FROM elig_number_lookups WHERE client_id = $1 AND minute > $2 ORDER BY minute',
          [clientId, new Date(now.getTime() - HOUR_MS).toISOString()],
        )
      ).rows.map((r) => ({ minute: new Date(r.minute).getTime(), entries: Number(r.entries) }));
      const used = rows.reduce((n, r) => n + r.entries, 0);
      if (used + entries > limit) return { ok: false, limit, used, retryAfterSeconds: retryAfter(rows, used, entries, limit, now.getTime()) };
      await tx.query(
        `INSERT INTO elig_number_lookups (client_id, minute, entries) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, minute) DO UPDATE SET entries = elig_number_lookups.entries + EXCLUDED.entries`,
        [clientId, minute.toISOString(), entries],
      );
      return { ok: true };
    });
  }

  /** Failures of each number in its current window. */
  async failures(numberKeys: string[], now = new Date()): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (numberKeys.length === 0) return out;
    const res = await this.db.query<{ number_key: string; failures: number }>(
      'SELECT number_key, failures FROM elig_number_failures WHERE number_key = ANY($1::text[]) AND window_start > $2',
      [numberKeys, new Date(now.getTime() - DAY_MS).toISOString()],
      { name: 'elig_number_failures' },
    );
    for (const r of res.rows) out.set(r.number_key, Number(r.failures));
    return out;
  }

  /** Adds failures; a number whose window has passed starts a new one now. */
  async recordFailures(counts: Map<string, number>, now = new Date()): Promise<void> {
    if (counts.size === 0) return;
    await this.db.query(
      `INSERT INTO elig_number_failures (number_key, window_start, failures)
       SELECT k, $2::timestamptz, n FROM unnest($1::text[], $3::integer[]) AS x(k, n)
       ON CONFLICT (number_key) DO UPDATE SET
         failures = CASE WHEN elig_number_failures.window_start <= $4::timestamptz THEN EXCLUDED.failures ELSE elig_number_failures.failures + EXCLUDED.failures END,
         window_start = CASE WHEN elig_number_failures.window_start <= $4::timestamptz THEN EXCLUDED.window_start ELSE elig_number_failures.window_start END`,
      [[...counts.keys()], now.toISOString(), [...counts.values()], new Date(now.getTime() - DAY_MS).toISOString()],
    );
  }

  /** Drops minutes and windows that no longer count. */
  async purge(now = new Date()): Promise<void> {
    await this.db.query('DELETE FROM elig_number_lookups WHERE minute <= $1', [new Date(now.getTime() - HOUR_MS).toISOString()]);
    await this.db.query('DELETE FROM elig_number_failures WHERE window_start <= $1', [new Date(now.getTime() - DAY_MS).toISOString()]);
  }

  close(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
  }
}

/** Seconds until enough of the oldest minutes leave the hour for `entries` to fit (an hour when they never fit). */
function retryAfter(rows: { minute: number; entries: number }[], used: number, entries: number, limit: number, now: number): number {
  if (entries > limit) return 3600;
  let left = used;
  for (const r of rows) {
    left -= r.entries;
    if (left + entries <= limit) return Math.max(1, Math.ceil((r.minute + HOUR_MS - now) / 1000));
  }
  return 3600;
}

/**
 * Failures of the numbers of one request: the stored ones plus those of its entries so far, so an entry after the
 * limit is reached in the same request is locked too. The same wrong guess twice counts once.
 */
export class FailureBudget {
  private readonly guesses = new Set<string>();
  readonly added = new Map<string, number>();

  constructor(
    private readonly stored: Map<string, number>,
    private readonly limit: number,
  ) {}

  locked(numberKey: string): boolean {
    return (this.stored.get(numberKey) ?? 0) + (this.added.get(numberKey) ?? 0) >= this.limit;
  }

  fail(numberKey: string, guess: string): void {
    if (this.guesses.has(guess)) return;
    this.guesses.add(guess);
    this.added.set(numberKey, (this.added.get(numberKey) ?? 0) + 1);
  }
}
