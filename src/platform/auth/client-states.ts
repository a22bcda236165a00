/**
 * Whether a client may still use its access tokens: it exists and is active (not disabled, not deleted) — and, for a
 * person's token, whether the sign-in session is open and the staff account active. Looked up in the database and cached for CLIENT_STATE_TTL_MS, so every request costs no database read, and a client disabled or
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
    return this.lookUp(clientId, 'SELECT active FROM clients WHERE client_id = $1', clientId);
  }

  /** True while a person's sign-in session has a live refresh token (app-launch/one-time-secrets.ts). */
  isSessionOpen(sessionId: string): Promise<boolean> {
    return this.lookUp(
      `session:${sessionId}`,
      'SELECT true AS active FROM refresh_tokens WHERE session_id = $1 AND NOT used AND expires_at > now() LIMIT 1',
      sessionId,
    );
  }

  /** True when the staff account exists and is active. */
  isStaffActive(staffId: string): Promise<boolean> {
    return this.lookUp(`staff:${staffId}`, 'SELECT active FROM staff_accounts WHERE staff_id = $1', staffId);
  }

  private lookUp(key: string, sql: string, param: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.active;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    const active = this.db.query<{ active: boolean }>(sql, [param]).then((res) => res.rows[0]?.active === true);
    const entry = { until: now + this.ttlMs, active };
    this.cache.set(key, entry);
    // A failure is not remembered: the next request asks again.
    active.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return active;
  }

  /** Forgets cached states (one client's, or all). */
  forget(clientId?: string): void {
    if (clientId === undefined) this.cache.clear();
    else this.cache.delete(clientId);
  }
}
