/**
 * Findings of the attack review (issue 9), on every engine: no existence oracle in searches, chains, counts, links or
 * history; records of no person written only by their registrant; patient accounts read and do not edit; AuditEvent
 * only from the log; a deleted record revived only by its registrant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { observation, organization, patient } from '../helpers/fixtures.ts';

const CLINIC_A = '1312345679';
const CLINIC_B = '1311234569';
const SCOPES = [
  'system/Patient.cruds',
  'system/Observation.cruds',
  'system/Condition.cruds',
  'system/Organization.cruds',
  'system/Practitioner.cruds',
  'system/AuditEvent.rs',
];

/** A searchset with the volatile parts (ids, self links of different queries) taken out, to compare two answers. */
function shape(bundle: Record<string, any>) {
  return {
    total: bundle.total,
    relations: (bundle.link ?? []).map((l: { relation: string }) => l.relation),
    entries: (bundle.entry ?? []).map((e: { resource: { resourceType: string } }) => e.resource.resourceType),
  };
}

describe.each(ENGINES)('access hardening (%s)', (engine) => {
  let s: TestServer;
  const tok: Record<string, string> = {};
  let secret = ''; // clinic A's patient 秘密
  let mine = ''; // clinic B's own observation about 秘密
  const req = (token: string, method: string, url: string, body?: unknown) => s.request({ method, url, token, body });
  const count = async (sql: string) => Number((await s.t.platform.db.query<{ n: number }>(sql)).rows[0].n);

  beforeAll(async () => {
    s = await startTestServer(engine);
    const add = async (name: string, kind: Parameters<TestServer['addClient']>[0]['kind'], facilityCode?: string, scopes = SCOPES, patientId?: string) => {
      const c = await s.addClient({ kind, facilityCode, scopes, patientId });
      tok[name] = c.token;
    };
    await add('clinicA', 'facility', CLINIC_A);
    await add('clinicB', 'facility', CLINIC_B);
    await add('operator', 'operator', undefined, ['system/*.*']);
    const p = await req(tok.clinicA, 'POST', '/fhir/Patient', patient({ family: '秘密', given: '花子', birthDate: '1960-02-29', identifier: 'S-1' }));
    secret = json(p).id;
    await add('person', 'patient', undefined, ['patient/*.cruds'], secret);
    const a = await req(tok.clinicA, 'POST', '/fhir/Observation', observation(`Patient/${secret}`, { code: 'B20' }));
    expect(a.statusCode, a.body).toBe(201);
    // A's record gets a second version (type history has more of A's versions than of B's).
    await req(tok.clinicA, 'PUT', `/fhir/Observation/${json(a).id}`, { ...json(a), status: 'amended' });
    const b = await req(tok.clinicB, 'POST', '/fhir/Observation', observation(`Patient/${secret}`, { code: '2823-3' }));
    mine = json(b).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a criterion matching only withheld rows answers exactly as one matching nothing (total, links, entries)', async () => {
    for (const extra of ['', '&_count=1', '&_count=1&_total=accurate', '&_summary=count', '&_count=0&_total=accurate']) {
      const withheld = json(await req(tok.clinicB, 'GET', `/fhir/Observation?code=B20${extra}`));
      const absent = json(await req(tok.clinicB, 'GET', `/fhir/Observation?code=ZZZ-none${extra}`));
      expect(shape(withheld), extra).toEqual(shape(absent));
      expect(withheld.total ?? 0, extra).toBe(0);
    }
    // Mixed: the caller's own row plus a withheld one gives the answer of the own row alone.
    const both = json(await req(tok.clinicB, 'GET', `/fhir/Observation?patient=Patient/${secret}&_count=1`));
    expect(shape(both)).toEqual({ total: 1, relations: ['self', 'first', 'last'], entries: ['Observation'] });
    // The registrant sees its own.
    expect(json(await req(tok.clinicA, 'GET', '/fhir/Observation?code=B20')).total).toBe(1);
  });

  it('chained criteria are evaluated only over resources the caller may read', async () => {
    const hit = json(await req(tok.clinicB, 'GET', `/fhir/Observation?_id=${mine}&subject:Patient.birthdate=1960-02-29`));
    const miss = json(await req(tok.clinicB, 'GET', `/fhir/Observation?_id=${mine}&subject:Patient.birthdate=1970-01-01`));
    expect(shape(hit)).toEqual(shape(miss));
    expect(hit.total).toBe(0);
    const name = json(await req(tok.clinicB, 'GET', `/fhir/Observation?_id=${mine}&subject:Patient.family=秘密`));
    expect(name.total).toBe(0);
    // Where the caller may read the target, the chain works.
    expect(json(await req(tok.operator, 'GET', `/fhir/Observation?_id=${mine}&subject:Patient.birthdate=1960-02-29`)).total).toBe(1);
    expect(json(await req(tok.clinicA, 'GET', `/fhir/Observation?code=B20&subject:Patient.birthdate=1960-02-29`)).total).toBe(1);
    // _has is not offered (it would be another way to test criteria on others' rows).
    expect((await req(tok.clinicB, 'GET', `/fhir/Patient?_has:Observation:subject:code=B20`)).statusCode).toBe(400);
  });

  it('type history pages over the versions the caller may read only', async () => {
    const h = json(await req(tok.clinicB, 'GET', '/fhir/Observation/_history?_count=1'));
    expect(h.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([mine]);
    expect(h.link.map((l: { relation: string }) => l.relation)).not.toContain('next');
    const page2 = json(await req(tok.clinicB, 'GET', '/fhir/Observation/_history?_count=1&_offset=1'));
    expect(page2.entry ?? []).toEqual([]);
    expect((await req(tok.clinicB, 'GET', '/fhir/Observation/_history?_offset=100000000000000000000')).statusCode).toBe(400);
  });

  it('records of no person are changed or deleted only by their registrant (or an operator)', async () => {
    const org = json(await req(tok.clinicA, 'POST', '/fhir/Organization', organization('つなぐ内科', CLINIC_A)));
    const pr = json(await req(tok.clinicA, 'POST', '/fhir/Practitioner', { resourceType: 'Practitioner', name: [{ family: '医師', given: ['一郎'] }] }));
    // Everyone may read them …
    expect((await req(tok.clinicB, 'GET', `/fhir/Organization/${org.id}`)).statusCode).toBe(200);
    // … but another clinic may not change or delete them, nor may a patient.
    expect((await req(tok.clinicB, 'PUT', `/fhir/Organization/${org.id}`, { ...org, name: '乗っ取り' })).statusCode).toBe(403);
    expect((await req(tok.clinicB, 'DELETE', `/fhir/Organization/${org.id}`)).statusCode).toBe(403);
    expect((await req(tok.clinicB, 'PUT', `/fhir/Practitioner/${pr.id}`, { ...pr, name: [{ family: '偽' }] })).statusCode).toBe(403);
    expect((await req(tok.person, 'DELETE', `/fhir/Practitioner/${pr.id}`)).statusCode).toBe(403);
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: `Organization/${org.id}` } }] };
    expect((await req(tok.clinicB, 'POST', '/fhir', bundle)).statusCode).toBe(403);
    const now = json(await req(tok.clinicA, 'GET', `/fhir/Organization/${org.id}`));
    expect([now.name, now.meta.versionId]).toEqual(['つなぐ内科', '1']);
    expect((await req(tok.clinicA, 'GET', `/fhir/Practitioner/${pr.id}`)).statusCode).toBe(200);
    // The registrant and an operator may.
    expect((await req(tok.clinicA, 'PUT', `/fhir/Organization/${org.id}`, { ...org, name: 'つなぐ内科クリニック' })).statusCode).toBe(200);
    expect((await req(tok.operator, 'DELETE', `/fhir/Practitioner/${pr.id}`)).statusCode).toBe(204);
  });

  it('a deleted record is brought back only by its registrant', async () => {
    const org = json(await req(tok.clinicA, 'POST', '/fhir/Organization', organization('閉院予定', CLINIC_A)));
    expect((await req(tok.clinicA, 'DELETE', `/fhir/Organization/${org.id}`)).statusCode).toBe(204);
    const revive = await req(tok.clinicB, 'PUT', `/fhir/Organization/${org.id}`, { ...org, name: '復活' });
    expect(revive.statusCode, revive.body).toBe(403);
    expect((await req(tok.clinicA, 'GET', `/fhir/Organization/${org.id}`)).statusCode).toBe(410);
    const obs = json(await req(tok.clinicA, 'POST', '/fhir/Observation', observation(`Patient/${secret}`)));
    expect((await req(tok.clinicA, 'DELETE', `/fhir/Observation/${obs.id}`)).statusCode).toBe(204);
    expect((await req(tok.clinicB, 'PUT', `/fhir/Observation/${obs.id}`, { ...obs, subject: { reference: `Patient/${secret}` } })).statusCode).toBe(403);
    // Another clinic sees a deleted record it may not read as absent (404), not as deleted (410).
    expect((await req(tok.clinicB, 'GET', `/fhir/Observation/${obs.id}`)).statusCode).toBe(404);
    const back = await req(tok.clinicA, 'PUT', `/fhir/Organization/${org.id}`, { ...org, name: '再開' });
    expect(back.statusCode, back.body).toBe(200);
    expect(json(back).meta.versionId).toBe('3');
  });

  it('a patient account reads its compartment but does not change clinical records or the registry', async () => {
    const cond = json(
      await req(tok.clinicA, 'POST', '/fhir/Condition', {
        resourceType: 'Condition',
        subject: { reference: `Patient/${secret}` },
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'B20' }] },
      }),
    );
    expect((await req(tok.person, 'GET', `/fhir/Condition/${cond.id}`)).statusCode).toBe(200);
    const put = await req(tok.person, 'PUT', `/fhir/Condition/${cond.id}`, { ...cond, code: { text: '消した' } });
    expect(put.statusCode, put.body).toBe(403);
    expect((await req(tok.person, 'DELETE', `/fhir/Condition/${cond.id}`)).statusCode).toBe(403);
    const me = json(await req(tok.person, 'GET', `/fhir/Patient/${secret}`));
    expect((await req(tok.person, 'PUT', `/fhir/Patient/${secret}`, { ...me, birthDate: '1999-01-01' })).statusCode).toBe(403);
    expect((await req(tok.person, 'POST', '/fhir/Observation', observation(`Patient/${secret}`))).statusCode).toBe(403);
    const tx = { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: `Condition/${cond.id}` } }] };
    expect((await req(tok.person, 'POST', '/fhir', tx)).statusCode).toBe(403);
    const after = json(await req(tok.clinicA, 'GET', `/fhir/Condition/${cond.id}`));
    expect(after.meta.versionId).toBe('1');
    expect(json(await req(tok.clinicA, 'GET', `/fhir/Patient/${secret}`)).birthDate).toBe('1960-02-29');
  });

  it('AuditEvent is written by the platform only and read only from the log, on every path', async () => {
    const forged = {
      resourceType: 'AuditEvent',
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
      recorded: '2026-01-01T00:00:00Z',
      agent: [{ requestor: true, who: { display: '偽の医院' } }],
      source: { observer: { display: 'x' } },
      entity: [{ what: { reference: `Patient/${secret}` } }],
    };
    const rows = () => count(`SELECT count(*)::int AS n FROM resources WHERE resource_type = 'AuditEvent'`);
    expect((await req(tok.operator, 'POST', '/fhir/AuditEvent', forged)).statusCode).toBe(405);
    const tx = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: forged, request: { method: 'POST', url: 'AuditEvent' } }] };
    expect((await req(tok.clinicA, 'POST', '/fhir', tx)).statusCode).toBe(405);
    expect((await req(tok.operator, 'POST', '/fhir', tx)).statusCode).toBe(405);
    const batch = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: forged, request: { method: 'POST', url: 'AuditEvent' } },
        { resource: { ...forged, id: 'x1' }, request: { method: 'PUT', url: 'AuditEvent/x1' } },
        { request: { method: 'GET', url: `AuditEvent?patient=Patient/${secret}&_count=500` } },
      ],
    };
    const out = json(await req(tok.person, 'POST', '/fhir', batch));
    expect(out.entry[0].response.status.startsWith('40')).toBe(true);
    expect(out.entry[1].response.status.startsWith('40')).toBe(true);
    expect(await rows()).toBe(0);
    // The batch GET shows the same log as GET /fhir/AuditEvent: real events only.
    await s.t.platform.readAudit.drain();
    const viaBatch = out.entry[2].resource;
    expect(viaBatch.resourceType).toBe('Bundle');
    expect(viaBatch.entry.length).toBeGreaterThan(0);
    expect(viaBatch.entry.every((e: { resource: { agent: { who: { display?: string } }[] } }) => e.resource.agent[0].who.display !== '偽の医院')).toBe(true);
    expect(viaBatch.entry[0].fullUrl).toMatch(/AuditEvent\/\d+-\d+$/);
  });
});
