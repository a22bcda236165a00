/**
 * The database-backed replay guard for card challenges (ChallengeStore): a redeemed nonce is one row, and its
 * primary key makes a second redemption fail on every node. Concurrent redemptions are grouped: whatever is
 * queued goes into one `INSERT … SELECT unnest … ON CONFLICT DO NOTHING RETURNING nonce`, a few such flushes
 * run at once, so a verification waits for about one round trip and commit however many readers are busy.
 * Expired nonces are deleted in the background (they can no longer be redeemed: the challenge MAC carries the
 * expiry).
 */
import type { Database } from '../../platform/storage/database.ts';
import type { ChallengeStore } from './card/challenge.ts';

interface Pending {
  nonce: string;
  expiresAt: Date;
  resolve: (fresh: boolean) => void;
  reject: (err: unknown) => void;
}

export class DatabaseChallengeStore implements ChallengeStore {
  private queue: Pending[] = [];
  private inFlight = 0;
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: { parallel?: number; maxBatch?: number; purgeEveryMs?: number } = {},
  ) {
    const every = options.purgeEveryMs ?? 60_000;
    if (every > 0) {
      this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), every);
      this.purgeTimer.unref();
    }
  }

  markUsed(id: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ nonce: id, expiresAt, resolve, reject });
      if (this.inFlight < (this.options.parallel ?? 4)) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
        // A nonce twice in one batch: only its first occurrence can be fresh.
        const first = new Map<string, Pending>();
        for (const p of batch) if (!first.has(p.nonce)) first.set(p.nonce, p);
        try {
          const res = await this.db.query<{ nonce: string }>(
            'INSERT INTO elig_challenge_nonces (nonce, expires_at) SELECT * FROM unnest($1::text[], $2::timestamptz[]) ON CONFLICT (nonce) DO NOTHING RETURNING nonce',
            [[...first.keys()], [...first.values()].map((p) => p.expiresAt.toISOString())],
            { name: 'elig_nonce_insert' },
          );
          const fresh = new Set(res.rows.map((r) => r.nonce));
          for (const p of batch) p.resolve(first.get(p.nonce) === p && fresh.has(p.nonce));
        } catch (err) {
          for (const p of batch) p.reject(err);
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
