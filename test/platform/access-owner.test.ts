/**
 * Whose data a caller may use through the generic FHIR API: the organisation that registered a person's data may,
 * the person and operators may, anyone else only on a basis a service grants (consent, membership). Every refused
 * path — read, vread, history, search, counts, _include, update, delete, conditional create / update / delete,
 * transaction Bundles — is checked here, and each must change nothing and leave a refusal in the person's log.
 * A withheld record answers exactly as an absent one (404; counts and links without it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { observation, patient } from '../helpers/fixtures.ts';

const CLINIC_A = '1312345679';
const CLINIC_B = '1311234569';
const SCOPES = ['system/Patient.cruds', 'system/Observation.cruds', 'system/AuditEvent.rs'];

describe.each(ENGINES)('access to data another organisation registered (%s)', (engine) => {
  let s: TestServer;
  const tok: Record<string, string> = {};
  let patientId = '';
  let obsA = '';
  let obsB = '';

  const req = (token: string, method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    s.request({ method, url, token, body, headers });
  const log = async () => {
    await s.t.platform.repo.drain();
    await s.t.platform.readAudit.drain();
    const r = await req(tok.person, 'GET', `/fhir/AuditEvent?patient=Patient/${patientId}&_count=500`);
    expect(r.statusCode, r.body).toBe(200);
    return ((json(r).entry ?? []) as { resource: Record<string, any> }[]).map((e) => ({
      subtype: e.resource.subtype?.[0]?.code as string,
      outcome: e.resource.outcome as string,
      agent: e.resource.agent?.[0]?.who?.identifier?.value as string,
      entities: ((e.resource.entity ?? []) as { what?: { reference?: string } }[]).map((x) => x.what?.reference),
    }));
  };
  const refusalsBy = async (clientId: string, subtype: string) =>
    (await log()).filter((e) => e.outcome === '4' && e.agent === clientId && e.subtype === subtype);
  const observationCount = async () =>
    Number((await s.t.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resources WHERE resource_type = 'Observation'`)).rows[0].n);

  beforeAll(async () => {
    s = await startTestServer(engine);
    const add = async (name: string, kind: Parameters<TestServer['addClient']>[0]['kind'], facilityCode?: string, scopes = SCOPES, patientId?: string) => {
      const c = await s.addClient({ kind, facilityCode, scopes, patientId });
      tok[name] = c.token;
      tok[`${name}Id`] = c.client.clientId;
    };
    await add('clinicA', 'facility', CLINIC_A);
    await add('clinicA2', 'facility', CLINIC_A); // a second system of the same clinic
    await add('clinicB', 'facility', CLINIC_B);
    await add('insurer', 'insurer', '01130012', ['system/Patient.rs', 'system/Observation.rs']);
    await add('city', 'municipality', '131016', ['system/*.rs']);
    await add('operator', 'operator', undefined, ['system/*.*']);
    const p = await req(tok.clinicA, 'POST', '/fhir/Patient', patient({ identifier: 'A-0001' }));
    patientId = json(p).id;
    await add('person', 'patient', undefined, ['patient/*.rs'], patientId);
    const o = await req(tok.clinicA, 'POST', '/fhir/Observation', {
      ...observation(`Patient/${patientId}`),
      identifier: [{ system: 'urn:clinic-a', value: 'lab-1' }],
    });
    expect(o.statusCode, o.body).toBe(201);
    obsA = json(o).id;
    const ob = await req(tok.clinicB, 'POST', '/fhir/Observation', {
      ...observation(`Patient/${patientId}`, { value: 9.9 }),
      identifier: [{ system: 'urn:clinic-b', value: 'lab-9' }],
    });
    expect(ob.statusCode, ob.body).toBe(201);
    obsB = json(ob).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the registering clinic (any of its systems), the person and operators read it', async () => {
    for (const who of ['clinicA', 'clinicA2', 'person', 'operator']) {
      expect((await req(tok[who], 'GET', `/fhir/Observation/${obsA}`)).statusCode, who).toBe(200);
      expect((await req(tok[who], 'GET', `/fhir/Patient/${patientId}`)).statusCode, who).toBe(200);
    }
  });

  it('another clinic, an insurer without the member and a municipality get the answer of an absent record, and each refusal is recorded', async () => {
    const absent = '01a00000-0000-7000-8000-000000000000';
    const unknown = await req(tok.clinicB, 'GET', `/fhir/Observation/${absent}`);
    for (const who of ['clinicB', 'insurer', 'city']) {
      const r = await req(tok[who], 'GET', `/fhir/Observation/${obsA}`);
      expect(r.statusCode, `${who}: ${r.body}`).toBe(404);
      expect(json(r).issue[0].code).toBe(json(unknown).issue[0].code);
      expect(json(r).issue[0].details.text.replace(obsA, absent)).toBe(json(unknown).issue[0].details.text);
      expect((await req(tok[who], 'GET', `/fhir/Patient/${patientId}`)).statusCode, who).toBe(404);
      expect((await req(tok[who], 'GET', `/fhir/Observation/${obsA}/_history/1`)).statusCode, who).toBe(404);
      expect((await req(tok[who], 'GET', `/fhir/Observation/${obsA}/_history`)).statusCode, who).toBe(404);
      expect((await refusalsBy(tok[`${who}Id`], 'read')).length, who).toBeGreaterThanOrEqual(2);
    }
  });

  it('searches leave other registrants’ rows out, record the refusal, and count only what the caller may see', async () => {
    const all = await req(tok.clinicB, 'GET', `/fhir/Observation?patient=Patient/${patientId}`);
    expect(all.statusCode).toBe(200);
    const ids = (json(all).entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
    expect(ids).toEqual([obsB]);
    expect((await refusalsBy(tok.clinicBId, 'search-type')).some((e) => e.entities.includes(`Observation/${obsA}`))).toBe(true);

    // Counts: _summary=count, _total=accurate with no page, and a page that shows everything.
    const count = json(await req(tok.clinicB, 'GET', `/fhir/Observation?patient=Patient/${patientId}&_summary=count`));
    expect(count.total).toBe(1);
    expect(json(await req(tok.clinicB, 'GET', `/fhir/Observation?patient=Patient/${patientId}&_count=0&_total=accurate`)).total).toBe(1);
    expect(json(await req(tok.clinicB, 'GET', `/fhir/Observation?code=2823-3&_summary=count`)).total).toBe(1);
    expect(json(await req(tok.city, 'GET', `/fhir/Observation?code=2823-3&_summary=count`)).total).toBe(0);
    // The registrant and operators count everything.
    expect(json(await req(tok.clinicA, 'GET', `/fhir/Observation?code=2823-3&_summary=count`)).total).toBe(1);
    expect(json(await req(tok.operator, 'GET', `/fhir/Observation?code=2823-3&_summary=count`)).total).toBe(2);
    expect(json(await req(tok.person, 'GET', `/fhir/Observation?_summary=count`)).total).toBe(2);

    // Withheld rows are not counted and do not make paging links: the answer is that of a search where they are absent.
    const paged = json(await req(tok.clinicB, 'GET', `/fhir/Observation?patient=Patient/${patientId}&_count=1&_total=accurate`));
    expect(paged.total).toBe(1);
    expect(paged.link.map((l: { relation: string }) => l.relation)).not.toContain('next');
  });

  it('_include and _revinclude bring in only what the caller may see', async () => {
    const own = json(await req(tok.clinicB, 'GET', `/fhir/Observation?_id=${obsB}&_include=Observation:subject`));
    expect(own.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toEqual(['Observation']);
    const rev = json(await req(tok.clinicA, 'GET', `/fhir/Patient?_id=${patientId}&_revinclude=Observation:subject`));
    const revIds = rev.entry.map((e: { resource: { id: string } }) => e.resource.id);
    expect(revIds).toContain(obsA);
    expect(revIds).not.toContain(obsB);
  });

  it('type history shows only versions the caller may see', async () => {
    const h = json(await req(tok.clinicB, 'GET', '/fhir/Observation/_history'));
    const ids = (h.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
    expect(ids).toContain(obsB);
    expect(ids).not.toContain(obsA);
  });

  it('another clinic cannot update or delete the record; nothing changes', async () => {
    const before = await req(tok.clinicA, 'GET', `/fhir/Observation/${obsA}`);
    const body = { ...json(before), status: 'cancelled' };
    const put = await req(tok.clinicB, 'PUT', `/fhir/Observation/${obsA}`, body);
    expect(put.statusCode, put.body).toBe(403);
    const del = await req(tok.clinicB, 'DELETE', `/fhir/Observation/${obsA}`);
    expect(del.statusCode, del.body).toBe(404); // as if absent: B cannot see it
    const after = await req(tok.clinicA, 'GET', `/fhir/Observation/${obsA}`);
    expect(json(after).meta.versionId).toBe('1');
    expect(json(after).status).toBe('final');
    expect((await refusalsBy(tok.clinicBId, 'update')).length).toBe(1);
    expect((await refusalsBy(tok.clinicBId, 'delete')).length).toBe(1);
    // The registrant still can; its later versions stay its own.
    const own = await req(tok.clinicA2, 'PUT', `/fhir/Observation/${obsA}`, { ...json(before), valueQuantity: { ...json(before).valueQuantity, value: 4.3 } });
    expect(own.statusCode, own.body).toBe(200);
    expect((await req(tok.clinicB, 'GET', `/fhir/Observation/${obsA}`)).statusCode).toBe(404);
  });

  it('conditional create, update and delete resolve only among the caller’s own records, telling nothing of others', async () => {
    const n = await observationCount();
    const cond = { 'if-none-exist': `identifier=urn:clinic-a|lab-1` };
    // Clinic B's condition names clinic A's identifier: A's record is out of B's reach, as if absent.
    const create = await req(
      tok.clinicB,
      'POST',
      '/fhir/Observation',
      { ...observation(`Patient/${patientId}`), identifier: [{ system: 'urn:clinic-a', value: 'lab-1' }] },
      cond,
    );
    expect(create.statusCode, create.body).toBe(201);
    const createdByB = json(create).id as string;
    expect(createdByB).not.toBe(obsA);
    expect(await observationCount()).toBe(n + 1);
    // Now B has its own match: a second conditional create by B finds B's record, never A's.
    const again = await req(tok.clinicB, 'POST', '/fhir/Observation', observation(`Patient/${patientId}`), cond);
    expect([again.statusCode, json(again).id]).toEqual([200, createdByB]);
    const del = await req(tok.clinicB, 'DELETE', '/fhir/Observation?identifier=urn:clinic-a|lab-1');
    expect(del.statusCode, del.body).toBe(204);
    expect((await req(tok.clinicB, 'GET', `/fhir/Observation/${createdByB}`)).statusCode).toBe(410);
    // With B's record gone, B's conditional delete and update reach nothing of A's.
    expect((await req(tok.clinicB, 'DELETE', '/fhir/Observation?identifier=urn:clinic-a|lab-1')).statusCode).toBe(204);
    const update = await req(tok.clinicB, 'PUT', '/fhir/Observation?identifier=urn:clinic-a|lab-1', {
      ...observation(`Patient/${patientId}`),
      status: 'cancelled',
    });
    expect(update.statusCode, update.body).toBe(201); // no match of B's own: created, as B's
    expect(json(update).id).not.toBe(obsA);
    // And naming A's id in the body does not get around it: that is a plain update of A's record, refused.
    const byId = await req(tok.clinicB, 'PUT', '/fhir/Observation?identifier=urn:nothing|0', {
      ...observation(`Patient/${patientId}`),
      id: obsA,
      status: 'cancelled',
    });
    expect(byId.statusCode, byId.body).toBe(403);
    const a = json(await req(tok.clinicA, 'GET', `/fhir/Observation/${obsA}`));
    expect([a.status, a.meta.versionId]).toEqual(['final', '2']);

    // A conditional create needs the search scope: it reads.
    const m = await observationCount();
    const createOnly = await s.addClient({ kind: 'facility', facilityCode: CLINIC_A, scopes: ['system/Observation.c'] });
    const noSearch = await req(createOnly.token, 'POST', '/fhir/Observation', observation(`Patient/${patientId}`), cond);
    expect(noSearch.statusCode, noSearch.body).toBe(403);
    expect(await observationCount()).toBe(m);

    // The registrant's own conditional create (any of its systems) finds its record, and the read of it is recorded.
    const own = await req(tok.clinicA2, 'POST', '/fhir/Observation', observation(`Patient/${patientId}`), cond);
    expect(own.statusCode, own.body).toBe(200);
    expect(json(own).id).toBe(obsA);
    expect(await observationCount()).toBe(m);
    const reads = (await log()).filter((e) => e.outcome === '0' && e.subtype === 'read' && e.entities.includes(`Observation/${obsA}`));
    expect(reads.length).toBeGreaterThan(0);
  });

  it('a transaction touching another clinic’s record is refused whole, and the refusal is recorded after the rollback', async () => {
    const n = await observationCount();
    const current = json(await req(tok.clinicA, 'GET', `/fhir/Observation/${obsA}`));
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:4d8a3f0e-0000-4000-8000-000000000001',
          resource: observation(`Patient/${patientId}`),
          request: { method: 'POST', url: 'Observation' },
        },
        { resource: { ...current, status: 'entered-in-error' }, request: { method: 'PUT', url: `Observation/${obsA}` } },
      ],
    };
    const r = await req(tok.clinicB, 'POST', '/fhir', bundle);
    expect(r.statusCode, r.body).toBe(403);
    expect(await observationCount()).toBe(n);
    expect(json(await req(tok.clinicA, 'GET', `/fhir/Observation/${obsA}`)).status).toBe('final');
    const conditional = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'DELETE', url: 'Observation?identifier=urn:clinic-a|lab-1' } }],
    };
    // A conditional delete in a transaction reaches only B's own records: A's stays.
    expect((await req(tok.clinicB, 'POST', '/fhir', conditional)).statusCode).toBe(200);
    expect((await req(tok.clinicA, 'GET', `/fhir/Observation/${obsA}`)).statusCode).toBe(200);
    const refusals = (await log()).filter((e) => e.outcome === '4' && e.agent === tok.clinicBId);
    expect(refusals.some((e) => e.subtype === 'update' && e.entities.includes(`Observation/${obsA}`))).toBe(true);
  });
  it('an operator reading a person’s access log is recorded in it; the person reading their own log is not', async () => {
    const byOperator = (events: Awaited<ReturnType<typeof log>>) => events.filter((e) => e.agent === tok.operatorId).length;
    const first = await log();
    const before = first.length;
    expect((await log()).length).toBe(before); // the person's own reads add nothing
    const r = await req(tok.operator, 'GET', `/fhir/AuditEvent?patient=Patient/${patientId}&_count=5`);
    expect(r.statusCode).toBe(200);
    const one = json(r).entry[0].resource.id as string;
    expect((await req(tok.operator, 'GET', `/fhir/AuditEvent/${one}`)).statusCode).toBe(200);
    const after = await log();
    expect(after.length).toBe(before + 2);
    expect(byOperator(after) - byOperator(first)).toBe(2);
  });
  it('a clinic does not learn from its own log whose data it was refused', async () => {
    const own = await req(tok.clinicB, 'GET', '/fhir/AuditEvent?_count=500');
    expect(own.statusCode).toBe(200);
    const events = (json(own).entry ?? []) as { resource: { outcome: string } }[];
    expect(events.length).toBeGreaterThan(0); // its successful accesses are there
    expect(events.filter((e) => e.resource.outcome === '4')).toEqual([]);
    const probe = json(await req(tok.clinicB, 'GET', `/fhir/AuditEvent?patient=Patient/${patientId}&outcome=4`));
    expect(probe.total).toBe(0);
    // The person and operators see the refusals.
    expect((await refusalsBy(tok.clinicBId, 'search-type')).length).toBeGreaterThan(0);
  });
});
