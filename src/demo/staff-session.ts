/**
 * A staff member's sign-in to the clinic app, in process (the authorization server's own flow: the form, the code,
 * PKCE): for the demo's acts that need a person — an emergency view is declared by a 医師, not by a system.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const form = (o: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(o).toString(),
});

/** The access token of `login` at `facility` (the app's redirect and audience as the server publishes them). */
export async function staffAccessToken(app: FastifyInstance, who: { facility: string; login: string; password: string }): Promise<string> {
  const discovery = await app.inject({ method: 'GET', url: '/fhir/.well-known/smart-configuration' });
  const origin = new URL((JSON.parse(discovery.body) as { authorization_endpoint: string }).authorization_endpoint).origin;
  const verifier = randomBytes(32).toString('base64url');
  const query = {
    response_type: 'code',
    client_id: 'tsunagu-clinic',
    redirect_uri: `${origin}/clinic/`,
    scope: 'openid fhirUser user/*.cruds',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    aud: `${origin}/fhir`,
  };
  const signIn = await app.inject({ method: 'POST', url: '/auth/authorize', ...form({ ...query, method: 'staff', ...who }) });
  const code = signIn.headers.location ? new URL(String(signIn.headers.location)).searchParams.get('code') : null;
  if (!code) throw new Error(`demo sign-in of ${who.login}@${who.facility} failed: ${signIn.statusCode} ${signIn.body.slice(0, 300)}`);
  const token = await app.inject({
    method: 'POST',
    url: '/auth/token',
    ...form({ grant_type: 'authorization_code', code, redirect_uri: query.redirect_uri, client_id: query.client_id, code_verifier: verifier }),
  });
  if (token.statusCode !== 200) throw new Error(`demo token exchange failed: ${token.statusCode} ${token.body.slice(0, 300)}`);
  return (JSON.parse(token.body) as { access_token: string }).access_token;
}
