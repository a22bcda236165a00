/**
 * The insurer side over the API, on every engine: register / update / end records, one identity per person
 * across insurer changes, history, idempotent re-registration, refusals that change nothing, bulk files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_COLUMNS } from '../../src/services/eligibility/registry/bulk-file.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { KUMIAI, KYOKAI, eligibilityWorld, personRecord, type EligibilityWorld } from './service-fixtures.ts';

const idOf = (ref: string) => ref.split('/')[1];

describe.each(ENGINES)('insurer registry (%s)', (engine) => {
  let w: EligibilityWorld;
  const post = (token: string, body: unknown) => w.request({ method: 'POST', url: '/eligibility/records', token, body });
  const history = (patientId: string, token = w.tokens.operator) => w.request({ method: 'GET', url: `/fhir/Patient/${patientId}/$eligibility-history`, token });
  const count = async (sql: string, params: unknown[] = []) => Number((await w.s.t.platform.db.query<{ n: number }>(sql, params)).rows[0].n);

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('registers, leaves an identical record unchanged, updates, and ends eligibility', async () => {
    const first = await post(w.tokens.kyokai, personRecord({ number: '1001' }));
    expect(first.statusCode).toBe(201);
    expect(json(first)).toMatchObject({ status: 'created', newPerson: true });
    const coverage = json(first).coverage as string;
    const again = await post(w.tokens.kyokai, personRecord({ number: '1001' }));
    expect(json(again).status).toBe('unchanged');
    const cov1 = json(await w.request({ method: 'GET', url: `/fhir/${coverage}`, token: w.tokens.operator }));
    expect(cov1.meta.versionId).toBe('1');
    const updated = await post(w.tokens.kyokai, personRecord({ number: '1001', copay_ratio: 2, limit_category: '区分エ' }));
    expect(updated.statusCode).toBe(200);
    expect(json(updated).status).toBe('updated');
    const ended = await post(w.tokens.kyokai, personRecord({ number: '1001', copay_ratio: 2, limit_category: '区分エ', lost_on: '2024-10-01' }));
    expect(json(ended).status).toBe('updated');
    const cov = json(await w.request({ method: 'GET', url: `/fhir/${coverage}`, token: w.tokens.operator }));
    expect(cov.meta.versionId).toBe('3');
    expect(cov.period).toEqual({ start: '2019-04-01', end: '2024-09-30' });
    expect(cov.costToBeneficiary[0].valueQuantity.value).toBe(20);
    const versions = json(await w.request({ method: 'GET', url: `/fhir/${coverage}/_history`, token: w.tokens.operator }));
    expect(versions.entry).toHaveLength(3);
  });

  it('keeps one person across an insurer change: by person link key, or by the previous insured number', async () => {
    const a1 = await post(
      w.tokens.kyokai,
      personRecord({ number: '2001', birth_date: '1960-01-01', lost_on: '2024-06-16', person_link_key: 'link-2001-abcdef' }),
    );
    const a2 = await post(
      w.tokens.kumiai,
      personRecord({
        insurer_number: KUMIAI,
        symbol: '5',
        number: '77',
        birth_date: '1960-01-01',
        acquired_on: '2024-06-16',
        person_link_key: 'link-2001-abcdef',
      }),
    );
    expect(json(a2)).toMatchObject({ status: 'created', newPerson: false, patient: json(a1).patient });

    const b1 = await post(w.tokens.kyokai, personRecord({ number: '2002', birth_date: '1961-01-01', lost_on: '2024-07-01' }));
    const b2 = await post(
      w.tokens.kumiai,
      personRecord({
        insurer_number: KUMIAI,
        symbol: '5',
        number: '78',
        birth_date: '1961-01-01',
        acquired_on: '2024-07-01',
        previous_insured_number: `${KYOKAI}:1234567:2002:00`,
      }),
    );
    expect(json(b2)).toMatchObject({ status: 'created', newPerson: false, patient: json(b1).patient });

    // Without a link key or a previous number, a new insurer's record is a new person: names never match people.
    const c2 = await post(
      w.tokens.kumiai,
      personRecord({ insurer_number: KUMIAI, symbol: '5', number: '79', birth_date: '1961-01-01', acquired_on: '2024-07-01' }),
    );
    expect(json(c2).newPerson).toBe(true);

    const h = json(await history(idOf(json(a1).patient)));
    expect(h.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toEqual(['Patient', 'Coverage', 'Coverage']);
    expect(h.entry[1].resource.period.start).toBe('2024-06-16');
    const patient = h.entry[0].resource;
    expect(patient.identifier.map((i: { value: string; use: string }) => [i.value, i.use])).toEqual([
      [`${KUMIAI}:5:77:00`, 'official'],
      [`${KYOKAI}:1234567:2001:00`, 'old'],
    ]);
  });

  it('an unknown previous insured number is refused without repeating it (the answer for a number of someone else is the same: takeover.test.ts)', async () => {
    const r = await post(
      w.tokens.kumiai,
      personRecord({ insurer_number: KUMIAI, symbol: '5', number: '80', previous_insured_number: `${KYOKAI}:1234567:9999:00` }),
    );
    expect(r.statusCode).toBe(400);
    expect(json(r).issue[0].details.text).toContain('前被保険者番号');
    expect(r.body).not.toContain('9999');
  });

  it('refuses bad input with an OperationOutcome naming the field, and changes nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM elig_records');
    const resourcesBefore = await count('SELECT count(*)::int AS n FROM resources');
    const bad = await post(w.tokens.kyokai, personRecord({ number: '3001', insurer_number: '01130013' }));
    expect(bad.statusCode).toBe(400);
    expect(json(bad).issue[0]).toMatchObject({ expression: ['insurer_number'] });
    expect(json(bad).issue[0].details.text).toContain('検証番号');
    const kana = await post(w.tokens.kyokai, personRecord({ number: '3001', family_name_kana: 'やまざき' }));
    expect(kana.statusCode).toBe(400);
    expect(json(kana).issue[0].expression).toEqual(['family_name_kana']);
    const unknownField = await post(w.tokens.kyokai, { ...personRecord({ number: '3001' }), nickname: 'x' });
    expect(unknownField.statusCode).toBe(400);
    const notOwn = await post(w.tokens.kumiai, personRecord({ number: '3001' }));
    expect(notOwn.statusCode).toBe(403);
    const clinic = await post(w.tokens.clinic, personRecord({ number: '3001' }));
    expect(clinic.statusCode).toBe(403);
    const notJson = await w.request({
      method: 'POST',
      url: '/eligibility/records',
      token: w.tokens.kyokai,
      body: '{"records": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.statusCode).toBe(400);
    expect(await count('SELECT count(*)::int AS n FROM elig_records')).toBe(before);
    expect(await count('SELECT count(*)::int AS n FROM resources')).toBe(resourcesBefore);
  });

  it('a batch of records reports each bad one and loads the good ones', async () => {
    const r = await post(w.tokens.kyokai, {
      records: [
        personRecord({ number: '4001' }),
        personRecord({ number: '4002', birth_date: '1990-02-30' }),
        personRecord({ number: '4003' }),
        personRecord({ insurer_number: KUMIAI, number: '4004' }),
      ],
    });
    expect(r.statusCode).toBe(200);
    const body = json(r);
    expect(body).toMatchObject({ created: 2, errors: 2 });
    expect(body.results.map((x: { index: number; status: string }) => [x.index, x.status])).toEqual([
      [0, 'created'],
      [1, 'error'],
      [2, 'created'],
      [3, 'error'],
    ]);
    expect(body.results[1].reason_ja).toContain('生年月日');
  });

  it('names are stored exactly as registered', async () => {
    const r = await post(w.tokens.kyokai, personRecord({ number: '5001', family_name: '髙\u{E0100}﨑', given_name: '𠮷' }));
    const p = json(await w.request({ method: 'GET', url: `/fhir/${json(r).patient}`, token: w.tokens.operator }));
    expect(p.name[0].family).toBe('髙\u{E0100}﨑');
    expect(p.name[0].given).toEqual(['𠮷']);
  });

  it('registry resources are not writable through the generic API', async () => {
    const r = await post(w.tokens.kyokai, personRecord({ number: '6001' }));
    const cov = json(await w.request({ method: 'GET', url: `/fhir/${json(r).coverage}`, token: w.tokens.operator }));
    const put = await w.request({ method: 'PUT', url: `/fhir/${json(r).coverage}`, token: w.tokens.kyokai, body: { ...cov, status: 'cancelled' } });
    expect(put.statusCode).toBe(403);
    const del = await w.request({ method: 'DELETE', url: `/fhir/${json(r).patient}`, token: w.tokens.operator });
    expect(del.statusCode).toBe(403);
    const create = await w.request({ method: 'POST', url: '/fhir/Coverage', token: w.tokens.kyokai, body: { ...cov, id: undefined } });
    expect(create.statusCode).toBe(403);
  });

  it('the history is for the person, their insurers and operators', async () => {
    const r = await post(w.tokens.kyokai, personRecord({ number: '7001' }));
    const id = idOf(json(r).patient);
    expect((await history(id, w.tokens.kyokai)).statusCode).toBe(200);
    expect((await history(id, w.tokens.kumiai)).statusCode).toBe(403);
    expect((await history(id, w.tokens.clinic)).statusCode).toBe(403);
    const patient = await w.s.addClient({ kind: 'patient', patientId: id, scopes: ['patient/*.rs'] });
    expect((await history(id, patient.token)).statusCode).toBe(200);
  });

  it('a bulk file over HTTP: every bad line reported with its number and reason, every good line loaded, re-runs change nothing', async () => {
    const header = BULK_COLUMNS.map((c) => c.name).join(',');
    const line = (r: Record<string, string | number>) => BULK_COLUMNS.map((c) => (r[c.name] === undefined ? '' : String(r[c.name]))).join(',');
    const csv = [
      header,
      line(personRecord({ number: '8001' })),
      line(personRecord({ number: '8002', insurer_number: '01130019' })),
      line(personRecord({ number: '8003' })),
      line(personRecord({ number: '8004', sex: 'x' })),
      line(personRecord({ number: '8005', branch: '01', relationship: 2 })),
    ].join('\r\n');
    const send = () =>
      w.request({ method: 'POST', url: '/eligibility/records/$bulk', token: w.tokens.kyokai, body: csv, headers: { 'content-type': 'text/csv' } });
    const r = await send();
    expect(r.statusCode).toBe(200);
    const report = json(r);
    expect(report).toMatchObject({ lines: 5, created: 3, updated: 0, unchanged: 0 });
    expect(report.errors.map((e: { line: number }) => e.line)).toEqual([3, 5]);
    expect(report.errors[0].reason_en).toContain('check digit');
    expect(report.errors[1].columns).toEqual(['sex']);
    const rerun = json(await send());
    expect(rerun).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const badHeader = await w.request({
      method: 'POST',
      url: '/eligibility/records/$bulk',
      token: w.tokens.kyokai,
      body: 'foo,bar\n1,2',
      headers: { 'content-type': 'text/csv' },
    });
    expect(badHeader.statusCode).toBe(400);
    expect(json(badHeader).issue[0].details.text).toContain('1 行目');
  });
  it('GET /eligibility/openapi.json describes the endpoints outside FHIR, with the record columns of the bulk file', async () => {
    const r = await w.request({ method: 'GET', url: '/eligibility/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = json(r);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/eligibility/cards',
      '/eligibility/records',
      '/eligibility/records/$bulk',
      '/eligibility/virtual-reader/authenticate',
    ]);
    const record = doc.paths['/eligibility/records'].post.requestBody.content['application/json'].schema.oneOf[0];
    expect(Object.keys(record.properties)).toEqual(BULK_COLUMNS.map((c) => c.name));
    expect(record.required).toEqual(BULK_COLUMNS.filter((c) => c.required).map((c) => c.name));
    // Every refusal status the endpoint actually returns is documented.
    expect(Object.keys(doc.paths['/eligibility/cards'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409', '422']));
  });
});
