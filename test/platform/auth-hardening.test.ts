/**
 * Authentication hardening (security review, issue 9 and item 10): the token audience and the discovery URLs come
 * from configuration or the bound addresses, never from the Host header; a disabled or deleted client's tokens stop
 * working within the client-state cache time (and a failed state lookup is an error, not "invalid token"); the
 * purpose-of-use header chooses only purposes of the caller's kind and never ETREAT; a malformed client assertion —
 * any claim of the wrong type, any broken shape — is an OAuth error, never a 500.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, SignJWT, importJWK } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { clientCommand, signClientAssertion } from '../../cli/commands/client.ts';
import { tokenCommand } from '../../cli/commands/token.ts';
import { CLIENT_STATE_TTL_MS } from '../../src/platform/auth/client-states.ts';
import { deleteClient, findClient, registerClient, setClientActive } from '../../src/platform/auth/clients.ts';
import { serverOrigins } from '../../src/platform/auth/token-audience.ts';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { withEmergencyPurpose } from '../../src/platform/http/request-context.ts';
import { createScratchDatabase } from '../../src/platform/storage/pg-admin.ts';
import { ADMIN_URL, ENGINES } from '../helpers/engines.ts';
import { patient } from '../helpers/fixtures.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FORM = 'application/x-www-form-urlencoded';
/** In-process requests: the configured port (8080) on localhost. */
const TOKEN_URL = 'http://localhost:8080/auth/token';

function tokenRequest(s: TestServer, assertion: string, headers: Record<string, string> = {}) {
  return s.t.app.inject({
    method: 'POST',
    url: '/auth/token',
    headers: { 'content-type': FORM, ...headers },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion }).toString(),
  });
}

/** An OAuth error answer (RFC 6749 §5.2) with one of the given codes. */
function expectOAuthError(r: LightMyRequestResponse, status: number, errors: string[], label = '') {
  expect(r.statusCode, `${label}: ${r.body}`).toBe(status);
  expect(r.headers['content-type'], label).toMatch(/^application\/json/);
  const body = json(r);
  expect(errors, `${label}: ${r.body}`).toContain(body.error);
  expect(typeof body.error_description, label).toBe('string');
}

/** Runs `fn` with Date.now moved `ms` ahead (the client-state cache reads Date.now). */
async function later<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now.bind(Date);
  const spy = vi.spyOn(Date, 'now').mockImplementation(() => real() + ms);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

describe('serverOrigins (accepted token audiences)', () => {
  const nic = (address: string, family: 'IPv4' | 'IPv6', scopeid?: number) =>
    ({ address, family, netmask: '', mac: '', internal: false, cidr: null, ...(scopeid !== undefined ? { scopeid } : {}) }) as never;

  it('is TSUNAGU_PUBLIC_URL alone when set (without a trailing slash)', () => {
    expect(serverOrigins({ publicUrl: 'https://tsunagu.example.jp/', bound: [{ address: '0.0.0.0', port: 8080, family: 'IPv4' }], port: 8080 })).toEqual([
      'https://tsunagu.example.jp',
    ]);
  });

  it('is the configured port on the loopback names when the server does not listen', () => {
    expect(serverOrigins({ bound: [], port: 8080 })).toEqual(['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']);
    // A default port may be named or left out.
    expect(serverOrigins({ bound: [], port: 80 })).toContain('http://localhost');
  });

  it('adds the machine’s addresses and host name on a wildcard bind, and only the address on a specific one', () => {
    const interfaces = { eth0: [nic('192.0.2.10', 'IPv4'), nic('2001:db8::10', 'IPv6', 0), nic('fe80::1', 'IPv6', 2)] };
    const wildcard = serverOrigins({ bound: [{ address: '::', port: 9000, family: 'IPv6' }], port: 8080, interfaces, hostname: 'tsunagu-1' });
    expect(wildcard[0]).toBe('http://localhost:9000');
    expect(wildcard).toEqual(
      expect.arrayContaining(['http://127.0.0.1:9000', 'http://[::1]:9000', 'http://tsunagu-1:9000', 'http://192.0.2.10:9000', 'http://[2001:db8::10]:9000']),
    );
    expect(wildcard.some((o) => o.includes('fe80'))).toBe(false);
    expect(serverOrigins({ bound: [{ address: '192.0.2.10', port: 9000, family: 'IPv4' }], port: 8080, interfaces, hostname: 'tsunagu-1' })).toEqual([
      'http://192.0.2.10:9000',
    ]);
  });
});

