/**
 * Data about a person named only by identifier (the JP-CLINS `subject.identifier` style) or as a contained Patient
 * is that person's data (issue 9, finding 3): resolved to the registered person when the insured number names
 * exactly one, otherwise kept closed to everyone but its registrant — never open to all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSURED_PERSON_IDENTIFIER_SYSTEM } from '../../src/services/eligibility/model/numbers.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { observation } from '../helpers/fixtures.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, eligibilityWorld, personRecord, type EligibilityWorld } from './service-fixtures.ts';

const byIdentifier = (value: string, code = 'C-1') => ({
  ...observation('Patient/x', { code }),
  subject: { identifier: { system: INSURED_PERSON_IDENTIFIER_SYSTEM, value } },
});

describe.each(ENGINES)('person named by identifier (%s)', (engine) => {
  let w: EligibilityWorld;
  let patientId = '';
  let person = '';
  const tokens = { clinic: '', otherClinic: '' };
  const keyOf = async (id: string) =>
    (await w.s.t.platform.db.query<{ patient_key: string }>(`SELECT patient_key FROM resources WHERE resource_type = 'Observation' AND id = $1`, [id])).rows[0]
      ?.patient_key;

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([personRecord({ number: '700' })]);
    patientId = reg.results[0].patient!.split('/')[1];
    person = (await w.s.addClient({ kind: 'patient', patientId, scopes: ['patient/*.rs'] })).token;
    tokens.clinic = (await w.s.addClient({ kind: 'facility', facilityCode: CLINIC, scopes: ['system/Observation.cruds'] })).token;
    tokens.otherClinic = (await w.s.addClient({ kind: 'facility', facilityCode: OTHER_CLINIC, scopes: ['system/Observation.cruds'] })).token;
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  /** What another clinic sees of a record: exactly what it sees of an absent one. */
  async function closedToOthers(id: string, code: string) {
    const get = await w.request({ method: 'GET', url: `/fhir/Observation/${id}`, token: tokens.otherClinic });
    expect(get.statusCode).toBe(404);
    const search = json(await w.request({ method: 'GET', url: `/fhir/Observation?code=${code}&_summary=count`, token: tokens.otherClinic }));
    expect(search.total).toBe(0);
    const current = json(await w.request({ method: 'GET', url: `/fhir/Observation/${id}`, token: tokens.clinic }));
    expect(
      (await w.request({ method: 'PUT', url: `/fhir/Observation/${id}`, token: tokens.otherClinic, body: { ...current, status: 'cancelled' } })).statusCode,
    ).toBe(403);
    expect((await w.request({ method: 'DELETE', url: `/fhir/Observation/${id}`, token: tokens.otherClinic })).statusCode).toBe(404);
    expect(json(await w.request({ method: 'GET', url: `/fhir/Observation/${id}`, token: tokens.clinic })).meta.versionId).toBe('1');
  }

  it('a subject given by a registered insured number becomes that person’s data', async () => {
    const r = await w.request({ method: 'POST', url: '/fhir/Observation', token: tokens.clinic, body: byIdentifier(`${KYOKAI}:1234567:700:00`, 'C-1') });
    expect(r.statusCode, r.body).toBe(201);
    const id = json(r).id;
    expect(await keyOf(id)).toBe(patientId);
    // The content is kept as sent.
    expect(json(r).subject).toEqual({ identifier: { system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: `${KYOKAI}:1234567:700:00` } });
    expect((await w.request({ method: 'GET', url: `/fhir/Observation/${id}`, token: person })).statusCode).toBe(200);
    await closedToOthers(id, 'C-1');
  });

  it('the same in a transaction Bundle, and in full-width digits', async () => {
    const value = `${KYOKAI}:1234567:700:00`.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: byIdentifier(value, 'C-2'), request: { method: 'POST', url: 'Observation' } }],
    };
    const r = await w.request({ method: 'POST', url: '/fhir', token: tokens.clinic, body: bundle });
    expect(r.statusCode, r.body).toBe(200);
    const id = json(r).entry[0].resource.id;
    expect(await keyOf(id)).toBe(patientId);
  });

  it('an unknown number, a contained Patient and another server’s Patient stay closed to everyone but the registrant', async () => {
    const unknown = json(
      await w.request({ method: 'POST', url: '/fhir/Observation', token: tokens.clinic, body: byIdentifier(`${KYOKAI}:1234567:999:00`, 'C-3') }),
    );
    expect(await keyOf(unknown.id)).toMatch(/^unresolved:/);
    await closedToOthers(unknown.id, 'C-3');
    expect((await w.request({ method: 'GET', url: `/fhir/Observation/${unknown.id}`, token: person })).statusCode).toBe(404);

    const contained = json(
      await w.request({
        method: 'POST',
        url: '/fhir/Observation',
        token: tokens.clinic,
        body: {
          ...observation('#p', { code: 'C-4' }),
          contained: [{ resourceType: 'Patient', id: 'p', name: [{ family: '匿名' }] }],
          subject: { reference: '#p' },
        },
      }),
    );
    expect(await keyOf(contained.id)).toMatch(/^unresolved:/);
    await closedToOthers(contained.id, 'C-4');

    const remote = json(
      await w.request({
        method: 'POST',
        url: '/fhir/Observation',
        token: tokens.clinic,
        body: observation(`https://other.example/fhir/Patient/${patientId}`, { code: 'C-5' }),
      }),
    );
    expect(await keyOf(remote.id)).toMatch(/^unresolved:/);
    await closedToOthers(remote.id, 'C-5');
  });

  it('a contained Patient with a registered insured number is that person', async () => {
    const r = await w.request({
      method: 'POST',
      url: '/fhir/Observation',
      token: tokens.clinic,
      body: {
        ...observation('#p', { code: 'C-6' }),
        contained: [{ resourceType: 'Patient', id: 'p', identifier: [{ system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: `${KYOKAI}:1234567:700:00` }] }],
        subject: { reference: '#p' },
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(await keyOf(json(r).id)).toBe(patientId);
    await closedToOthers(json(r).id, 'C-6');
  });
});
