/**
 * Registration of the 5 information (JP_Bundle_CLINS) over HTTP: the official examples register end to end, bad
 * input of every kind is refused with a precise Japanese + English OperationOutcome and changes nothing, re-registration
 * makes a new version, withdrawal, and the generic FHIR API's view of stored items — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { INVALID_DIR, VALID_DIR, readExample, readdress, withFlags } from './clins-examples.ts';
import { CLINIC, OTHER_CLINIC, sharingWorld, storedRefs, type SharingWorld, issueTexts, subscribeTo, eventFoci } from './sharing-world.ts';

type Json = Record<string, unknown>;
const CLINICAL_TOPIC = 'https://tsunagu.dev/fhir/SubscriptionTopic/clinical-information-registered';
const CONDITION = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-03.json');
const CONDITION_01 = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-01.json');
const LAB_K = readExample(VALID_DIR, 'Observation-Example-JP-Obs-LabResult-eCS-K.json');
const ALLERGY = readExample(VALID_DIR, 'AllergyIntolerance-Example-JP-Allergy-eCS-02.json');
const ALLERGY_01 = readExample(VALID_DIR, 'AllergyIntolerance-Example-JP-Allergy-eCS-01.json');

/** The item with its disease code replaced by one that is in no master. */
function unknownCode(r: Json): Json {
  const coding = ((r.code as Json).coding as Json[]).map((c) =>
    c.system === 'http://medis.or.jp/CodeSystem/master-disease-keyNumber' ? { ...c, code: '20099999' } : c,
  );
  return { ...r, code: { ...(r.code as Json), coding } };
}

/** Rows of the store and of the service: what a refused registration must leave unchanged. */
async function counts(sw: SharingWorld): Promise<string> {
  const q = (sql: string) => sw.w.s.t.platform.db.query<{ n: number }>(sql).then((r) => Number(r.rows[0].n));
  return `${await q('SELECT count(*)::int AS n FROM resources')}/${await q('SELECT count(*)::int AS n FROM resource_versions')}/${await q('SELECT count(*)::int AS n FROM sharing_items')}`;
}

const texts = issueTexts;

