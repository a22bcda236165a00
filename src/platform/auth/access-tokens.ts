/**
 * Access tokens: short-lived JWTs signed by the platform key. They carry everything the server needs to decide
 * (client, kind, facility code, patient, scopes); verified signatures are cached until the token expires. Each use
 * also checks that the client is still active (client-states.ts, cached a few seconds), so the tokens of a disabled or
 * deleted client stop working within CLIENT_STATE_TTL_MS.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { unauthorized } from '../fhir/errors.ts';
import type { PlatformKey } from './platform-keys.ts';
import type { Principal, PrincipalKind, PrincipalUser } from './principal.ts';
import { parseScopes, type Scope } from './scopes.ts';
import type { ClientStates } from './client-states.ts';
import { isStaffRole } from './staff/staff-roles.ts';

/** Who a token is for: a system client, or a person signed in to an app (`user`). */
export type TokenHolder = Pick<Principal, 'clientId' | 'name' | 'kind' | 'facilityCode' | 'patientId' | 'user'>;

/** The person in a token: id, name, kind, role, session. */
type UserClaim = { i: string; n: string; k: 'staff' | 'patient'; r?: string; s: string };

const userClaimOf = (u: PrincipalUser): UserClaim => ({ i: u.id, n: u.name, k: u.kind, s: u.sessionId, ...(u.role ? { r: u.role } : {}) });

function userOf(c: UserClaim | undefined): PrincipalUser | undefined {
  if (!c || typeof c.i !== 'string' || typeof c.s !== 'string' || (c.k !== 'staff' && c.k !== 'patient')) return undefined;
  return { id: c.i, name: c.n, kind: c.k, sessionId: c.s, ...(isStaffRole(c.r) ? { role: c.r } : {}) };
}

export const TOKEN_AUDIENCE = 'tsunagu-api';
export const TOKEN_ISSUER = 'tsunagu';

interface Claims {
  sub: string;
  scope: string;
  kind: PrincipalKind;
  name: string;
  fac?: string;
  pat?: string;
  usr?: UserClaim;
  exp: number;
}

export class AccessTokens {
  private readonly cache = new Map<string, { principal: Principal; exp: number }>();
  private states?: ClientStates;

  constructor(
    private readonly key: PlatformKey,
    readonly lifetimeSeconds = 300,
    private readonly maxCache = 50_000,
  ) {}

  async issue(client: TokenHolder, scopes: Scope[], lifetimeSeconds = this.lifetimeSeconds): Promise<string> {
    const claims: Record<string, unknown> = {
      // RFC 9068 (JWT access tokens, typ at+jwt): client_id is required beside sub.
      client_id: client.clientId,
      scope: scopes.map((s) => s.raw).join(' '),
      kind: client.kind,
      name: client.name,
    };
    if (client.facilityCode) claims.fac = client.facilityCode;
    if (client.patientId) claims.pat = client.patientId;
    if (client.user) claims.usr = userClaimOf(client.user);
    return (
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: this.key.kid, typ: 'at+jwt' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        // A person's token names the person (RFC 9068 §2.2: sub is the resource owner); client_id names the app.
        .setSubject(client.user ? `${client.user.kind}:${client.user.id}` : client.clientId)
        .setIssuedAt()
        .setExpirationTime(`${lifetimeSeconds}s`)
        .setJti(randomUUID())
        .sign(this.key.privateKey)
    );
  }

  /** Where verify() learns whether a token's client is still active (set once by the server). */
  useClientStates(states: ClientStates): void {
    this.states = states;
  }

  /**
   * Verifies a bearer token and that its client is still active — for a person's token also that the session is open
   * and a staff account still active; throws 401 with the reason when it is not acceptable. A failed state lookup
   * (database unavailable) is thrown as it is.
   */
  async verify(token: string): Promise<Principal> {
    const principal = await this.verifySignature(token);
    // Fail closed: a server that never said where client states live accepts no token.
    if (!this.states) throw new Error('AccessTokens.verify: no client states (call useClientStates)');
    if (!(await this.states.isActive(principal.clientId)))
      throw unauthorized(
        'このアクセストークンのクライアントは無効化または削除されています',
        `the client ${principal.clientId} of this access token is disabled or deleted`,
      );
    const user = principal.user;
    if (user && !(await this.states.isSessionOpen(user.sessionId)))
      throw unauthorized('サインインが終了しています。もう一度サインインしてください', 'the sign-in session of this access token has ended');
    if (user?.kind === 'staff' && !(await this.states.isStaffActive(user.id)))
      throw unauthorized('この職員アカウントは無効化されています', 'the staff account of this access token is disabled');
    return principal;
  }

  private async verifySignature(token: string): Promise<Principal> {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.cache.get(token);
    if (hit) {
      if (hit.exp > now) return hit.principal;
      this.cache.delete(token);
    }
    let claims: Claims;
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: ['ES256'],
      });
      claims = payload as unknown as Claims;
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthorized(
        expired ? 'アクセストークンの有効期限が切れています' : 'アクセストークンが無効です',
        expired ? 'access token expired' : 'invalid access token',
      );
    }
    const user = userOf(claims.usr);
    const principal: Principal = {
      clientId: (claims as { client_id?: string }).client_id ?? claims.sub,
      name: claims.name,
      kind: claims.kind,
      facilityCode: claims.fac,
      patientId: claims.pat,
      scopes: parseScopes(claims.scope ?? ''),
      ...(user ? { user } : {}),
    };
    if (this.cache.size >= this.maxCache) this.cache.clear();
    this.cache.set(token, { principal, exp: claims.exp });
    return principal;
  }

  /** Drops cached verifications and client states (e.g. after a client is disabled in this process). */
  forget(): void {
    this.cache.clear();
    this.states?.forget();
  }
}