describe('withEmergencyPurpose', () => {
  it('returns a new context acting for ETREAT and leaves the checked one alone', () => {
    const ctx: RequestContext = { principal: { clientId: 'er-1', name: 'ER', kind: 'facility', facilityCode: '1312345679', scopes: [] }, purpose: 'TREAT' };
    const emergency = withEmergencyPurpose(ctx);
    expect(emergency).toEqual({ ...ctx, purpose: 'ETREAT' });
    expect(ctx.purpose).toBe('TREAT');
  });
});

describe.each(ENGINES)('auth hardening on %s', (engine) => {
  let s: TestServer;
  let clinic: TestClient;
  let insurer: TestClient;
  const search = (token: string, headers: Record<string, string> = {}) => s.request({ method: 'GET', url: '/fhir/Patient?_count=1', token, headers });

  beforeAll(async () => {
    s = await startTestServer(engine);
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/Patient.cruds'] });
    insurer = await s.addClient({ kind: 'insurer', scopes: ['system/Patient.rs'] });
    expect((await s.request({ method: 'POST', url: '/fhir/Patient', token: clinic.token, body: patient() })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('token audience (not from the Host header)', () => {
    it('refuses an assertion made for the Host the request names, and accepts the server’s own URL whatever the Host', async () => {
      const evil = await signClientAssertion(clinic.privateJwk, clinic.client.clientId, 'http://evil.example/auth/token');
      expectOAuthError(await tokenRequest(s, evil, { host: 'evil.example' }), 401, ['invalid_client'], 'evil audience');
      const own = await signClientAssertion(clinic.privateJwk, clinic.client.clientId, TOKEN_URL);
      const r = await tokenRequest(s, own, { host: 'evil.example' });
      expect(r.statusCode, r.body).toBe(200);
      expect((await search(json(r).access_token)).statusCode).toBe(200);
    });

    it('builds the discovery document from the server, not the Host header', async () => {
      const r = await s.t.app.inject({ method: 'GET', url: '/.well-known/smart-configuration', headers: { host: 'evil.example' } });
      expect(r.statusCode).toBe(200);
      expect(json(r)).toMatchObject({ token_endpoint: TOKEN_URL, jwks_uri: 'http://localhost:8080/auth/jwks' });
    });

    it('accepts the bound address once listening (not the configured port, not the Host)', async () => {
      const listening = await startTestServer(engine);
      try {
        const c = await listening.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
        await listening.t.app.listen({ host: '127.0.0.1', port: 0 });
        const port = (listening.t.app.server.address() as { port: number }).port;
        for (const aud of [`http://127.0.0.1:${port}/auth/token`, `http://localhost:${port}/auth/token`])
          expect(
            (await tokenRequest(listening, await signClientAssertion(c.privateJwk, c.client.clientId, aud), { host: 'evil.example' })).statusCode,
            aud,
          ).toBe(200);
        for (const aud of [TOKEN_URL, 'http://evil.example/auth/token'])
          expectOAuthError(
            await tokenRequest(listening, await signClientAssertion(c.privateJwk, c.client.clientId, aud), { host: 'evil.example' }),
            401,
            ['invalid_client'],
            aud,
          );
        const discovery = json(await listening.t.app.inject({ method: 'GET', url: '/.well-known/smart-configuration', headers: { host: 'evil.example' } }));
        expect(discovery.token_endpoint).toBe(`http://localhost:${port}/auth/token`);
      } finally {
        await listening.close();
      }
    });

    it('with TSUNAGU_PUBLIC_URL accepts that URL only', async () => {
      const proxied = await startTestServer(engine, { publicUrl: 'https://tsunagu.example.jp/' });
      try {
        const c = await proxied.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
        const sign = (aud: string) => signClientAssertion(c.privateJwk, c.client.clientId, aud);
        expect((await tokenRequest(proxied, await sign('https://tsunagu.example.jp/auth/token'))).statusCode).toBe(200);
        expectOAuthError(await tokenRequest(proxied, await sign(TOKEN_URL)), 401, ['invalid_client'], 'localhost behind a proxy');
        const discovery = json(await proxied.t.app.inject({ method: 'GET', url: '/.well-known/smart-configuration' }));
        expect(discovery).toMatchObject({ token_endpoint: 'https://tsunagu.example.jp/auth/token', jwks_uri: 'https://tsunagu.example.jp/auth/jwks' });
      } finally {
        await proxied.close();
      }
    });
  });

  describe('client state on every token use', () => {
    const stale = CLIENT_STATE_TTL_MS + 1_000;

    it('stops a disabled client’s tokens within the cache time, and enabling restores them', async () => {
      const c = await s.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
      expect((await search(c.token)).statusCode).toBe(200); // its state is now cached as active
      expect(await setClientActive(s.t.platform.db, c.client.clientId, false)).toBe(true);
      const refused = await later(stale, () => search(c.token));
      expect(refused.statusCode).toBe(401);
      expect(json(refused)).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ code: 'login', diagnostics: expect.stringMatching(/disabled or deleted/) }],
      });
      expectOAuthError(await tokenRequest(s, await signClientAssertion(c.privateJwk, c.client.clientId, TOKEN_URL)), 401, ['invalid_client'], 'disabled');
      expect(await setClientActive(s.t.platform.db, c.client.clientId, true)).toBe(true);
      expect((await later(2 * stale, () => search(c.token))).statusCode).toBe(200);
    });

    it('refuses at once a token whose client was disabled before the token was first used', async () => {
      const c = await s.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
      await setClientActive(s.t.platform.db, c.client.clientId, false);
      expect((await search(c.token)).statusCode).toBe(401);
    });

    it('stops a deleted client’s tokens; a deleted client cannot be enabled, authenticate or be registered again', async () => {
      const c = await s.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
      expect((await search(c.token)).statusCode).toBe(200);
      expect(await deleteClient(s.t.platform.db, c.client.clientId)).toBe(true);
      expect((await later(stale, () => search(c.token))).statusCode).toBe(401);
      expect(await deleteClient(s.t.platform.db, c.client.clientId)).toBe(false);
      expect(await setClientActive(s.t.platform.db, c.client.clientId, true)).toBe(false);
      expect(await findClient(s.t.platform.db, c.client.clientId)).toMatchObject({ active: false, deleted: true, scopes: [], jwks: { keys: [] } });
      const r = await tokenRequest(s, await signClientAssertion(c.privateJwk, c.client.clientId, TOKEN_URL));
      expectOAuthError(r, 401, ['invalid_client'], 'deleted');
      expect(json(r).error_description).toMatch(/deleted/);
      // The id stays taken: the audit log's client ids never come to mean another system.
      await expect(
        registerClient(s.t.platform.db, {
          clientId: c.client.clientId,
          name: 'x',
          kind: 'facility',
          facilityCode: '1312345679',
          scopes: [],
          jwks: c.client.jwks,
        }),
      ).rejects.toMatchObject({ status: 409 });
      expect((await later(3 * stale, () => search(c.token))).statusCode).toBe(401);
    });

    it('lets a failed client-state lookup through as a server error, not "401 invalid token"', async () => {
      const c = await s.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
      const { db } = s.t.platform;
      await db.query('ALTER TABLE clients RENAME TO clients_unavailable');
      try {
        const r = await search(c.token);
        expect(r.statusCode, r.body).toBeGreaterThanOrEqual(500);
      } finally {
        await db.query('ALTER TABLE clients_unavailable RENAME TO clients');
      }
      // The failure was not remembered.
      expect((await search(c.token)).statusCode).toBe(200);
    });
  });

  describe('purpose of use (X-Purpose-Of-Use)', () => {
    it('never accepts ETREAT from the header: emergency access goes through the emergency workflow', async () => {
      const operator = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
      for (const c of [clinic, operator]) {
        const r = await search(c.token, { 'x-purpose-of-use': 'ETREAT' });
        expect(r.statusCode, r.body).toBe(403);
        expect(json(r)).toMatchObject({
          resourceType: 'OperationOutcome',
          issue: [{ code: 'forbidden', diagnostics: expect.stringMatching(/emergency workflow/) }],
        });
        expect(json(r).issue[0].details.text).toMatch(/救急/);
      }
    });

    it('lets a caller name only a purpose of its kind', async () => {
      expect((await search(clinic.token, { 'x-purpose-of-use': 'TREAT' })).statusCode).toBe(200);
      expect((await search(insurer.token, { 'x-purpose-of-use': 'COVERAGE' })).statusCode).toBe(200);
      expect((await search(insurer.token, { 'x-purpose-of-use': 'HPAYMT' })).statusCode).toBe(200);
      for (const [c, purpose] of [
        [clinic, 'HPAYMT'],
        [clinic, 'HRESCH'],
        [insurer, 'TREAT'],
      ] as const) {
        const r = await search(c.token, { 'x-purpose-of-use': purpose });
        expect(r.statusCode, `${c.client.kind} ${purpose}`).toBe(403);
        expect(json(r).issue[0].code).toBe('forbidden');
      }
      expect((await search(clinic.token, { 'x-purpose-of-use': 'treat' })).statusCode).toBe(400);
    });

    it('records the chosen purpose in the audit log', async () => {
      // An insurer (default HPAYMT) names COVERAGE for a create and a read of its own record.
      const own = await s.addClient({ kind: 'insurer', scopes: ['system/Patient.cruds'] });
      const headers = { 'x-purpose-of-use': 'COVERAGE' };
      const created = await s.request({ method: 'POST', url: '/fhir/Patient', token: own.token, body: patient({ identifier: 'PURPOSE' }), headers });
      expect(created.statusCode, created.body).toBe(201);
      const id = json(created).id as string;
      expect((await s.request({ method: 'GET', url: `/fhir/Patient/${id}`, token: own.token, headers })).statusCode).toBe(200);
      const rows = await s.t.platform.db.query<{ action: string; purpose: string }>(
        'SELECT action, purpose FROM audit_events WHERE patient_key = $1 AND client_id = $2 ORDER BY action',
        [id, own.client.clientId],
      );
      expect(rows.rows).toEqual([
        { action: 'C', purpose: 'COVERAGE' },
        { action: 'R', purpose: 'COVERAGE' },
      ]);
    });
  });

  describe('malformed client assertions (OAuth errors, never 500)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const good = (): Record<string, unknown> => ({
      iss: clinic.client.clientId,
      sub: clinic.client.clientId,
      aud: TOKEN_URL,
      exp: now() + 120,
      iat: now(),
      jti: randomUUID(),
    });
    const key = () => importJWK(clinic.privateJwk, 'ES384');
    const header = () => ({ alg: 'ES384', kid: clinic.privateJwk.kid, typ: 'JWT' });
    const signClaims = async (claims: Record<string, unknown>) => new SignJWT(claims as never).setProtectedHeader(header()).sign(await key());
    const signRaw = async (payload: string, h: Record<string, unknown> = header()) =>
      new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader(h as never).sign(await key());
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

    it('answers every claim of the wrong type with invalid_client', async () => {
      const wrong: Record<string, unknown[]> = {
        iss: [null, 42, {}, [], '', undefined],
        sub: [null, 42, 'someone-else', undefined],
        aud: [null, 42, {}, [42], [], undefined],
        exp: [null, '9999999999', {}, [], true, undefined, now() - 10, now() + 3600],
        jti: [null, 42, {}, [], ['a'], true, '', 'x'.repeat(1000), undefined],
        nbf: [null, 'now', {}, now() + 600],
        iat: [null, 'now', {}, []],
      };
      for (const [claim, values] of Object.entries(wrong))
        for (const value of values) {
          const claims = { ...good(), [claim]: value };
          if (value === undefined) delete claims[claim];
          expectOAuthError(await tokenRequest(s, await signClaims(claims)), 401, ['invalid_client'], `${claim}: ${JSON.stringify(value)}`);
        }
      // None of them reached the replay table.
      const stored = await s.t.platform.db.query<{ jti: string }>('SELECT jti FROM client_assertion_jti WHERE client_id = $1', [clinic.client.clientId]);
      expect(stored.rows.some((r) => r.jti === '' || r.jti.length > 256 || /^(42|true|\{\}|\[\])$/.test(r.jti))).toBe(false);
      expect((await tokenRequest(s, await signClaims(good()))).statusCode).toBe(200);
    });

    it('answers broken shapes (payload, header, signature, serialization) with invalid_client', async () => {
      const claims = good();
      const signed = await signClaims(claims);
      const [h, p] = signed.split('.');
      const cases: [string, string][] = [
        ['payload is an array', await signRaw('[1,2]')],
        ['payload is a string', await signRaw('"claims"')],
        ['payload is a number', await signRaw('42')],
        ['payload is null', await signRaw('null')],
        ['payload is not JSON', await signRaw('{iss:')],
        ['payload is empty', await signRaw('')],
        ['unsigned (alg none)', `${b64({ alg: 'none' })}.${p}.`],
        ['HMAC with the public key (alg confusion)', `${b64({ alg: 'HS256' })}.${p}.${b64('sig')}`],
        ['unknown kid', await signRaw(JSON.stringify(good()), { alg: 'ES384', kid: 'no-such-key' })],
        ['kid of the wrong type', await signRaw(JSON.stringify(good()), { alg: 'ES384', kid: 42 })],
        ['header is not JSON', `${b64('{alg')}.${p}.${signed.split('.')[2]}`],
        ['signature altered', `${h}.${b64({ ...claims, jti: randomUUID() })}.${signed.split('.')[2]}`],
        ['two segments', `${h}.${p}`],
        ['five segments (JWE)', `${h}.${p}.a.b.c`],
        ['not base64url', '!!!.###.$$$'],
      ];
      for (const [label, assertion] of cases) expectOAuthError(await tokenRequest(s, assertion), 401, ['invalid_client'], label);
    });

    it('answers malformed token requests with invalid_request (form body, single string parameters)', async () => {
      const assertion = await signClaims(good());
      const post = (contentType: string, payload: string) =>
        s.t.app.inject({ method: 'POST', url: '/auth/token', headers: { 'content-type': contentType }, payload });
      const asJson = (extra: Record<string, unknown>) =>
        post(
          'application/json',
          JSON.stringify({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...extra }),
        );
      expectOAuthError(await asJson({ scope: ['system/Patient.rs'] }), 400, ['invalid_request'], 'JSON body, scope array');
      expectOAuthError(await asJson({ client_assertion: { jwt: assertion } }), 400, ['invalid_request'], 'JSON body, assertion object');
      expectOAuthError(await asJson({}), 400, ['invalid_request'], 'JSON body');
      expectOAuthError(await post(FORM, ''), 400, ['unsupported_grant_type', 'invalid_request'], 'empty form');
      expectOAuthError(await post('text/plain', 'grant_type=client_credentials'), 400, ['invalid_request'], 'text/plain');
      expectOAuthError(await post('application/xml', '<grant_type/>'), 415, ['invalid_request'], 'unsupported media type');
      const noBody = await s.t.app.inject({ method: 'POST', url: '/auth/token' });
      expectOAuthError(noBody, 400, ['invalid_request'], 'no body');
      // The assertion was never consumed: it still works once.
      expect((await tokenRequest(s, assertion)).statusCode).toBe(200);
    });
  });
});

