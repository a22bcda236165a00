/**
 * SMART discovery and scopes (issue 10): `[base]/.well-known/smart-configuration` and the root one are public and the
 * same document; its URLs and the CapabilityStatement's oauth-uris `token` come from TSUNAGU_PUBLIC_URL or the bound
 * address, never the Host header; the discovered endpoint issues tokens that the discovered JWKS verifies; a scope is
 * granted in the form asked (v1 stays v1, a part v1 cannot say in v2 letters); launch scopes are not granted.
 */
import { request as httpRequest } from 'node:http';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signClientAssertion } from '../../cli/commands/client.ts';
import { ASSERTION_ALGORITHMS, OAuthError } from '../../src/platform/auth/client-assertion.ts';
import { intersectScopes, parseScopes } from '../../src/platform/auth/scopes.ts';
import { grantScopes } from '../../src/platform/auth/token-scopes.ts';
import { ENGINES } from '../helpers/engines.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';
/** In-process requests: the configured port (8080) on localhost. */
const ORIGIN = 'http://localhost:8080';

/** The whole document for an origin: what is there and, as much, what is not (no EHR launch, no symmetric clients). */
const expectedDocument = (origin: string) => ({
  issuer: origin,
  authorization_endpoint: `${origin}/auth/authorize`,
  token_endpoint: `${origin}/auth/token`,
  userinfo_endpoint: `${origin}/auth/userinfo`,
  revocation_endpoint: `${origin}/auth/logout`,
  jwks_uri: `${origin}/auth/jwks`,
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
  token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
  grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
  scopes_supported: [
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
  ],
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
  id_token_signing_alg_values_supported: ['ES256'],
  capabilities: [
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
  ],
});

const tokenUrlOf = (metadata: { rest: { security: { extension?: { url: string; extension: { url: string; valueUri: string }[] }[] } }[] }) =>
  metadata.rest[0].security.extension?.find((e) => e.url === OAUTH_URIS)?.extension.find((e) => e.url === 'token')?.valueUri;

