/**
 * SMART App Launch (issue 13): the authorization server's sign-in page, the authorization code flow with PKCE, refresh
 * rotation, sign-out, id tokens, role-limited scopes and operations, audit of every sign-in — on every engine. The card
 * sign-in is tested here through the seam with a stand-in method; the real card method is tested with the eligibility
 * service.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectUriProblem, registerAppClient } from '../../src/platform/auth/app-launch/app-clients.ts';
import { LOCKOUT_AFTER } from '../../src/platform/auth/staff/index.ts';
import { renderAuditEvent } from '../../src/platform/audit/audit-record.ts';
import { ENGINES } from '../helpers/engines.ts';
import { authorizeQuery, codeOf, exchange, IN_PROCESS_ORIGIN, pkcePair, postForm, postSignIn, signInStaff } from '../helpers/app-sign-in.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';

const CLINIC = '1312345679';
const PASSWORD = 'kusuri2026abc';

describe('redirect URIs an app may register', () => {
  it('https, http on loopback, or a path of this server; no fragment, no user information', () => {
    expect(redirectUriProblem('https://app.example.jp/callback')).toBeUndefined();
    expect(redirectUriProblem('http://127.0.0.1:3000/cb')).toBeUndefined();
    expect(redirectUriProblem('/clinic/')).toBeUndefined();
    expect(redirectUriProblem('http://app.example.jp/cb')).toMatch(/https/);
    expect(redirectUriProblem('https://app.example.jp/cb#x')).toMatch(/fragment/);
    expect(redirectUriProblem('https://u:p@app.example.jp/cb')).toMatch(/user/);
    expect(redirectUriProblem('//evil.example/cb')).toMatch(/path/);
    expect(redirectUriProblem('app.example.jp')).toMatch(/absolute/);
  });
});

describe.each(ENGINES)('SMART App Launch on %s', (engine) => {
  let s: TestServer;
  const staff: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer(engine);
    await s.t.platform.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility', prefecture: '東京都' });
    for (const [login, role, name] of [
      ['yamada', 'doctor', '山田 太郎'],
      ['sato', 'clerk', '佐藤 花子'],
      ['suzuki', 'nurse', '鈴木 一郎'],
      ['locked', 'doctor', '施錠 試験'],
      ['gone', 'doctor', '退職 予定'],
    ] as const) {
      const a = await s.t.platform.staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login, displayName: name, role, password: PASSWORD });
      staff[login] = a.staffId;
    }
  });
  afterAll(async () => s?.close());

  const page = (query: Record<string, string>) => s.t.app.inject({ method: 'GET', url: `/auth/authorize?${new URLSearchParams(query)}` });
  const doctor = { facility: CLINIC, login: 'yamada', password: PASSWORD };

  describe('the sign-in page', () => {
    it('is Japanese HTML with a strict CSP, never framed, for a registered app and redirect URI', async () => {
      const r = await page(authorizeQuery({ challenge: pkcePair().challenge }));
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.body).toContain('<html lang="ja">');
      expect(r.body).toContain('診療所アプリ にサインイン');
      expect(r.body).toContain('医療機関コード');
      expect(r.body).not.toContain('マイナンバーカードでサインイン'); // a staff app
      expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['cache-control']).toBe('no-store');
    });

    it('in English with lang=en; the portal offers the card', async () => {
      const en = await page({ ...authorizeQuery({ challenge: pkcePair().challenge }), lang: 'en' });
      expect(en.body).toContain('<html lang="en">');
      expect(en.body).toContain('Facility code');
      const portal = await page(authorizeQuery({ clientId: 'tsunagu-portal', challenge: pkcePair().challenge }));
      expect(portal.statusCode).toBe(200);
      expect(portal.body).toContain('マイナンバーカードでサインイン');
      expect(portal.body).not.toContain('医療機関コード（10桁）');
    });

    it('shows an error page — never redirects — for an unknown app or an unregistered redirect URI', async () => {
      const unknown = await page(authorizeQuery({ clientId: 'no-such-app', challenge: pkcePair().challenge }));
      expect(unknown.statusCode).toBe(400);
      expect(unknown.headers.location).toBeUndefined();
      expect(unknown.body).toContain('サインインできません');
      const elsewhere = await page(authorizeQuery({ redirectUri: 'https://evil.example/clinic/', challenge: pkcePair().challenge }));
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.headers.location).toBeUndefined();
      // A system client is not an app.
      const system = await s.addClient({ kind: 'facility', scopes: ['system/*.read'] });
      const asApp = await page(
        authorizeQuery({ clientId: system.client.clientId, redirectUri: `${IN_PROCESS_ORIGIN}/clinic/`, challenge: pkcePair().challenge }),
      );
      expect(asApp.statusCode).toBe(400);
    });

    it('sends other errors back to the app with the state: no PKCE, plain PKCE, another aud, EHR launch, unknown scope', async () => {
      const { challenge } = pkcePair();
      const base = authorizeQuery({ challenge, state: 'st-1' });
      const cases: [Record<string, string>, string][] = [
        [{ ...base, code_challenge: '' }, 'invalid_request'],
        [{ ...base, code_challenge_method: 'plain' }, 'invalid_request'],
        [{ ...base, aud: 'https://other.example/fhir' }, 'invalid_request'],
        [{ ...base, launch: 'xyz' }, 'invalid_request'],
        [{ ...base, scope: 'openid user/*.cruds bogus' }, 'invalid_scope'],
        [{ ...base, scope: 'openid system/*.read' }, 'invalid_scope'],
        [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
      ];
      for (const [query, error] of cases) {
        const r = await page(query);
        expect(r.statusCode, JSON.stringify(query)).toBe(303);
        const back = new URL(r.headers.location as string);
        expect(back.origin + back.pathname).toBe(`${IN_PROCESS_ORIGIN}/clinic/`);
        expect(back.searchParams.get('error')).toBe(error);
        expect(back.searchParams.get('state')).toBe('st-1');
      }
    });
  });

  describe('staff sign-in', () => {
    it('a doctor signs in: the code comes back with the state, the token carries the person, role and facility', async () => {
      const { verifier, challenge } = pkcePair();
      const query = authorizeQuery({ challenge, state: 'abc', nonce: 'n-1' });
      const r = await postSignIn(s.t.app, query, { method: 'staff', ...doctor });
      expect(r.statusCode).toBe(303);
      const { code, state } = codeOf(r);
      expect(state).toBe('abc');
      const t = await exchange(s.t.app, query, code!, verifier);
      expect(t.tsunagu_user).toMatchObject({
        kind: 'staff',
        name: '山田 太郎',
        role: 'doctor',
        roleName: '医師',
        facilityCode: CLINIC,
        facilityName: 'つなぐ内科クリニック',
      });
      expect(t.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'fhirUser', 'offline_access', 'user/*.cruds']));
      expect(t.refresh_token).toBeTruthy();
      const claims = decodeJwt(t.access_token);
      expect(claims).toMatchObject({ client_id: 'tsunagu-clinic', kind: 'facility', fac: CLINIC, sub: `staff:${staff.yamada}` });
      // The id token: signed by the published key, for the app, naming the person.
      const jwks = json(await s.t.app.inject({ method: 'GET', url: '/auth/jwks' }));
      const { payload } = await jwtVerify(t.id_token!, createLocalJWKSet(jwks), { issuer: IN_PROCESS_ORIGIN, audience: 'tsunagu-clinic' });
      expect(payload).toMatchObject({
        sub: `staff:${staff.yamada}`,
        name: '山田 太郎',
        nonce: 'n-1',
        fhirUser: `${IN_PROCESS_ORIGIN}/fhir/Practitioner/${staff.yamada}`,
      });
      // userinfo and the FHIR API accept the token.
      const me = json(await s.t.app.inject({ method: 'GET', url: '/auth/userinfo', headers: { authorization: `Bearer ${t.access_token}` } }));
      expect(me).toMatchObject({ name: '山田 太郎', role: 'doctor', facilityName: 'つなぐ内科クリニック' });
      const search = await s.request({ method: 'GET', url: '/fhir/Patient', token: t.access_token });
      expect(search.statusCode).toBe(200);
    });

    it('the code is good once, with its verifier, redirect URI and app only; a reused code ends the session', async () => {
      const { verifier, challenge } = pkcePair();
      const query = authorizeQuery({ challenge });
      const tokenWith = async (code: string, over: Record<string, string>) =>
        postForm(s.t.app, '/auth/token', {
          grant_type: 'authorization_code',
          code,
          redirect_uri: query.redirect_uri,
          client_id: query.client_id,
          code_verifier: verifier,
          ...over,
        });
      const code1 = codeOf(await postSignIn(s.t.app, query, { method: 'staff', ...doctor })).code!;
      const wrongVerifier = await tokenWith(code1, { code_verifier: pkcePair().verifier });
      expect(wrongVerifier.statusCode).toBe(400);
      expect(json(wrongVerifier).error).toBe('invalid_grant');
      // That attempt used the code up.
      expect(json(await tokenWith(code1, {})).error).toBe('invalid_grant');

      const code2 = codeOf(await postSignIn(s.t.app, query, { method: 'staff', ...doctor })).code!;
      expect(json(await tokenWith(code2, { redirect_uri: `${IN_PROCESS_ORIGIN}/pharmacy/` })).error).toBe('invalid_grant');
      const code3 = codeOf(await postSignIn(s.t.app, query, { method: 'staff', ...doctor })).code!;
      expect(json(await tokenWith(code3, { client_id: 'tsunagu-pharmacy' })).error).toBe('invalid_grant');

      const code4 = codeOf(await postSignIn(s.t.app, query, { method: 'staff', ...doctor })).code!;
      const first = await tokenWith(code4, {});
      expect(first.statusCode).toBe(200);
      const replay = await tokenWith(code4, {});
      expect(json(replay).error).toBe('invalid_grant');
      expect(json(replay).error_description).toMatch(/already used/);
      // The session of the first exchange is over: its refresh token and (after the state cache) its access token.
      const refreshed = await postForm(s.t.app, '/auth/token', {
        grant_type: 'refresh_token',
        refresh_token: json(first).refresh_token,
        client_id: 'tsunagu-clinic',
      });
      expect(json(refreshed).error).toBe('invalid_grant');
      s.t.platform.tokens.forget();
      expect((await s.request({ method: 'GET', url: '/fhir/Patient', token: json(first).access_token })).statusCode).toBe(401);
    });

    it('refresh rotates the token; a reused refresh token ends the session', async () => {
      const t = await signInStaff(s.t.app, doctor);
      const refresh = (token: string) => postForm(s.t.app, '/auth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: 'tsunagu-clinic' });
      const r1 = await refresh(t.refresh_token);
      expect(r1.statusCode).toBe(200);
      const next = json(r1);
      expect(next.refresh_token).not.toBe(t.refresh_token);
      expect(next.tsunagu_user.role).toBe('doctor');
      expect((await s.request({ method: 'GET', url: '/fhir/Patient', token: next.access_token })).statusCode).toBe(200);
      // The old one again: stolen or replayed — the session ends for everyone holding it.
      expect(json(await refresh(t.refresh_token)).error).toBe('invalid_grant');
      expect(json(await refresh(next.refresh_token)).error).toBe('invalid_grant');
      s.t.platform.tokens.forget();
      expect((await s.request({ method: 'GET', url: '/fhir/Patient', token: next.access_token })).statusCode).toBe(401);
    });

    it('sign-out ends the session: its access and refresh tokens stop working', async () => {
      const t = await signInStaff(s.t.app, doctor);
      const out = await postForm(s.t.app, '/auth/logout', { refresh_token: t.refresh_token });
      expect(out.statusCode).toBe(200);
      const r = await s.request({ method: 'GET', url: '/fhir/Patient', token: t.access_token });
      expect(r.statusCode).toBe(401);
      expect(json(r).issue[0].details.text).toMatch(/サインインが終了/);
      expect(
        json(await postForm(s.t.app, '/auth/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'tsunagu-clinic' })).error,
      ).toBe('invalid_grant');
      // Unknown tokens are answered alike.
      expect((await postForm(s.t.app, '/auth/logout', { refresh_token: 'nothing' })).statusCode).toBe(200);
    });

    it('a wrong password and an unknown login get the same Japanese message; nothing is issued', async () => {
      const query = authorizeQuery({ challenge: pkcePair().challenge });
      const wrong = await postSignIn(s.t.app, query, { method: 'staff', ...doctor, password: 'not-the-password1' });
      const unknown = await postSignIn(s.t.app, query, { method: 'staff', facility: CLINIC, login: 'nobody', password: PASSWORD });
      for (const r of [wrong, unknown]) {
        expect(r.statusCode).toBe(401);
        expect(r.headers.location).toBeUndefined();
        expect(r.body).toContain('role="alert"');
        expect(r.body).toContain('サインインできませんでした');
        expect(r.body).not.toContain('not-the-password1');
      }
      const message = (b: string) => /role="alert">([^<]*)</.exec(b)?.[1];
      expect(message(wrong.body)).toBe(message(unknown.body));
      // The login typed is kept in the form, the password is not.
      expect(wrong.body).toContain('value="yamada"');
    });

    it(`locks the account after ${LOCKOUT_AFTER} failures: then the right password fails too`, async () => {
      const query = authorizeQuery({ challenge: pkcePair().challenge });
      const who = { method: 'staff', facility: CLINIC, login: 'locked' };
      for (let i = 0; i < LOCKOUT_AFTER; i++) expect((await postSignIn(s.t.app, query, { ...who, password: `wrong-pass-${i}x` })).statusCode).toBe(401);
      const right = await postSignIn(s.t.app, query, { ...who, password: PASSWORD });
      expect(right.statusCode).toBe(401);
      expect(right.body).toContain('サインインできませんでした');
      await s.t.platform.staff.unlock(staff.locked);
      expect((await postSignIn(s.t.app, query, { ...who, password: PASSWORD })).statusCode).toBe(303);
    });

    it('records every sign-in, success and failure, with the person and the reason', async () => {
      const res = await s.t.platform.db.query<{ detail: string; outcome: string; facility_code: string | null }>(
        'SELECT detail, outcome, facility_code FROM audit_events WHERE detail LIKE \'%"s":"sign-in"%\' ORDER BY seq',
      );
      const details = res.rows.map((r) => ({ ...JSON.parse(r.detail), outcome: r.outcome, fac: r.facility_code }));
      const ok = details.find((d) => d.outcome === '0' && d.u?.[1] === staff.yamada);
      expect(ok).toMatchObject({ fac: CLINIC, u: ['staff', staff.yamada, '山田 太郎', 'doctor'] });
      expect(details.some((d) => d.outcome === '4' && /password/.test(d.d))).toBe(true);
      expect(details.some((d) => d.outcome === '4' && /unknown/.test(d.d))).toBe(true);
      expect(details.some((d) => d.outcome === '4' && /locked/.test(d.d))).toBe(true);
    });

    it('a disabled staff account stops working at once', async () => {
      const t = await signInStaff(s.t.app, { facility: CLINIC, login: 'gone', password: PASSWORD });
      expect((await s.request({ method: 'GET', url: '/fhir/Patient', token: t.access_token })).statusCode).toBe(200);
      await s.t.platform.staff.setActive(staff.gone, false);
      s.t.platform.tokens.forget();
      const r = await s.request({ method: 'GET', url: '/fhir/Patient', token: t.access_token });
      expect(r.statusCode).toBe(401);
      expect(json(r).issue[0].details.text).toMatch(/職員アカウントは無効/);
    });
  });

  describe('roles', () => {
    it('a clerk’s sign-in carries the reception scopes only; a nurse’s read scopes', async () => {
      const clerk = await signInStaff(s.t.app, { facility: CLINIC, login: 'sato', password: PASSWORD });
      expect(clerk.scope.split(' ').filter((x) => x.startsWith('user/'))).toEqual([
        'user/Patient.rs',
        'user/Coverage.rs',
        'user/Consent.crus',
        'user/Organization.rs',
      ]);
      const obs = await s.request({ method: 'GET', url: '/fhir/Observation', token: clerk.access_token });
      expect(obs.statusCode).toBe(403);
      const nurse = await signInStaff(s.t.app, { facility: CLINIC, login: 'suzuki', password: PASSWORD });
      expect(nurse.scope.split(' ').filter((x) => x.startsWith('user/'))).toEqual(['user/*.rs']);
    });

    it('operations check the role: a clerk may not prescribe nor a nurse send a letter (403 in Japanese), a doctor gets past the check', async () => {
      const clerk = await signInStaff(s.t.app, { facility: CLINIC, login: 'sato', password: PASSWORD });
      const nurse = await signInStaff(s.t.app, { facility: CLINIC, login: 'suzuki', password: PASSWORD });
      const doc = await signInStaff(s.t.app, doctor);
      const empty = { resourceType: 'Parameters', parameter: [] };
      const rx = await s.request({ method: 'POST', url: '/fhir/$register-prescription', token: clerk.access_token, body: empty });
      expect(rx.statusCode).toBe(403);
      expect(json(rx).issue[0].details.text).toBe('事務は「処方箋の発行」を行えません');
      const letter = await s.request({ method: 'POST', url: '/fhir/$send-referral', token: nurse.access_token, body: empty });
      expect(letter.statusCode).toBe(403);
      expect(json(letter).issue[0].details.text).toMatch(/看護師は「紹介状の作成・送付」/);
      const clinical = await s.request({ method: 'GET', url: '/fhir/Patient/any-patient/$clinical-information', token: clerk.access_token });
      expect(clinical.statusCode).toBe(403);
      // The doctor passes the role check and meets the operation's own input check.
      const byDoctor = await s.request({ method: 'POST', url: '/fhir/$register-prescription', token: doc.access_token, body: empty });
      expect(byDoctor.statusCode).toBe(400);
    });

    it('the audit event names the person and role beside the facility', async () => {
      const res = await s.t.platform.db.query<any>(
        `SELECT recorded, patient_key AS "patientKey", client_id AS "clientId", facility_code AS "facilityCode", action, outcome, purpose, entities, detail
         FROM audit_events WHERE detail LIKE '%"s":"sign-in"%' AND outcome = '0' AND detail LIKE $1 LIMIT 1`,
        [`%${staff.yamada}%`],
      );
      const row = res.rows[0];
      const event = renderAuditEvent(0, 1, { ...row, recorded: new Date(row.recorded).toISOString() });
      expect(event.agent?.[0]).toMatchObject({ who: { identifier: { value: 'tsunagu-clinic' }, display: 'つなぐ内科クリニック' }, altId: CLINIC });
      expect(event.agent?.[1]).toMatchObject({
        who: { identifier: { system: 'urn:tsunagu:staff-id', value: staff.yamada }, display: '山田 太郎' },
        role: [{ coding: [{ code: 'doctor' }] }],
      });
    });
  });

  describe('patient sign-in through the card seam', () => {
    it('a patient signs in to the portal with a card method a service provides; the token is the patient’s', async () => {
      const methods = s.t.platform.signIn;
      const previous = methods.patientCards;
      methods.providePatientCards({
        async authenticate({ cardFile, pin }) {
          if (cardFile !== 'CARD-OF-HANAKO') return { ok: false, code: 'unknown', ja: 'このカードは登録されていません', en: 'unknown card' };
          if (pin !== '1234') return { ok: false, code: 'wrong-pin', ja: '暗証番号が違います', en: 'wrong PIN', retriesLeft: 2 };
          return { ok: true, patientId: 'pat-hanako', name: '髙橋 花子' };
        },
      });
      try {
        const { verifier, challenge } = pkcePair();
        const query = authorizeQuery({ clientId: 'tsunagu-portal', challenge });
        const wrong = await postSignIn(s.t.app, query, { method: 'card', cardFile: 'CARD-OF-HANAKO', pin: '9999' });
        expect(wrong.statusCode).toBe(401);
        expect(wrong.body).toContain('暗証番号が違います（あと2回）');
        // A staff form on the patients' app is refused.
        expect((await postSignIn(s.t.app, query, { method: 'staff', ...doctor })).statusCode).toBe(401);
        const r = await postSignIn(s.t.app, query, { method: 'card', cardFile: 'CARD-OF-HANAKO', pin: '1234' });
        expect(r.statusCode).toBe(303);
        const t = await exchange(s.t.app, query, codeOf(r).code!, verifier);
        expect(t.patient).toBe('pat-hanako');
        expect(t.tsunagu_user).toMatchObject({ kind: 'patient', name: '髙橋 花子', patientId: 'pat-hanako' });
        expect(t.scope.split(' ')).toEqual(expect.arrayContaining(['launch/patient', 'patient/*.rs']));
        expect(decodeJwt(t.access_token)).toMatchObject({ kind: 'patient', pat: 'pat-hanako', client_id: 'tsunagu-portal' });
        // A card form on the clinic app is refused.
        const clinicQuery = authorizeQuery({ challenge });
        expect((await postSignIn(s.t.app, clinicQuery, { method: 'card', cardFile: 'CARD-OF-HANAKO', pin: '1234' })).statusCode).toBe(401);
      } finally {
        if (previous) methods.providePatientCards(previous);
      }
    });
  });

  describe('third-party apps', () => {
    it('register with an exact redirect URI and sign people in the same way; a disabled app cannot', async () => {
      await registerAppClient(s.t.platform.db, {
        clientId: 'vendor-emr',
        name: 'ベンダー電子カルテ',
        redirectUris: ['https://emr.vendor.example/callback'],
        users: ['staff'],
        scopes: ['openid', 'fhirUser', 'user/*.rs'],
      });
      const t = await signInStaff(s.t.app, doctor, {
        clientId: 'vendor-emr',
        redirectUri: 'https://emr.vendor.example/callback',
        scope: 'openid user/*.cruds',
      });
      // The app's registration caps the role's scopes.
      expect(t.scope.split(' ')).toEqual(['openid', 'user/*.rs']);
      expect((await s.request({ method: 'GET', url: '/fhir/Patient', token: t.access_token })).statusCode).toBe(200);
      await s.t.platform.db.query("UPDATE clients SET active = false WHERE client_id = 'vendor-emr'");
      const r = await page(authorizeQuery({ clientId: 'vendor-emr', redirectUri: 'https://emr.vendor.example/callback', challenge: pkcePair().challenge }));
      expect(r.statusCode).toBe(400);
      // An app cannot use the backend-services grant.
      const cc = await postForm(s.t.app, '/auth/token', { grant_type: 'client_credentials', client_id: 'vendor-emr' });
      expect(cc.statusCode).toBe(400);
    });
  });
});
