/**
 * Authorization codes and refresh tokens: random secrets given to the app once and stored only as a SHA-256 hash, so a
 * copy of the database gives no one a session. Every sign-in gets a refresh token (rotated on each use): the session
 * is open while it has a live one, and access tokens of a closed session stop working (access-tokens.ts). Each is good once: redeeming marks it used in the same statement
 * (several nodes, concurrent requests: one wins). A code or refresh token presented a second time means it leaked or
 * was replayed — the whole session it belongs to ends (RFC 6749 §4.1.2 and §10.4, OAuth 2.0 Security BCP §4.14).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../storage/database.ts';
import type { UserGrant } from './user-grant.ts';

/** An authorization code lives one minute (RFC 6749 recommends at most ten). */
export const CODE_LIFETIME_SECONDS = 60;
/** A session lasts at most a working day, however often it is refreshed. */
export const SESSION_HOURS = 12;

const newSecret = () => randomBytes(32).toString('base64url');
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  grant: UserGrant;
}

export async function issueCode(db: Queryable, pending: PendingCode): Promise<string> {
  const code = newSecret();
  await db.query(
    `INSERT INTO authorization_codes (code_hash, client_id, redirect_uri, code_challenge, grant_data, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
    [hashOf(code), pending.grant.clientId, pending.redirectUri, pending.codeChallenge, JSON.stringify(pending.grant), CODE_LIFETIME_SECONDS],
  );
  if (Math.random() < 0.05) await db.query("DELETE FROM authorization_codes WHERE expires_at < now() - interval '1 hour'");
  return code;
}

export type Redeemed<T> = { ok: true; value: T } | { ok: false; reason: 'unknown' | 'expired' | 'reused' };

type CodeRow = { client_id: string; redirect_uri: string; code_challenge: string; grant_data: string; expired: boolean; was_used: boolean };

/** The code's pending grant, marking it used; a reused code ends its session. */
export async function redeemCode(db: Queryable, code: string): Promise<Redeemed<PendingCode & { clientId: string }>> {
  const res = await db.query<CodeRow>(
    `UPDATE authorization_codes c SET used = true FROM (SELECT code_hash, used AS was_used FROM authorization_codes WHERE code_hash = $1 FOR UPDATE) old
     WHERE c.code_hash = old.code_hash RETURNING c.client_id, c.redirect_uri, c.code_challenge, c.grant_data, c.expires_at < now() AS expired, old.was_used`,
    [hashOf(code)],
  );
  const r = res.rows[0];
  if (!r) return { ok: false, reason: 'unknown' };
  const grant = JSON.parse(r.grant_data) as UserGrant;
  if (r.was_used) {
    await endSession(db, grant.sessionId);
    return { ok: false, reason: 'reused' };
  }
  if (r.expired) return { ok: false, reason: 'expired' };
  return { ok: true, value: { clientId: r.client_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge, grant } };
}

/** A refresh token for the grant's session, expiring when the session does. */
export async function issueRefreshToken(db: Queryable, grant: UserGrant): Promise<string> {
  const token = newSecret();
  await db.query(`INSERT INTO refresh_tokens (token_hash, session_id, client_id, grant_data, expires_at) VALUES ($1, $2, $3, $4, to_timestamp($5))`, [
    hashOf(token),
    grant.sessionId,
    grant.clientId,
    JSON.stringify(grant),
    grant.authTime + SESSION_HOURS * 3600,
  ]);
  return token;
}

/** The grant a live refresh token carries, without using it (undefined when unknown, used or expired). */
export async function peekRefreshGrant(db: Queryable, token: string): Promise<UserGrant | undefined> {
  const res = await db.query<{ grant_data: string }>('SELECT grant_data FROM refresh_tokens WHERE token_hash = $1 AND NOT used AND expires_at > now()', [
    hashOf(token),
  ]);
  return res.rows[0] ? (JSON.parse(res.rows[0].grant_data) as UserGrant) : undefined;
}

type RefreshRow = { client_id: string; grant_data: string; expired: boolean; was_used: boolean };

/**
 * Exchanges a refresh token for the next one (rotation, in one transaction: the session always has one live token);
 * a reused one ends its session.
 */
export async function rotateRefreshToken(db: Database, token: string): Promise<Redeemed<{ grant: UserGrant; next: string }>> {
  const outcome = await db.transaction(async (tx): Promise<Redeemed<{ grant: UserGrant; next: string }> | { reusedSession: string }> => {
    const res = await tx.query<RefreshRow>(
      `UPDATE refresh_tokens t SET used = true FROM (SELECT token_hash, used AS was_used FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE) old
       WHERE t.token_hash = old.token_hash RETURNING t.client_id, t.grant_data, t.expires_at < now() AS expired, old.was_used`,
      [hashOf(token)],
    );
    const r = res.rows[0];
    if (!r) return { ok: false, reason: 'unknown' };
    const grant = JSON.parse(r.grant_data) as UserGrant;
    if (r.was_used) return { reusedSession: grant.sessionId };
    if (r.expired) return { ok: false, reason: 'expired' };
    return { ok: true, value: { grant, next: await issueRefreshToken(tx, grant) } };
  });
  if ('reusedSession' in outcome) {
    await endSession(db, outcome.reusedSession);
    return { ok: false, reason: 'reused' };
  }
  return outcome;
}

/** Retires one refresh token that was never handed out (its session goes on with another). */
export async function retireRefreshToken(db: Queryable, token: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET used = true WHERE token_hash = $1', [hashOf(token)]);
}

/** Ends a session: none of its refresh tokens works again (access tokens run out within their short lifetime). */
export async function endSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET used = true WHERE session_id = $1', [sessionId]);
}

/** Ends the session a refresh token belongs to (logout); false when the token is unknown. */
export async function endSessionOf(db: Queryable, token: string): Promise<boolean> {
  const res = await db.query<{ session_id: string }>('SELECT session_id FROM refresh_tokens WHERE token_hash = $1', [hashOf(token)]);
  if (!res.rows[0]) return false;
  await endSession(db, res.rows[0].session_id);
  return true;
}