/** A GET over the network with a chosen Host header (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: any }> {
  return new Promise((done, fail) =>
    httpRequest(url, { headers: { host } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d)).on('end', () => done({ status: res.statusCode!, body: JSON.parse(text) }));
    })
      .on('error', fail)
      .end(),
  );
}

describe('the form of a grant (intersectScopes)', () => {
  const grant = (requested: string, allowed: string) => intersectScopes(parseScopes(requested), parseScopes(allowed)).map((s) => s.raw);

  it('keeps v1 as v1 and v2 as v2 when all of it is allowed', () => {
    expect(grant('system/Observation.read', 'system/*.cruds')).toEqual(['system/Observation.read']);
    expect(grant('system/Observation.rs', 'system/*.read')).toEqual(['system/Observation.rs']);
    expect(grant('system/Observation.write system/Patient.*', 'system/*.*')).toEqual(['system/Observation.write', 'system/Patient.*']);
    expect(grant('patient/*.read', 'patient/*.rs')).toEqual(['patient/*.read']);
  });

  it('says in v1 what v1 can say exactly, and in v2 letters the part it cannot', () => {
    expect(grant('system/Observation.*', 'system/Observation.rs')).toEqual(['system/Observation.read']);
    expect(grant('system/Observation.*', 'system/Observation.cud')).toEqual(['system/Observation.write']);
    expect(grant('system/Observation.read', 'system/Observation.r')).toEqual(['system/Observation.r']);
    expect(grant('system/Observation.write', 'system/Observation.cu')).toEqual(['system/Observation.cu']);
    expect(grant('system/Observation.*', 'system/Observation.rs system/Observation.c')).toEqual(['system/Observation.crs']);
    // The permissions are the intersection whatever the form; another context or type grants nothing.
    expect(intersectScopes(parseScopes('system/Observation.read'), parseScopes('system/Observation.r'))[0].permissions).toEqual(new Set(['r']));
    expect(grant('system/Observation.read', 'patient/*.read system/Patient.read')).toEqual([]);
  });

  it('names a scope asked twice once', () => {
    expect(grant('system/Observation.read system/Observation.read', 'system/*.read')).toEqual(['system/Observation.read']);
  });
});

describe('what a token request is granted (grantScopes)', () => {
  const refused = (requested: string, registered: string[]) => {
    try {
      grantScopes(requested, registered);
    } catch (err) {
      return err instanceof OAuthError ? err.error : 'other';
    }
    return 'granted';
  };

  it('leaves launch and identity scopes out of the grant, and grants everything registered when no scope is asked', () => {
    const raw = (requested: string | undefined, registered: string[]) => grantScopes(requested, registered).map((s) => s.raw);
    expect(raw('system/Patient.rs openid fhirUser profile launch launch/patient launch/encounter offline_access online_access', ['system/*.cruds'])).toEqual([
      'system/Patient.rs',
    ]);
    expect(raw(undefined, ['system/*.read', 'system/Observation.c'])).toEqual(['system/*.read', 'system/Observation.c']);
    expect(raw('', ['system/*.read'])).toEqual(['system/*.read']);
  });

  it('refuses a request of launch scopes only, unknown or granular scopes, and what nothing of is allowed', () => {
    expect(refused('openid fhirUser', ['system/*.cruds'])).toBe('invalid_scope');
    expect(refused('system/Observation.rs?category=laboratory', ['system/*.cruds'])).toBe('invalid_scope');
    expect(refused('system/Observation.delete', ['system/*.cruds'])).toBe('invalid_scope');
    expect(refused('system/Observation.sr', ['system/*.cruds'])).toBe('invalid_scope');
    expect(refused('system/Observation.read', ['system/Patient.read'])).toBe('invalid_scope');
    expect(refused('system/Observation.read', [])).toBe('invalid_scope');
  });
});

describe.each(ENGINES)('SMART discovery on %s', (engine) => {
  let s: TestServer;
  let clinic: TestClient;
  const get = (url: string, headers: Record<string, string> = {}) => s.t.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    s = await startTestServer(engine);
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/*.cruds'] });
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('the document', () => {
    it('is public and the same at [base]/.well-known and at the root, whatever Host and Authorization say', async () => {
      const headerSets: Record<string, string>[] = [
        {},
        { host: 'evil.example', authorization: 'Bearer not-a-token' },
        { authorization: `Bearer ${clinic.token}` },
      ];
      for (const headers of headerSets) {
        const atBase = await get('/fhir/.well-known/smart-configuration', headers);
        const atRoot = await get('/.well-known/smart-configuration', headers);
        for (const r of [atBase, atRoot]) {
          expect(r.statusCode, r.body).toBe(200);
          expect(r.headers['content-type']).toMatch(/^application\/(fhir\+)?json/);
          expect(json(r)).toEqual(expectedDocument(ORIGIN));
        }
      }
      // A trailing slash on the base is the same path.
      expect(json(await get('/fhir/.well-known/smart-configuration/'))).toEqual(expectedDocument(ORIGIN));
      // Only GET: the router answers another method with 405.
      expect((await s.t.app.inject({ method: 'POST', url: '/fhir/.well-known/smart-configuration' })).statusCode).toBe(405);
    });

    it('has the token endpoint in the CapabilityStatement too (oauth-uris), without TSUNAGU_PUBLIC_URL', async () => {
      const r = await get('/fhir/metadata', { host: 'evil.example' });
      expect(r.statusCode).toBe(200);
      expect(tokenUrlOf(json(r))).toBe(`${ORIGIN}/auth/token`);
    });

    it('names TSUNAGU_PUBLIC_URL in both when it is set', async () => {
      const proxied = await startTestServer(engine, { publicUrl: 'https://tsunagu.example.jp/' });
      try {
        const inject = (url: string) =>
          proxied.t.app.inject({ method: 'GET', url, headers: { host: 'evil.example' } }).then((r: LightMyRequestResponse) => json(r));
        expect(await inject('/fhir/.well-known/smart-configuration')).toEqual(expectedDocument('https://tsunagu.example.jp'));
        expect(await inject('/.well-known/smart-configuration')).toEqual(expectedDocument('https://tsunagu.example.jp'));
        expect(tokenUrlOf(await inject('/fhir/metadata'))).toBe('https://tsunagu.example.jp/auth/token');
      } finally {
        await proxied.close();
      }
    });

    it('once listening, names the bound address in both; the discovered endpoint issues tokens the discovered JWKS verifies', async () => {
      const listening = await startTestServer(engine);
      try {
        const c = await listening.addClient({ kind: 'facility', scopes: ['system/Patient.rs'] });
        await listening.t.app.listen({ host: '127.0.0.1', port: 0 });
        const port = (listening.t.app.server.address() as { port: number }).port;
        const base = `http://127.0.0.1:${port}/fhir`;
        const discovery = await getWithHost(`${base}/.well-known/smart-configuration`, 'evil.example');
        expect(discovery.status).toBe(200);
        expect(discovery.body).toEqual(expectedDocument(`http://localhost:${port}`));
        expect((await getWithHost(`http://127.0.0.1:${port}/.well-known/smart-configuration`, 'evil.example')).body).toEqual(discovery.body);
        expect(tokenUrlOf((await getWithHost(`${base}/metadata`, 'evil.example')).body)).toBe(discovery.body.token_endpoint);

        const tokenEndpoint: string = discovery.body.token_endpoint;
        const res = await fetch(tokenEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            scope: 'system/Patient.read',
            client_assertion_type: ASSERTION_TYPE,
            client_assertion: await signClientAssertion(c.privateJwk, c.client.clientId, tokenEndpoint),
          }),
        });
        const token = (await res.json()) as { access_token: string; scope: string };
        expect(res.status, JSON.stringify(token)).toBe(200);
        expect(token.scope).toBe('system/Patient.read');
        const jwks = (await (await fetch(discovery.body.jwks_uri)).json()) as JSONWebKeySet;
        const { payload } = await jwtVerify(token.access_token, createLocalJWKSet(jwks));
        // RFC 9068: a JWT access token names its client in client_id.
        expect(payload).toMatchObject({ sub: c.client.clientId, client_id: c.client.clientId, scope: 'system/Patient.read' });
        expect((await fetch(`${base}/Patient?_count=1`, { headers: { authorization: `Bearer ${token.access_token}` } })).status).toBe(200);
      } finally {
        await listening.close();
      }
    });
  });

  describe('scopes granted in the form asked', () => {
    let limited: TestClient;
    let patientId: string;

    const tokenRequest = async (c: TestClient, scope?: string) =>
      s.t.app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          ...(scope !== undefined ? { scope } : {}),
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await signClientAssertion(c.privateJwk, c.client.clientId, `${ORIGIN}/auth/token`),
        }).toString(),
      });
    const granted = async (c: TestClient, scope?: string) => {
      const r = await tokenRequest(c, scope);
      expect(r.statusCode, `${scope}: ${r.body}`).toBe(200);
      const body = json(r);
      expect(decodeJwt(body.access_token).scope, 'the token carries what the response says').toBe(body.scope);
      return body as { access_token: string; scope: string };
    };

    beforeAll(async () => {
      limited = await s.addClient({ kind: 'facility', scopes: ['system/Observation.rs', 'system/Patient.r', 'system/Encounter.c', 'system/Condition.cruds'] });
      patientId = json(await s.request({ method: 'POST', url: '/fhir/Patient', token: clinic.token, body: patient() })).id;
    });

    it('echoes v1 and v2 scopes, and grants the allowed part of a v1 scope in v2 letters', async () => {
      const cases: [string | undefined, string][] = [
        ['system/Observation.read', 'system/Observation.read'],
        ['system/Observation.rs', 'system/Observation.rs'],
        ['system/Observation.*', 'system/Observation.read'],
        ['system/Patient.read', 'system/Patient.r'],
        ['system/Encounter.write', 'system/Encounter.c'],
        ['system/Condition.*', 'system/Condition.*'],
        ['system/Condition.write system/Condition.rs', 'system/Condition.write system/Condition.rs'],
        [undefined, 'system/Observation.rs system/Patient.r system/Encounter.c system/Condition.cruds'],
        ['system/Observation.read openid fhirUser launch launch/patient offline_access', 'system/Observation.read'],
      ];
      for (const [asked, answer] of cases) expect((await granted(limited, asked)).scope, String(asked)).toBe(answer);
    });

    it('gives a token exactly the granted permissions', async () => {
      const patientRead = (await granted(limited, 'system/Patient.read')).access_token;
      expect((await s.request({ method: 'GET', url: `/fhir/Patient/${patientId}`, token: patientRead })).statusCode).toBe(200);
      expect((await s.request({ method: 'GET', url: '/fhir/Patient?_count=1', token: patientRead })).statusCode).toBe(403);
      const observationRead = (await granted(limited, 'system/Observation.read')).access_token;
      expect((await s.request({ method: 'GET', url: '/fhir/Observation?_count=1', token: observationRead })).statusCode).toBe(200);
      const create = await s.request({ method: 'POST', url: '/fhir/Observation', token: observationRead, body: observation(`Patient/${patientId}`) });
      expect(create.statusCode, create.body).toBe(403);
    });

    it('refuses launch scopes alone, unknown and granular scopes, and scopes of which nothing is allowed (invalid_scope)', async () => {
      for (const scope of [
        'openid fhirUser',
        'launch',
        'system/Observation.rs?category=laboratory',
        'system/Observation.delete',
        'system/MedicationRequest.read',
      ]) {
        const r = await tokenRequest(limited, scope);
        expect(r.statusCode, scope).toBe(400);
        expect(json(r).error, scope).toBe('invalid_scope');
      }
    });
  });
});
