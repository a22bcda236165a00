/**
 * 簡易登録 ($register-simple-entry, $simple-entry-codes) on both engines: a clinic's doctor registers diagnoses and lab
 * results of a patient by Patient id or by insured number; the items are what $clinical-information shows, with the
 * clinic as source and the values as entered; every bad field is named (and nothing stored); check=true stores
 * nothing; re-registration is a new version; the deny paths (no token, a patient, a clerk, a nurse (refused by the role check),
 * a pharmacy, an unknown patient).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInStaff } from '../helpers/app-sign-in.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { CLINIC, issueTexts, type SharingWorld, sharingWorld } from './sharing-world.ts';

type Json = Record<string, unknown>;
const PASSWORD = 'kensa-touroku-2026';
const HBA1C = '3D046000001906202';
const LDL = '3F077000002327101';
const EGFR = '8A065000002391901';
const HYPERTENSION = '20061593';

const today = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() + 9 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);

describe.each(ENGINES)('simple entry (%s)', (engine) => {
  let sw: SharingWorld;
  const staff: Record<string, string> = {};

  beforeAll(async () => {
    sw = await sharingWorld(engine);
    const platform = sw.w.s.t.platform;
    await platform.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility', prefecture: '東京都' });
    for (const [login, role] of [
      ['doctor', 'doctor'],
      ['nurse', 'nurse'],
      ['clerk', 'clerk'],
    ] as const) {
      await platform.staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login, displayName: `${login} テスト`, role, password: PASSWORD });
      staff[login] = (await signInStaff(sw.w.s.t.app, { facility: CLINIC, login, password: PASSWORD })).access_token;
    }
  }, 300_000);
  afterAll(async () => {
    await sw?.close();
  });

  const enter = async (token: string | undefined, body: Json) => {
    const res = await sw.request({ method: 'POST', url: '/fhir/$register-simple-entry', token, body });
    return { status: res.statusCode, body: json(res) as Json };
  };
  const expressions = (body: Json) => ((body.issue as { expression?: string[] }[]) ?? []).map((i) => i.expression?.[0]);
  const params = (body: Json) => (body.parameter as { name: string; valueInteger?: number; valueString?: string; part?: Json[] }[]) ?? [];
  const itemCount = async (patientId: string) => (await sw.view(sw.tokens.clinic, patientId)).refs.length;

  it('registers diagnoses and lab results by Patient id: the view shows them from the clinic, values unchanged', async () => {
    const before = await itemCount(sw.alice.id);
    const r = await enter(staff.doctor, {
      patient: sw.alice.id,
      diagnosis: [
        { code: HYPERTENSION, name: '高血圧症', onset: daysAgo(400), primary: true },
        { name: '2型糖尿病', onset: daysAgo(300), suspected: true },
      ],
      lab: [
        { code: HBA1C, value: 7.4, low: 4.9, high: 6.0, date: daysAgo(1) },
        { code: EGFR, value: '58.2', date: daysAgo(1), flag: 'L' },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(params(r.body).find((p) => p.name === 'registered')?.valueInteger).toBe(4);
    expect(params(r.body).find((p) => p.name === 'patientId')?.valueString).toBe(sw.alice.id);
    const inputs = params(r.body)
      .filter((p) => p.name === 'item')
      .map((p) => (p.part ?? []).find((x) => x.name === 'input')?.valueString);
    expect(inputs).toEqual(['diagnosis[0]', 'diagnosis[1]', 'lab[0]', 'lab[1]']);

    const view = await sw.view(sw.tokens.clinic, sw.alice.id);
    expect(view.refs.length).toBe(before + 4);
    const resources = (view.body.entry as { resource: Json }[]).map((e) => e.resource);
    const hba1c = resources.find((x) => JSON.stringify(x.code).includes(HBA1C)) as Json;
    expect((hba1c.valueQuantity as Json).value).toBe(7.4);
    expect((hba1c.valueQuantity as Json).unit).toBe('%');
    expect(JSON.stringify(hba1c.interpretation)).toContain('"H"');
    expect(JSON.stringify(hba1c.extension)).toContain(CLINIC);
    const egfr = resources.find((x) => JSON.stringify(x.code).includes(EGFR)) as Json;
    expect((egfr.valueQuantity as Json).value).toBe(58.2);
    expect(JSON.stringify(egfr.interpretation)).toContain('"L"');
    const dm = resources.find((x) => (x.code as { text?: string })?.text === '2型糖尿病') as Json;
    expect(JSON.stringify(dm.code)).toContain('99999999');
    expect(JSON.stringify(dm.verificationStatus)).toContain('unconfirmed');
    const ht = resources.find((x) => JSON.stringify(x.code).includes(HYPERTENSION)) as Json;
    expect(JSON.stringify(ht.extension)).toContain('principal');
  });

  it('the same test on the same day again is a new version, not a second item', async () => {
    const before = await itemCount(sw.alice.id);
    const r = await enter(staff.doctor, { patient: sw.alice.id, lab: [{ code: HBA1C, value: 7.3, date: daysAgo(1) }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(JSON.stringify(r.body)).toContain('updated');
    expect(await itemCount(sw.alice.id)).toBe(before);
  });

  it('by insured number and birth date, with check=true first (nothing stored), then for real', async () => {
    const before = await itemCount(sw.bob.id);
    const body = {
      insuredPerson: { insurer: sw.bob.memberId.split(':')[0], symbol: '1234567', number: '90', birthDate: sw.bob.birthDate },
      lab: [{ code: LDL, value: 142, unit: 'mg/dL', high: 139, date: daysAgo(3) }],
    };
    const checked = await enter(staff.doctor, { ...body, check: true });
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(params(checked.body).find((p) => p.name === 'registered')?.valueInteger).toBe(0);
    expect(await itemCount(sw.bob.id)).toBe(before);
    const done = await enter(staff.doctor, body);
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(await itemCount(sw.bob.id)).toBe(before + 1);
  });

  it('every bad field is named at once, and nothing is stored', async () => {
    const before = await itemCount(sw.alice.id);
    const r = await enter(staff.doctor, {
      patient: sw.alice.id,
      diagnosis: [{ code: '12345678', onset: '2024-02-30' }, { onset: daysAgo(1) }],
      lab: [
        { code: HBA1C, value: 'abc', date: daysAgo(1) },
        { code: '3D04600000190620', value: 1, date: daysAgo(1) },
        { code: '9Z999000000000001', value: 1, date: daysAgo(1) },
        { code: LDL, value: 120, date: '2999-01-01' },
        { code: LDL, value: 120, low: 140, high: 60, date: daysAgo(2), flag: 'X' },
        { code: '5F016141002306311', value: 1, date: daysAgo(1) },
      ],
    });
    expect(r.status).toBe(400);
    expect(expressions(r.body)).toEqual([
      'diagnosis[0].code',
      'diagnosis[0].onset',
      'diagnosis[1].name',
      'lab[0].value',
      'lab[1].code',
      'lab[2].code',
      'lab[3].date',
      'lab[4].low',
      'lab[4].flag',
      'lab[5].code',
    ]);
    const texts = issueTexts(r.body).join('\n');
    expect(texts).toContain('数値ではありません');
    expect(texts).toContain('未来の日付');
    expect(texts).toContain('17桁');
    expect(texts).toContain('コード一覧');
    expect(await itemCount(sw.alice.id)).toBe(before);
  });

  it('refuses an empty input, both ways of naming the patient, an unknown patient and a date before birth', async () => {
    expect(expressions((await enter(staff.doctor, { patient: sw.alice.id })).body)).toEqual(['lab']);
    expect(expressions((await enter(staff.doctor, { lab: [{ code: HBA1C, value: 6, date: today() }] })).body)).toEqual(['patient']);
    const both = await enter(staff.doctor, {
      patient: sw.alice.id,
      insuredPerson: { insurer: '01130012', number: '1', birthDate: '1980-01-01' },
      lab: [{ code: HBA1C, value: 6, date: today() }],
    });
    expect(expressions(both.body)).toEqual(['patient']);
    const unknown = await enter(staff.doctor, { patient: 'no-such-patient', lab: [{ code: HBA1C, value: 6, date: today() }] });
    expect(unknown.status).toBe(422);
    expect(expressions(unknown.body)).toEqual(['patient']);
    const wrongBirth = await enter(staff.doctor, {
      insuredPerson: { insurer: sw.bob.memberId.split(':')[0], symbol: '1234567', number: '90', birthDate: '1999-09-09' },
      lab: [{ code: HBA1C, value: 6, date: today() }],
    });
    expect(wrongBirth.status).toBe(422);
    expect(issueTexts(wrongBirth.body)[0]).toContain('患者が見つかりません');
    const beforeBirth = await enter(staff.doctor, { patient: sw.alice.id, lab: [{ code: HBA1C, value: 6, date: '1980-01-01' }] });
    expect(beforeBirth.status).toBe(422);
    expect(expressions(beforeBirth.body)).toEqual(['lab[0].date']);
  });

  it('deny paths: no token, a patient, a clerk, a nurse (read-only sign-in), a pharmacy', async () => {
    const body = { patient: sw.alice.id, lab: [{ code: HBA1C, value: 6.1, date: today() }] };
    const before = await itemCount(sw.alice.id);
    expect((await enter(undefined, body)).status).toBe(401);
    expect((await enter(sw.tokens.alice, body)).status).toBe(403);
    const clerk = await enter(staff.clerk, body);
    expect(clerk.status).toBe(403);
    expect(issueTexts(clerk.body)[0]).toContain('事務は「検査結果・病名の登録」を行えません');
    // Registering for the nation to see is the doctor's: the role check refuses a nurse before anything else.
    const nurse = await enter(staff.nurse, body);
    expect(nurse.status).toBe(403);
    expect(issueTexts(nurse.body)[0]).toContain('看護師は「検査結果・病名の登録」を行えません');
    expect((await enter(sw.tokens.pharmacy, body)).status).toBe(403);
    expect((await enter(sw.tokens.operator, body)).status).toBe(403);
    expect(await itemCount(sw.alice.id)).toBe(before);
    for (const token of [undefined, sw.tokens.alice, staff.clerk, sw.tokens.pharmacy]) {
      const res = await sw.request({ method: 'GET', url: '/fhir/$simple-entry-codes?name=高血圧', token });
      expect(res.statusCode).toBe(token ? 403 : 401);
    }
  });

  it('$simple-entry-codes: the common lab items (all accepted with the package loaded) and disease names', async () => {
    const res = await sw.request({ method: 'GET', url: `/fhir/$simple-entry-codes?name=${encodeURIComponent('高血圧')}`, token: staff.doctor });
    expect(res.statusCode).toBe(200);
    const ps = params(json(res));
    const labs = ps.filter((p) => p.name === 'lab').map((p) => Object.fromEntries((p.part ?? []).map((x) => [x.name, Object.values(x)[1]])));
    expect(labs.length).toBeGreaterThanOrEqual(10);
    expect(labs.every((l) => l.listed === true)).toBe(true);
    expect(labs.find((l) => l.code === HBA1C)?.unit).toBe('%');
    const diseases = ps.filter((p) => p.name === 'disease').map((p) => Object.fromEntries((p.part ?? []).map((x) => [x.name, Object.values(x)[1]])));
    expect(diseases).toContainEqual({ code: HYPERTENSION, name: '高血圧症' });
    const none = params(json(await sw.request({ method: 'GET', url: '/fhir/$simple-entry-codes', token: staff.doctor })));
    expect(none.filter((p) => p.name === 'disease')).toEqual([]);
  });
});
