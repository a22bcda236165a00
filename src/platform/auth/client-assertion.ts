/**
 * OAuth 2.0 client credentials with a signed JWT client assertion (RFC 7523, SMART backend services):
 * iss = sub = client_id, aud = this token endpoint, exp at most 5 minutes ahead, jti used once.
 * Every claim's type is checked before anything else reads it: a malformed assertion is an `invalid_client`
 * answer (RFC 7523 §3.1), never a server error.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Queryable } from '../storage/database.ts';
import { findClient, type SystemClient } from './clients.ts';

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
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS384', 'PS256', 'EdDSA'];
const MAX_LIFETIME_SECONDS = 300;
/** Longest accepted client id and jti (both are stored). */
const MAX_ID_LENGTH = 256;

const invalidClient = (description: string) => new OAuthError('invalid_client', description, 401);

const isNumericDate = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;

/** The first problem with the claim set's shape (types, presence), or undefined. Values are checked later. */
export function claimShapeProblem(claims: JWTPayload): string | undefined {
  if (!isId(claims.iss)) return `iss must be the client_id (a string of 1–${MAX_ID_LENGTH} characters)`;
  if (claims.sub !== claims.iss) return 'sub must equal iss (the client_id)';
  const aud = claims.aud;
  if (!(typeof aud === 'string' || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string'))))
    return 'aud must be the token endpoint URL (a string or an array of strings)';
  if (!isNumericDate(claims.exp)) return 'exp is required and must be a number (seconds since the epoch)';
  if (!isId(claims.jti)) return `jti is required and must be a string of 1–${MAX_ID_LENGTH} characters`;
  for (const claim of ['nbf', 'iat'] as const)
    if (claims[claim] !== undefined && !isNumericDate(claims[claim])) return `${claim} must be a number (seconds since the epoch)`;
  return undefined;
}

export async function verifyClientAssertion(db: Queryable, assertion: string, acceptedAudiences: string[]): Promise<SystemClient> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch (err) {
    throw invalidClient(`client assertion is not a valid JWT: ${(err as Error).message}`);
  }
  const problem = claimShapeProblem(claims);
  if (problem) throw invalidClient(`client assertion is malformed: ${problem}`);
  const clientId = claims.iss as string;
  const client = await findClient(db, clientId);
  if (!client) throw invalidClient(`unknown client ${clientId}`);
  if (!client.active) throw invalidClient(`client ${clientId} is ${client.deleted ? 'deleted' : 'disabled'}`);
  if (client.kind === 'app') throw invalidClient(`client ${clientId} is an app: it signs people in with the authorization code flow`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
      issuer: clientId,
      subject: clientId,
      audience: acceptedAudiences,
      algorithms: ASSERTION_ALGORITHMS,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (err) {
    throw invalidClient(`client assertion rejected: ${(err as Error).message}`);
  }
  const exp = payload.exp as number;
  if (exp - Math.floor(Date.now() / 1000) > MAX_LIFETIME_SECONDS) throw invalidClient('client assertion exp is more than 5 minutes ahead');
  const stored = await db.query('INSERT INTO client_assertion_jti (client_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING', [
    clientId,
    payload.jti as string,
    exp,
  ]);
  if (stored.rowCount === 0) throw invalidClient('client assertion jti was already used (replay)');
  if (Math.random() < 0.01) await db.query('DELETE FROM client_assertion_jti WHERE expires_at < now()');
  return client as SystemClient;
}
