/** A person's sign-in to an app through the authorization server, in-process (what a browser app does). */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** In-process requests: the configured port (8080) on localhost. */
export const IN_PROCESS_ORIGIN = 'http://localhost:8080';

export interface AuthorizeParams {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  verifier?: string;
  nonce?: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeQuery(p: AuthorizeParams & { challenge: string }): Record<string, string> {
  const clientId = p.clientId ?? 'tsunagu-clinic';
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri:
      p.redirectUri ?? `${IN_PROCESS_ORIGIN}/${clientId === 'tsunagu-portal' ? 'portal' : clientId === 'tsunagu-pharmacy' ? 'pharmacy' : 'clinic'}/`,
    scope:
      p.scope ?? (clientId === 'tsunagu-portal' ? 'openid fhirUser launch/patient patient/*.rs offline_access' : 'openid fhirUser user/*.cruds offline_access'),
    state: p.state ?? randomBytes(8).toString('hex'),
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    aud: `${IN_PROCESS_ORIGIN}/fhir`,
    ...(p.nonce ? { nonce: p.nonce } : {}),
  };
}

const form = (o: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined)).toString();

export function postForm(app: FastifyInstance, url: string, body: Record<string, string | undefined>): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(body) });
}

/** The sign-in form posted: a 303 to the app with the code, or the page again (401) with the error. */
export function postSignIn(app: FastifyInstance, query: Record<string, string>, fields: Record<string, string | undefined>) {
  return postForm(app, '/auth/authorize', { ...query, ...fields });
}

export function codeOf(r: LightMyRequestResponse): { code?: string; state?: string; error?: string } {
  const location = r.headers.location as string | undefined;
  if (!location) return {};
  const u = new URL(location);
  return { code: u.searchParams.get('code') ?? undefined, state: u.searchParams.get('state') ?? undefined, error: u.searchParams.get('error') ?? undefined };
}

export interface SignedIn {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  scope: string;
  patient?: string;
  tsunagu_user: { id: string; name: string; kind: string; role?: string; roleName?: string; facilityCode?: string; facilityName?: string; patientId?: string };
}

/** The whole flow for a staff member: the page, the form, the code exchanged with the verifier. */
export async function signInStaff(
  app: FastifyInstance,
  who: { facility: string; login: string; password: string; totp?: string },
  p: AuthorizeParams = {},
): Promise<SignedIn> {
  const { verifier, challenge } = pkcePair();
  const query = authorizeQuery({ ...p, challenge });
  const r = await postSignIn(app, query, { method: 'staff', ...who });
  const { code } = codeOf(r);
  if (r.statusCode !== 303 || !code) throw new Error(`sign-in failed: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return exchange(app, query, code, verifier);
}

export async function exchange(app: FastifyInstance, query: Record<string, string>, code: string, verifier: string): Promise<SignedIn> {
  const t = await postForm(app, '/auth/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: query.redirect_uri,
    client_id: query.client_id,
    code_verifier: verifier,
  });
  if (t.statusCode !== 200) throw new Error(`token exchange failed: ${t.statusCode} ${t.body}`);
  return JSON.parse(t.body) as SignedIn;
}