describe.each(ENGINES)('tsunagu client disable / enable / delete on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-client-state-'));
  const savedUrl = process.env.DATABASE_URL;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') {
      const scratch = await createScratchDatabase(ADMIN_URL, `tsunagu_cli_${process.pid}`);
      process.env.DATABASE_URL = scratch.url;
      drop = scratch.drop;
    } else process.env.DATABASE_URL = '';
  });
  afterAll(async () => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (fn: (argv: string[]) => Promise<number>, argv: string[]) => runCli(fn, [...argv, '--data-dir', dir]);

  it('disables, enables and deletes a client; a deleted client stays deleted', async () => {
    const registered = await run(clientCommand, [
      'register',
      '--name',
      'つなぐ薬局',
      '--kind',
      'pharmacy',
      '--facility-code',
      '1342345673',
      '--scopes',
      'system/*.rs',
      '--generate-key',
      join(dir, 'key.json'),
    ]);
    expect(registered.code, registered.err).toBe(0);
    const id = JSON.parse(registered.out).client_id as string;
    const token = () => run(tokenCommand, ['--client-id', id]);

    expect((await token()).code).toBe(0);
    const disabled = await run(clientCommand, ['disable', id]);
    expect(disabled.code, disabled.err).toBe(0);
    expect(disabled.out).toMatch(/disabled/);
    expect(await token()).toMatchObject({ code: 1, err: expect.stringMatching(/disabled/) });
    expect((await run(clientCommand, ['enable', id])).code).toBe(0);
    expect((await token()).code).toBe(0);

    expect((await run(clientCommand, ['delete', id])).code).toBe(0);
    expect(await token()).toMatchObject({ code: 1, err: expect.stringMatching(/deleted/) });
    for (const again of ['enable', 'disable', 'delete'])
      expect(await run(clientCommand, [again, id]), again).toMatchObject({ code: 1, err: expect.stringMatching(/deleted/) });
    expect((await run(clientCommand, ['disable', 'no-such-client'])).code).toBe(1);
    expect((await run(clientCommand, ['disable'])).code).toBe(2);
  }, 120_000);
});
