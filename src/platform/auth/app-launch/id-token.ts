/**
 * The OpenID Connect id token of a sign-in (SMART `openid fhirUser`): who signed in, for the app (aud = client_id),
 * signed with the platform key published at /auth/jwks. `fhirUser` is the FHIR resource of the person: the Patient,
 * or for staff a Practitioner named by the staff id.
 */
import { SignJWT } from 'jose';
import type { PlatformKey } from '../platform-keys.ts';
import type { UserGrant } from './user-grant.ts';

export const ID_TOKEN_LIFETIME_SECONDS = 300;

export function fhirUserOf(origin: string, grant: UserGrant): string {
  return grant.user.kind === 'patient' ? `${origin}/fhir/Patient/${grant.user.id}` : `${origin}/fhir/Practitioner/${grant.user.id}`;
}

export function issueIdToken(key: PlatformKey, issuer: string, grant: UserGrant): Promise<string> {
  const claims: Record<string, unknown> = { auth_time: grant.authTime, name: grant.user.name };
  if (grant.scopes.includes('fhirUser')) claims.fhirUser = fhirUserOf(issuer, grant);
  if (grant.nonce) claims.nonce = grant.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(grant.clientId)
    .setSubject(`${grant.user.kind}:${grant.user.id}`)
    .setIssuedAt()
    .setExpirationTime(`${ID_TOKEN_LIFETIME_SECONDS}s`)
    .sign(key.privateKey);
}
