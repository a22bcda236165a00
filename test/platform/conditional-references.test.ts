/**
 * Conditional references in batch and transaction Bundles (`Practitioner?identifier=…`,
 * http://hl7.org/fhir/R4/http.html#trules): resolved before the entry is written — one match becomes
 * `[type]/[id]`, none fails with 404 and several with 412 (as HAPI FHIR answers), naming the entry and the
 * reference; matched with the caller's visibility, so another organisation's person data answers as no match; the
 * resources a transaction creates are found too, whatever their place in the Bundle. On every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, organization, patient } from '../helpers/fixtures.ts';

const CLINIC_A = '1312345679';
const CLINIC_B = '1311234569';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const SYNTHEA = 'https://github.com/synthetichealth/synthea';
const PATIENT_ID_SYSTEM = 'urn:oid:1.2.392.100495.20.3.51.11312345679';

const practitioner = (npi: string, family = '医師') => ({
  resourceType: 'Practitioner',
  identifier: [{ system: NPI, value: npi }],
  name: [{ family, given: ['一郎'] }],
});
const encounter = (subject: string, practitionerRef: string, organizationRef: string) => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  subject: { reference: subject },
  participant: [{ individual: { reference: practitionerRef, display: '医師 一郎' } }],
  period: { start: '2024-05-01T09:00:00+09:00', end: '2024-05-01T09:30:00+09:00' },
  serviceProvider: { reference: organizationRef },
});
const uuid = (n: number) => `urn:uuid:c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe.each(ENGINES)('conditional references on %s', (engine) => {
  let s: TestServer;
  let clinicA: TestClient;
  let clinicB: TestClient;
  let serial = 0;
  /** An identifier value no other test uses. */
  const fresh = (prefix: string) => `${prefix}-${engine}-${++serial}`;

  const bundle = (token: string, entry: unknown[], type: 'transaction' | 'batch' = 'transaction') =>
    s.request({ method: 'POST', url: '/fhir', token, body: { resourceType: 'Bundle', type, entry } });
  const get = async (url: string, token = clinicA.token) => {
    const r = await s.request({ method: 'GET', url, token });
    expect(r.statusCode, r.body).toBe(200);
    return json(r);
  };
  const create = async (resource: unknown, token = clinicA.token) => {
    const r = await s.request({ method: 'POST', url: `/fhir/${(resource as { resourceType: string }).resourceType}`, token, body: resource });
    expect(r.statusCode, r.body).toBe(201);
    return json(r).id as string;
  };
  const counts = async () =>
    (
      await s.t.platform.db.query<{ resources: number; versions: number; audits: number }>(
        `SELECT (SELECT count(*) FROM resources)::int AS resources, (SELECT count(*) FROM resource_versions)::int AS versions,
                (SELECT count(*) FROM audit_events)::int AS audits`,
      )
    ).rows[0];
  /** Counts once queued audit events (reads are written by a group writer) have landed. */
  const settledCounts = async () => {
    await s.t.platform.readAudit.drain();
    return counts();
  };
  const post = (url: string, resource: unknown, extra: Record<string, unknown> = {}) => ({ resource, request: { method: 'POST', url, ...extra } });

  beforeAll(async () => {
    s = await startTestServer(engine);
    clinicA = await s.addClient({ kind: 'facility', facilityCode: CLINIC_A, scopes: ['system/*.*'] });
    clinicB = await s.addClient({ kind: 'facility', facilityCode: CLINIC_B, scopes: ['system/*.*'] });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('loads a Synthea-like transaction whose Encounter and Observation refer to its own Practitioner, Organization and Patient by criteria', async () => {
    const npi = fresh('npi');
    const org = fresh('org');
    const mrn = fresh('mrn');
    const byNpi = `Practitioner?identifier=${NPI}|${npi}`;
    const byOrg = `Organization?identifier=${SYNTHEA}|${org}`;
    // The referring entries come first: the order of a Bundle's entries must not matter.
    const r = await bundle(clinicA.token, [
      { fullUrl: uuid(1), ...post('Encounter', encounter(uuid(3), byNpi, byOrg)) },
      {
        fullUrl: uuid(2),
        ...post('Observation', {
          ...observation(`Patient?identifier=${PATIENT_ID_SYSTEM}|${mrn}`),
          encounter: { reference: uuid(1) },
          performer: [{ reference: byNpi }, { reference: byOrg }],
        }),
      },
      { fullUrl: uuid(3), ...post('Patient', patient({ identifier: mrn, family: '合成' })) },
      { fullUrl: uuid(4), ...post('Practitioner', practitioner(npi)) },
      { fullUrl: uuid(5), ...post('Organization', { ...organization('合成病院'), identifier: [{ system: SYNTHEA, value: org }] }) },
      { fullUrl: uuid(6), ...post('Encounter', encounter(uuid(3), byNpi, byOrg)) },
    ]);
    expect(r.statusCode, r.body).toBe(200);
    const out = json(r).entry as { resource: Record<string, any>; response: { status: string } }[];
    expect(out.map((e) => e.response.status)).toEqual(Array(6).fill('201 Created'));
    const [enc, obs, pat, prac, orgn, enc2] = out.map((e) => e.resource);
    for (const e of [enc, enc2]) {
      expect(e.participant[0].individual.reference).toBe(`Practitioner/${prac.id}`);
      expect(e.serviceProvider.reference).toBe(`Organization/${orgn.id}`);
      expect(e.subject.reference).toBe(`Patient/${pat.id}`);
    }
    expect(obs.subject.reference).toBe(`Patient/${pat.id}`);
    expect(obs.encounter.reference).toBe(`Encounter/${enc.id}`);
    expect(obs.performer.map((p: { reference: string }) => p.reference)).toEqual([`Practitioner/${prac.id}`, `Organization/${orgn.id}`]);
    // Stored and indexed as resolved: the reads and searches (and the patient compartment) see the ids.
    expect((await get(`/fhir/Encounter/${enc.id}`)).participant[0].individual.reference).toBe(`Practitioner/${prac.id}`);
    expect((await get(`/fhir/Encounter?participant=Practitioner/${prac.id}&_summary=count`)).total).toBe(2);
    expect((await get(`/fhir/Observation?patient=Patient/${pat.id}&_summary=count`)).total).toBe(1);
    expect((await get(`/fhir/Observation?performer=Organization/${orgn.id}&_summary=count`)).total).toBe(1);
  });

  it('resolves a reference to a resource created before, by the caller or (data of no person) by another organisation, and records a read of a person', async () => {
    const npi = fresh('npi');
    const mrn = fresh('mrn');
    const pracId = await create(practitioner(npi));
    const patId = await create(patient({ identifier: mrn }));
    const entry = [
      post('Observation', {
        ...observation(`Patient?identifier=${PATIENT_ID_SYSTEM}|${mrn}`),
        performer: [{ reference: `Practitioner?identifier=${NPI}|${npi}` }],
      }),
    ];
    const r = await bundle(clinicA.token, entry);
    expect(r.statusCode, r.body).toBe(200);
    const obs = json(r).entry[0].resource;
    expect(obs.subject.reference).toBe(`Patient/${patId}`);
    expect(obs.performer[0].reference).toBe(`Practitioner/${pracId}`);
    // The resolution of the person's record is in their access log as a read with the criteria.
    const log = await get(`/fhir/AuditEvent?patient=Patient/${patId}&_count=100`);
    const reads = (log.entry ?? []).filter((e: { resource: Record<string, any> }) => e.resource.subtype?.[0]?.code === 'read');
    expect(
      reads.some((e: { resource: Record<string, any> }) =>
        (e.resource.entity ?? []).some((x: { what?: { reference?: string } }) => x.what?.reference === `Patient/${patId}`),
      ),
    ).toBe(true);

    // Clinic B refers to clinic A's Practitioner (no person's data: readable by all) and to a patient of its own.
    const mrnB = fresh('mrn');
    const patB = await create(patient({ identifier: mrnB }), clinicB.token);
    const rb = await bundle(clinicB.token, [
      post('Observation', {
        ...observation(`Patient?identifier=${PATIENT_ID_SYSTEM}|${mrnB}`),
        performer: [{ reference: `Practitioner?identifier=${NPI}|${npi}` }],
      }),
    ]);
    expect(rb.statusCode, rb.body).toBe(200);
    expect(json(rb).entry[0].resource.performer[0].reference).toBe(`Practitioner/${pracId}`);
    expect(json(rb).entry[0].resource.subject.reference).toBe(`Patient/${patB}`);
  });

  it('fails the whole transaction when a reference matches nothing (404) or several (412), naming the entry and the reference, writing nothing', async () => {
    const npi = fresh('npi');
    const none = `Practitioner?identifier=${NPI}|${npi}`;
    const before = await settledCounts();
    const r = await bundle(clinicA.token, [
      post('Patient', patient({ identifier: fresh('mrn') })),
      post('Encounter', encounter('Patient/x', none, 'Organization/y')),
    ]);
    expect(r.statusCode, r.body).toBe(404);
    const issue = json(r).issue[0];
    expect(issue.code).toBe('not-found');
    expect(issue.expression).toEqual(['Bundle.entry[1]', 'Encounter.participant[0].individual.reference']);
    expect(issue.diagnostics).toContain('entry 1');
    expect(issue.diagnostics).toContain(none);
    expect(issue.details.text).toContain('エントリ 1');
    expect(await settledCounts()).toEqual(before);

    // Two matches: one stored before, one created in the same transaction.
    await create(practitioner(npi));
    const mid = await settledCounts();
    const several = await bundle(clinicA.token, [
      post('Practitioner', practitioner(npi, '別人')),
      post('Observation', { ...observation('Patient/x'), performer: [{ reference: none }] }),
    ]);
    expect(several.statusCode, several.body).toBe(412);
    expect(json(several).issue[0].code).toBe('multiple-matches');
    expect(json(several).issue[0].expression).toEqual(['Bundle.entry[1]', 'Observation.performer[0].reference']);
    expect(json(several).issue[0].diagnostics).toContain(none);
    expect(await settledCounts()).toEqual(mid);
    expect((await get(`/fhir/Practitioner?identifier=${NPI}|${npi}&_summary=count`)).total).toBe(1);
  });

  it('does not reuse an answer once the transaction wrote something its criteria read', async () => {
    const npi = fresh('npi');
    await create(practitioner(npi));
    const ref = `Practitioner?identifier=${NPI}|${npi}`;
    const putId = fresh('put');
    const before = await settledCounts();
    // The create resolves first (one match); the updates come after it: one makes a second match, then the
    // Observation's update must see two.
    const r = await bundle(clinicA.token, [
      { resource: { ...observation('Patient/x'), id: putId, performer: [{ reference: ref }] }, request: { method: 'PUT', url: `Observation/${putId}` } },
      { resource: { ...practitioner(npi, '二人目'), id: `p-${putId}` }, request: { method: 'PUT', url: `Practitioner/p-${putId}` } },
      post('Observation', { ...observation('Patient/x'), performer: [{ reference: ref }] }),
    ]);
    expect(r.statusCode, r.body).toBe(412);
    expect(json(r).issue[0].expression[0]).toBe('Bundle.entry[0]');
    expect(await settledCounts()).toEqual(before);
  });

  it('does not resolve to another organisation’s person data: it fails exactly as no match, telling nothing of it', async () => {
    const mrn = fresh('mrn');
    const absentMrn = fresh('mrn');
    const patA = await create(patient({ identifier: mrn }));
    const refTo = (value: string) => [post('Observation', observation(`Patient?identifier=${PATIENT_ID_SYSTEM}|${value}`))];
    const before = await settledCounts();
    const foreign = await bundle(clinicB.token, refTo(mrn));
    const absent = await bundle(clinicB.token, refTo(absentMrn));
    expect(foreign.statusCode, foreign.body).toBe(404);
    expect(absent.statusCode).toBe(404);
    expect(foreign.body.split(mrn).join('*')).toBe(absent.body.split(absentMrn).join('*'));
    expect(foreign.body).not.toContain(patA);
    expect(await settledCounts()).toEqual(before);
    // The criteria do match for clinic A, the registrant.
    const own = await bundle(clinicA.token, refTo(mrn));
    expect(own.statusCode, own.body).toBe(200);
    expect(json(own).entry[0].resource.subject.reference).toBe(`Patient/${patA}`);
    // A withheld row is not counted either: with a patient of its own under the same identifier, B's reference
    // resolves to B's (one match, not several).
    const patB = await create(patient({ identifier: mrn }), clinicB.token);
    const mine = await bundle(clinicB.token, refTo(mrn));
    expect(mine.statusCode, mine.body).toBe(200);
    expect(json(mine).entry[0].resource.subject.reference).toBe(`Patient/${patB}`);
  });

  it('resolves references inside batch entries, each entry on its own', async () => {
    const npi = fresh('npi');
    const pracId = await create(practitioner(npi));
    const r = await bundle(
      clinicA.token,
      [
        post('Observation', { ...observation('Patient/x'), performer: [{ reference: `Practitioner?identifier=${NPI}|${npi}` }] }),
        post('Observation', { ...observation('Patient/x'), performer: [{ reference: `Practitioner?identifier=${NPI}|${fresh('npi')}` }] }),
        post('Observation', { ...observation('Patient/x'), performer: [{ reference: 'Practitioner?nonsense=1' }] }),
        { resource: { ...practitioner(npi), id: pracId }, request: { method: 'PUT', url: `Practitioner/${pracId}` } },
        post('Encounter', encounter('Patient/x', `Practitioner?identifier=${NPI}|${npi}`, 'Organization/y')),
      ],
      'batch',
    );
    expect(r.statusCode, r.body).toBe(200);
    const out = json(r).entry as { resource?: Record<string, any>; response: { status: string; outcome?: Record<string, any> } }[];
    expect(out.map((e) => e.response.status)).toEqual(['201 Created', '404', '400', '200 OK', '201 Created']);
    expect(out[0].resource!.performer[0].reference).toBe(`Practitioner/${pracId}`);
    expect(out[1].response.outcome!.issue[0].diagnostics).toContain('matches no resource');
    expect(out[2].response.outcome!.issue[0].diagnostics).toContain("unknown search parameter 'nonsense'");
    expect(out[4].resource!.participant[0].individual.reference).toBe(`Practitioner/${pracId}`);
    expect((await get(`/fhir/Observation/${out[0].resource!.id}`)).performer[0].reference).toBe(`Practitioner/${pracId}`);
  });

  it('maps the fullUrl of a conditional create that found an existing resource to it, for the other entries', async () => {
    const mrn = fresh('mrn');
    const existing = await create(patient({ identifier: mrn }));
    const npi = fresh('npi');
    const putId = fresh('put');
    const r = await bundle(clinicA.token, [
      // Listed first: it waits for the conditional creates it refers to.
      post('Observation', { ...observation(uuid(11)), performer: [{ reference: uuid(12) }] }),
      { fullUrl: uuid(11), ...post('Patient', patient({ identifier: mrn }), { ifNoneExist: `identifier=${PATIENT_ID_SYSTEM}|${mrn}` }) },
      // A conditional create that creates: its fullUrl names the new resource.
      { fullUrl: uuid(12), ...post('Practitioner', practitioner(npi), { ifNoneExist: `identifier=${NPI}|${npi}` }) },
      // An update refers to it too.
      { resource: { ...observation(uuid(11), { code: '2951-2' }), id: putId }, request: { method: 'PUT', url: `Observation/${putId}` } },
    ]);
    expect(r.statusCode, r.body).toBe(200);
    const out = json(r).entry as { resource: Record<string, any>; response: { status: string } }[];
    expect(out.map((e) => e.response.status)).toEqual(['201 Created', '200 OK', '201 Created', '201 Created']);
    expect(out[1].resource.id).toBe(existing);
    expect(out[0].resource.subject.reference).toBe(`Patient/${existing}`);
    expect(out[0].resource.performer[0].reference).toBe(`Practitioner/${out[2].resource.id}`);
    expect(out[3].resource.subject.reference).toBe(`Patient/${existing}`);
    expect((await get(`/fhir/Patient?identifier=${PATIENT_ID_SYSTEM}|${mrn}&_summary=count`)).total).toBe(1);
    expect((await get(`/fhir/Observation?patient=Patient/${existing}&_summary=count`)).total).toBe(2);
  });

  it('finds by criteria what a conditional create of the same transaction made or found', async () => {
    const npi = fresh('npi');
    const mrn = fresh('mrn');
    const existing = await create(patient({ identifier: mrn }));
    const r = await bundle(clinicA.token, [
      post('Encounter', encounter(`Patient?identifier=${PATIENT_ID_SYSTEM}|${mrn}`, `Practitioner?identifier=${NPI}|${npi}`, 'Organization/y')),
      post('Practitioner', practitioner(npi), { ifNoneExist: `identifier=${NPI}|${npi}` }),
      post('Patient', patient({ identifier: mrn }), { ifNoneExist: `identifier=${PATIENT_ID_SYSTEM}|${mrn}` }),
    ]);
    expect(r.statusCode, r.body).toBe(200);
    const out = json(r).entry as { resource: Record<string, any>; response: { status: string } }[];
    expect(out.map((e) => e.response.status)).toEqual(['201 Created', '201 Created', '200 OK']);
    expect(out[0].resource.participant[0].individual.reference).toBe(`Practitioner/${out[1].resource.id}`);
    expect(out[0].resource.subject.reference).toBe(`Patient/${existing}`);
  });

  it('links conditional creates that refer to each other, and refuses the cycle it cannot resolve, writing nothing', async () => {
    const orgs = (a: string, b: string) => [
      {
        fullUrl: uuid(21),
        ...post(
          'Organization',
          { ...organization('甲'), identifier: [{ system: SYNTHEA, value: a }], partOf: { reference: uuid(22) } },
          { ifNoneExist: `identifier=${SYNTHEA}|${a}` },
        ),
      },
      {
        fullUrl: uuid(22),
        ...post(
          'Organization',
          { ...organization('乙'), identifier: [{ system: SYNTHEA, value: b }], partOf: { reference: uuid(21) } },
          { ifNoneExist: `identifier=${SYNTHEA}|${b}` },
        ),
      },
    ];
    const both = await bundle(clinicA.token, orgs(fresh('org'), fresh('org')));
    expect(both.statusCode, both.body).toBe(200);
    const [a, b] = json(both).entry.map((e: { resource: Record<string, any> }) => e.resource);
    expect([a.partOf.reference, b.partOf.reference]).toEqual([`Organization/${b.id}`, `Organization/${a.id}`]);

    // The first is written pointing at the second's assigned id; the second then finds an existing Organization.
    const taken = fresh('org');
    await create({ ...organization('既存'), identifier: [{ system: SYNTHEA, value: taken }] });
    const before = await settledCounts();
    const r = await bundle(clinicA.token, orgs(fresh('org'), taken));
    expect(r.statusCode, r.body).toBe(400);
    expect(json(r).issue[0].expression[0]).toBe('Bundle.entry[1]');
    expect(json(r).issue[0].diagnostics).toContain('cycle');
    expect(await settledCounts()).toEqual(before);
  });

  it.each([
    ['an unknown parameter', 'Practitioner?nonsense=1', "unknown search parameter 'nonsense'"],
    ['no criteria', 'Practitioner?', 'no search criteria'],
    ['a result parameter only', 'Practitioner?_count=1', 'only filtering parameters'],
    ['a result parameter with a filter', `Practitioner?identifier=${NPI}|1&_sort=name`, 'only filtering parameters'],
    ['an unknown type', 'Practitionr?identifier=1', "unknown resource type 'Practitionr'"],
    ['a broken escape', 'Practitioner?identifier=%E3%81', 'invalid percent-encoding'],
  ])('refuses %s in the criteria with 400 naming the entry and the reference, before any work', async (_name, ref, message) => {
    const before = await settledCounts();
    const r = await bundle(clinicA.token, [
      post('Patient', patient({ identifier: fresh('mrn') })),
      post('Observation', { ...observation('Patient/x'), performer: [{ reference: ref }] }),
    ]);
    expect(r.statusCode, r.body).toBe(400);
    const issue = json(r).issue[0];
    expect(issue.expression).toEqual(['Bundle.entry[1]', 'Observation.performer[0].reference']);
    expect(issue.diagnostics).toContain('entry 1');
    expect(issue.diagnostics).toContain(`conditional reference ${ref}`);
    expect(issue.diagnostics).toContain(message);
    expect(issue.details.text).toContain('条件付き参照');
    expect(await settledCounts()).toEqual(before);
  });

  it('refuses more than 1,000 distinct conditional references in one Bundle with 413, before any lookup', async () => {
    const before = await settledCounts();
    const performer = Array.from({ length: 1001 }, (_, i) => ({ reference: `Practitioner?identifier=${NPI}|many-${i}` }));
    for (const type of ['transaction', 'batch'] as const) {
      const r = await bundle(clinicA.token, [post('Observation', { ...observation('Patient/x'), performer })], type);
      if (type === 'transaction') expect(r.statusCode, r.body).toBe(413);
      else expect(json(r).entry[0].response.status).toBe('413');
      const outcome = type === 'transaction' ? json(r) : json(r).entry[0].response.outcome;
      expect(outcome.issue[0].code).toBe('too-costly');
      expect(outcome.issue[0].diagnostics).toContain('1000');
    }
    expect(await settledCounts()).toEqual(before);
  });

  it('needs the search scope of the referenced type, as a conditional create does', async () => {
    const npi = fresh('npi');
    await create(practitioner(npi));
    const writer = await s.addClient({ kind: 'facility', facilityCode: CLINIC_A, scopes: ['system/Observation.cruds'] });
    const before = await settledCounts();
    const r = await bundle(writer.token, [
      post('Observation', { ...observation('Patient/x'), performer: [{ reference: `Practitioner?identifier=${NPI}|${npi}` }] }),
    ]);
    expect(r.statusCode, r.body).toBe(403);
    expect(json(r).issue[0].expression).toEqual(['Bundle.entry[0]', 'Observation.performer[0].reference']);
    expect(await settledCounts()).toEqual(before);
  });
});
