/**
 * The pure parts of a SMART App Launch public client (authorization code + PKCE S256, RFC 7636): random values, the
 * code challenge, the authorization URL, the callback's parameters, the token requests' bodies and the session kept
 * from a token response. WebCrypto only (browsers and Node alike), no DOM.
 */

/** The token endpoint's answer to a person's sign-in (auth/app-launch/user-tokens.ts). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
  patient?: string;
  tsunagu_user: SignedInUser;
}

/** The signed-in person, as the apps show them (header: name, role, facility). */
export interface SignedInUser {
  id: string;
  name: string;
  kind: 'staff' | 'patient';
  role?: string;
  /** 職種 (e.g. 医師). */
  roleName?: string;
  roleNameEn?: string;
  /** 医療機関コード. */
  facilityCode?: string;
  facilityName?: string;
  patientId?: string;
  /** 代理人: the people this patient may act for, and the one they act for now (the token's patient). */
  proxies?: ProxyOf[];
  actingFor?: { patientId: string; name: string; relation: string };
}

/** A person the signed-in patient is registered to act for (代理人). */
export interface ProxyOf {
  patientId: string;
  name: string;
  relation: string;
  /** 親権者, 後見人, 任意代理人. */
  relationName: string;
}

/** What an app keeps of a sign-in (sessionStorage). */
export interface Session {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms when the access token ends. */
  expiresAt: number;
  scope: string;
  idToken?: string;
  patient?: string;
  user: SignedInUser;
}

/** The endpoints the app needs from `/.well-known/smart-configuration`. */
export interface SmartEndpoints {
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
}

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random URL-safe string of `bytes` random bytes (32 → 43 characters: a PKCE verifier, RFC 7636 §4.1). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge: BASE64URL(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  challenge: string;
  /** The FHIR server the token is for (`<origin>/fhir`). */
  aud: string;
  /** `ja` or `en`: the sign-in page's language. */
  lang?: string;
}

export function authorizeUrl(endpoint: string, r: AuthorizeRequest): string {
  const url = new URL(endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    scope: r.scope,
    state: r.state,
    code_challenge: r.challenge,
    code_challenge_method: 'S256',
    aud: r.aud,
    ...(r.lang ? { lang: r.lang } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export type Callback = { code: string; state: string } | { error: string; description?: string; state?: string };

/** The authorization response in the redirect's query (`?code=&state=` or `?error=`), or undefined when there is none. */
export function parseCallback(search: string): Callback | undefined {
  const q = new URLSearchParams(search);
  const error = q.get('error');
  if (error) return { error, description: q.get('error_description') ?? undefined, state: q.get('state') ?? undefined };
  const code = q.get('code');
  const state = q.get('state');
  if (code && state !== null) return { code, state };
  return undefined;
}

export function codeExchangeBody(p: { code: string; redirectUri: string; clientId: string; verifier: string }): URLSearchParams {
  return new URLSearchParams({ grant_type: 'authorization_code', code: p.code, redirect_uri: p.redirectUri, client_id: p.clientId, code_verifier: p.verifier });
}

export function refreshBody(p: { refreshToken: string; clientId: string; patient?: string }): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: p.refreshToken,
    client_id: p.clientId,
    ...(p.patient ? { patient: p.patient } : {}),
  });
}

export function sessionOf(t: TokenResponse, now = Date.now()): Session {
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: now + Math.max(0, Number(t.expires_in) || 0) * 1000,
    scope: t.scope,
    idToken: t.id_token,
    patient: t.patient,
    user: t.tsunagu_user,
  };
}

/** Refresh a minute before the access token ends (or at once, when it has). */
export const needsRefresh = (s: Session, now = Date.now(), marginMs = 60_000): boolean => s.expiresAt - now <= marginMs;

/**
 * An endpoint of this server at the origin the app was opened under: the platform's apps are served by the server
 * whose authorization server they use, and the discovery document names its published origin (localhost), which may
 * not be the one in the address bar (127.0.0.1). Endpoints of another server are kept as they are.
 */
export function atOrigin(endpoint: string, origin: string, serverOrigins: string[]): string {
  const url = new URL(endpoint);
  return serverOrigins.includes(url.origin) ? `${origin}${url.pathname}${url.search}` : endpoint;
}