describe.each(ENGINES)('registration of the 5 information (%s)', (engine) => {
  let sw: SharingWorld;
  beforeAll(async () => {
    sw = await sharingWorld(engine);
  }, 120_000);
  afterAll(async () => sw?.close());

  it.each([
    ['Condition', CONDITION],
    ['Condition', CONDITION_01],
    ['Observation', LAB_K],
    ['AllergyIntolerance', ALLERGY],
    ['AllergyIntolerance', ALLERGY_01],
  ])('an official %s example registers end to end and its registrant reads it', async (category, example) => {
    const res = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, category, [readdress(example, sw.alice, CLINIC)]));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [ref] = storedRefs(res.body);
    const read = await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: sw.tokens.clinic });
    expect(read.statusCode).toBe(200);
    const stored = json(read);
    expect(stored.code).toEqual(example.code);
    expect(stored.meta.security).toContainEqual(expect.objectContaining({ code: 'shared-item' }));
  });

  it('bad input is refused whole with a precise message, nothing stored', async () => {
    const before = await counts(sw);
    const cases: [string, Json | string, number, RegExp][] = [
      ['not a Bundle', { resourceType: 'Patient' }, 400, /JP_Bundle_CLINS/],
      ['no profile', { resourceType: 'Bundle', type: 'collection', entry: [] }, 400, /meta\.profile/],
      [
        'unknown person',
        sw.clins({ memberId: `${sw.alice.memberId.slice(0, -2)}77`, birthDate: sw.alice.birthDate }, 'Condition', [readdress(CONDITION, sw.alice, CLINIC)]),
        422,
        /一人に定まりません/,
      ],
      [
        'wrong birth date',
        sw.clins({ ...sw.alice, birthDate: '1999-09-09' }, 'Condition', [readdress(CONDITION, { ...sw.alice, birthDate: '1999-09-09' }, CLINIC)]),
        422,
        /一人に定まりません/,
      ],
      ['item of another person', sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.bob, CLINIC)]), 422, /一致しません/],
      ['another facility’s item', sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, OTHER_CLINIC)]), 422, /他の医療機関/],
      [
        'UNINFORMED on an allergy',
        sw.clins(sw.alice, 'AllergyIntolerance', [withFlags(readdress(ALLERGY, sw.alice, CLINIC), 'UNINFORMED')]),
        422,
        /未告知.*傷病名にだけ/,
      ],
      [
        'LTS on a lab result',
        sw.clins(sw.alice, 'Observation', [withFlags(readdress(LAB_K, sw.alice, CLINIC), 'LTS')]),
        422,
        /長期保存.*傷病名・感染症・アレルギーにだけ/,
      ],
      ['unknown flag', sw.clins(sw.alice, 'Condition', [withFlags(readdress(CONDITION, sw.alice, CLINIC), 'SECRET')]), 422, /SECRET/],
      [
        'category other than the tag',
        sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC), readdress(ALLERGY, sw.alice, CLINIC)]),
        422,
        /区分/,
      ],
      [
        'duplicate business identifier',
        sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC, 'dup-1'), readdress(CONDITION, sw.alice, CLINIC, 'dup-1')]),
        422,
        /重複/,
      ],
      ['unknown disease code', sw.clins(sw.alice, 'Condition', [unknownCode(readdress(CONDITION, sw.alice, CLINIC))]), 422, /20099999/],
      ['malformed JSON', '{"resourceType": "Bundle", ', 400, /./],
    ];
    for (const [name, body, status, message] of cases) {
      const res = await sw.request({ method: 'POST', url: '/fhir/$register-clinical-information', token: sw.tokens.clinic, body });
      const outcome = json(res);
      expect(res.statusCode, `${name}: ${res.body.slice(0, 400)}`).toBe(status);
      expect(outcome.resourceType, name).toBe('OperationOutcome');
      expect(texts(outcome).join('\n'), name).toMatch(message);
      for (const t of texts(outcome)) expect(t, name).toMatch(/^[^⟂]+ ⟂ .+$/);
    }
    expect(await counts(sw)).toBe(before);
  });

  it('the official invalid examples are refused and leave nothing behind', async () => {
    const before = await counts(sw);
    const lab = readdress(readExample(INVALID_DIR, 'Observation-ErrorExample-ObsLabo-eGFR.json'), sw.alice, CLINIC);
    const res = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Observation', [lab]));
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await counts(sw)).toBe(before);
  });

  it('only facilities register; a pharmacy, an insurer and a patient are refused', async () => {
    const body = sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC)]);
    for (const token of [sw.tokens.pharmacy, sw.tokens.kyokai, sw.tokens.alice]) expect((await sw.register(token, body)).status).toBe(403);
  });

  it('a token without create scope on the item type cannot register; a facility cannot hold items (403 before any lookup)', async () => {
    const narrow = (await sw.w.s.addClient({ kind: 'facility', facilityCode: CLINIC, scopes: ['system/Observation.cruds'] })).token;
    const res = await sw.register(narrow, sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC)]));
    expect(res.status).toBe(403);
    const [ref] = storedRefs((await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC)]))).body);
    const hold = (item: string) =>
      sw.request({
        method: 'POST',
        url: '/fhir/$hold-clinical-information',
        token: sw.tokens.other,
        body: { resourceType: 'Parameters', parameter: [{ name: 'item', valueReference: { reference: item } }] },
      });
    const existing = await hold(ref);
    const absent = await hold('Condition/01a00000-0000-7000-8000-000000000000');
    expect(existing.statusCode).toBe(403);
    expect(absent.statusCode).toBe(403);
    expect(existing.body).toBe(absent.body);
    // Another patient's item answers the patient as absent.
    const bobs = await sw.request({
      method: 'POST',
      url: '/fhir/$hold-clinical-information',
      token: sw.tokens.bob,
      body: { resourceType: 'Parameters', parameter: [{ name: 'item', valueReference: { reference: ref } }] },
    });
    expect(bobs.statusCode).toBe(404);
  });

  it('re-registration of the same business identifier makes a new version; withdrawal removes it', async () => {
    const first = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC, 'cond-rereg')]));
    const [ref] = storedRefs(first.body);
    const changed = readdress(CONDITION, sw.alice, CLINIC, 'cond-rereg');
    (changed.code as Json).text = '改訂後の病名';
    const second = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [changed]));
    expect(second.status).toBe(200);
    expect(storedRefs(second.body)).toEqual([ref]);
    const history = json(await sw.request({ method: 'GET', url: `/fhir/${ref}/_history`, token: sw.tokens.clinic }));
    expect(history.entry).toHaveLength(2);
    // Another facility cannot withdraw it (absent to them), the registrant can.
    const withdraw = (token: string) =>
      sw.request({
        method: 'POST',
        url: '/fhir/$withdraw-clinical-information',
        token,
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: 'resourceType', valueCode: 'Condition' },
            { name: 'identifier', valueString: 'cond-rereg' },
          ],
        },
      });
    expect((await withdraw(sw.tokens.other)).statusCode).toBe(404);
    expect((await withdraw(sw.tokens.clinic)).statusCode).toBe(200);
    expect((await withdraw(sw.tokens.clinic)).statusCode).toBe(404);
    expect((await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: sw.tokens.clinic })).statusCode).toBe(410);
    expect((await sw.view(sw.tokens.clinic, sw.alice.id)).refs).not.toContain(ref);
  });

  it('items change only through the service: generic PUT, DELETE and labelled creates are refused', async () => {
    const res = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC)]));
    const [ref] = storedRefs(res.body);
    const stored = json(await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: sw.tokens.clinic }));
    expect((await sw.request({ method: 'PUT', url: `/fhir/${ref}`, token: sw.tokens.clinic, body: { ...stored, meta: undefined } })).statusCode).toBe(403);
    expect((await sw.request({ method: 'DELETE', url: `/fhir/${ref}`, token: sw.tokens.clinic })).statusCode).toBe(403);
    const { id: _id, ...copy } = stored;
    expect((await sw.request({ method: 'POST', url: '/fhir/Condition', token: sw.tokens.clinic, body: copy })).statusCode).toBe(403);
  });

  it('through the generic API another facility never reads an item, even with consent; the person reads it unless 未告知', async () => {
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'surgery');
    // Recorded today: the example's onset (2020) would put it past nothing, but the view shows items in force only.
    const today = { ...readdress(CONDITION, sw.alice, CLINIC), recordedDate: new Date().toISOString().slice(0, 10) };
    const told = storedRefs((await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [today]))).body)[0];
    const untold = storedRefs(
      (
        await sw.register(
          sw.tokens.clinic,
          sw.clins(
            sw.alice,
            'Condition',
            [withFlags({ ...today, identifier: undefined }, 'UNINFORMED')].map((r) => readdress(r, sw.alice, CLINIC)),
          ),
        )
      ).body,
    )[0];
    const get = (token: string, url: string) => sw.request({ method: 'GET', url, token });
    expect((await get(sw.tokens.other, `/fhir/${told}`)).statusCode).toBe(404);
    const search = json(await get(sw.tokens.other, `/fhir/Condition?patient=Patient/${sw.alice.id}&_total=accurate`));
    expect(search.total).toBe(0);
    expect((await get(sw.tokens.alice, `/fhir/${told}`)).statusCode).toBe(200);
    expect((await get(sw.tokens.alice, `/fhir/${untold}`)).statusCode).toBe(404);
    const own = json(await get(sw.tokens.alice, `/fhir/Condition?_count=1000&_total=accurate`));
    const ids = (own.entry ?? []).map((e: { resource: Json }) => `Condition/${e.resource.id}`);
    expect(ids).toContain(told);
    expect(ids).not.toContain(untold);
    expect((await get(sw.tokens.alice, `/fhir/${untold}/_history`)).statusCode).toBe(404);
    expect((await get(sw.tokens.bob, `/fhir/${told}`)).statusCode).toBe(404);
    // Another facility views both (consent); the person's log says so without naming the 未告知 item.
    const seen = (await sw.view(sw.tokens.other, sw.alice.id, '?_count=1000')).refs;
    expect(seen).toEqual(expect.arrayContaining([told, untold]));
    const log = JSON.stringify(await auditOf(sw.w, sw.alice.id));
    expect(log).toContain(told);
    expect(log).not.toContain(untold);
  });

  it('the patient is notified of new items (Subscriptions), never of 未告知 ones, and no one else is', async () => {
    const mine = await subscribeTo(sw, sw.tokens.alice, CLINICAL_TOPIC);
    const bobs = await subscribeTo(sw, sw.tokens.bob, CLINICAL_TOPIC);
    const told = storedRefs((await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [readdress(CONDITION, sw.alice, CLINIC)]))).body)[0];
    const untold = storedRefs(
      (await sw.register(sw.tokens.clinic, sw.clins(sw.alice, 'Condition', [withFlags(readdress(CONDITION, sw.alice, CLINIC), 'UNINFORMED')]))).body,
    )[0];
    const focus = await eventFoci(sw, sw.tokens.alice, mine);
    expect(focus.some((f) => f.endsWith(told))).toBe(true);
    expect(focus.some((f) => f.endsWith(untold))).toBe(false);
    expect(await eventFoci(sw, sw.tokens.bob, bobs)).toEqual([]);
  });
});
