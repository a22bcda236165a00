/**
 * The SMART configuration document (http://hl7.org/fhir/smart-app-launch/conformance.html), served at
 * `[base]/.well-known/smart-configuration` and at the root. This server does SMART backend services only: a client
 * authenticates with a signed JWT (private_key_jwt) and gets a token by client_credentials. So there is no
 * authorization endpoint, no PKCE, no OpenID Connect (`issuer` is for sso-openid-connect and is left out) and no
 * response types. The URLs are built from the server's published origin (token-audience.ts), never the Host header.
 */
import { ASSERTION_ALGORITHMS } from './client-assertion.ts';

export const TOKEN_PATH = '/auth/token';
export const JWKS_PATH = '/auth/jwks';

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
];

/** Only what is true: asymmetric client authentication, v1 and v2 scope syntax. */
export const SMART_CAPABILITIES = ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'];

export interface SmartConfiguration {
  token_endpoint: string;
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
    token_endpoint: `${origin}${TOKEN_PATH}`,
    jwks_uri: `${origin}${JWKS_PATH}`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    grant_types_supported: ['client_credentials'],
    scopes_supported: [...SUPPORTED_SCOPES],
    // No authorization endpoint, so no response_type (RFC 8414 wants the member; SMART recommends it).
    response_types_supported: [],
    capabilities: [...SMART_CAPABILITIES],
  };
}
