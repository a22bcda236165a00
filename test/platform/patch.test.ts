/**
 * The patch interaction end to end, on every engine: JSON Patch and FHIRPath Patch on [type]/[id], conditional
 * patch, batch and transaction entries; a patch is an update of the current version (If-Match, validation, id and
 * resourceType kept); and another organisation's resource answers a patch exactly as an update (403, recorded,
 * nothing written, no probing with `test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';

const CLINIC_A = '1312345679';
const CLINIC_B = '1311234569';
const SCOPES = ['system/Patient.cruds', 'system/Observation.cruds'];

type Op = Record<string, unknown>;
const op = (type: string, path: string, parts: Record<string, unknown>[] = []) => ({
  name: 'operation',
  part: [{ name: 'type', valueCode: type }, { name: 'path', valueString: path }, ...parts],
});
const fhirPathPatch = (...operations: ReturnType<typeof op>[]) => ({ resourceType: 'Parameters', parameter: operations });

describe.each(ENGINES)('PATCH on %s', (engine) => {
  let s: TestServer;
  const tok: Record<string, string> = {};

  const req = (token: string, method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    s.request({ method, url, token, body, headers });
  const jsonPatch = (url: string, ops: Op[], headers: Record<string, string> = {}, token = tok.a) =>
    req(token, 'PATCH', url, JSON.stringify(ops), { 'content-type': 'application/json-patch+json', ...headers });
  const versions = async () => (await s.t.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM resource_versions')).rows[0].n;
  const refusals = async (clientId: string) => {
    await s.t.platform.readAudit.drain();
    const r = await s.t.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE client_id = $1 AND outcome = '4'`, [clientId]);
    return r.rows[0].n;
  };
  const newPatient = async (opts: Parameters<typeof patient>[0] = {}) => {
    const r = await req(tok.a, 'POST', '/fhir/Patient', patient(opts));
    expect(r.statusCode, r.body).toBe(201);
    return json(r);
  };

  beforeAll(async () => {
    s = await startTestServer(engine);
    for (const [name, facilityCode, scopes] of [
      ['a', CLINIC_A, SCOPES],
      ['b', CLINIC_B, SCOPES],
      ['readOnly', CLINIC_A, ['system/Patient.rs']],
    ] as const) {
      const c = await s.addClient({ kind: 'facility', facilityCode, scopes: [...scopes] });
      tok[name] = c.token;
      tok[`${name}Id`] = c.client.clientId;
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('JSON Patch', () => {
    it('applies to the current version and becomes version 2 (ETag, Location, stored)', async () => {
      const p = await newPatient();
      const r = await jsonPatch(`/fhir/Patient/${p.id}`, [
        { op: 'test', path: '/birthDate', value: '1970-01-01' },
        { op: 'replace', path: '/birthDate', value: '1990-03-03' },
        { op: 'add', path: '/telecom', value: [{ system: 'phone', value: '03-1234-5678' }] },
        { op: 'remove', path: '/name/1' },
      ]);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers.etag).toBe('W/"2"');
      expect(r.headers.location).toContain(`/fhir/Patient/${p.id}/_history/2`);
      const body = json(r);
      expect(body).toMatchObject({ id: p.id, birthDate: '1990-03-03', meta: { versionId: '2' }, telecom: [{ value: '03-1234-5678' }] });
      expect(body.name).toHaveLength(1);
      expect(json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}`))).toEqual(body);
      // The old version stays as it was.
      expect(json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}/_history/1`)).birthDate).toBe('1970-01-01');
    });

    it('honours If-Match and Prefer: return=minimal', async () => {
      const p = await newPatient();
      const before = await versions();
      const stale = await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 'female' }], { 'if-match': 'W/"9"' });
      expect(stale.statusCode).toBe(412);
      expect(json(stale).resourceType).toBe('OperationOutcome');
      expect(await versions()).toBe(before);
      const ok = await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 'female' }], {
        'if-match': 'W/"1"',
        prefer: 'return=minimal',
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toBe('');
      expect(ok.headers.etag).toBe('W/"2"');
    });

    it.each([
      [
        'a failed test',
        [
          { op: 'test', path: '/gender', value: 'female' },
          { op: 'replace', path: '/gender', value: 'other' },
        ],
        422,
      ],
      ['removing what is not there', [{ op: 'remove', path: '/deceasedBoolean' }], 422],
      ['an index beyond the list', [{ op: 'add', path: '/name/7', value: { family: 'x' } }], 422],
      ['a result that does not validate', [{ op: 'replace', path: '/gender', value: 'man' }], 422],
      ['an unknown element in the result', [{ op: 'add', path: '/nickname', value: 'タロちゃん' }], 422],
      ['an unknown op', [{ op: 'delete', path: '/gender' }], 400],
      ['an op without a value', [{ op: 'replace', path: '/gender' }], 400],
      ['a path without a slash', [{ op: 'remove', path: 'gender' }], 400],
      ['a change of the id', [{ op: 'replace', path: '/id', value: 'another-id' }], 400],
      ['removing the id', [{ op: 'remove', path: '/id' }], 400],
      ['a change of resourceType', [{ op: 'replace', path: '/resourceType', value: 'Person' }], 400],
      ['__proto__', [{ op: 'add', path: '/__proto__/polluted', value: 1 }], 400],
    ])('refuses %s and writes nothing', async (_name, ops, status) => {
      const p = await newPatient();
      const before = await versions();
      const r = await jsonPatch(`/fhir/Patient/${p.id}`, ops);
      expect(r.statusCode, r.body).toBe(status);
      const oo = json(r);
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(oo.issue[0].details.text).toMatch(/[ぁ-んァ-ン一-龥]/);
      // The resource itself is never echoed in an error.
      expect(r.body).not.toContain('00012345');
      expect(await versions()).toBe(before);
      expect(json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}`)).meta.versionId).toBe('1');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('leaves meta.versionId and lastUpdated to the server', async () => {
      const p = await newPatient();
      const r = await jsonPatch(`/fhir/Patient/${p.id}`, [
        { op: 'replace', path: '/meta/versionId', value: '99' },
        { op: 'replace', path: '/meta/lastUpdated', value: '1999-01-01T00:00:00Z' },
      ]);
      expect(r.statusCode, r.body).toBe(200);
      expect(json(r).meta.versionId).toBe('2');
      expect(json(r).meta.lastUpdated).not.toBe('1999-01-01T00:00:00Z');
    });

    it('refuses a body that is no patch (400), an absent id (404) and PATCH of the audit log (405)', async () => {
      const p = await newPatient();
      expect((await req(tok.a, 'PATCH', `/fhir/Patient/${p.id}`, '{"op":"remove"}', { 'content-type': 'application/json-patch+json' })).statusCode).toBe(400);
      expect((await req(tok.a, 'PATCH', `/fhir/Patient/${p.id}`, { resourceType: 'Patient', id: p.id })).statusCode).toBe(400);
      expect((await jsonPatch('/fhir/Patient/01a00000-0000-7000-8000-000000000000', [{ op: 'remove', path: '/gender' }])).statusCode).toBe(404);
      expect((await jsonPatch('/fhir/AuditEvent/1-1', [{ op: 'remove', path: '/type' }])).statusCode).toBe(405);
      await req(tok.a, 'DELETE', `/fhir/Patient/${p.id}`);
      expect((await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'remove', path: '/gender' }])).statusCode).toBe(410);
    });

    it('concurrent patches without If-Match each apply to the version the other wrote', async () => {
      const p = await newPatient();
      const results = await Promise.all(
        [1, 2, 3].map((n) =>
          jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'add', path: '/identifier/-', value: { system: 'urn:test:concurrent', value: `c${n}` } }]),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      const final = json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}`));
      expect(final.meta.versionId).toBe('4');
      expect(final.identifier.map((i: { value: string }) => i.value).sort()).toEqual(['00012345', 'c1', 'c2', 'c3']);
    });
  });

  describe('FHIRPath Patch', () => {
    it('adds, inserts, deletes, replaces and moves', async () => {
      const p = await newPatient();
      const r = await req(
        tok.a,
        'PATCH',
        `/fhir/Patient/${p.id}`,
        fhirPathPatch(
          op('add', 'Patient', [
            { name: 'name', valueString: 'telecom' },
            { name: 'value', valueContactPoint: { system: 'phone', value: '03-0000-0000' } },
          ]),
          op('insert', 'Patient.identifier', [
            { name: 'value', valueIdentifier: { system: 'urn:test:first', value: 'first' } },
            { name: 'index', valueInteger: 0 },
          ]),
          op('replace', 'Patient.birthDate', [{ name: 'value', valueDate: '1980-12-24' }]),
          op('delete', "Patient.name.where(family = 'ヤマダ')"),
          op('delete', 'Patient.deceased'), // nothing there: no change
          op('add', 'Patient.name[0]', [
            { name: 'name', valueString: 'given' },
            { name: 'value', valueString: '次郎' },
          ]),
          op('move', 'Patient.name[0].given', [
            { name: 'source', valueInteger: 1 },
            { name: 'destination', valueInteger: 0 },
          ]),
          // An anonymous element, given by its parts.
          op('add', 'Patient', [
            { name: 'name', valueString: 'contact' },
            {
              name: 'value',
              part: [
                { name: 'name', valueHumanName: { family: '山田', given: ['花子'] } },
                { name: 'gender', valueCode: 'female' },
              ],
            },
          ]),
        ),
      );
      expect(r.statusCode, r.body).toBe(200);
      const body = json(r);
      expect(body.meta.versionId).toBe('2');
      expect(body.telecom).toEqual([{ system: 'phone', value: '03-0000-0000' }]);
      expect(body.identifier.map((i: { value: string }) => i.value)).toEqual(['first', '00012345']);
      expect(body.birthDate).toBe('1980-12-24');
      expect(body.name).toHaveLength(1);
      expect(body.name[0].given).toEqual(['次郎', '太郎']);
      expect(body.contact).toEqual([{ name: { family: '山田', given: ['花子'] }, gender: 'female' }]);
    });

    it('replaces a choice element with another type and deletes from a list, dropping what is left empty', async () => {
      const p = await newPatient();
      const o = json(await req(tok.a, 'POST', '/fhir/Observation', { ...observation(`Patient/${p.id}`), note: [{ text: 'メモ' }] }));
      const r = await req(
        tok.a,
        'PATCH',
        `/fhir/Observation/${o.id}`,
        fhirPathPatch(op('replace', 'Observation.value', [{ name: 'value', valueString: '陰性' }]), op('delete', 'Observation.note[0]')),
      );
      expect(r.statusCode, r.body).toBe(200);
      const body = json(r);
      expect(body.valueString).toBe('陰性');
      expect(body.valueQuantity).toBeUndefined();
      expect(body.note).toBeUndefined();
    });

    it.each([
      ['an unknown type', fhirPathPatch(op('erase', 'Patient.gender')), 400],
      ['a missing part', fhirPathPatch(op('replace', 'Patient.gender')), 400],
      ['a part the type does not take', fhirPathPatch(op('delete', 'Patient.gender', [{ name: 'index', valueInteger: 0 }])), 400],
      ['a FHIRPath that does not parse', fhirPathPatch(op('delete', 'Patient.name[')), 400],
      ['a parameter other than operation', { resourceType: 'Parameters', parameter: [{ name: 'resource', valueString: 'x' }] }, 400],
      [
        'a choice value of a wrong type',
        fhirPathPatch(
          op('add', 'Patient', [
            { name: 'name', valueString: 'deceased' },
            { name: 'value', valueHumanName: { family: 'x' } },
          ]),
        ),
        400,
      ],
      ['a path that selects several elements', fhirPathPatch(op('replace', 'Patient.name', [{ name: 'value', valueHumanName: { family: 'x' } }])), 422],
      ['a path that selects nothing', fhirPathPatch(op('replace', 'Patient.maritalStatus', [{ name: 'value', valueCodeableConcept: { text: 'x' } }])), 422],
      [
        'adding an element that exists',
        fhirPathPatch(
          op('add', 'Patient', [
            { name: 'name', valueString: 'gender' },
            { name: 'value', valueCode: 'other' },
          ]),
        ),
        422,
      ],
      [
        'an insert beyond the list',
        fhirPathPatch(
          op('insert', 'Patient.name', [
            { name: 'value', valueHumanName: { family: 'x' } },
            { name: 'index', valueInteger: 5 },
          ]),
        ),
        422,
      ],
      ['deleting the resource itself', fhirPathPatch(op('delete', 'Patient')), 422],
      ['a result that does not validate', fhirPathPatch(op('replace', 'Patient.birthDate', [{ name: 'value', valueString: 'yesterday' }])), 422],
      ['a change of the id', fhirPathPatch(op('replace', 'Patient.id', [{ name: 'value', valueId: 'another-id' }])), 400],
    ])('refuses %s and writes nothing', async (_name, body, status) => {
      const p = await newPatient();
      const before = await versions();
      const r = await req(tok.a, 'PATCH', `/fhir/Patient/${p.id}`, body);
      expect(r.statusCode, r.body).toBe(status);
      expect(json(r).resourceType).toBe('OperationOutcome');
      expect(await versions()).toBe(before);
    });
  });

  describe('conditional patch', () => {
    it('patches the one match, 404 for none, 412 for several, 400 without criteria', async () => {
      const ident = `cp-${Date.now()}`;
      const p = await newPatient({ identifier: ident });
      const one = await jsonPatch(`/fhir/Patient?identifier=${ident}`, [{ op: 'replace', path: '/gender', value: 'female' }]);
      expect(one.statusCode, one.body).toBe(200);
      expect(json(one)).toMatchObject({ id: p.id, gender: 'female', meta: { versionId: '2' } });
      expect((await jsonPatch(`/fhir/Patient?identifier=none-${ident}`, [{ op: 'replace', path: '/gender', value: 'female' }])).statusCode).toBe(404);
      await newPatient({ identifier: ident });
      expect((await jsonPatch(`/fhir/Patient?identifier=${ident}`, [{ op: 'replace', path: '/gender', value: 'other' }])).statusCode).toBe(412);
      expect((await jsonPatch('/fhir/Patient', [{ op: 'replace', path: '/gender', value: 'other' }])).statusCode).toBe(400);
    });
  });

  describe('in batch and transaction Bundles', () => {
    const binary = (ops: Op[]) => ({
      resourceType: 'Binary',
      contentType: 'application/json-patch+json',
      data: Buffer.from(JSON.stringify(ops)).toString('base64'),
    });

    it('a transaction applies a JSON Patch (Binary) and a FHIRPath Patch (Parameters) with its other entries', async () => {
      const p = await newPatient();
      const r = await req(tok.a, 'POST', '/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: binary([{ op: 'replace', path: '/birthDate', value: '2001-02-03' }]),
            request: { method: 'PATCH', url: `Patient/${p.id}`, ifMatch: 'W/"1"' },
          },
          {
            resource: fhirPathPatch(op('replace', 'Patient.gender', [{ name: 'value', valueCode: 'female' }])),
            request: { method: 'PATCH', url: `Patient/${p.id}` },
          },
          {
            fullUrl: 'urn:uuid:6b1f0d1e-7a0f-4f57-9d2a-0c3d3b1b2a10',
            resource: observation(`Patient/${p.id}`),
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      });
      expect(r.statusCode, r.body).toBe(200);
      const bundle = json(r);
      expect(bundle.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['200 OK', '200 OK', '201 Created']);
      const now = json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}`));
      expect(now).toMatchObject({ birthDate: '2001-02-03', gender: 'female', meta: { versionId: '3' } });
    });

    it('a failing patch rolls the whole transaction back', async () => {
      const p = await newPatient();
      const before = await versions();
      const r = await req(tok.a, 'POST', '/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: observation(`Patient/${p.id}`), request: { method: 'POST', url: 'Observation' } },
          { resource: binary([{ op: 'test', path: '/gender', value: 'other' }]), request: { method: 'PATCH', url: `Patient/${p.id}` } },
        ],
      });
      expect(r.statusCode, r.body).toBe(422);
      expect(json(r).issue[0].expression[0]).toBe('Bundle.entry[1]');
      expect(await versions()).toBe(before);
      expect(json(await req(tok.a, 'GET', `/fhir/Observation?subject=Patient/${p.id}`)).total).toBe(0);
    });

    it('batch entries patch independently, and a Binary that is no JSON Patch is a 400 entry', async () => {
      const p = await newPatient();
      const r = await req(tok.a, 'POST', '/fhir', {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: binary([{ op: 'replace', path: '/gender', value: 'other' }]), request: { method: 'PATCH', url: `Patient/${p.id}` } },
          { resource: { resourceType: 'Binary', contentType: 'text/plain', data: 'eA==' }, request: { method: 'PATCH', url: `Patient/${p.id}` } },
          {
            resource: binary([{ op: 'replace', path: '/gender', value: 'other' }]),
            request: { method: 'PATCH', url: 'Patient/01a00000-0000-7000-8000-000000000000' },
          },
        ],
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(json(r).entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['200 OK', '400', '404']);
      expect(json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}`)).gender).toBe('other');
    });
  });

  describe('access', () => {
    it("another organisation's resource answers a patch as it answers an update: 403, recorded, nothing written", async () => {
      const p = await newPatient();
      const before = await versions();
      const refused = await refusals(tok.bId);
      const put = await req(tok.b, 'PUT', `/fhir/Patient/${p.id}`, { ...p, gender: 'other' });
      expect(put.statusCode).toBe(403);
      const attempts = [
        await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 'other' }], {}, tok.b),
        // A failing `test` must not tell B anything about the content: the same 403, not a 422.
        await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'test', path: '/birthDate', value: '1900-01-01' }], {}, tok.b),
        await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'remove', path: '/nothing-here' }], {}, tok.b),
        await req(tok.b, 'PATCH', `/fhir/Patient/${p.id}`, fhirPathPatch(op('replace', 'Patient.name', [{ name: 'value', valueHumanName: { family: 'x' } }]))),
      ];
      for (const r of attempts) {
        expect(r.statusCode, r.body).toBe(put.statusCode);
        expect(json(r).issue[0].code).toBe(json(put).issue[0].code);
        expect(json(r).issue[0].diagnostics).toBe(json(put).issue[0].diagnostics);
        expect(r.body).not.toContain('1970-01-01');
      }
      expect(await versions()).toBe(before);
      expect(await refusals(tok.bId)).toBe(refused + 1 + attempts.length);
      // The same inside a transaction: refused, rolled back, recorded.
      const tx = await req(tok.b, 'POST', '/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: fhirPathPatch(op('replace', 'Patient.gender', [{ name: 'value', valueCode: 'other' }])),
            request: { method: 'PATCH', url: `Patient/${p.id}` },
          },
        ],
      });
      expect(tx.statusCode, tx.body).toBe(403);
      expect(await versions()).toBe(before);
      expect(await refusals(tok.bId)).toBe(refused + 2 + attempts.length);
      expect(json(await req(tok.a, 'GET', `/fhir/Patient/${p.id}`)).meta.versionId).toBe('1');
    });

    it('a conditional patch never finds another organisation’s records', async () => {
      const ident = `cpb-${Date.now()}`;
      await newPatient({ identifier: ident });
      expect((await jsonPatch(`/fhir/Patient?identifier=${ident}`, [{ op: 'replace', path: '/gender', value: 'other' }], {}, tok.b)).statusCode).toBe(404);
    });

    it('a token without the update scope gets 403 before anything is looked up', async () => {
      const p = await newPatient();
      const r = await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 'other' }], {}, tok.readOnly);
      expect(r.statusCode).toBe(403);
      expect((await jsonPatch('/fhir/Patient/01a00000-0000-7000-8000-000000000000', [{ op: 'remove', path: '/gender' }], {}, tok.readOnly)).statusCode).toBe(
        403,
      );
    });

    it('a patient account patches nothing, not even their own record', async () => {
      const p = await newPatient();
      const person = await s.addClient({ kind: 'patient', patientId: p.id, scopes: ['patient/*.*'] });
      const before = await versions();
      const r = await jsonPatch(`/fhir/Patient/${p.id}`, [{ op: 'replace', path: '/gender', value: 'other' }], {}, person.token);
      expect(r.statusCode).toBe(403);
      expect(await versions()).toBe(before);
    });
  });
});
