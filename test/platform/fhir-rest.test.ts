/** FHIR REST interactions end to end (in-process HTTP), on every available engine, including deny paths. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, organization, patient } from '../helpers/fixtures.ts';

async function countRows(s: TestServer, table: string): Promise<number> {
  const r = await s.t.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return r.rows[0].n;
}

describe.each(ENGINES)('FHIR REST on %s', (engine) => {
  let s: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    s = await startTestServer(engine);
    admin = await s.addClient({ kind: 'facility', scopes: ['system/*.*'] });
  });
  afterAll(async () => {
    await s?.close();
  });

  const post = (url: string, body: unknown, token = admin.token, headers?: Record<string, string>) => s.request({ method: 'POST', url, body, token, headers });
  const get = (url: string, token = admin.token, headers?: Record<string, string>) => s.request({ method: 'GET', url, token, headers });

  describe('metadata', () => {
    it('serves a CapabilityStatement without authentication', async () => {
      const r = await s.request({ method: 'GET', url: '/fhir/metadata' });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('application/fhir+json');
      const cs = json(r);
      expect(cs.resourceType).toBe('CapabilityStatement');
      expect(cs.fhirVersion).toBe('4.0.1');
      const pat = cs.rest[0].resource.find((x: { type: string }) => x.type === 'Patient');
      expect(pat.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['identifier', 'name', 'birthdate', '_id']));
      // It must not claim what the server does not do.
      expect(cs.format).not.toContain('xml');
      expect(pat.searchParam.some((p: { type: string }) => p.type === 'composite')).toBe(false);
      expect(pat.interaction.map((i: { code: string }) => i.code)).toContain('patch');
    });
  });

  describe('authentication', () => {
    it('refuses anonymous calls with 401 and an OperationOutcome', async () => {
      const r = await s.request({ method: 'GET', url: '/fhir/Patient' });
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(json(r).resourceType).toBe('OperationOutcome');
    });
    it('refuses a forged token', async () => {
      const forged = admin.token.slice(0, -4) + (admin.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await get('/fhir/Patient', forged)).statusCode).toBe(401);
      expect((await get('/fhir/Patient', 'not-a-jwt')).statusCode).toBe(401);
    });
    it('refuses an expired token', async () => {
      const c = await s.addClient({ kind: 'facility', scopes: ['system/*.read'] });
      const expired = await s.t.platform.tokens.issue(
        c.client,
        c.client.scopes.map((raw) => ({ context: 'system', resourceType: '*', permissions: new Set(['r', 's']), raw })) as never,
        -10,
      );
      const r = await get('/fhir/Patient', expired);
      expect(r.statusCode).toBe(401);
      expect(json(r).issue[0].diagnostics).toMatch(/expired/);
    });
    it('refuses calls outside the token scope with 403, writing nothing', async () => {
      const obsOnly = await s.addClient({ kind: 'facility', scopes: ['system/Observation.read'] });
      expect((await get('/fhir/Patient', obsOnly.token)).statusCode).toBe(403);
      const before = await countRows(s, 'resources');
      const r = await post('/fhir/Patient', patient(), obsOnly.token);
      expect(r.statusCode).toBe(403);
      expect(json(r).issue[0].code).toBe('forbidden');
      expect(await countRows(s, 'resources')).toBe(before);
    });
  });

  describe('create, read, vread, update, delete, history', () => {
    it('runs the whole life cycle with versions, ETags and 410 after delete', async () => {
      const created = await post('/fhir/Patient', patient({ family: '髙橋', given: '葛󠄀子' }));
      expect(created.statusCode).toBe(201);
      expect(created.headers.etag).toBe('W/"1"');
      const body = json(created);
      expect(created.headers.location).toContain(`/fhir/Patient/${body.id}/_history/1`);
      expect(body.meta.versionId).toBe('1');
      // Old-style kanji and a variation selector come back exactly as sent.
      expect(body.name[0].family).toBe('髙橋');
      expect(body.name[0].given[0]).toBe('葛󠄀子');

      const read = await get(`/fhir/Patient/${body.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.headers.etag).toBe('W/"1"');
      expect(json(read)).toEqual(body);

      const stale = await s.request({
        method: 'PUT',
        url: `/fhir/Patient/${body.id}`,
        token: admin.token,
        body: { ...body, gender: 'female' },
        headers: { 'if-match': 'W/"7"' },
      });
      expect(stale.statusCode).toBe(412);

      const updated = await s.request({
        method: 'PUT',
        url: `/fhir/Patient/${body.id}`,
        token: admin.token,
        body: { ...body, gender: 'female' },
        headers: { 'if-match': 'W/"1"' },
      });
      expect(updated.statusCode).toBe(200);
      expect(json(updated).meta.versionId).toBe('2');
      expect(updated.headers.etag).toBe('W/"2"');

      const v1 = await get(`/fhir/Patient/${body.id}/_history/1`);
      expect(v1.statusCode).toBe(200);
      expect(json(v1).gender).toBe('male');

      const del = await s.request({ method: 'DELETE', url: `/fhir/Patient/${body.id}`, token: admin.token });
      expect(del.statusCode).toBe(204);
      const after = await get(`/fhir/Patient/${body.id}`);
      expect(after.statusCode).toBe(410);
      expect(json(after).issue[0].code).toBe('deleted');
      expect((await get(`/fhir/Patient?_id=${body.id}`)).statusCode).toBe(200);
      expect(json(await get(`/fhir/Patient?_id=${body.id}`)).total).toBe(0);

      const hist = json(await get(`/fhir/Patient/${body.id}/_history`));
      expect(hist.type).toBe('history');
      expect(hist.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
      expect(hist.entry[0].resource).toBeUndefined();
      // The old version stays readable after deletion.
      expect((await get(`/fhir/Patient/${body.id}/_history/2`)).statusCode).toBe(200);
      expect((await get(`/fhir/Patient/${body.id}/_history/3`)).statusCode).toBe(410);
    });

    it('answers 404 for unknown ids and versions, and 400 for unknown types', async () => {
      expect((await get('/fhir/Patient/does-not-exist')).statusCode).toBe(404);
      const p = json(await post('/fhir/Patient', patient()));
      expect((await get(`/fhir/Patient/${p.id}/_history/9`)).statusCode).toBe(404);
      const unknown = await get('/fhir/Spaceship/1');
      expect(unknown.statusCode).toBe(400);
      expect(json(unknown).issue[0].diagnostics).toMatch(/unknown resource type/);
      expect((await s.request({ method: 'DELETE', url: '/fhir/Patient/nope', token: admin.token })).statusCode).toBe(404);
    });

    it('creates with a client-assigned id through PUT (update as create)', async () => {
      const r = await s.request({
        method: 'PUT',
        url: '/fhir/Organization/clinic-a',
        token: admin.token,
        body: { ...organization('つなぐ内科'), id: 'clinic-a' },
      });
      expect(r.statusCode).toBe(201);
      expect((await get('/fhir/Organization/clinic-a')).statusCode).toBe(200);
    });

    it('server-assigns meta.versionId and lastUpdated whatever the client sends', async () => {
      const r = json(
        await post('/fhir/Patient', {
          ...patient(),
          meta: { versionId: '99', lastUpdated: '1999-01-01T00:00:00Z', profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient'] },
        }),
      );
      expect(r.meta.versionId).toBe('1');
      expect(r.meta.lastUpdated).not.toBe('1999-01-01T00:00:00Z');
      expect(r.meta.profile).toEqual(['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient']);
    });
  });

  describe('history (type and system level) and conflicts', () => {
    it('type history lists every version of the type, newest first, pages with next links and filters by _since', async () => {
      const a = json(await post('/fhir/Practitioner', { resourceType: 'Practitioner', name: [{ family: '履歴' }] }));
      const t0 = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await s.request({ method: 'PUT', url: `/fhir/Practitioner/${a.id}`, token: admin.token, body: { ...a, name: [{ family: '履歴二' }] } });
      const b = json(await post('/fhir/Practitioner', { resourceType: 'Practitioner', name: [{ family: '別' }] }));
      const h = json(await get('/fhir/Practitioner/_history'));
      expect(h.type).toBe('history');
      const seen = h.entry.map((e: { resource: { id: string; meta: { versionId: string } } }) => `${e.resource.id}/${e.resource.meta.versionId}`);
      expect(seen.slice(0, 3)).toEqual([`${b.id}/1`, `${a.id}/2`, `${a.id}/1`]);
      expect(h.entry[1].request).toEqual({ method: 'PUT', url: `Practitioner/${a.id}` });
      const since = json(await get(`/fhir/Practitioner/_history?_since=${encodeURIComponent(t0)}`));
      expect(since.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual([a.id, b.id].sort());
      const page = json(await get('/fhir/Practitioner/_history?_count=1'));
      expect(page.entry).toHaveLength(1);
      const next = page.link.find((l: { relation: string }) => l.relation === 'next').url as string;
      expect(next).toContain('_offset=1');
      const page2 = json(await get(next.slice(next.indexOf('/fhir/'))));
      expect(page2.entry[0].resource.meta.versionId).toBe('2');
      expect((await get('/fhir/Practitioner/_history?_since=yesterday')).statusCode).toBe(400);
      expect((await get('/fhir/Practitioner/_history?name=x')).statusCode).toBe(400);
    });

    it('system history is for operators; others get 403', async () => {
      expect((await get('/fhir/_history')).statusCode).toBe(403);
      const op = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
      const h = await get('/fhir/_history?_count=5', op.token);
      expect(h.statusCode).toBe(200);
      expect(json(h).entry.length).toBe(5);
    });

    it('a create with an id that exists is a 409 conflict and changes nothing', async () => {
      const p = json(await post('/fhir/Patient', patient({ identifier: 'conflict-1' })));
      const err = await s.t.platform.repo
        .create(
          {
            principal: { clientId: admin.client.clientId, name: 'x', kind: 'facility', facilityCode: '1312345679', scopes: parseScopes(admin.client.scopes) },
            purpose: 'TREAT',
          },
          patient({ identifier: 'conflict-2' }),
          { id: p.id },
        )
        .catch((e: { status?: number }) => e);
      expect((err as { status?: number }).status).toBe(409);
      const still = json(await get(`/fhir/Patient/${p.id}`));
      expect(still.meta.versionId).toBe('1');
      expect(still.identifier[0].value).toBe('conflict-1');
    });
  });

  describe('bad input: 4xx and nothing written', () => {
    const attempts: [string, () => Promise<{ statusCode: number; body: string }>, number][] = [
      ['malformed JSON', () => s.request({ method: 'POST', url: '/fhir/Patient', token: admin.token, body: '{"resourceType":"Patient",' }), 400],
      ['a JSON array', () => post('/fhir/Patient', [1, 2]), 400],
      ['no resourceType', () => post('/fhir/Patient', { name: [{ family: 'x' }] }), 400],
      ['resourceType differs from the URL', () => post('/fhir/Patient', { resourceType: 'Observation' }), 400],
      ['unknown resource type', () => post('/fhir/Spaceship', { resourceType: 'Spaceship' }), 400],
      ['bad id in update', () => s.request({ method: 'PUT', url: '/fhir/Patient/a', token: admin.token, body: { resourceType: 'Patient', id: 'b' } }), 400],
      ['update without id', () => s.request({ method: 'PUT', url: '/fhir/Patient/a', token: admin.token, body: { resourceType: 'Patient' } }), 400],
      [
        'XML',
        () => s.request({ method: 'POST', url: '/fhir/Patient', token: admin.token, body: '<Patient/>', headers: { 'content-type': 'application/fhir+xml' } }),
        415,
      ],
      [
        'prototype pollution',
        () => s.request({ method: 'POST', url: '/fhir/Patient', token: admin.token, body: '{"resourceType":"Patient","__proto__":{"x":1}}' }),
        400,
      ],
      [
        'bad If-Match',
        () =>
          s.request({
            method: 'PUT',
            url: '/fhir/Patient/x',
            token: admin.token,
            body: { resourceType: 'Patient', id: 'x' },
            headers: { 'if-match': 'nonsense' },
          }),
        400,
      ],
    ];
    it.each([
      ['a number where a date belongs', { resourceType: 'Patient', birthDate: 19700101 }, 'Patient.birthDate'],
      ['an impossible date', { resourceType: 'Patient', birthDate: '1970-02-30' }, 'Patient.birthDate'],
      ['a code outside a required value set', { resourceType: 'Patient', gender: 'man' }, 'Patient.gender'],
      ['an unknown element', { resourceType: 'Patient', nickname: 'タロちゃん' }, 'Patient.nickname'],
      // Like the HL7 validator, a missing element is reported on its parent, naming the element.
      ['a missing required element', { resourceType: 'Observation', code: { text: 'x' } }, 'Observation'],
      ['an object where a list belongs', { resourceType: 'Patient', name: { family: '山田' } }, 'Patient.name'],
    ] as const)('rejects %s with 422, the location, and writes nothing', async (_name, body, location) => {
      const before = await countRows(s, 'resource_versions');
      const r = await post(`/fhir/${body.resourceType}`, body);
      expect(r.statusCode).toBe(422);
      const oo = json(r);
      expect(oo.resourceType).toBe('OperationOutcome');
      const errors = oo.issue.filter((i: { severity: string }) => i.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.map((i: { expression?: string[] }) => i.expression?.[0])).toContain(location);
      if (location === 'Observation') expect(errors[0].diagnostics).toMatch(/status/);
      expect(errors[0].details.text).toMatch(/[ぁ-んァ-ン一-龥]/); // Japanese message
      expect(errors[0].diagnostics).toMatch(/[a-z]/); // English message
      expect(await countRows(s, 'resource_versions')).toBe(before);
    });

    it.each(attempts)('%s', async (_name, attempt, status) => {
      const before = await countRows(s, 'resource_versions');
      const r = await attempt();
      expect(r.statusCode).toBe(status);
      expect(JSON.parse(r.body).resourceType).toBe('OperationOutcome');
      expect(await countRows(s, 'resource_versions')).toBe(before);
    });

    it('rejects a body over the size limit with 413', async () => {
      const small = await startTestServer(engine === 'pglite' ? 'pglite' : 'postgres', { bodyLimit: 10_000 });
      try {
        const c = await small.addClient({ kind: 'facility', scopes: ['system/*.*'] });
        const big = { ...patient(), text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'あ'.repeat(20_000)}</div>` } };
        const r = await small.request({ method: 'POST', url: '/fhir/Patient', token: c.token, body: big });
        expect(r.statusCode).toBe(413);
        expect(json(r).resourceType).toBe('OperationOutcome');
        expect(await countRows(small, 'resources')).toBe(0);
      } finally {
        await small.close();
      }
    });
  });

  describe('$validate', () => {
    it('answers with an OperationOutcome for valid and invalid resources, and needs a token', async () => {
      const ok = await post('/fhir/Patient/$validate', patient());
      expect(ok.statusCode).toBe(200);
      expect(json(ok).issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
      const bad = await post('/fhir/$validate', { resourceType: 'Patient', birthDate: 'yesterday' });
      expect(bad.statusCode).toBe(200);
      expect(json(bad).issue[0].expression).toEqual(['Patient.birthDate']);
      expect((await s.request({ method: 'POST', url: '/fhir/$validate', body: patient() })).statusCode).toBe(401);
    });
  });

  describe('conditional create', () => {
    it('returns the existing resource (200) or creates (201), 412 on several matches', async () => {
      const ident = `cond-${Date.now()}`;
      const first = await post('/fhir/Patient', patient({ identifier: ident }), admin.token, {
        'if-none-exist': `identifier=urn:oid:1.2.392.100495.20.3.51.11312345679|${ident}`,
      });
      expect(first.statusCode).toBe(201);
      const again = await post('/fhir/Patient', patient({ identifier: ident }), admin.token, {
        'if-none-exist': `identifier=urn:oid:1.2.392.100495.20.3.51.11312345679|${ident}`,
      });
      expect(again.statusCode).toBe(200);
      expect(json(again).id).toBe(json(first).id);
      await post('/fhir/Patient', patient({ identifier: ident }));
      const many = await post('/fhir/Patient', patient({ identifier: ident }), admin.token, { 'if-none-exist': `identifier=${ident}` });
      expect(many.statusCode).toBe(412);
    });

    it('creates exactly one resource when identical conditional creates race', async () => {
      const ident = `race-${Date.now()}`;
      const results = await Promise.all(
        Array.from({ length: 6 }, () => post('/fhir/Patient', patient({ identifier: ident }), admin.token, { 'if-none-exist': `identifier=${ident}` })),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(5);
      expect(json(await get(`/fhir/Patient?identifier=${ident}`)).total).toBe(1);
    });
  });

  describe('conditional update and delete', () => {
    it('updates the one match, creates when none, refuses several (412) and empty criteria (400)', async () => {
      const ident = `cu-${Date.now()}`;
      const created = await s.request({
        method: 'PUT',
        url: `/fhir/Patient?identifier=${ident}`,
        token: admin.token,
        body: { ...patient({ identifier: ident }), id: `p-${ident}` },
      });
      expect(created.statusCode).toBe(201);
      const updated = await s.request({
        method: 'PUT',
        url: `/fhir/Patient?identifier=${ident}`,
        token: admin.token,
        body: { ...patient({ identifier: ident, gender: 'female' }), id: `p-${ident}` },
      });
      expect(updated.statusCode).toBe(200);
      expect(json(updated).meta.versionId).toBe('2');
      await post('/fhir/Patient', patient({ identifier: ident }));
      expect(
        (await s.request({ method: 'PUT', url: `/fhir/Patient?identifier=${ident}`, token: admin.token, body: patient({ identifier: ident }) })).statusCode,
      ).toBe(412);
      expect((await s.request({ method: 'DELETE', url: `/fhir/Patient?identifier=${ident}`, token: admin.token })).statusCode).toBe(412);
      expect((await s.request({ method: 'DELETE', url: '/fhir/Patient', token: admin.token })).statusCode).toBe(400);
      expect((await s.request({ method: 'DELETE', url: `/fhir/Patient?_id=p-${ident}`, token: admin.token })).statusCode).toBe(204);
      expect((await get(`/fhir/Patient/p-${ident}`)).statusCode).toBe(410);
    });
  });

  describe('transaction and batch', () => {
    it('creates linked resources atomically, rewriting urn:uuid references', async () => {
      const before = await countRows(s, 'audit_events');
      const r = await post('/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: patient({ family: '佐藤' }), request: { method: 'POST', url: 'Patient' } },
          {
            fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222',
            resource: observation('urn:uuid:11111111-1111-4111-8111-111111111111'),
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      });
      expect(r.statusCode).toBe(200);
      const bundle = json(r);
      expect(bundle.type).toBe('transaction-response');
      expect(bundle.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201 Created', '201 Created']);
      const patientId = bundle.entry[0].resource.id;
      expect(bundle.entry[1].resource.subject.reference).toBe(`Patient/${patientId}`);
      const obs = json(await get(`/fhir/Observation?subject=Patient/${patientId}`));
      expect(obs.total).toBe(1);
      // Both writes audited, in the same transaction.
      expect(await countRows(s, 'audit_events')).toBe(before + 2 + 1 /* the search above */);
    });

    it('leaves nothing behind when one entry fails', async () => {
      const existing = json(await post('/fhir/Patient', patient()));
      const resources = await countRows(s, 'resource_versions');
      const index = await countRows(s, 'sp_token');
      const audits = await countRows(s, 'audit_events');
      const r = await post('/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:33333333-3333-4333-8333-333333333333', resource: patient({ family: '失敗' }), request: { method: 'POST', url: 'Patient' } },
          { resource: observation('urn:uuid:33333333-3333-4333-8333-333333333333'), request: { method: 'POST', url: 'Observation' } },
          { resource: { ...existing, gender: 'other' }, request: { method: 'PUT', url: `Patient/${existing.id}`, ifMatch: 'W/"5"' } },
        ],
      });
      expect(r.statusCode).toBe(412);
      const oo = json(r);
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(oo.issue[0].expression[0]).toBe('Bundle.entry[2]');
      expect(await countRows(s, 'resource_versions')).toBe(resources);
      expect(await countRows(s, 'sp_token')).toBe(index);
      expect(await countRows(s, 'audit_events')).toBe(audits);
      expect(json(await get(`/fhir/Patient?family=失敗`)).total).toBe(0);
    });

    it('rejects a transaction whose urn:uuid reference resolves to no entry', async () => {
      const before = await countRows(s, 'resource_versions');
      const r = await post('/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: observation('urn:uuid:99999999-9999-4999-8999-999999999999'), request: { method: 'POST', url: 'Observation' } }],
      });
      expect(r.statusCode).toBe(400);
      expect(await countRows(s, 'resource_versions')).toBe(before);
    });

    it('processes batch entries independently', async () => {
      const r = await post('/fhir', {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: organization('バッチ病院'), request: { method: 'POST', url: 'Organization' } },
          { request: { method: 'GET', url: 'Organization/does-not-exist' } },
          { resource: { resourceType: 'Patient', id: 'x' }, request: { method: 'PUT', url: 'Patient/y' } },
        ],
      });
      expect(r.statusCode).toBe(200);
      const statuses = json(r).entry.map((e: { response: { status: string } }) => e.response.status);
      expect(statuses).toEqual(['201 Created', '404', '400']);
      expect(json(await get('/fhir/Organization?name=バッチ病院')).total).toBe(1);
    });

    it('rejects a Bundle of the wrong type', async () => {
      expect((await post('/fhir', { resourceType: 'Bundle', type: 'collection' })).statusCode).toBe(400);
      expect((await post('/fhir', { resourceType: 'Patient' })).statusCode).toBe(400);
    });
  });
});
