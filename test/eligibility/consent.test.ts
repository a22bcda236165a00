/**
 * Consent at the reader and viewing with consent, over the API on every engine: data outside the granted
 * categories is refused (403) and audited; consent is scoped to the facility, expires, and can be revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCardReader } from '../../src/services/eligibility/reception/card/index.ts';
import { ReceptionClient } from '../../src/services/eligibility/reception/reception-client.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, auditOf, eligibilityWorld, personRecord, transportFor, type EligibilityWorld } from './service-fixtures.ts';

const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';

function sharedBundle(insured: string) {
  const subject = { identifier: { system: MEMBER_ID, value: insured } };
  const dispense = (code: string, name: string, date: string) => ({
    resource: {
      resourceType: 'MedicationDispense',
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.74', code, display: name }], text: name },
      subject,
      performer: [{ actor: { identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: '1342345673' } } }],
      quantity: { value: 14, unit: '錠' },
      whenHandedOver: date,
    },
  });
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      dispense('620004860', 'アムロジピン錠５ｍｇ', '2024-05-10'),
      dispense('620000033', 'ロキソプロフェンＮａ錠６０ｍｇ', '2024-05-20'),
      {
        resource: {
          resourceType: 'Procedure',
          status: 'completed',
          category: { coding: [{ system: 'http://snomed.info/sct', code: '387713003', display: 'Surgical procedure' }] },
          code: { text: '腹腔鏡下胆嚢摘出術' },
          subject,
          performedDateTime: '2024-11-02',
        },
      },
      { resource: { resourceType: 'Procedure', status: 'completed', code: { text: '人工腎臓' }, subject, performedDateTime: '2024-04-01' } },
      {
        resource: {
          resourceType: 'Observation',
          status: 'final',
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam' }] }],
          code: { coding: [{ system: 'urn:oid:1.2.392.200119.6.1005', code: '9N001000000000001', display: '身長' }] },
          subject,
          effectiveDateTime: '2024-04-15',
          valueQuantity: { value: 160.2, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
        },
      },
    ],
  };
}

describe.each(ENGINES)('consent at the reader and consented views (%s)', (engine) => {
  let w: EligibilityWorld;
  let patientId = '';
  const _visit = '';
  let client: ReceptionClient;
  let reader: SimulatedCardReader;
  const created: Record<string, string[]> = {};
  const view = (name: string, token = w.tokens.clinic, id = patientId) => w.request({ method: 'GET', url: `/fhir/Patient/${id}/$${name}`, token });

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([personRecord({ number: '300' })]);
    patientId = reg.results[0].patient!.split('/')[1];
    const imported = await w.request({
      method: 'POST',
      url: '/fhir/$import-shared-information',
      token: w.tokens.kyokai,
      body: sharedBundle(`${KYOKAI}:1234567:300:00`),
    });
    expect(imported.statusCode).toBe(201);
    for (const p of json(imported).parameter.filter((x: { name: string }) => x.name === 'resource')) {
      const ref = p.part[0].valueReference.reference as string;
      const category = p.part[1].valueCode as string;
      created[category] = [...(created[category] ?? []), ref];
    }
    const { card } = await w.card(patientId);
    reader = new SimulatedCardReader(card);
    client = new ReceptionClient(transportFor(w, w.tokens.clinic));
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('labels imported data with its category', () => {
    expect(created.medication).toHaveLength(3);
    expect(created.surgery).toHaveLength(1);
    expect(created.checkup).toHaveLength(1);
  });

  it('without consent: the views, reads and searches are refused, and each refusal is audited', async () => {
    const r = await view('medication-history');
    expect(r.statusCode).toBe(403);
    expect(json(r).issue[0].details.text).toContain('同意がありません');
    const read = await w.request({ method: 'GET', url: `/fhir/${created.medication[0]}`, token: w.tokens.clinic });
    expect(read.statusCode).toBe(404); // as if absent
    const search = await w.request({ method: 'GET', url: `/fhir/MedicationDispense?patient=Patient/${patientId}`, token: w.tokens.clinic });
    expect(search.statusCode).toBe(200);
    expect(json(search).entry ?? []).toEqual([]);
    const refusals = (await auditOf(w, patientId)).filter((e) => e.outcome === '4' && e.agent === CLINIC);
    expect(refusals.map((e) => e.subtype)).toEqual(expect.arrayContaining(['read', 'search-type']));
    expect(refusals.length).toBeGreaterThanOrEqual(3);
  });

  it('consent is recorded only for a card visit at the same facility', async () => {
    const byNumber = await w.request({
      method: 'POST',
      url: '/fhir/$verify-insurance',
      token: w.tokens.clinic,
      body: { insurerNumber: KYOKAI, symbol: '1234567', number: '300', branch: '00', birthDate: '1985-01-01' },
    });
    const numberVisit = json(byNumber).parameter.find((p: { name: string }) => p.name === 'visit').valueString;
    const refused = await client.consent(numberVisit, { medication: true });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('マイナンバーカード');
    const v = await client.verifyCard(reader, { pin: '1234' });
    expect(v.ok).toBe(true);
    const elsewhere = await new ReceptionClient(transportFor(w, w.tokens.otherClinic)).consent(v.visit!, { medication: true });
    expect(elsewhere.status).toBe(400);
    const empty = await client.consent(v.visit!, {});
    expect(empty.status).toBe(400);
    const forged = await client.consent(`${v.visit!.slice(0, -2)}xx`, { medication: true });
    expect(forged.status).toBe(400);
  });

  it('with consent to medication only: medication and treatment are viewable, surgery and check-ups are not', async () => {
    const v = await client.verifyCard(reader, { faceMatched: true });
    const res = await client.consent(v.visit!, { medication: true, surgery: false, checkup: false });
    expect(res.status).toBe(201);
    const consents = (res.body as { entry: { resource: Record<string, any> }[] }).entry.map((e) => e.resource);
    expect(consents).toHaveLength(3);
    const med = consents.find((c) => c.provision.securityLabel[0].code === 'medication')!;
    expect(med).toMatchObject({ status: 'active', scope: { coding: [{ code: 'patient-privacy' }] }, provision: { type: 'permit' } });
    expect(med.provision.actor[0].reference.identifier.value).toBe(CLINIC);
    const hours = (Date.parse(med.provision.period.end) - Date.parse(med.provision.period.start)) / 3600_000;
    expect(hours).toBe(24);

    const meds = await view('medication-history');
    expect(meds.statusCode).toBe(200);
    const types = json(meds).entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    expect(types.sort()).toEqual(['MedicationDispense', 'MedicationDispense', 'Procedure']);
    expect(json(meds).entry[0].resource.whenHandedOver).toBe('2024-05-20');
    expect((await w.request({ method: 'GET', url: `/fhir/${created.medication[0]}`, token: w.tokens.clinic })).statusCode).toBe(200);
    const search = await w.request({ method: 'GET', url: `/fhir/MedicationDispense?patient=Patient/${patientId}`, token: w.tokens.clinic });
    expect(json(search).entry).toHaveLength(2);

    const surgery = await view('surgery-history');
    expect(surgery.statusCode).toBe(403);
    expect(json(surgery).issue[0].details.text).toContain('同意しませんでした');
    expect((await view('checkup-results')).statusCode).toBe(403);
    expect((await w.request({ method: 'GET', url: `/fhir/${created.checkup[0]}`, token: w.tokens.clinic })).statusCode).toBe(404);
    expect((await w.request({ method: 'GET', url: `/fhir/${created.surgery[0]}`, token: w.tokens.clinic })).statusCode).toBe(404);

    const log = await auditOf(w, patientId);
    const viewed = log.find((e) => e.subtype === 'medication-history' && e.outcome === '0');
    expect(viewed?.policy?.[0]).toBe(`Consent/${med.id}`);
    expect(viewed?.entities).toEqual(expect.arrayContaining(created.medication.filter((r) => r.startsWith('MedicationDispense'))));
    expect(log.filter((e) => e.subtype === 'read' && e.outcome === '4').length).toBeGreaterThanOrEqual(3);
  });

  it('searches check each row by its own labels: mixed _revinclude types, counts and chains show no surgery', async () => {
    // State from the test above: this clinic holds consent to medication only.
    const surgeryRef = created.surgery[0];
    // The registry's Patient is not shared data: a search for it finds nothing, so nothing is included through it.
    const viaPatient = await w.request({
      method: 'GET',
      url: `/fhir/Patient?_id=${patientId}&_revinclude=MedicationDispense:subject&_revinclude=Procedure:subject`,
      token: w.tokens.clinic,
    });
    expect(json(viaPatient).entry ?? []).toEqual([]);
    const operatorView = json(
      await w.request({
        method: 'GET',
        url: `/fhir/Patient?_id=${patientId}&_revinclude=MedicationDispense:subject&_revinclude=Procedure:subject`,
        token: w.tokens.operator,
      }),
    );
    expect(operatorView.entry.length).toBe(1 + created.medication.length + created.surgery.length);
    // Counts include the consented rows only.
    const counted = json(await w.request({ method: 'GET', url: `/fhir/Procedure?patient=Patient/${patientId}&_summary=count`, token: w.tokens.clinic }));
    expect(counted.total).toBe(created.medication.filter((r) => r.startsWith('Procedure/')).length);
    const procedures = await w.request({ method: 'GET', url: `/fhir/Procedure?patient=Patient/${patientId}`, token: w.tokens.clinic });
    expect(procedures.statusCode).toBe(200);
    const ids = ((json(procedures).entry ?? []) as { resource: { id: string } }[]).map((e) => `Procedure/${e.resource.id}`);
    expect(ids).toEqual(created.medication.filter((r) => r.startsWith('Procedure/')));
    expect(ids).not.toContain(surgeryRef);
    const refused = (await auditOf(w, patientId)).filter((e) => e.outcome === '4' && e.subtype === 'search-type');
    expect(refused.some((e) => JSON.stringify(e).includes('Procedure'))).toBe(true);

    // History is read access too: type and instance history show no version the caller may not see.
    for (const url of ['/fhir/Procedure/_history', '/fhir/Observation/_history', `/fhir/${surgeryRef}/_history`]) {
      const h = await w.request({ method: 'GET', url, token: w.tokens.clinic });
      const seen = ((json(h).entry ?? []) as { resource?: { resourceType: string; id: string } }[]).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
      expect([url, h.statusCode === 404 || h.statusCode === 200]).toEqual([url, true]);
      expect(seen).not.toContain(surgeryRef);
      for (const c of created.checkup) expect(seen).not.toContain(c);
    }
    const historyRefusals = (await auditOf(w, patientId)).filter((e) => e.outcome === '4' && e.subtype === 'history-type');
    expect(historyRefusals.length).toBeGreaterThan(0);
    const typeHistory = await w.request({ method: 'GET', url: '/fhir/Procedure/_history', token: w.tokens.clinic });
    expect(((json(typeHistory).entry ?? []) as { resource: { id: string } }[]).map((e) => `Procedure/${e.resource.id}`)).toEqual(
      created.medication.filter((r) => r.startsWith('Procedure/')),
    );
  });

  it('consent belongs to the facility: another clinic and a pharmacy are refused', async () => {
    expect((await view('medication-history', w.tokens.otherClinic)).statusCode).toBe(403);
    expect((await view('medication-history', w.tokens.pharmacy)).statusCode).toBe(403);
  });

  it('platform.consent.decide: the one question later services ask', async () => {
    const consent = w.s.t.platform.consent;
    const clinic = `facility:${CLINIC}`;
    const now = await consent.decide({ patientId, grantee: clinic, category: 'medication' });
    expect(now.allow).toBe(true);
    const later = await consent.decide({ patientId, grantee: clinic, category: 'medication', at: new Date(Date.now() + 25 * 3600_000) });
    expect(later).toMatchObject({ allow: false, code: 'expired' });
    expect(await consent.decide({ patientId, grantee: clinic, category: 'checkup' })).toMatchObject({ allow: false, code: 'declined' });
    expect(await consent.decide({ patientId, grantee: `facility:${OTHER_CLINIC}`, category: 'medication' })).toMatchObject({
      allow: false,
      code: 'no-consent',
    });
  });

  it('a new choice replaces the earlier one; the patient can revoke', async () => {
    const v = await client.verifyCard(reader, { pin: '1234' });
    const res = await client.consent(
      v.visit!,
      { checkup: true, surgery: true },
      { setting: 'inpatient', until: new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10) },
    );
    expect(res.status).toBe(201);
    expect((await view('checkup-results')).statusCode).toBe(200);
    const surgery = await view('surgery-history');
    expect(surgery.statusCode).toBe(200);
    expect(json(surgery).entry[0].resource.code.text).toBe('腹腔鏡下胆嚢摘出術');
    const checkupConsent = (res.body as { entry: { resource: Record<string, any> }[] }).entry.find(
      (e) => e.resource.provision.securityLabel[0].code === 'checkup',
    )!.resource;
    const days = (Date.parse(checkupConsent.provision.period.end) - Date.parse(checkupConsent.provision.period.start)) / 86400_000;
    expect(days).toBeGreaterThan(29);

    const patient = await w.s.addClient({ kind: 'patient', patientId, scopes: ['patient/*.cruds'] });
    const revoked = await w.request({ method: 'POST', url: `/fhir/Consent/${checkupConsent.id}/$revoke`, token: patient.token, body: {} });
    expect(revoked.statusCode).toBe(200);
    expect(json(revoked).status).toBe('inactive');
    const after = await view('checkup-results');
    expect(after.statusCode).toBe(403);
    expect(json(after).issue[0].details.text).toContain('取り消');
    // Someone else's patient account cannot revoke it.
    const stranger = await w.s.addClient({ kind: 'patient', patientId: 'someone-else', scopes: ['patient/*.cruds'] });
    const refused = await w.request({ method: 'POST', url: `/fhir/Consent/${checkupConsent.id}/$revoke`, token: stranger.token, body: {} });
    expect(refused.statusCode).toBe(403);
  });

  it('the Consent resources cannot be changed through the generic API', async () => {
    const list = await w.request({ method: 'GET', url: `/fhir/Consent?patient=Patient/${patientId}`, token: w.tokens.clinic });
    const consent = json(list).entry[0].resource;
    const put = await w.request({ method: 'PUT', url: `/fhir/Consent/${consent.id}`, token: w.tokens.clinic, body: { ...consent, status: 'active' } });
    expect(put.statusCode).toBe(403);
  });

  it('the patient, their insurer and operators see shared information; municipalities and other insurers do not', async () => {
    const patient = await w.s.addClient({ kind: 'patient', patientId, scopes: ['patient/*.rs'] });
    expect((await view('checkup-results', patient.token)).statusCode).toBe(200);
    expect((await view('checkup-results', w.tokens.kyokai)).statusCode).toBe(200);
    expect((await view('checkup-results', w.tokens.kumiai)).statusCode).toBe(403);
    expect((await view('checkup-results', w.tokens.municipality)).statusCode).toBe(403);
    expect((await view('checkup-results', w.tokens.operator)).statusCode).toBe(200);
    expect((await w.request({ method: 'GET', url: `/fhir/${created.checkup[0]}`, token: w.tokens.kumiai })).statusCode).toBe(404);
  });

  it('imports are refused for people the insurer does not cover, and for unknown people', async () => {
    const other = await w.request({
      method: 'POST',
      url: '/fhir/$import-shared-information',
      token: w.tokens.kumiai,
      body: sharedBundle(`${KYOKAI}:1234567:300:00`),
    });
    expect(other.statusCode).toBe(403);
    const unknown = await w.request({
      method: 'POST',
      url: '/fhir/$import-shared-information',
      token: w.tokens.kyokai,
      body: sharedBundle(`${KYOKAI}:1234567:999:00`),
    });
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown).issue[0].expression[0]).toBe('Bundle.entry[0].resource');
    const clinic = await w.request({
      method: 'POST',
      url: '/fhir/$import-shared-information',
      token: w.tokens.clinic,
      body: sharedBundle(`${KYOKAI}:1234567:300:00`),
    });
    expect(clinic.statusCode).toBe(403);
  });
});
