/**
 * Real FHIR client libraries against a listening server (issue 10): fhir-kit-client, fhirclient (SMART's client-js,
 * Node entry) and @medplum/core each discover the token endpoint the way they do it, get a token with a signed
 * client assertion, and do create / read / update / delete, a paged search (next links followed by the library), a
 * batch, a transaction and $validate. A library call that fails here is a server deviation from the spec.
 */
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { MedplumClient } from '@medplum/core';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { Client as FhirKitClient } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signClientAssertion } from '../../cli/commands/client.ts';
import { originsOf } from '../../src/platform/http/auth-routes.ts';
import { ENGINES } from '../helpers/engines.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';

/**
 * fhirclient's Node entry, loaded without its type declarations: they pull in the DOM library (`/// <reference
 * lib="dom" />`), which would change Node's global types for the whole program. What is used of it:
 */
interface SmartClient {
  create(resource: object): Promise<unknown>;
  update(resource: object): Promise<unknown>;
  delete(url: string): Promise<unknown>;
  patch(url: string, patch: object[]): Promise<unknown>;
  request(
    req: string | { url: string; method?: string; body?: string; headers?: Record<string, string> },
    fhirOptions?: { pageLimit?: number; flat?: boolean; onPage?: (page: Bundle) => void },
  ): Promise<unknown>;
}
interface SmartApi {
  authorize(params: Record<string, unknown>): Promise<unknown>;
  client(state: Record<string, unknown>): SmartClient;
}
const smart = createRequire(import.meta.url)('fhirclient') as (req: IncomingMessage, res: ServerResponse, storage: object) => SmartApi;

/** A library call's result as the resource it is (the libraries type results loosely). */
const got = <T>(p: Promise<unknown> | undefined) => Promise.resolve(p) as Promise<T>;

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ID_SYSTEM = 'urn:oid:1.2.392.100495.20.3.51.11312345679';
const PAGE_SIZE = 2;
const PAGED = 5;

/** A token from the discovered endpoint: client credentials with a signed assertion whose aud is that endpoint. */
async function tokenFrom(tokenUrl: string, c: TestClient, scope: string): Promise<string> {
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await signClientAssertion(c.privateJwk, c.client.clientId, tokenUrl),
    }),
  });
  const body = (await res.json()) as { access_token: string; scope: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.scope).toBe(scope);
  return body.access_token;
}

const tagged = (tag: string, i = 0) => patient({ identifier: tag, family: `試験${i}` });
const batch = (existingId: string, tag: string): Bundle => ({
  resourceType: 'Bundle',
  type: 'batch',
  entry: [
    { request: { method: 'GET', url: `Patient/${existingId}` } },
    { resource: tagged(tag) as Patient, request: { method: 'POST', url: 'Patient' } },
    { request: { method: 'GET', url: `Patient/${randomUUID()}` } },
  ],
});
/** A Patient and an Observation about it, linked by the Patient's temporary urn:uuid. */
function transaction(tag: string): Bundle {
  const fullUrl = `urn:uuid:${randomUUID()}`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl, resource: tagged(tag) as Patient, request: { method: 'POST', url: 'Patient' } },
      { resource: observation(fullUrl) as never, request: { method: 'POST', url: 'Observation' } },
    ],
  };
}
/** An Observation whose subject is a conditional reference (`Patient?identifier=…`), resolved by the server. */
const conditionalTransaction = (tag: string): Bundle => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [{ resource: observation(`Patient?identifier=${ID_SYSTEM}|${tag}`) as never, request: { method: 'POST', url: 'Observation' } }],
});

