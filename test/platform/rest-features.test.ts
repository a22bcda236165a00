/**
 * REST features vendors' client libraries rely on, end to end on every engine: `_summary` / `_elements` (read, vread,
 * search matches; never writes), conditional read (If-Modified-Since, If-None-Match), 406 for formats other than FHIR
 * R4 JSON, `POST [base]/`, compartment search and `$everything` (only what the caller may read), CORS, and a
 * CapabilityStatement that validates and claims nothing untrue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { r4ResourceTypes } from '../../src/platform/fhir/base-definitions.ts';
import { ConfigError, configFromEnv } from '../../src/platform/config.ts';
import { loadConformanceSync } from '../../src/platform/conformance/index.ts';
import { EVERYTHING_SPEC } from '../../src/platform/router/everything-operation.ts';
import { ENGINES } from '../helpers/engines.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';

const CLINIC_A = '1312345679';
const CLINIC_B = '1311234569';
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const SCOPES = ['system/Patient.cruds', 'system/Observation.cruds', 'system/Condition.cruds'];

type Entry = { resource: { resourceType: string; id: string; meta?: { tag?: unknown[] } }; search?: { mode: string } };
const ids = (bundle: { entry?: Entry[] }) => (bundle.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
/** The entries of $everything: the Patient first, types in alphabetical order (within a type, ids sorted here). */
const everything = (bundle: { entry?: Entry[] }) => {
  const list = ids(bundle);
  const order = (t: string) => (t === 'Patient' || t.startsWith('Patient/') ? '' : t);
  expect(list.map((x) => x.split('/')[0])).toEqual([...list.map((x) => x.split('/')[0])].sort((a, b) => order(a).localeCompare(order(b))));
  return [...list].sort((a, b) => order(a).localeCompare(order(b)));
};
const isSubsetted = (r: { meta?: { tag?: unknown[] } }) => (r.meta?.tag ?? []).some((t) => (t as { code?: string }).code === 'SUBSETTED');

