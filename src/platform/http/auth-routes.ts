/**
 * OAuth 2.0 token endpoint — system-to-system access (SMART backend services: client_credentials with a signed
 * assertion) and people signed in to apps (SMART App Launch: authorization_code with PKCE, refresh_token; the sign-in
 * page is auth/app-launch/authorize-routes.ts) — the platform's public keys, and
 * the SMART discovery document at the root (the same document is at [base]/.well-known: router/smart-discovery.ts).
 * The token endpoint answers errors as RFC 6749 JSON (`{error, error_description}`), not OperationOutcome. Its URL —
 * the audience client assertions must name — comes from TSUNAGU_PUBLIC_URL or the server's bound addresses, never
 * from the request (token-audience.ts).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { ASSERTION_TYPE, OAuthError, verifyClientAssertion } from '../auth/client-assertion.ts';
import type { PlatformKey } from '../auth/platform-keys.ts';
import type { PatientProxies } from '../auth/proxies/patient-proxies.ts';
import { JWKS_PATH, smartConfiguration, TOKEN_PATH } from '../auth/smart-configuration.ts';
import { serverOrigins } from '../auth/token-audience.ts';
import { grantScopes } from '../auth/token-scopes.ts';
import { FhirError } from '../fhir/errors.ts';
import type { Database } from '../storage/database.ts';
import { type AuthorizeDeps, authorizeRoutes } from '../auth/app-launch/authorize-routes.ts';
import { authorizationCodeGrant, refreshTokenGrant } from '../auth/app-launch/user-tokens.ts';

export interface AuthRouteDeps extends Omit<AuthorizeDeps, 'origins'> {
  db: Database;
  tokens: AccessTokens;
  key: PlatformKey;
  /** 代理人 registrations (a patient app acting for another person). */
  proxies: PatientProxies;
  /** Public URL of the server (TSUNAGU_PUBLIC_URL, e.g. https://tsunagu.example.jp): then the only origin. */
  publicUrl?: string;
  /** The configured port: the origin of in-process requests when the server does not listen. */
  port: number;
}

/** The origins of this server as it runs now (bound addresses, or the configuration); the first is the published one. */
export function originsOf(app: FastifyInstance, opts: { publicUrl?: string; port: number }): string[] {
  // A Unix socket path is no origin; such a deployment sets TSUNAGU_PUBLIC_URL.
  const bound = app.addresses().filter((a): a is AddressInfo => typeof a !== 'string');
  return serverOrigins({ publicUrl: opts.publicUrl, bound, port: opts.port, https: Boolean(app.initialConfig.https) });
}

const FORM = 'application/x-www-form-urlencoded';
const PARAMETERS = [
  'grant_type',
  'scope',
  'client_assertion_type',
  'client_assertion',
  'client_id',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'patient',
] as const;
type TokenRequest = Partial<Record<(typeof PARAMETERS)[number], string>>;

/** The token request's parameters (RFC 6749 §4.4.2: a form body, each a single string). */
function tokenRequest(contentType: string | undefined, body: unknown): TokenRequest {
  if (!contentType?.toLowerCase().startsWith(FORM) || typeof body !== 'object' || body === null)
    throw new OAuthError('invalid_request', `the token request must be a ${FORM} body`);
  const out: TokenRequest = {};
  for (const name of PARAMETERS) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be a single string`);
    out[name] = value;
  }
  return out;
}

const oauthError = (err: OAuthError) => ({ error: err.error, error_description: err.description });

export async function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  app.post(
    TOKEN_PATH,
    {
      // Body errors (unsupported media type, too large, unreadable) are OAuth errors here too; server errors go on
      // to the server's handler.
      errorHandler: (err: FastifyError | FhirError, _request, reply) => {
        const status = err instanceof FhirError ? err.status : err.statusCode;
        if (!status || status < 400 || status >= 500) throw err;
        return reply
          .code(status)
          .header('cache-control', 'no-store')
          .send(oauthError(new OAuthError('invalid_request', err.message)));
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        const body = tokenRequest(request.headers['content-type'], request.body);
        const issuer = originsOf(app, deps)[0];
        if (body.grant_type === 'authorization_code') return await authorizationCodeGrant(deps, issuer, body);
        if (body.grant_type === 'refresh_token') return await refreshTokenGrant(deps, issuer, body);
        if (body.grant_type !== 'client_credentials')
          throw new OAuthError('unsupported_grant_type', 'grant_type is client_credentials, authorization_code or refresh_token');
        if (body.client_assertion_type !== ASSERTION_TYPE) throw new OAuthError('invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
        if (!body.client_assertion) throw new OAuthError('invalid_request', 'client_assertion is required');
        const audiences = originsOf(app, deps).map((o) => `${o}${TOKEN_PATH}`);
        const client = await verifyClientAssertion(deps.db, body.client_assertion, audiences);
        const granted = grantScopes(body.scope, client.scopes);
        const token = await deps.tokens.issue(client, granted);
        return {
          access_token: token,
          token_type: 'Bearer',
          expires_in: deps.tokens.lifetimeSeconds,
          scope: granted.map((s) => s.raw).join(' '),
        };
      } catch (err) {
        if (err instanceof OAuthError) return reply.code(err.status).send(oauthError(err));
        throw err;
      }
    },
  );

  await authorizeRoutes(app, { ...deps, origins: () => originsOf(app, deps) });

  app.get(JWKS_PATH, async () => ({ keys: [deps.key.publicJwk] }));

  app.get('/.well-known/smart-configuration', async () => smartConfiguration(originsOf(app, deps)[0]));
}
