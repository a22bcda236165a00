/**
 * The SMART configuration document (http://hl7.org/fhir/smart-app-launch/conformance.html), served at
 * `[base]/.well-known/smart-configuration` and at the root. Two ways in: SMART backend services (a system client
 * authenticates with a signed JWT, private_key_jwt, and gets a token by client_credentials) and SMART App Launch for
 * people (standalone launch of a public app: authorization code with PKCE S256, `openid fhirUser`, refresh tokens;
 * app-launch/). No EHR launch, no confidential symmetric clients. The URLs are built from the server's published origin
 * (token-audience.ts), never the Host header; the origin is also the OpenID issuer of id tokens.
 */
import { ASSERTION_ALGORITHMS } from './client-assertion.ts';

export const TOKEN_PATH = '/auth/token';
export const JWKS_PATH = '/auth/jwks';
export const AUTHORIZE_PATH = '/auth/authorize';
export const USERINFO_PATH = '/auth/userinfo';
export const LOGOUT_PATH = '/auth/logout';

/** What a client may ask for, in both forms granted (v1 `read`/`write`/`*`, v2 letters); any resource type may replace `*`. */
export const SUPPORTED_SCOPES = [
  'system/*.read',
  'system/*.write',
  'system/*.*',
  'system/*.rs',
  'system/*.cud',
  'system/*.cruds',
  'patient/*.read',
  'patient/*.rs',
  'user/*.rs',
  'user/*.cruds',
  'openid',
  'fhirUser',
  'profile',
  'launch/patient',
  'offline_access',
  'online_access',
];

/** Only what is true: asymmetric system clients; standalone launch of public apps with OpenID Connect; both scope syntaxes. */
export const SMART_CAPABILITIES = [
  'client-confidential-asymmetric',
  'launch-standalone',
  'client-public',
  'sso-openid-connect',
  'context-standalone-patient',
  'permission-patient',
  'permission-user',
  'permission-offline',
  'permission-online',
  'permission-v1',
  'permission-v2',
];

export interface SmartConfiguration {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  revocation_endpoint: string;
  code_challenge_methods_supported: string[];
  id_token_signing_alg_values_supported: string[];
  jwks_uri: string;
  token_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_signing_alg_values_supported: string[];
  grant_types_supported: string[];
  scopes_supported: string[];
  response_types_supported: string[];
  capabilities: string[];
}

/** The document for the origin the server publishes (e.g. https://tsunagu.example.jp). */
export function smartConfiguration(origin: string): SmartConfiguration {
  return {
    issuer: origin,
    authorization_endpoint: `${origin}${AUTHORIZE_PATH}`,
    token_endpoint: `${origin}${TOKEN_PATH}`,
    userinfo_endpoint: `${origin}${USERINFO_PATH}`,
    // Sign-out: POST the refresh token (form or JSON `refresh_token`); the whole sign-in session ends.
    revocation_endpoint: `${origin}${LOGOUT_PATH}`,
    jwks_uri: `${origin}${JWKS_PATH}`,
    // `none`: the apps are public clients (PKCE instead of a secret).
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: ['ES256'],
    capabilities: [...SMART_CAPABILITIES],
  };
}
