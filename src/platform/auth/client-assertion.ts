/**
 * OAuth 2.0 client credentials with a signed JWT client assertion (RFC 7523, SMART backend services):
 * iss = sub = client_id, aud = this token endpoint, exp at most 5 minutes ahead, jti used once.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Queryable } from '../storage/database.ts';
import { findClient, type ClientRecord } from './clients.ts';

export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type',
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHMS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS384', 'PS256', 'EdDSA'];
const MAX_LIFETIME_SECONDS = 300;

export async function verifyClientAssertion(
  db: Queryable,
  assertion: string,
  acceptedAudiences: string[],
): Promise<ClientRecord> {
  let clientId: string;
  try {
    const claims = decodeJwt(assertion);
    if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw new Error('iss and sub must both be the client_id');
    clientId = claims.iss;
  } catch (err) {
    throw new OAuthError('invalid_client', `client assertion is not a valid JWT: ${(err as Error).message}`, 401);
  }
  const client = await findClient(db, clientId);
  if (!client) throw new OAuthError('invalid_client', `unknown client ${clientId}`, 401);
  if (!client.active) throw new OAuthError('invalid_client', `client ${clientId} is disabled`, 401);
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
      issuer: clientId,
      subject: clientId,
      audience: acceptedAudiences,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (err) {
    throw new OAuthError('invalid_client', `client assertion rejected: ${(err as Error).message}`, 401);
  }
  const now = Math.floor(Date.now() / 1000);
  if ((payload.exp as number) - now > MAX_LIFETIME_SECONDS)
    throw new OAuthError('invalid_client', 'client assertion exp is more than 5 minutes ahead', 401);
  const stored = await db.query(
    'INSERT INTO client_assertion_jti (client_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING',
    [clientId, payload.jti, payload.exp],
  );
  if (stored.rowCount === 0) throw new OAuthError('invalid_client', 'client assertion jti was already used (replay)', 401);
  if (Math.random() < 0.01) await db.query('DELETE FROM client_assertion_jti WHERE expires_at < now()');
  return client;
}