function expectBatchResponse(b: Bundle, existingId: string) {
  expect(b.type).toBe('batch-response');
  expect(b.entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['200', '201', '404']);
  expect((b.entry?.[0]?.resource as Patient | undefined)?.id).toBe(existingId);
}
/** The transaction answered 201 twice; returns the Observation's location and the Patient's id. */
function transactionResult(b: Bundle): { patientId: string; observationPath: string } {
  expect(b.type).toBe('transaction-response');
  expect(b.entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['201', '201']);
  const [p, o] = b.entry!.map((e) => e.response!.location!.split('/_history')[0]);
  expect(p).toMatch(/^Patient\/[\w-]+$/);
  return { patientId: p.split('/')[1], observationPath: o };
}
const errors = (oo: OperationOutcome) => (oo.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');

describe.each(ENGINES)('client libraries on %s', (engine) => {
  let s: TestServer;
  let clinic: TestClient;
  /** What `tsunagu serve` prints and a vendor is told: the published origin and the FHIR base under it. */
  let origin: string;
  let base: string;
  let tokenUrl: string;
  const scope = 'system/Patient.cruds system/Observation.cruds';

  beforeAll(async () => {
    s = await startTestServer(engine);
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/*.cruds'] });
    await s.t.app.listen({ host: '127.0.0.1', port: 0 });
    origin = originsOf(s.t.app, s.t.platform.config)[0];
    base = `${origin}/fhir`;
    tokenUrl = `${origin}/auth/token`;
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('fhir-kit-client', () => {
    let client: FhirKitClient;
    const tag = `FKC-${randomUUID()}`;
    const statusOf = (p: Promise<unknown>) =>
      p.then(
        () => 0,
        (err: { response?: { status: number } }) => err.response?.status,
      );

    beforeAll(async () => {
      client = new FhirKitClient({ baseUrl: base });
    });

    it('discovers the token endpoint (smartAuthMetadata) and gets a token', async () => {
      const meta = await client.smartAuthMetadata();
      expect(meta.tokenUrl?.href).toBe(tokenUrl);
      client.bearerToken = await tokenFrom(meta.tokenUrl!.href, clinic, scope);
    });

    it('creates, reads, updates and deletes', async () => {
      const created = await got<Patient>(client.create({ resourceType: 'Patient', body: tagged(tag) }));
      expect(created.id).toBeTruthy();
      expect((await got<Patient>(client.read({ resourceType: 'Patient', id: created.id! }))).identifier?.[0].value).toBe(tag);
      const updated = await got<Patient>(client.update({ resourceType: 'Patient', id: created.id!, body: { ...created, birthDate: '1980-02-02' } }));
      expect(updated).toMatchObject({ birthDate: '1980-02-02', meta: { versionId: '2' } });
      await client.delete({ resourceType: 'Patient', id: created.id! });
      expect(await statusOf(client.read({ resourceType: 'Patient', id: created.id! }))).toBe(410);
    });

    it('pages through a search by following next links', async () => {
      const pageTag = `${tag}-page`;
      for (let i = 0; i < PAGED; i++) await client.create({ resourceType: 'Patient', body: tagged(pageTag, i) });
      let page = await got<Bundle | undefined>(
        client.search({ resourceType: 'Patient', searchParams: { identifier: `${ID_SYSTEM}|${pageTag}`, _count: PAGE_SIZE } }),
      );
      const ids: string[] = [];
      let pages = 0;
      while (page) {
        pages++;
        ids.push(...(page.entry ?? []).map((e) => e.resource!.id!));
        page = await got<Bundle | undefined>(client.nextPage({ bundle: page as never }));
      }
      expect(pages).toBe(Math.ceil(PAGED / PAGE_SIZE));
      expect(new Set(ids).size).toBe(PAGED);
    });

    it('sends a batch and a transaction', async () => {
      const existing = await got<Patient>(client.create({ resourceType: 'Patient', body: tagged(tag) }));
      expectBatchResponse(await got<Bundle>(client.batch({ body: batch(existing.id!, tag) as never })), existing.id!);
      const { patientId, observationPath } = transactionResult(await got<Bundle>(client.transaction({ body: transaction(tag) as never })));
      const obs = await got<{ subject: { reference: string } }>(client.request(observationPath));
      expect(obs.subject.reference).toBe(`Patient/${patientId}`);
    });

    it('validates with $validate', async () => {
      const ok = await got<OperationOutcome>(
        client.operation({
          name: '$validate',
          resourceType: 'Patient',
          input: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: tagged(tag) }] },
        }),
      );
      expect(ok.resourceType).toBe('OperationOutcome');
      expect(errors(ok)).toEqual([]);
      const bad = await got<OperationOutcome>(
        client.operation({
          name: '$validate',
          resourceType: 'Patient',
          input: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { ...tagged(tag), gender: 'robot' } }] },
        }),
      );
      expect(errors(bad).length).toBeGreaterThan(0);
    });

    it('patches with JSON Patch', async () => {
      const created = await got<Patient>(client.create({ resourceType: 'Patient', body: tagged(tag) }));
      const patched = await got<Patient>(
        client.patch({ resourceType: 'Patient', id: created.id!, jsonPatch: [{ op: 'replace', path: '/birthDate', value: '1990-03-03' }] }),
      );
      expect(patched).toMatchObject({ id: created.id, birthDate: '1990-03-03', meta: { versionId: '2' } });
    });

    it('resolves a conditional reference in a transaction', async () => {
      const target = await got<Patient>(client.create({ resourceType: 'Patient', body: tagged(`${tag}-cond`) }));
      const r = await got<Bundle>(client.transaction({ body: conditionalTransaction(`${tag}-cond`) as never }));
      const obs = await got<{ subject: { reference: string } }>(client.request(r.entry![0].response!.location!.split('/_history')[0]));
      expect(obs.subject.reference).toBe(`Patient/${target.id}`);
    });
  });

  describe('fhirclient (client-js, Node entry)', () => {
    /** What the Node adapter needs: the app's own request (its URL) and response, and a session store. */
    const memory = new Map<string, unknown>();
    const storage = {
      get: async (k: string) => memory.get(k),
      set: async (k: string, v: unknown) => memory.set(k, v).get(k),
      unset: async (k: string) => memory.delete(k),
    };
    const appRequest = () => Object.assign(new IncomingMessage(new Socket()), { url: '/launch', headers: { host: 'app.example' } });
    const api = () => {
      const req = appRequest();
      return smart(req, new ServerResponse(req), storage);
    };
    let client: SmartClient;
    const tag = `FHIRCLIENT-${randomUUID()}`;
    const json = { 'content-type': 'application/fhir+json' };

    it('discovers the token endpoint (authorize: .well-known, then the CapabilityStatement) and gets a token', async () => {
      // noRedirect: authorize() stores the discovered endpoints (the authorization endpoint is for apps people sign in to).
      await api().authorize({ iss: base, clientId: clinic.client.clientId, scope, redirectUri: 'http://app.example/ready', noRedirect: true });
      const state = (await storage.get((await storage.get('SMART_KEY')) as string)) as { tokenUri: string; authorizeUri: string };
      expect(state).toMatchObject({ tokenUri: tokenUrl, authorizeUri: tokenUrl.replace('/auth/token', '/auth/authorize') });
      const access_token = await tokenFrom(state.tokenUri, clinic, scope);
      client = api().client({ serverUrl: base, tokenResponse: { access_token, token_type: 'Bearer', scope } });
    });

    it('creates, reads, updates and deletes', async () => {
      const created = (await client.create(tagged(tag))) as Patient;
      expect(created.id).toBeTruthy();
      expect(((await client.request(`Patient/${created.id}`)) as Patient).identifier?.[0].value).toBe(tag);
      const updated = (await client.update({ ...created, birthDate: '1980-02-02' })) as Patient;
      expect(updated).toMatchObject({ birthDate: '1980-02-02', meta: { versionId: '2' } });
      await client.delete(`Patient/${created.id}`);
      await expect(client.request(`Patient/${created.id}`)).rejects.toMatchObject({ status: 410 });
    });

    it('pages through a search by following next links', async () => {
      const pageTag = `${tag}-page`;
      for (let i = 0; i < PAGED; i++) await client.create(tagged(pageTag, i));
      const url = `Patient?identifier=${encodeURIComponent(`${ID_SYSTEM}|${pageTag}`)}&_count=${PAGE_SIZE}`;
      // pageLimit 0: every page; flat: the resources of all pages in one array.
      const all = (await client.request(url, { pageLimit: 0, flat: true })) as Patient[];
      expect(new Set(all.map((p) => p.id)).size).toBe(PAGED);
      const pages: Bundle[] = [];
      await client.request(url, { pageLimit: 0, onPage: (page: Bundle) => void pages.push(page) });
      expect(pages.length).toBe(Math.ceil(PAGED / PAGE_SIZE));
    });

    it('sends a batch and a transaction', async () => {
      const existing = (await client.create(tagged(tag))) as Patient;
      const post = (body: Bundle) => client.request({ url: '', method: 'POST', body: JSON.stringify(body), headers: json }) as Promise<Bundle>;
      expectBatchResponse(await post(batch(existing.id!, tag)), existing.id!);
      const { patientId, observationPath } = transactionResult(await post(transaction(tag)));
      expect(((await client.request(observationPath)) as { subject: { reference: string } }).subject.reference).toBe(`Patient/${patientId}`);
    });

    it('validates with $validate', async () => {
      const validate = (resource: object) =>
        client.request({ url: 'Patient/$validate', method: 'POST', body: JSON.stringify(resource), headers: json }) as Promise<OperationOutcome>;
      expect(errors(await validate(tagged(tag)))).toEqual([]);
      expect(errors(await validate({ ...tagged(tag), gender: 'robot' })).length).toBeGreaterThan(0);
    });

    it('patches with JSON Patch', async () => {
      const created = (await client.create(tagged(tag))) as Patient;
      const patched = (await client.patch(`Patient/${created.id}`, [{ op: 'replace', path: '/birthDate', value: '1990-03-03' }])) as Patient;
      expect(patched).toMatchObject({ id: created.id, birthDate: '1990-03-03', meta: { versionId: '2' } });
    });

    it('resolves a conditional reference in a transaction', async () => {
      const target = (await client.create(tagged(`${tag}-cond`))) as Patient;
      const r = (await client.request({ url: '', method: 'POST', body: JSON.stringify(conditionalTransaction(`${tag}-cond`)), headers: json })) as Bundle;
      const obs = (await client.request(r.entry![0].response!.location!.split('/_history')[0])) as { subject: { reference: string } };
      expect(obs.subject.reference).toBe(`Patient/${target.id}`);
    });
  });

  describe('@medplum/core', () => {
    let medplum: MedplumClient;
    const tag = `MEDPLUM-${randomUUID()}`;
    const options = () => ({ baseUrl: `${origin}/`, fhirUrlPath: 'fhir/', fetch, cacheTime: 0 });

    it('discovers the token endpoint and logs in with a JWT client assertion (startJwtAssertionLogin)', async () => {
      // MedplumClient has no SMART discovery of its own: it reads the document with its own get() and is given the URL.
      const discovery = (await new MedplumClient(options()).get(`${base}/.well-known/smart-configuration`)) as { token_endpoint: string };
      expect(discovery.token_endpoint).toBe(tokenUrl);
      // clientId set: Medplum then checks the access token's client_id claim (RFC 9068).
      medplum = new MedplumClient({ ...options(), tokenUrl: discovery.token_endpoint, clientId: clinic.client.clientId });
      await medplum.startJwtAssertionLogin(await signClientAssertion(clinic.privateJwk, clinic.client.clientId, discovery.token_endpoint));
      expect(medplum.isAuthenticated(0)).toBe(true);
    });

    it('creates, reads, updates and deletes', async () => {
      const created = await medplum.createResource(tagged(tag) as Patient);
      expect((await medplum.readResource('Patient', created.id!)).identifier?.[0].value).toBe(tag);
      const updated = await medplum.updateResource({ ...created, birthDate: '1980-02-02' });
      expect(updated).toMatchObject({ birthDate: '1980-02-02', meta: { versionId: '2' } });
      await medplum.deleteResource('Patient', created.id!);
      await expect(medplum.readResource('Patient', created.id!)).rejects.toThrow(/deleted|gone|410/i);
    });

    it('pages through a search by following next links (searchResourcePages)', async () => {
      const pageTag = `${tag}-page`;
      for (let i = 0; i < PAGED; i++) await medplum.createResource(tagged(pageTag, i) as Patient);
      const pages: Patient[][] = [];
      for await (const page of medplum.searchResourcePages('Patient', { identifier: `${ID_SYSTEM}|${pageTag}`, _count: String(PAGE_SIZE) })) pages.push(page);
      expect(pages.length).toBe(Math.ceil(PAGED / PAGE_SIZE));
      expect(new Set(pages.flat().map((p) => p.id)).size).toBe(PAGED);
    });

    it('sends a batch and a transaction (executeBatch)', async () => {
      const existing = await medplum.createResource(tagged(tag) as Patient);
      expectBatchResponse(await medplum.executeBatch(batch(existing.id!, tag)), existing.id!);
      const { patientId, observationPath } = transactionResult(await medplum.executeBatch(transaction(tag)));
      const [type, id] = observationPath.split('/');
      expect(((await medplum.readResource(type as 'Observation', id)) as { subject?: { reference?: string } }).subject?.reference).toBe(`Patient/${patientId}`);
    });

    it('validates with $validate (validateResource: the resource as the body)', async () => {
      expect(errors(await medplum.validateResource(tagged(tag) as Patient))).toEqual([]);
      // An invalid resource: $validate answers 200 with the errors, which Medplum hands back as they are.
      expect(errors(await medplum.validateResource({ ...tagged(tag), gender: 'robot' } as never)).length).toBeGreaterThan(0);
    });

    it('patches with JSON Patch', async () => {
      const created = await medplum.createResource(tagged(tag) as Patient);
      const patched = await medplum.patchResource('Patient', created.id!, [{ op: 'replace', path: '/birthDate', value: '1990-03-03' }]);
      expect(patched).toMatchObject({ id: created.id, birthDate: '1990-03-03', meta: { versionId: '2' } });
    });

    it('resolves a conditional reference in a transaction', async () => {
      const target = await medplum.createResource(tagged(`${tag}-cond`) as Patient);
      const r = await medplum.executeBatch(conditionalTransaction(`${tag}-cond`));
      const [type, id] = r.entry![0].response!.location!.split('/_history')[0].split('/');
      expect(((await medplum.readResource(type as 'Observation', id)) as { subject?: { reference?: string } }).subject?.reference).toBe(`Patient/${target.id}`);
    });
  });
});
