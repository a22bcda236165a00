/**
 * Registration of health check-up reports (JP_Bundle_eCheckupGeneral) over HTTP: a report built after the profiles
 * and the eCheckupReport package's sample register end to end; bad input of every kind is refused with Japanese and
 * English messages and changes nothing; a re-registration is a new version; the stored results carry the check-up label
 * and appear in the eligibility service's `$checkup-results`; report resources change only through the service; the
 * person is notified — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { CHECKUP_PACKAGE, checkupReport, sampleReport } from './checkups-examples.ts';
import { CLINIC, OTHER_CLINIC, sharingWorld, type SharingWorld, issueTexts, subscribeTo, eventFoci } from './sharing-world.ts';

type Json = Record<string, unknown>;
type Param = { name: string; valueReference?: { reference: string }; valueCode?: string; valueInteger?: number; valueDate?: string };
const TOPIC = 'https://tsunagu.dev/fhir/SubscriptionTopic/checkup-registered';
const PROVIDER_SCOPES = ['system/Composition.cruds', 'system/Observation.cruds', 'system/DiagnosticReport.cruds', 'system/Patient.rs'];

const param = (body: Json, name: string) => ((body.parameter as Param[]) ?? []).filter((p) => p.name === name);
const texts = issueTexts;
const daysAgo = (n: number) => new Date(Date.now() + 9 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);

describe.each(ENGINES)('registration of check-up reports (%s)', (engine) => {
  let sw: SharingWorld;
  let provider: string;
  let other: string;
  let insurer: string;

  async function register(token: string, body: unknown) {
    const res = await sw.request({ method: 'POST', url: '/fhir/$register-checkup-report', token, body: body as Json });
    return { status: res.statusCode, body: json(res) as Json };
  }
  async function counts(): Promise<string> {
    const q = (sql: string) => sw.w.s.t.platform.db.query<{ n: number }>(sql).then((r) => Number(r.rows[0].n));
    return [
      await q('SELECT count(*)::int AS n FROM resources'),
      await q('SELECT count(*)::int AS n FROM resource_versions'),
      await q('SELECT count(*)::int AS n FROM sharing_checkups'),
      await q('SELECT count(*)::int AS n FROM subscription_events'),
    ].join('/');
  }

  beforeAll(async () => {
    sw = await sharingWorld(engine, { packages: [CHECKUP_PACKAGE] });
    const add = async (kind: 'facility' | 'insurer', code: string, scopes = PROVIDER_SCOPES) =>
      (await sw.w.s.addClient({ kind, facilityCode: code, scopes })).token;
    provider = await add('facility', CLINIC);
    other = await add('facility', OTHER_CLINIC);
    insurer = await add('insurer', '01130012', ['system/Observation.rs', 'system/Composition.rs']);
  }, 180_000);
  afterAll(async () => sw?.close());

  it('a report built after the profiles registers end to end: resources labelled, a row, the answer', async () => {
    const date = daysAgo(10);
    const res = await register(provider, checkupReport(sw.alice, { provider: CLINIC, date }));
    expect(res.status, JSON.stringify(res.body).slice(0, 2000)).toBe(201);
    expect(param(res.body, 'kind')[0].valueCode).toBe('specific');
    expect(param(res.body, 'checkupDate')[0].valueDate).toBe(date);
    expect(param(res.body, 'version')[0].valueInteger).toBe(1);
    const report = param(res.body, 'report')[0].valueReference!.reference;
    const results = param(res.body, 'result').map((p) => p.valueReference!.reference);
    expect(report).toMatch(/^Composition\//);
    expect(results).toHaveLength(3);
    const composition = json(await sw.request({ method: 'GET', url: `/fhir/${report}`, token: provider }));
    expect(composition.subject).toEqual({ reference: `Patient/${sw.alice.id}` });
    expect(composition.meta.security).toContainEqual(expect.objectContaining({ code: 'checkup' }));
    // Entries not stored are named logically: the provider by 医療機関コード and name, the doctor by name.
    expect(composition.custodian).toEqual({
      type: 'Organization',
      identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: CLINIC },
      display: '健診センター',
    });
    expect(composition.section[0].entry.map((e: { reference: string }) => e.reference)).toEqual(results);
    const obs = json(await sw.request({ method: 'GET', url: `/fhir/${results[0]}`, token: provider }));
    expect(obs.subject).toEqual({ reference: `Patient/${sw.alice.id}` });
    expect(obs.code.coding[0].code).toBe('9N001000000000001');
    const row = await sw.w.s.t.platform.db.query<{ provider: string; kind: string; checkup_date: string; resources: string[] }>(
      'SELECT provider, kind, checkup_date::text AS checkup_date, resources FROM sharing_checkups WHERE report_id = $1',
      [report.split('/')[1]],
    );
    expect(row.rows[0]).toEqual({ provider: CLINIC, kind: 'specific', checkup_date: date, resources: [report, ...results] });
  });

  it('the eCheckupReport package’s sample, re-addressed, registers with all its results', async () => {
    const res = await register(provider, sampleReport(sw.alice, CLINIC, daysAgo(20)));
    expect(res.status, JSON.stringify(res.body).slice(0, 2000)).toBe(201);
    expect(param(res.body, 'result').length).toBeGreaterThan(40);
    expect(param(res.body, 'kind')[0].valueCode).toBe('specific');
  });

  it('the person may be named under both spellings of the insured-person system (JP-CLINS and eCheckupReport)', async () => {
    const b = checkupReport(sw.bob, { provider: CLINIC, date: daysAgo(6) });
    const patient = (b.entry as { resource: Json }[])[1].resource;
    patient.identifier = [...(patient.identifier as Json[]), { system: 'http://jpfhir.jp/fhir/eCS/Idsysmem/JP_Insurance_memberID', value: sw.bob.memberId }];
    const res = await register(provider, b);
    expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(201);
    const composition = json(await sw.request({ method: 'GET', url: `/fhir/${param(res.body, 'report')[0].valueReference!.reference}`, token: provider }));
    expect(composition.subject).toEqual({ reference: `Patient/${sw.bob.id}` });
  });

  it('the kind follows Composition.event.code (事業者健診 → employer)', async () => {
    const res = await register(provider, checkupReport(sw.bob, { provider: CLINIC, date: daysAgo(5), program: 'employer' }));
    expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(201);
    expect(param(res.body, 'kind')[0].valueCode).toBe('employer');
  });

  it('bad input is refused whole with Japanese and English messages, nothing stored', async () => {
    const before = await counts();
    const good = () => checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(3) });
    const wrongProfile = good();
    (wrongProfile.meta as Json).profile = ['http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS'];
    const invalid = good();
    delete ((invalid.entry as { resource: Json }[])[4].resource as Json).period; // Encounter.period 1..1
    const badResult = good();
    delete ((badResult.entry as { resource: Json }[])[5].resource as Json).effectiveDateTime; // fits neither Observation profile
    const future = checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(-3) });
    const otherPerson = good();
    ((otherPerson.entry as { resource: Json }[])[5].resource as Json).subject = { reference: `Patient/${sw.bob.id}` };
    const cases: [string, string, unknown, number, RegExp][] = [
      ['malformed (not a Bundle)', provider, { resourceType: 'Patient' }, 400, /JP_Bundle_eCheckupGeneral.*⟂.*must be/],
      ['wrong profile', provider, wrongProfile, 400, /meta\.profile/],
      ['not a document', provider, { ...good(), type: 'collection' }, 400, /document/],
      [
        'unknown person',
        provider,
        checkupReport({ memberId: `${sw.alice.memberId.slice(0, -2)}77`, birthDate: sw.alice.birthDate }, { provider: CLINIC, date: daysAgo(3) }),
        422,
        /一人に定まりません/,
      ],
      [
        'wrong birth date',
        provider,
        checkupReport({ ...sw.alice, birthDate: '1999-09-09' }, { provider: CLINIC, date: daysAgo(3) }),
        422,
        /一人に定まりません/,
      ],
      [
        'wrong sender (another provider’s report)',
        other,
        good(),
        422,
        /健診機関（1312345679）はあなたの医療機関（1311234569）ではありません.*⟂.*not your facility/,
      ],
      ['not valid against the profile', provider, invalid, 422, /period/],
      ['a result fitting neither Observation profile', provider, badResult, 422, /effective/],
      ['a check-up date in the future', provider, future, 422, /未来/],
      ['a result about another person', provider, otherPerson, 422, /Patient を参照してください/],
      ['an insurer', insurer, good(), 403, /医療機関が行います/],
      ['a patient', sw.tokens.alice, good(), 403, /医療機関が行います/],
    ];
    for (const [name, token, body, status, pattern] of cases) {
      const res = await register(token, body);
      expect(res.status, `${name}: ${JSON.stringify(res.body).slice(0, 800)}`).toBe(status);
      expect(res.body.resourceType, name).toBe('OperationOutcome');
      const t = texts(res.body);
      expect(t.join('\n'), name).toMatch(pattern);
      for (const line of t) expect(line, name).toMatch(/[ぁ-んァ-ヶ一-龠].* ⟂ [A-Za-z]/);
    }
    expect(await counts()).toBe(before);
  });

  it('every problem is reported at once (wrong sender and a future date and an unknown person)', async () => {
    const res = await register(
      other,
      checkupReport({ memberId: `${sw.alice.memberId.slice(0, -2)}77`, birthDate: sw.alice.birthDate }, { provider: CLINIC, date: daysAgo(-2) }),
    );
    expect(res.status).toBe(422);
    const all = texts(res.body).join('\n');
    expect(all).toMatch(/ではありません/);
    expect(all).toMatch(/未来/);
    expect(all).toMatch(/一人に定まりません/);
  });

  it('the same Composition.identifier again is a new version of the report: the same Composition, the results replaced', async () => {
    const first = await register(provider, checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(30), documentId: `v-${engine}`, height: 150 }));
    expect(first.status).toBe(201);
    const again = await register(provider, checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(30), documentId: `v-${engine}`, height: 151 }));
    expect(again.status, JSON.stringify(again.body).slice(0, 800)).toBe(200);
    expect(param(again.body, 'status')[0].valueCode).toBe('updated');
    expect(param(again.body, 'version')[0].valueInteger).toBe(2);
    const report = param(first.body, 'report')[0].valueReference!.reference;
    expect(param(again.body, 'report')[0].valueReference!.reference).toBe(report);
    const composition = json(await sw.request({ method: 'GET', url: `/fhir/${report}`, token: provider }));
    expect(composition.meta.versionId).toBe('2');
    const oldHeight = param(first.body, 'result')[0].valueReference!.reference;
    expect((await sw.request({ method: 'GET', url: `/fhir/${oldHeight}`, token: provider })).statusCode).toBe(410);
    const newHeight = json(await sw.request({ method: 'GET', url: `/fhir/${param(again.body, 'result')[0].valueReference!.reference}`, token: provider }));
    expect(newHeight.valueQuantity.value).toBe(151);
    // The same identifier for another person is refused.
    const bobs = await register(provider, checkupReport(sw.bob, { provider: CLINIC, date: daysAgo(30), documentId: `v-${engine}` }));
    expect(bobs.status).toBe(422);
    expect(texts(bobs.body).join()).toMatch(/別の受診者/);
  });

  it('the stored results appear in the eligibility service’s $checkup-results (the member’s insurer)', async () => {
    const res = await register(provider, checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(40) }));
    const results = param(res.body, 'result').map((p) => p.valueReference!.reference);
    const view = json(await sw.request({ method: 'GET', url: `/fhir/Patient/${sw.alice.id}/$checkup-results`, token: insurer }));
    const seen = (view.entry ?? []).map((e: { resource: Json }) => `${e.resource.resourceType}/${e.resource.id}`);
    for (const r of results) expect(seen).toContain(r);
  });

  it('report resources change only through the service: the provider’s own PUT and DELETE are refused, a forged tag too', async () => {
    const res = await register(provider, checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(2) }));
    const obsRef = param(res.body, 'result')[0].valueReference!.reference;
    const obs = json(await sw.request({ method: 'GET', url: `/fhir/${obsRef}`, token: provider }));
    const put = await sw.request({ method: 'PUT', url: `/fhir/${obsRef}`, token: provider, body: { ...obs, note: [{ text: '訂正' }] } });
    expect(put.statusCode, put.body).toBe(403);
    expect(texts(json(put)).join()).toMatch(/健診結果報告書/);
    expect((await sw.request({ method: 'DELETE', url: `/fhir/${obsRef}`, token: provider })).statusCode).toBe(403);
    const forged = { ...obs, id: undefined, meta: { tag: obs.meta.tag } };
    expect((await sw.request({ method: 'POST', url: '/fhir/Observation', token: provider, body: forged })).statusCode).toBe(403);
  });

  it('the person is notified of a new report (topic checkup-registered); another person is not', async () => {
    const mine = await subscribeTo(sw, sw.tokens.alice, TOPIC);
    const bobs = await subscribeTo(sw, sw.tokens.bob, TOPIC);
    const res = await register(provider, checkupReport(sw.alice, { provider: CLINIC, date: daysAgo(1) }));
    const report = param(res.body, 'report')[0].valueReference!.reference;
    expect((await eventFoci(sw, sw.tokens.alice, mine)).some((f) => f.endsWith(report))).toBe(true);
    expect(await eventFoci(sw, sw.tokens.bob, bobs)).toEqual([]);
  });
});
