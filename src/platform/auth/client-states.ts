/**
 * Whether a client may still use its access tokens: it exists and is active (not disabled, not deleted). Looked up in
 * `clients` and cached for CLIENT_STATE_TTL_MS, so every request costs no database read, and a client disabled or
 * deleted — on any node, or by `tsunagu client disable` — loses access within that time at most, however long
 * its tokens would still run. A failed lookup (database unavailable) is thrown as it is, never read as "inactive".
 */
import type { Queryable } from '../storage/database.ts';

/** How long a client's state is trusted before it is read again (the revocation latency). */
export const CLIENT_STATE_TTL_MS = 5_000;

export class ClientStates {
  private readonly cache = new Map<string, { until: number; active: Promise<boolean> }>();

  constructor(
    private readonly db: Queryable,
    readonly ttlMs = CLIENT_STATE_TTL_MS,
    private readonly maxEntries = 50_000,
  ) {}

  /** True when the client exists and is active. Concurrent calls for one client share one lookup. */
  isActive(clientId: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(clientId);
    if (hit && hit.until > now) return hit.active;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    const active = this.db
      .query<{ active: boolean }>('SELECT active FROM clients WHERE client_id = $1', [clientId])
      .then((res) => res.rows[0]?.active === true);
    const entry = { until: now + this.ttlMs, active };
    this.cache.set(clientId, entry);
    // A failure is not remembered: the next request asks again.
    active.catch(() => {
      if (this.cache.get(clientId) === entry) this.cache.delete(clientId);
    });
    return active;
  }

  /** Forgets cached states (one client's, or all). */
  forget(clientId?: string): void {
    if (clientId === undefined) this.cache.clear();
    else this.cache.delete(clientId);
  }
}