describe.each(ENGINES)('REST features on %s', (engine) => {
  let s: TestServer;
  const tok: Record<string, string> = {};
  let P = '';
  let Q = '';
  let o1 = '';
  let o2 = '';
  let o3 = '';
  let c1 = '';

  const req = (token: string | undefined, method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    s.request({ method, url, token, body, headers });
  const get = (url: string, token = tok.a, headers?: Record<string, string>) => req(token, 'GET', url, undefined, headers);
  const created = async (token: string, type: string, body: unknown) => {
    const r = await req(token, 'POST', `/fhir/${type}`, body);
    expect(r.statusCode, r.body).toBe(201);
    return json(r).id as string;
  };

  beforeAll(async () => {
    s = await startTestServer(engine);
    const add = async (name: string, kind: 'facility' | 'patient', scopes: string[], extra: { facilityCode?: string; patientId?: string } = {}) => {
      const c = await s.addClient({ kind, scopes, ...extra });
      tok[name] = c.token;
    };
    await add('a', 'facility', SCOPES, { facilityCode: CLINIC_A });
    await add('b', 'facility', SCOPES, { facilityCode: CLINIC_B });
    await add('obsOnly', 'facility', ['system/Observation.rs'], { facilityCode: CLINIC_A });
    P = await created(tok.a, 'Patient', patient({ family: '本人', identifier: 'rf-P' }));
    Q = await created(tok.a, 'Patient', patient({ family: '他人', identifier: 'rf-Q' }));
    await add('personP', 'patient', ['patient/*.rs'], { patientId: P });
    o1 = await created(tok.a, 'Observation', {
      ...observation(`Patient/${P}`, { date: '2024-05-01T10:00:00+09:00' }),
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">カリウム 4.2</div>' },
      referenceRange: [{ text: '3.5-5.0' }],
      component: [{ code: { text: '成分' }, valueString: 'x', interpretation: [{ text: '正常' }] }],
    });
    o2 = await created(tok.b, 'Observation', observation(`Patient/${P}`, { value: 9.9 }));
    // About Q, performed by P: in P's compartment (performer), but Q's data.
    o3 = await created(tok.a, 'Observation', {
      ...observation(`Patient/${Q}`, { date: '2024-07-01T10:00:00+09:00' }),
      performer: [{ reference: `Patient/${P}` }],
    });
    c1 = await created(tok.a, 'Condition', { resourceType: 'Condition', subject: { reference: `Patient/${P}` }, code: { text: '高血圧' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('_summary and _elements', () => {
    it('read with _summary=true keeps the summary elements, inside backbone elements too, and tags SUBSETTED', async () => {
      const full = json(await get(`/fhir/Observation/${o1}`));
      const r = await get(`/fhir/Observation/${o1}?_summary=true`);
      expect(r.statusCode).toBe(200);
      const sum = json(r);
      expect(sum.meta.tag).toContainEqual(expect.objectContaining(SUBSETTED));
      expect(sum).toMatchObject({ id: o1, status: 'final', code: full.code, subject: full.subject, valueQuantity: full.valueQuantity });
      expect(sum.text).toBeUndefined();
      expect(sum.referenceRange).toBeUndefined();
      expect(sum.component).toEqual([{ code: { text: '成分' }, valueString: 'x' }]);
      expect(r.headers.etag).toBe('W/"1"');
    });

    it('_summary=text, data and false', async () => {
      const text = json(await get(`/fhir/Observation/${o1}?_summary=text`));
      expect(Object.keys(text).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'text']);
      expect(isSubsetted(text)).toBe(true);
      const data = json(await get(`/fhir/Observation/${o1}?_summary=data`));
      expect(data.text).toBeUndefined();
      expect(data.referenceRange).toEqual([{ text: '3.5-5.0' }]);
      expect(isSubsetted(data)).toBe(true);
      const whole = json(await get(`/fhir/Observation/${o1}?_summary=false`));
      expect(whole).toEqual(json(await get(`/fhir/Observation/${o1}`)));
      expect(isSubsetted(whole)).toBe(false);
    });

    it('_elements on read and vread: the named elements, id, meta and the mandatory ones', async () => {
      for (const url of [`/fhir/Observation/${o1}?_elements=subject,value`, `/fhir/Observation/${o1}/_history/1?_elements=Observation.subject,value`]) {
        const r = json(await get(url));
        expect(Object.keys(r).sort(), url).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'subject', 'valueQuantity']);
        expect(isSubsetted(r)).toBe(true);
      }
    });

    it('search: the matches are subsetted, _include-d resources stay whole, totals and counts unchanged', async () => {
      const r = await get(`/fhir/Observation?subject=Patient/${P}&_summary=true&_include=Observation:subject`);
      expect(r.statusCode, r.body).toBe(200);
      const bundle = json(r);
      const matches = (bundle.entry as Entry[]).filter((e) => e.search?.mode === 'match');
      const included = (bundle.entry as Entry[]).filter((e) => e.search?.mode === 'include');
      expect(matches.map((e) => e.resource.id)).toEqual([o1]);
      expect(matches.every((e) => isSubsetted(e.resource) && !('referenceRange' in e.resource))).toBe(true);
      expect(included.map((e) => e.resource.id)).toEqual([P]);
      expect(isSubsetted(included[0].resource)).toBe(false);
      const elements = json(await get(`/fhir/Observation?subject=Patient/${P}&_elements=status`));
      expect(elements.total).toBe(1);
      expect(Object.keys(elements.entry[0].resource).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status']);
      const counted = json(await get(`/fhir/Observation?subject=Patient/${P}&_summary=count`));
      expect(counted.total).toBe(1);
      expect(counted.entry).toBeUndefined();
      // A Bundle GET entry is the same interaction.
      const batch = json(
        await req(tok.a, 'POST', '/fhir', {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [{ request: { method: 'GET', url: `Observation/${o1}?_summary=text` } }],
        }),
      );
      expect(isSubsetted(batch.entry[0].resource)).toBe(true);
      expect(batch.entry[0].resource.valueQuantity).toBeUndefined();
    });

    it.each([
      ['_summary=bogus on read', (o: string) => `/fhir/Observation/${o}?_summary=bogus`],
      ['_summary=count on read', (o: string) => `/fhir/Observation/${o}?_summary=count`],
      ['_summary=bogus on search', () => '/fhir/Observation?_summary=bogus'],
      ['an unknown element', (o: string) => `/fhir/Observation/${o}?_elements=nickname`],
      ['an unknown element on search', () => '/fhir/Observation?_elements=nickname'],
      ['_summary with _elements', (o: string) => `/fhir/Observation/${o}?_summary=true&_elements=status`],
    ])('refuses %s (400)', async (_name, url) => {
      const r = await get(url(o1));
      expect(r.statusCode, r.body).toBe(400);
      expect(json(r).resourceType).toBe('OperationOutcome');
    });

    it('never subsets what a write returns', async () => {
      const c = await req(tok.a, 'POST', '/fhir/Observation?_summary=true&_elements=status', observation(`Patient/${P}`));
      expect(c.statusCode).toBe(201);
      const body = json(c);
      expect(body.valueQuantity).toBeDefined();
      expect(isSubsetted(body)).toBe(false);
      const u = await req(tok.a, 'PUT', `/fhir/Observation/${body.id}?_summary=text`, body);
      expect(u.statusCode).toBe(200);
      expect(json(u).valueQuantity).toBeDefined();
      await req(tok.a, 'DELETE', `/fhir/Observation/${body.id}`);
    });
  });

  describe('conditional read', () => {
    it('If-Modified-Since: 304 when not modified since, 200 otherwise; If-None-Match wins', async () => {
      const plain = await get(`/fhir/Patient/${P}`);
      const modified = new Date(plain.headers['last-modified'] as string).getTime();
      const at = (ms: number) => new Date(ms).toUTCString();
      const notModified = await get(`/fhir/Patient/${P}`, tok.a, { 'if-modified-since': at(modified + 1000) });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.body).toBe('');
      expect(notModified.headers.etag).toBe('W/"1"');
      expect((await get(`/fhir/Patient/${P}`, tok.a, { 'if-modified-since': at(modified) })).statusCode).toBe(304);
      expect((await get(`/fhir/Patient/${P}`, tok.a, { 'if-modified-since': at(modified - 3_600_000) })).statusCode).toBe(200);
      expect((await get(`/fhir/Patient/${P}`, tok.a, { 'if-modified-since': 'yesterday' })).statusCode).toBe(200);
      expect((await get(`/fhir/Patient/${P}`, tok.a, { 'if-none-match': 'W/"9"', 'if-modified-since': at(modified + 1000) })).statusCode).toBe(200);
      for (const tag of ['W/"1"', '"1"', '*', 'W/"9", W/"1"'])
        expect((await get(`/fhir/Patient/${P}`, tok.a, { 'if-none-match': tag })).statusCode, tag).toBe(304);
      // A conditional read is still a read: another organisation gets the 404 of an absent record.
      expect((await get(`/fhir/Patient/${P}`, tok.b, { 'if-modified-since': at(modified + 1000) })).statusCode).toBe(404);
    });
  });

  describe('formats: FHIR R4 JSON or 406', () => {
    it.each([
      ['Accept: application/fhir+xml', '', { accept: 'application/fhir+xml' }],
      ['Accept: application/xml, text/xml', '', { accept: 'application/xml, text/xml' }],
      ['Accept: text/html only', '', { accept: 'text/html' }],
      ['Accept: JSON of FHIR 3.0', '', { accept: 'application/fhir+json; fhirVersion=3.0' }],
      ['Accept: JSON refused with q=0', '', { accept: 'application/fhir+json;q=0, application/fhir+xml' }],
      ['_format=xml', '?_format=xml', {}],
      ['_format=application/fhir+xml', '?_format=application/fhir%2Bxml', {}],
      ['_format=ttl', '?_format=ttl', {}],
      ['_format=json with fhirVersion 3.0', '?_format=application/fhir%2Bjson;fhirVersion=3.0', {}],
      ['_format=xml over a JSON Accept', '?_format=xml', { accept: 'application/fhir+json' }],
    ])('%s → 406 OperationOutcome', async (_name, query, headers) => {
      for (const path of [`/fhir/Patient/${P}`, '/fhir/Patient', '/fhir/metadata']) {
        const r = await get(`${path}${query}`, tok.a, headers as Record<string, string>);
        expect(r.statusCode, `${path}${query}`).toBe(406);
        const oo = json(r);
        expect(oo.resourceType).toBe('OperationOutcome');
        expect(oo.issue[0].code).toBe('not-supported');
        expect(oo.issue[0].details.text).toMatch(/JSON/);
      }
    });

    it.each([
      ['no Accept', '', {}],
      ['_format=json', '?_format=json', {}],
      ['_format=application/fhir+json (an unencoded +)', '?_format=application/fhir+json', {}],
      ['_format=application/json', '?_format=application/json', {}],
      ['_format=json over an XML Accept', '?_format=json', { accept: 'application/fhir+xml' }],
      ['Accept: application/json', '', { accept: 'application/json' }],
      ['Accept: application/fhir+json; fhirVersion=4.0', '', { accept: 'application/fhir+json; fhirVersion=4.0' }],
      ['Accept: */*', '', { accept: '*/*' }],
      ['a browser Accept', '', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }],
      ['XML preferred, JSON accepted', '', { accept: 'application/fhir+xml;q=1.0, application/fhir+json;q=0.9' }],
    ])('%s → 200 JSON', async (_name, query, headers) => {
      const r = await get(`/fhir/Patient/${P}${query}`, tok.a, headers as Record<string, string>);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toContain('application/fhir+json');
    });

    it('a body declared as another FHIR version is 406 and writes nothing', async () => {
      const before = json(await get('/fhir/Patient?_summary=count')).total;
      const r = await req(tok.a, 'POST', '/fhir/Patient', patient(), { 'content-type': 'application/fhir+json; fhirVersion=3.0' });
      expect(r.statusCode).toBe(406);
      expect(json(await get('/fhir/Patient?_summary=count')).total).toBe(before);
      expect((await req(tok.a, 'POST', '/fhir/Patient', patient(), { 'content-type': 'application/fhir+json; fhirVersion=4.0' })).statusCode).toBe(201);
    });
  });

  describe('POST [base]/ (a trailing slash)', () => {
    it('takes a transaction as fhir-kit-client and fhirclient send it', async () => {
      const r = await req(tok.a, 'POST', '/fhir/', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:3f6a1c52-9e0e-4d3b-a6f1-2b7e0c9d4a11', resource: patient({ family: '末尾' }), request: { method: 'POST', url: 'Patient' } },
          { resource: observation('urn:uuid:3f6a1c52-9e0e-4d3b-a6f1-2b7e0c9d4a11'), request: { method: 'POST', url: 'Observation' } },
        ],
      });
      expect(r.statusCode, r.body).toBe(200);
      const bundle = json(r);
      expect(bundle.type).toBe('transaction-response');
      expect(bundle.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201 Created', '201 Created']);
      expect(bundle.entry[1].resource.subject.reference).toBe(`Patient/${bundle.entry[0].resource.id}`);
      expect((await get(`/fhir/Patient/${bundle.entry[0].resource.id}/`)).statusCode).toBe(200);
    });
  });

  describe('compartment search: Patient/[id]/[type]', () => {
    it('finds the compartment by every compartment parameter, with the client’s criteria and paging links', async () => {
      const r = await get(`/fhir/Patient/${P}/Observation`);
      expect(r.statusCode, r.body).toBe(200);
      const bundle = json(r);
      // o1 (subject) and o3 (performer); not B's o2, which A may not read.
      expect(ids(bundle).sort()).toEqual([`Observation/${o1}`, `Observation/${o3}`].sort());
      expect(bundle.total).toBe(2);
      expect(bundle.link[0].url).toMatch(new RegExp(`/fhir/Patient/${P}/Observation$`));
      expect(bundle.link[0].url).not.toContain('_compartment');
      const narrowed = json(await get(`/fhir/Patient/${P}/Observation?date=ge2024-06-01&_count=1`));
      expect(ids(narrowed)).toEqual([`Observation/${o3}`]);
      expect(ids(json(await get(`/fhir/Patient/${P}/Condition`)))).toEqual([`Condition/${c1}`]);
      expect(ids(json(await get(`/fhir/Patient/${P}/Patient`)))).toEqual([`Patient/${P}`]);
      const posted = await req(tok.a, 'POST', `/fhir/Patient/${P}/Observation/_search`, `date=lt2024-06-01`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(ids(json(posted))).toEqual([`Observation/${o1}`]);
      const viaBundle = json(
        await req(tok.a, 'POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `Patient/${P}/Observation` } }] }),
      );
      expect(viaBundle.entry[0].resource.total).toBe(2);
    });

    it('shows each caller only what it may read', async () => {
      expect(ids(json(await get(`/fhir/Patient/${P}/Observation`, tok.b)))).toEqual([`Observation/${o2}`]);
      expect(json(await get(`/fhir/Patient/${P}/Patient`, tok.b)).total).toBe(0);
      // The patient: their own data (o1, o2), not Q's o3 that names them as performer.
      expect(ids(json(await get(`/fhir/Patient/${P}/Observation`, tok.personP))).sort()).toEqual([`Observation/${o1}`, `Observation/${o2}`].sort());
      const other = json(await get(`/fhir/Patient/${Q}/Observation`, tok.personP));
      expect(other.total).toBe(0);
      expect(other.entry).toBeUndefined();
    });

    it('refuses types outside the compartment, the audit log, and a client-made _compartment', async () => {
      for (const url of [
        `/fhir/Patient/${P}/Organization`,
        `/fhir/Patient/${P}/AuditEvent`,
        `/fhir/Patient/${P}/Spaceship`,
        `/fhir/Observation?_compartment=Patient/${P}`,
      ]) {
        const r = await get(url);
        expect(r.statusCode, url).toBe(400);
        expect(json(r).resourceType).toBe('OperationOutcome');
      }
      const lenient = json(await get(`/fhir/Observation?_compartment=Patient/${P}&_summary=count`, tok.a, { prefer: 'handling=lenient' }));
      expect(lenient.total).toBe(json(await get('/fhir/Observation?_summary=count')).total);
      expect((await req(tok.a, 'PUT', `/fhir/Patient/${P}/Observation`, {})).statusCode).toBe(405);
    });
  });

  describe('Patient/[id]/$everything', () => {
    it('returns the Patient first, then every compartment resource the caller may read, with a total', async () => {
      const r = await get(`/fhir/Patient/${P}/$everything`);
      expect(r.statusCode, r.body).toBe(200);
      const bundle = json(r);
      expect(bundle.type).toBe('searchset');
      expect(ids(bundle)[0]).toBe(`Patient/${P}`);
      expect(everything(bundle)).toEqual([`Patient/${P}`, `Condition/${c1}`, `Observation/${o1}`, `Observation/${o3}`]);
      expect(bundle.total).toBe(4);
      expect(bundle.link.map((l: { relation: string }) => l.relation)).toEqual(['self']);
    });

    it('pages with _count and the next / previous links', async () => {
      const first = json(await get(`/fhir/Patient/${P}/$everything?_count=3`));
      expect(first.entry).toHaveLength(3);
      expect(first.total).toBeUndefined();
      const next = first.link.find((l: { relation: string }) => l.relation === 'next').url as string;
      expect(next).toContain('_offset=3');
      const second = json(await get(next.slice(next.indexOf('/fhir/'))));
      expect(second.entry).toHaveLength(1);
      expect(second.link.find((l: { relation: string }) => l.relation === 'next')).toBeUndefined();
      expect(second.link.find((l: { relation: string }) => l.relation === 'previous').url).not.toContain('_offset');
      expect([...ids(first), ...ids(second)]).toEqual(ids(json(await get(`/fhir/Patient/${P}/$everything`))));
      // Exactly a page: no next link to an empty page.
      const exact = json(await get(`/fhir/Patient/${P}/$everything?_count=4`));
      expect(exact.entry).toHaveLength(4);
      expect(exact.link.find((l: { relation: string }) => l.relation === 'next')).toBeUndefined();
    });

    it('takes _type, start / end and _since, by GET or POST', async () => {
      expect(ids(json(await get(`/fhir/Patient/${P}/$everything?_type=Observation`))).sort()).toEqual([`Observation/${o1}`, `Observation/${o3}`].sort());
      const dated = json(await get(`/fhir/Patient/${P}/$everything?start=2024-06-01&end=2024-12-31`));
      expect(everything(dated)).toEqual([`Patient/${P}`, `Condition/${c1}`, `Observation/${o3}`]);
      expect(json(await get(`/fhir/Patient/${P}/$everything?_since=2999-01-01T00:00:00Z`)).total).toBe(0);
      const posted = await req(tok.a, 'POST', `/fhir/Patient/${P}/$everything`, {
        resourceType: 'Parameters',
        parameter: [
          { name: '_count', valueInteger: 1 },
          { name: '_type', valueCode: 'Patient,Condition' },
        ],
      });
      expect(posted.statusCode, posted.body).toBe(200);
      expect(ids(json(posted))).toEqual([`Patient/${P}`]);
      expect(json(posted).link.find((l: { relation: string }) => l.relation === 'next').url).toContain('_type=Patient%2CCondition');
      expect((await get(`/fhir/Patient/${P}/$everything?_type=Organization`)).statusCode).toBe(400);
      expect((await get(`/fhir/Patient/${P}/$everything?_count=x`)).statusCode).toBe(400);
    });

    it('shows each caller only what it may read; a patient only their own', async () => {
      // B: its own Observation about P; not A's Patient record, Condition or Observations.
      expect(ids(json(await get(`/fhir/Patient/${P}/$everything`, tok.b)))).toEqual([`Observation/${o2}`]);
      // The patient: their own record and data, not Q's o3 that names them as performer.
      expect(everything(json(await get(`/fhir/Patient/${P}/$everything`, tok.personP)))).toEqual([
        `Patient/${P}`,
        `Condition/${c1}`,
        `Observation/${o1}`,
        `Observation/${o2}`,
      ]);
      const otherPerson = json(await get(`/fhir/Patient/${Q}/$everything`, tok.personP));
      expect(otherPerson.total).toBe(0);
      expect(otherPerson.entry).toBeUndefined();
      // Types the token cannot search are left out; none at all is a 403.
      expect(ids(json(await get(`/fhir/Patient/${P}/$everything`, tok.obsOnly))).sort()).toEqual([`Observation/${o1}`, `Observation/${o3}`].sort());
      expect((await get(`/fhir/Patient/${P}/$everything?_type=Patient`, tok.obsOnly)).statusCode).toBe(403);
    });

    it('is served as an OperationDefinition and listed on Patient', async () => {
      const def = json(await s.request({ method: 'GET', url: '/fhir/OperationDefinition/Patient-everything' }));
      expect(def).toMatchObject({ resourceType: 'OperationDefinition', code: 'everything', instance: true, resource: ['Patient'], url: EVERYTHING_SPEC.url });
      const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
      const pat = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
      expect(pat.operation).toContainEqual(expect.objectContaining({ name: 'everything', definition: EVERYTHING_SPEC.url }));
    });
  });

  describe('CORS', () => {
    it('answers a preflight and exposes the headers FHIR clients read (any origin, no credentials)', async () => {
      const pre = await s.request({
        method: 'OPTIONS',
        url: '/fhir/Patient/x',
        headers: {
          origin: 'https://smart-app.example',
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization, if-match, content-type',
        },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(pre.headers['access-control-allow-methods'])).toContain('PATCH');
      const allowed = String(pre.headers['access-control-allow-headers']).toLowerCase();
      for (const h of ['authorization', 'content-type', 'if-match', 'if-none-exist', 'if-none-match', 'if-modified-since', 'prefer', 'x-purpose-of-use'])
        expect(allowed).toContain(h);
      const r = await get(`/fhir/Patient/${P}`, tok.a, { origin: 'https://smart-app.example' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      const exposed = String(r.headers['access-control-expose-headers']).toLowerCase();
      for (const h of ['etag', 'location', 'content-location', 'last-modified']) expect(exposed).toContain(h);
      expect(json(await s.request({ method: 'GET', url: '/fhir/metadata' })).rest[0].security.cors).toBe(true);
    });

    it('only the configured origins, or none', async () => {
      const listed = await startTestServer(engine, { corsOrigins: ['https://app.example.jp'] });
      const closed = await startTestServer(engine, { corsOrigins: [] });
      try {
        const ok = await listed.request({ method: 'GET', url: '/fhir/metadata', headers: { origin: 'https://app.example.jp' } });
        expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.jp');
        expect(String(ok.headers.vary)).toMatch(/origin/i);
        const other = await listed.request({ method: 'GET', url: '/fhir/metadata', headers: { origin: 'https://evil.example' } });
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
        const none = await closed.request({ method: 'GET', url: '/fhir/metadata', headers: { origin: 'https://app.example.jp' } });
        expect(none.headers['access-control-allow-origin']).toBeUndefined();
        expect(json(none).rest[0].security.cors).toBe(false);
      } finally {
        await listed.close();
        await closed.close();
      }
    });

    it('reads TSUNAGU_CORS_ORIGINS', () => {
      expect(configFromEnv({}).corsOrigins).toEqual(['*']);
      expect(configFromEnv({ TSUNAGU_CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
      expect(configFromEnv({ TSUNAGU_CORS_ORIGINS: 'https://a.example.jp, http://localhost:3000/' }).corsOrigins).toEqual([
        'https://a.example.jp',
        'http://localhost:3000',
      ]);
      expect(() => configFromEnv({ TSUNAGU_CORS_ORIGINS: 'a.example.jp' })).toThrow(ConfigError);
    });
  });

  describe('CapabilityStatement', () => {
    it('validates as an R4 CapabilityStatement', async () => {
      const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
      const oo = loadConformanceSync({ packages: [] }).validate(cs);
      // The SMART oauth-uris extension of rest.security is checked in the SMART discovery work (its `authorize`).
      const errors = (oo.issue ?? []).filter(
        (i) => (i.severity === 'error' || i.severity === 'fatal') && !i.expression?.[0]?.startsWith('CapabilityStatement.rest[0].security.extension'),
      );
      expect(errors.map((i) => `${i.expression?.[0]}: ${i.diagnostics}`)).toEqual([]);
    });

    it('lists the R4 types only, and the server refuses others', async () => {
      const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
      const types = (cs.rest[0].resource as { type: string }[]).map((r) => r.type);
      expect(new Set(types)).toEqual(new Set(r4ResourceTypes()));
      expect(types).toHaveLength(146);
      expect(JSON.stringify(cs)).not.toContain('SubscriptionStatus');
      const r = await req(tok.a, 'POST', '/fhir/SubscriptionStatus', { resourceType: 'SubscriptionStatus', status: 'active', type: 'heartbeat' });
      expect(r.statusCode).toBe(400);
      expect(json(r).issue[0].diagnostics).toMatch(/unknown resource type/);
    });

    it('claims what the server does: patch, conditional read, JSON, CORS, the patient compartment; history-system for operators', async () => {
      const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
      const rest = cs.rest[0];
      const pat = rest.resource.find((r: { type: string }) => r.type === 'Patient');
      expect(pat.interaction.map((i: { code: string }) => i.code)).toContain('patch');
      expect(pat.conditionalRead).toBe('full-support');
      expect(cs.format.some((f: string) => /xml|turtle|ttl/.test(f))).toBe(false);
      expect(cs.patchFormat).toEqual(expect.arrayContaining(['application/json-patch+json', 'application/fhir+json']));
      expect(rest.security.cors).toBe(true);
      expect(rest.compartment).toEqual(['http://hl7.org/fhir/CompartmentDefinition/patient']);
      expect(rest.documentation).toMatch(/_elements/);
      expect(rest.documentation).not.toMatch(/_elements (are|is) not supported/);
      const history = rest.interaction.find((i: { code: string }) => i.code === 'history-system');
      expect(history.documentation).toMatch(/operators only/);
      // AuditEvent stays read-only.
      const audit = rest.resource.find((r: { type: string }) => r.type === 'AuditEvent');
      expect(audit.interaction.map((i: { code: string }) => i.code)).toEqual(['read', 'search-type']);
    });
  });
});
