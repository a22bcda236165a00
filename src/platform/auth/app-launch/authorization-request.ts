/**
 * The authorization request (RFC 6749 §4.1.1, PKCE RFC 7636, SMART App Launch standalone launch), checked the same way
 * when the sign-in page is shown and when its form comes back. Two kinds of error (RFC 6749 §4.1.2.1):
 *   - the app or the redirect URI cannot be trusted: shown on the page, never redirected (an open redirector otherwise);
 *   - anything else: sent back to the app's redirect URI as `error` with the `state`.
 */
import type { Queryable } from '../../storage/database.ts';
import { LAUNCH_SCOPES, parseScope } from '../scopes.ts';
import { type AppClient, type AppUser, findAppClient, redirectRegistered } from './app-clients.ts';
import { isCodeChallenge } from './pkce.ts';

/** The request's parameters as they travel through the sign-in form. */
export const REQUEST_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'aud',
  'nonce',
  'launch',
] as const;

export interface AuthorizationRequest {
  app: AppClient;
  redirectUri: string;
  state?: string;
  codeChallenge: string;
  /** The requested scopes the app may have (launch scopes and resource scopes, raw). */
  scopes: string[];
  nonce?: string;
  /** The parameters to carry in the form. */
  carried: Record<string, string>;
}

export type RequestCheck =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; redirect: false; ja: string; en: string }
  | { ok: false; redirect: true; redirectUri: string; state?: string; error: string; description: string };

const single = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Resource scopes of the kind a user of the app gets: `user/…` for staff, `patient/…` for a patient. */
const contextFor: Record<AppUser, string> = { staff: 'user', patient: 'patient' };

export async function checkAuthorizationRequest(db: Queryable, params: Record<string, unknown>, origins: string[]): Promise<RequestCheck> {
  const clientId = single(params.client_id);
  const redirectUri = single(params.redirect_uri);
  if (!clientId) return { ok: false, redirect: false, ja: 'client_id がありません', en: 'client_id is missing' };
  const app = await findAppClient(db, clientId);
  if (!app?.active)
    return { ok: false, redirect: false, ja: `アプリ ${clientId} は登録されていないか無効です`, en: `app ${clientId} is not registered or is disabled` };
  if (!redirectUri || !redirectRegistered(app, redirectUri, origins))
    return { ok: false, redirect: false, ja: 'リダイレクトURIがアプリの登録と一致しません', en: 'redirect_uri does not match the app’s registration' };
  const state = single(params.state);
  const fail = (error: string, description: string): RequestCheck => ({ ok: false, redirect: true, redirectUri, state, error, description });
  if (single(params.response_type) !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
  const codeChallenge = single(params.code_challenge);
  if (single(params.code_challenge_method) !== 'S256') return fail('invalid_request', 'PKCE is required: code_challenge_method=S256');
  if (!isCodeChallenge(codeChallenge)) return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier (43 characters)');
  const aud = single(params.aud);
  // SMART: aud names the FHIR server the app will call; a token for another server is never issued here.
  if (aud !== undefined && !origins.some((o) => aud.replace(/\/$/, '') === `${o}/fhir`)) return fail('invalid_request', `aud ${aud} is not this FHIR server`);
  if (single(params.launch) !== undefined) return fail('invalid_request', 'EHR launch is not supported: use a standalone launch (no launch parameter)');
  const requested = (single(params.scope) ?? '').split(/\s+/).filter(Boolean);
  const unknown = requested.filter((s) => !LAUNCH_SCOPES.has(s) && !parseScope(s));
  if (unknown.length) return fail('invalid_scope', `unknown scope(s): ${unknown.join(' ')}`);
  const contexts = new Set(app.users.map((u) => contextFor[u]));
  const scopes = requested.filter((s) => app.scopes.includes(s) || (parseScope(s) && contexts.has(parseScope(s)!.context)));
  if (!scopes.some((s) => parseScope(s)))
    return fail('invalid_scope', `no resource scope this app may have was requested (${[...contexts].map((c) => `${c}/…`).join(', ')})`);
  const carried: Record<string, string> = {};
  for (const name of REQUEST_PARAMETERS) {
    const v = single(params[name]);
    if (v !== undefined) carried[name] = v;
  }
  return { ok: true, request: { app, redirectUri, state, codeChallenge, scopes, nonce: single(params.nonce), carried } };
}

/** The redirect back to the app: `code` or `error`, with the state (RFC 6749 §4.1.2). */
export function redirectBack(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}
