/**
 * The apps' SMART App Launch client, its pure parts (web/shared/pkce.ts): the S256 challenge, the authorization URL,
 * the callback, the token requests — and the same parts against this server's authorization server, in-process.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atOrigin,
  authorizeUrl,
  base64url,
  codeChallenge,
  codeExchangeBody,
  needsRefresh,
  parseCallback,
  randomToken,
  refreshBody,
  sessionOf,
  type TokenResponse,
} from '../../web/shared/pkce.ts';
import { IN_PROCESS_ORIGIN } from '../helpers/app-sign-in.ts';
import { startTestServer, type TestServer } from '../helpers/tsunagu.ts';

describe('PKCE and the authorization request (pure)', () => {
  it('a verifier is 43 URL-safe characters; the challenge is BASE64URL(SHA-256(verifier))', async () => {
    const v = randomToken(32);
    expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(32)).not.toBe(v);
    expect(await codeChallenge(v)).toBe(createHash('sha256').update(v).digest('base64url'));
    // RFC 7636 appendix B.
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(base64url(new Uint8Array([251, 255, 191]))).toBe('-_-_');
  });

  it('the authorization URL carries what SMART App Launch asks for', () => {
    const url = new URL(
      authorizeUrl('http://localhost:8080/auth/authorize', {
        clientId: 'tsunagu-clinic',
        redirectUri: 'http://localhost:8080/clinic/',
        scope: 'openid fhirUser user/*.cruds offline_access',
        state: 'st',
        challenge: 'ch',
        aud: 'http://localhost:8080/fhir',
      }),
    );
    expect(url.pathname).toBe('/auth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'tsunagu-clinic',
      redirect_uri: 'http://localhost:8080/clinic/',
      scope: 'openid fhirUser user/*.cruds offline_access',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      aud: 'http://localhost:8080/fhir',
    });
  });

  it('reads the callback: a code with its state, an error, or nothing', () => {
    expect(parseCallback('?code=abc&state=xyz')).toEqual({ code: 'abc', state: 'xyz' });
    expect(parseCallback('?error=access_denied&error_description=no&state=xyz')).toEqual({ error: 'access_denied', description: 'no', state: 'xyz' });
    expect(parseCallback('')).toBeUndefined();
    expect(parseCallback('?code=abc')).toBeUndefined();
  });

  it('the token requests are form bodies; the session ends at expires_in; a minute before, it is refreshed', () => {
    expect(Object.fromEntries(codeExchangeBody({ code: 'c', redirectUri: 'r', clientId: 'i', verifier: 'v' }))).toEqual({
      grant_type: 'authorization_code',
      code: 'c',
      redirect_uri: 'r',
      client_id: 'i',
      code_verifier: 'v',
    });
    expect(Object.fromEntries(refreshBody({ refreshToken: 't', clientId: 'i' }))).toEqual({ grant_type: 'refresh_token', refresh_token: 't', client_id: 'i' });
    const s = sessionOf({ access_token: 'a', token_type: 'Bearer', expires_in: 900, scope: 's', tsunagu_user: { id: 'u', name: 'n', kind: 'staff' } }, 1_000);
    expect(s.expiresAt).toBe(901_000);
    expect(needsRefresh(s, 800_000)).toBe(false);
    expect(needsRefresh(s, 841_000)).toBe(true);
  });

  it("uses this server's endpoints at the origin the app was opened under", () => {
    expect(atOrigin('http://localhost:8080/auth/token', 'http://127.0.0.1:8080', ['http://localhost:8080'])).toBe('http://127.0.0.1:8080/auth/token');
    expect(atOrigin('https://idp.example.jp/token', 'http://127.0.0.1:8080', ['http://localhost:8080'])).toBe('https://idp.example.jp/token');
  });
});

describe("the client's requests against the authorization server (in-process)", () => {
  const CLINIC = '1312345679';
  const PASSWORD = 'shinryo2026abc';
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer('pglite');
    await s.t.platform.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility', prefecture: '東京都' });
    await s.t.platform.staff.add({
      facilityCode: CLINIC,
      facilityKind: 'facility',
      login: 'yamada',
      displayName: '山田 太郎',
      role: 'doctor',
      password: PASSWORD,
    });
  });
  afterAll(async () => s?.close());

  const form = (url: string, body: URLSearchParams) =>
    s.t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });

  it('signs in, refreshes and signs out with exactly the requests the apps make', async () => {
    const discovery = JSON.parse((await s.t.app.inject({ method: 'GET', url: '/.well-known/smart-configuration' })).body);
    const verifier = randomToken(32);
    const redirectUri = `${IN_PROCESS_ORIGIN}/clinic/`;
    const url = new URL(
      authorizeUrl(discovery.authorization_endpoint, {
        clientId: 'tsunagu-clinic',
        redirectUri,
        scope: 'openid fhirUser user/*.cruds offline_access',
        state: 'state-1',
        challenge: await codeChallenge(verifier),
        aud: `${IN_PROCESS_ORIGIN}/fhir`,
      }),
    );
    const signInPage = await s.t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(signInPage.statusCode).toBe(200);
    expect(signInPage.body).toContain('診療所アプリ にサインイン');

    const signedIn = await form(
      url.pathname,
      new URLSearchParams({ ...Object.fromEntries(url.searchParams), method: 'staff', facility: CLINIC, login: 'yamada', password: PASSWORD }),
    );
    expect(signedIn.statusCode).toBe(303);
    const back = new URL(signedIn.headers.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    const callback = parseCallback(back.search);
    expect(callback).toMatchObject({ state: 'state-1' });
    if (!callback || !('code' in callback)) throw new Error('no code');

    const tokenPath = new URL(discovery.token_endpoint).pathname;
    const wrong = await form(tokenPath, codeExchangeBody({ code: callback.code, redirectUri, clientId: 'tsunagu-clinic', verifier: randomToken(32) }));
    expect(wrong.statusCode).toBe(400);

    // A wrong verifier spends the code (RFC 6749 §4.1.2: single use): sign in again for a fresh one.
    const again = await form(
      url.pathname,
      new URLSearchParams({ ...Object.fromEntries(url.searchParams), method: 'staff', facility: CLINIC, login: 'yamada', password: PASSWORD }),
    );
    const code = (parseCallback(new URL(again.headers.location as string).search) as { code: string }).code;
    const token = await form(tokenPath, codeExchangeBody({ code, redirectUri, clientId: 'tsunagu-clinic', verifier }));
    expect(token.statusCode).toBe(200);
    const session = sessionOf(JSON.parse(token.body) as TokenResponse);
    expect(session.user).toMatchObject({ name: '山田 太郎', kind: 'staff', roleName: '医師', facilityCode: CLINIC, facilityName: 'つなぐ内科クリニック' });
    expect(session.refreshToken).toBeTruthy();

    const refreshed = await form(tokenPath, refreshBody({ refreshToken: session.refreshToken!, clientId: 'tsunagu-clinic' }));
    expect(refreshed.statusCode).toBe(200);
    const next = sessionOf(JSON.parse(refreshed.body) as TokenResponse);
    expect(next.accessToken).not.toBe(session.accessToken);

    const logout = await form(
      new URL(discovery.revocation_endpoint).pathname,
      new URLSearchParams({ refresh_token: next.refreshToken ?? session.refreshToken! }),
    );
    expect(logout.statusCode).toBe(200);
    const afterLogout = await form(tokenPath, refreshBody({ refreshToken: next.refreshToken ?? session.refreshToken!, clientId: 'tsunagu-clinic' }));
    expect(afterLogout.statusCode).toBe(400);
  });
});
