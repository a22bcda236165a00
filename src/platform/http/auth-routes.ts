/**
 * OAuth 2.0 token endpoint for system-to-system access (SMART backend services), the platform's public keys,
 * and the SMART discovery document.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { ASSERTION_TYPE, OAuthError, verifyClientAssertion } from '../auth/client-assertion.ts';
import type { PlatformKey } from '../auth/platform-keys.ts';
import { intersectScopes, parseScope, parseScopes } from '../auth/scopes.ts';
import type { Queryable } from '../storage/database.ts';

export interface AuthRouteDeps {
  db: Queryable;
  tokens: AccessTokens;
  key: PlatformKey;
  /** Public URL of the server (e.g. https://tsunagu.example.jp); derived from the request when unset. */
  publicUrl?: string;
}

export async function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const origin = (request: FastifyRequest) => deps.publicUrl ?? `${request.protocol}://${request.host}`;

  app.post('/auth/token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const body = (request.body ?? {}) as Record<string, string>;
      if (typeof body !== 'object') throw new OAuthError('invalid_request', 'form-encoded body required');
      if (body.grant_type !== 'client_credentials')
        throw new OAuthError('unsupported_grant_type', 'only grant_type=client_credentials is supported');
      if (body.client_assertion_type !== ASSERTION_TYPE)
        throw new OAuthError('invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
      if (!body.client_assertion) throw new OAuthError('invalid_request', 'client_assertion is required');
      const audiences = [`${origin(request)}/auth/token`];
      const client = await verifyClientAssertion(deps.db, body.client_assertion, audiences);
      const requestedRaw = (body.scope ?? '').split(/\s+/).filter(Boolean);
      const bad = requestedRaw.filter((s) => !parseScope(s));
      if (bad.length) throw new OAuthError('invalid_scope', `unknown scope(s): ${bad.join(' ')}`);
      const requested = requestedRaw.length ? parseScopes(requestedRaw) : parseScopes(client.scopes);
      const granted = intersectScopes(requested, parseScopes(client.scopes));
      if (granted.length === 0) throw new OAuthError('invalid_scope', 'none of the requested scopes is allowed for this client');
      const token = await deps.tokens.issue(client, granted);
      return {
        access_token: token,
        token_type: 'Bearer',
        expires_in: deps.tokens.lifetimeSeconds,
        scope: granted.map((s) => s.raw).join(' '),
      };
    } catch (err) {
      if (err instanceof OAuthError) return reply.code(err.status).send({ error: err.error, error_description: err.description });
      throw err;
    }
  });

  app.get('/auth/jwks', async () => ({ keys: [deps.key.publicJwk] }));

  app.get('/.well-known/smart-configuration', async (request) => ({
    token_endpoint: `${origin(request)}/auth/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'RS256', 'ES256'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/*.read', 'system/*.write', 'system/*.cruds', 'patient/*.read'],
    capabilities: ['client-confidential-asymmetric'],
    jwks_uri: `${origin(request)}/auth/jwks`,
  }));
}
