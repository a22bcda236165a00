/**
 * Websocket binding tokens ($get-ws-binding-token): short-lived JWTs signed with the platform key, naming the
 * subscriptions and their registrant. Stateless, so a client may bind on any node of a deployment.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { PlatformKey } from '../auth/platform-keys.ts';

const AUDIENCE = 'tsunagu-ws-binding';
const ISSUER = 'tsunagu';

export interface BindingClaims {
  clientId: string;
  /** ownerKey of the registrant the subscriptions must still have. */
  owner: string;
  subscriptions: string[];
}

export async function issueBindingToken(key: PlatformKey, claims: BindingClaims, seconds: number): Promise<{ token: string; expires: Date }> {
  const expires = new Date(Date.now() + seconds * 1000);
  const token = await new SignJWT({ own: claims.owner, subs: claims.subscriptions })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.clientId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expires.getTime() / 1000))
    .sign(key.privateKey);
  return { token, expires };
}

/** The claims of a valid, unexpired token; undefined otherwise. */
export async function verifyBindingToken(key: PlatformKey, token: string): Promise<BindingClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, key.publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] });
    const subs = payload.subs;
    if (typeof payload.sub !== 'string' || typeof payload.own !== 'string' || !Array.isArray(subs) || !subs.every((s) => typeof s === 'string'))
      return undefined;
    return { clientId: payload.sub, owner: payload.own, subscriptions: subs as string[] };
  } catch {
    return undefined;
  }
}
