/**
 * Access tokens: short-lived JWTs signed by the platform key. They carry everything the server needs to decide
 * (client, kind, facility code, patient, scopes), so verification needs no database read; verified tokens are
 * cached until they expire.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { unauthorized } from '../fhir/errors.ts';
import type { PlatformKey } from './platform-keys.ts';
import type { Principal, PrincipalKind } from './principal.ts';
import { parseScopes, type Scope } from './scopes.ts';
import type { ClientRecord } from './clients.ts';

export const TOKEN_AUDIENCE = 'tsunagu-api';
export const TOKEN_ISSUER = 'tsunagu';

interface Claims {
  sub: string;
  scope: string;
  kind: PrincipalKind;
  name: string;
  fac?: string;
  pat?: string;
  exp: number;
}

export class AccessTokens {
  private readonly cache = new Map<string, { principal: Principal; exp: number }>();

  constructor(
    private readonly key: PlatformKey,
    readonly lifetimeSeconds = 300,
    private readonly maxCache = 50_000,
  ) {}

  async issue(client: ClientRecord, scopes: Scope[], lifetimeSeconds = this.lifetimeSeconds): Promise<string> {
    const claims: Record<string, unknown> = {
      scope: scopes.map((s) => s.raw).join(' '),
      kind: client.kind,
      name: client.name,
    };
    if (client.facilityCode) claims.fac = client.facilityCode;
    if (client.patientId) claims.pat = client.patientId;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: this.key.kid, typ: 'at+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(client.clientId)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }

  /** Verifies a bearer token; throws 401 with the reason when it is not acceptable. */
  async verify(token: string): Promise<Principal> {
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
    const principal: Principal = {
      clientId: claims.sub,
      name: claims.name,
      kind: claims.kind,
      facilityCode: claims.fac,
      patientId: claims.pat,
      scopes: parseScopes(claims.scope ?? ''),
    };
    if (this.cache.size >= this.maxCache) this.cache.clear();
    this.cache.set(token, { principal, exp: claims.exp });
    return principal;
  }

  /** Drops cached verifications (e.g. after a client is deactivated). */
  forget(): void {
    this.cache.clear();
  }
}
