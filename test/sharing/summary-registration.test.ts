/**
 * Registration of patient summaries (JP_Bundle_ePCS) over HTTP: the official example, re-addressed, registers end to
 * end; bad input of every kind is refused with Japanese and English messages and changes nothing; a new registration
 * of the same facility replaces its summary (a new version); the stored resources are read through the generic API by
 * the facility and the person only — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, sharingWorld, type SharingWorld, issueTexts } from './sharing-world.ts';
import { SUMMARY_SCOPES, entriesOf, patientSummary } from './summary-examples.ts';

type Json = Record<string, unknown>;
type Param = { name: string; valueReference?: { reference: string }; valueCode?: string; valueInteger?: number };

const param = (body: Json, name: string) => ((body.parameter as Param[]) ?? []).filter((p) => p.name === name);
const texts = issueTexts;

describe.each(ENGINES)('registration of patient summaries (%s)', (engine) => {
  let sw: SharingWorld;
  let clinic: string;
  let other: string;
  let insurer: string;

  async function register(token: string, body: unknown) {
    const res = await sw.request({ method: 'POST', url: '/fhir/$register-patient-summary', token, body: body as Json });
    return { status: res.statusCode, body: json(res) as Json };
  }
  async function counts(): Promise<string> {
    const q = (sql: string) => sw.w.s.t.platform.db.query<{ n: number }>(sql).then((r) => Number(r.rows[0].n));
    return [
      await q('SELECT count(*)::int AS n FROM resources'),
      await q('SELECT count(*)::int AS n FROM resource_versions'),
      await q('SELECT count(*)::int AS n FROM sharing_summaries'),
      await q('SELECT count(*)::int AS n FROM sharing_items'),
    ].join('/');
  }

  beforeAll(async () => {
    sw = await sharingWorld(engine);
    const add = async (kind: 'facility' | 'insurer', code: string) => (await sw.w.s.addClient({ kind, facilityCode: code, scopes: SUMMARY_SCOPES })).token;
    clinic = await add('facility', CLINIC);
    other = await add('facility', OTHER_CLINIC);
    insurer = await add('insurer', KYOKAI);
  }, 180_000);
  afterAll(async () => sw?.close());

  it('the official example, re-addressed, registers end to end: Composition, diagnoses and care plan for the facility and the person only', async () => {
    const before = await sw.w.s.t.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sharing_items');
    const res = await register(clinic, patientSummary(sw.alice, CLINIC));
    expect(res.status, JSON.stringify(res.body).slice(0, 2000)).toBe(201);
    expect(param(res.body, 'version')[0].valueInteger).toBe(1);
    const summary = param(res.body, 'summary')[0].valueReference!.reference;
    const stored = param(res.body, 'entry').map((p) => p.valueReference!.reference);
    expect(summary).toMatch(/^Composition\//);
    expect(stored.filter((r) => r.startsWith('Condition/'))).toHaveLength(2);
    expect(stored.filter((r) => r.startsWith('CarePlan/'))).toHaveLength(1);
    const composition = json(await sw.request({ method: 'GET', url: `/fhir/${summary}`, token: clinic }));
    expect(composition.subject.reference).toBe(`Patient/${sw.alice.id}`);
    expect(composition.section[0].entry.map((e: { reference: string }) => e.reference).sort()).toEqual([...stored].sort());
    expect(composition.author.map((a: Json) => a.type)).toEqual(['Practitioner', 'Organization']);
    expect(composition.meta.security).toContainEqual(expect.objectContaining({ code: 'shared-item' }));
    for (const ref of [summary, ...stored]) {
      expect((await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: clinic })).statusCode, ref).toBe(200);
      expect((await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: sw.tokens.alice })).statusCode, ref).toBe(200);
      for (const token of [other, insurer, sw.tokens.bob]) expect((await sw.request({ method: 'GET', url: `/fhir/${ref}`, token })).statusCode, ref).toBe(404);
    }
    // The diagnoses stay inside the summary: no item of the 6 information was made.
    const after = await sw.w.s.t.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sharing_items');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('bad input is refused whole with Japanese and English messages, nothing stored', async () => {
    const before = await counts();
    const good = () => patientSummary(sw.alice, CLINIC);
    const wrongProfile = good();
    (wrongProfile.meta as Json).profile = ['http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral'];
    const noCarePlan = good();
    noCarePlan.entry = (noCarePlan.entry as { resource: Json }[]).filter((e) => e.resource.resourceType !== 'CarePlan');
    const otherPerson = good();
    entriesOf(otherPerson, 'CarePlan')[0].resource.subject = { reference: `Patient/${sw.bob.id}` };
    const cases: [string, string, unknown, number, RegExp][] = [
      ['malformed (not a Bundle)', clinic, { resourceType: 'Composition' }, 400, /JP_Bundle_ePCS/],
      ['malformed (no entries)', clinic, { ...good(), entry: [] }, 400, /entry/],
      ['wrong profile', clinic, wrongProfile, 400, /meta\.profile/],
      [
        'unknown person',
        clinic,
        patientSummary({ memberId: `${sw.alice.memberId.slice(0, -2)}77`, birthDate: sw.alice.birthDate }, CLINIC),
        422,
        /一人に定まりません/,
      ],
      ['wrong sender (another facility’s summary)', other, good(), 422, /あなたの医療機関（1311234569）と違います.*⟂.*is not yours/],
      ['a 未告知 diagnosis', clinic, patientSummary(sw.alice, CLINIC, { flags: ['UNINFORMED'] }), 422, /未告知/],
      ['not valid against the profile (no care plan)', clinic, noCarePlan, 422, /carePlan/],
      ['a care plan about another person', clinic, otherPerson, 422, /Patient を参照してください/],
      ['an insurer', insurer, good(), 403, /医療機関が行います/],
      ['a patient', sw.tokens.alice, good(), 403, /医療機関が行います/],
    ];
    for (const [name, token, body, status, pattern] of cases) {
      const res = await register(token, body);
      expect(res.status, `${name}: ${JSON.stringify(res.body).slice(0, 800)}`).toBe(status);
      const t = texts(res.body);
      expect(t.join('\n'), name).toMatch(pattern);
      for (const line of t) expect(line, name).toMatch(/[ぁ-んァ-ヶ一-龠].* ⟂ [A-Za-z]/);
    }
    expect(await counts()).toBe(before);
  });

  it('a new registration of the same facility replaces its summary: the same Composition, a new version, the earlier entries gone', async () => {
    const first = await register(clinic, patientSummary(sw.bob, CLINIC, { advice: '減塩を続けましょう' }));
    expect(first.status).toBe(201);
    const again = await register(clinic, patientSummary(sw.bob, CLINIC, { advice: '毎日30分歩きましょう' }));
    expect(again.status, JSON.stringify(again.body).slice(0, 800)).toBe(200);
    expect(param(again.body, 'status')[0].valueCode).toBe('updated');
    expect(param(again.body, 'version')[0].valueInteger).toBe(2);
    const summary = param(first.body, 'summary')[0].valueReference!.reference;
    expect(param(again.body, 'summary')[0].valueReference!.reference).toBe(summary);
    expect(json(await sw.request({ method: 'GET', url: `/fhir/${summary}`, token: clinic })).meta.versionId).toBe('2');
    for (const p of param(first.body, 'entry'))
      expect((await sw.request({ method: 'GET', url: `/fhir/${p.valueReference!.reference}`, token: clinic })).statusCode).toBe(410);
    const plan = param(again.body, 'entry').find((p) => p.valueReference!.reference.startsWith('CarePlan/'))!;
    expect(json(await sw.request({ method: 'GET', url: `/fhir/${plan.valueReference!.reference}`, token: clinic })).description).toBe('毎日30分歩きましょう');
    // Another facility's summary of the same person is its own.
    const theirs = await register(other, patientSummary(sw.bob, OTHER_CLINIC));
    expect(theirs.status).toBe(201);
    expect(param(theirs.body, 'summary')[0].valueReference!.reference).not.toBe(summary);
    const rows = await sw.w.s.t.platform.db.query('SELECT facility FROM sharing_summaries WHERE patient_key = $1 ORDER BY facility', [sw.bob.id]);
    expect(rows.rows).toEqual([{ facility: OTHER_CLINIC }, { facility: CLINIC }].sort((a, b) => a.facility.localeCompare(b.facility)));
  });

  it('summary resources change only through the service: the facility’s own PUT is refused', async () => {
    const res = await register(clinic, patientSummary(sw.alice, CLINIC));
    const ref = param(res.body, 'entry')[0].valueReference!.reference;
    const r = json(await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: clinic }));
    const put = await sw.request({ method: 'PUT', url: `/fhir/${ref}`, token: clinic, body: { ...r, note: [{ text: '訂正' }] } });
    expect(put.statusCode, put.body).toBe(403);
  });
});
