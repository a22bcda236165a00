/**
 * The clinic app's prescribing (remote-signing/): the drug search and usage codes, the prescriber's own signing
 * credential held sealed by the platform (enrol, status, passphrase, lockout), $issue-prescription (written from the
 * master and the Coverage, signed with the signed-in doctor's credential only, registered with the check), the
 * facility's list of a patient's prescriptions, and every deny path: no token, a patient, a 看護師, a system client,
 * another doctor's credential or signature, wrong passphrases, bad input — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERX_SPECS } from '../../src/services/eprescription/http/specs.ts';
import { signInStaff } from '../helpers/app-sign-in.ts';
import { ENGINES } from '../helpers/engines.ts';
import { CLINIC, DRUGS, OTHER_CLINIC, issueTexts, out, outAll, part, parts, rxWorld, type RxWorld } from './eprescription-world.ts';

const PASSWORD = 'shinryo2026abc';
const PASSPHRASE = 'sign-2026-kanagawa';
const SIMVASTATIN = { system: 'receipt', code: '612180263', name: 'リポバス錠５　５ｍｇ' };
const AT_BEDTIME = '1011100000000000';
const AFTER_DINNER = '1011040000000000';

type Json = Record<string, unknown>;

describe.each(ENGINES)('prescribing in the clinic app: remote signing and $issue-prescription (%s)', (engine) => {
  let x: RxWorld;
  const tokens: Record<string, string> = {};
  let aliceId: string;
  let bobId: string;

  const credentialText = (c: unknown) => JSON.stringify(c);
  const line = (o: { system?: string; code?: string; dose?: number; usage?: string; days?: number; generic?: boolean; noSubstitution?: boolean } = {}) => ({
    name: 'line',
    part: [
      ...(o.system !== '' ? [{ name: 'system', valueCode: o.system ?? SIMVASTATIN.system }] : []),
      ...(o.code !== '' ? [{ name: 'code', valueString: o.code ?? SIMVASTATIN.code }] : []),
      { name: 'dose', valueDecimal: o.dose ?? 1 },
      { name: 'usage', valueCode: o.usage ?? AFTER_DINNER },
      { name: 'days', valueInteger: o.days ?? 28 },
      ...(o.generic ? [{ name: 'generic', valueBoolean: true }] : []),
      ...(o.noSubstitution ? [{ name: 'noSubstitution', valueBoolean: true }] : []),
    ],
  });
  const issue = (token: string | undefined, patient: string, lines: Json[], extra: Json[] = [{ name: 'passphrase', valueString: PASSPHRASE }]) =>
    x.op(token as string, 'issue-prescription', [{ name: 'patient', valueString: patient }, ...lines, ...extra] as { name: string }[]);
  const count = async () => Number((await x.w.s.t.platform.db.query<{ n: string }>('SELECT count(*) AS n FROM eprescription_prescriptions')).rows[0].n);

  beforeAll(async () => {
    x = await rxWorld(engine);
    const p = x.w.s.t.platform;
    await p.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility', prefecture: '東京都', address: '東京都千代田区' });
    await p.facilities.add({ code: OTHER_CLINIC, name: '別の医院', kind: 'facility', prefecture: '東京都', address: '東京都文京区' });
    const staff = [
      [CLINIC, 'kanagawa', '神奈川 花子', 'doctor'],
      [CLINIC, 'kanagawa2', '神奈川 花子', 'doctor'],
      [CLINIC, 'tokyo', '東京 太郎', 'doctor'],
      [CLINIC, 'nurse', '鈴木 美咲', 'nurse'],
      [CLINIC, 'yokohama', '横浜 次郎', 'doctor'],
      [OTHER_CLINIC, 'other', '別院 医師', 'doctor'],
    ] as const;
    for (const [facilityCode, login, displayName, role] of staff) {
      await p.staff.add({ facilityCode, facilityKind: 'facility', login, displayName, role, password: PASSWORD });
      tokens[login] = (await signInStaff(x.w.s.t.app, { facility: facilityCode, login, password: PASSWORD })).access_token;
    }
    // both were received at the clinic's desk today and consented at its reader (alice, bob); the other clinic has
    // seen neither
    for (const person of [x.alice, x.bob]) {
      await x.receive(person, x.tokens.clinic);
      await x.consent(person.id, CLINIC, 'facility');
    }
    aliceId = x.alice.id;
    bobId = x.bob.id;
    // the clinic's EHR registered a prescription before (its telephone and address come from there); the other
    // clinic prescribed itraconazole to alice — a contraindication with simvastatin
    expect((await x.register(x.tokens.clinic, await x.sign(x.prescription(x.bob, { drugs: [DRUGS.loxonin] })))).status).toBe(201);
    expect((await x.register(x.tokens.other, await x.sign(x.prescription(x.alice, { facility: OTHER_CLINIC, drugs: [DRUGS.itraconazole] })))).status).toBe(201);
  }, 240_000);
  afterAll(() => x?.close());

  it('every prescription operation names the staff action it needs; the patient-only history refuses staff itself', () => {
    for (const [key, spec] of Object.entries(ERX_SPECS)) if (key !== 'history') expect(spec.staffAction, spec.id).toBeDefined();
    for (const id of ['check', 'register', 'registerInHouse', 'cancel', 'issue', 'enrolSigning', 'signingStatus'] as const)
      expect(ERX_SPECS[id].staffAction, id).toBe('prescribe');
  });

  it('the drug search: the master’s products valid today by name (カタカナ or ひらがな), with their 一般名; no token 401, a patient 403', async () => {
    const r = await x.op(tokens.nurse, 'search-drugs', [{ name: 'q', valueString: 'りぽばす' }]);
    expect(r.status).toBe(200);
    const drugs = outAll(r.body, 'drug');
    expect(drugs.map((d) => part(d, 'name'))).toContain(SIMVASTATIN.name);
    const d = drugs.find((x) => part(x, 'code') === SIMVASTATIN.code)!;
    expect(part(d, 'generalName')).toBe('【般】シンバスタチン錠５ｍｇ');
    expect(part(d, 'unit')).toBe('錠');
    const get = await x.w.request({ method: 'GET', url: `/fhir/$search-drugs?q=${encodeURIComponent('リピトール')}`, token: tokens.kanagawa });
    expect(get.statusCode).toBe(200);
    expect((await x.w.request({ method: 'GET', url: '/fhir/$search-drugs?q=x' })).statusCode).toBe(401);
    expect((await x.op(x.tokens.alice, 'search-drugs', [{ name: 'q', valueString: 'リポバス' }])).status).toBe(403);
    expect((await x.op(tokens.kanagawa, 'search-drugs', [{ name: 'q', valueString: ' ' }])).status).toBe(400);
    const u = await x.op(tokens.kanagawa, 'usage-codes', []);
    expect(u.status).toBe(200);
    const usage = outAll(u.body, 'usage').find((p) => part(p, 'code') === AT_BEDTIME)!;
    expect(part(usage, 'display')).toBe('内服・経口・１日１回就寝前');
    expect(part(usage, 'timesPerDay')).toBe(1);
    expect((await x.op(x.tokens.alice, 'usage-codes', [])).status).toBe(403);
  });

  it('enrolment: only the signed-in doctor’s own certificate; nurses, patients, systems, another person’s or a used certificate are refused', async () => {
    const enrol = (token: string | undefined, c: unknown, pass = PASSPHRASE) =>
      x.op(token as string, 'enrol-signing-credential', [
        { name: 'credential', valueString: credentialText(c) },
        { name: 'passphrase', valueString: pass },
      ]);
    expect((await enrol(undefined, x.hpki.doctor)).status).toBe(401);
    expect((await enrol(x.tokens.alice, x.hpki.doctor)).status).toBe(403);
    expect((await enrol(x.tokens.clinic, x.hpki.doctor)).status).toBe(403);
    const nurse = await enrol(tokens.nurse, x.hpki.doctor);
    expect(nurse.status).toBe(403);
    expect(issueTexts(nurse.body).join()).toContain('看護師');
    // another person's certificate: the name is not the account's
    const other = await enrol(tokens.tokyo, x.hpki.doctor);
    expect(other.status).toBe(422);
    expect(issueTexts(other.body).join()).toContain('一致しません');
    // a dentist's certificate for a doctor's account
    expect((await enrol(tokens.yokohama, x.hpki.dentist)).status).toBe(422);
    expect((await enrol(tokens.kanagawa, { format: 'something' })).status).toBe(422);
    expect((await enrol(tokens.kanagawa, x.hpki.doctor, 'short')).status).toBe(400);
    const ok = await enrol(tokens.kanagawa, x.hpki.doctor);
    expect(ok.status).toBe(200);
    expect(out(ok.body, 'registrationNumber')).toBe('123456');
    // the same certificate for a second account (even of the same name) is refused
    expect((await enrol(tokens.kanagawa2, x.hpki.doctor)).status).toBe(409);
    const status = await x.op(tokens.kanagawa, 'signing-credential', []);
    expect(out(status.body, 'enrolled')).toBe(true);
    expect(out((await x.op(tokens.tokyo, 'signing-credential', [])).body, 'enrolled')).toBe(false);
    expect((await x.op(tokens.nurse, 'signing-credential', [])).status).toBe(403);
    // the sealed credential holds no readable key
    const row = (await x.w.s.t.platform.db.query<{ sealed: string }>('SELECT sealed FROM eprescription_signing_keys')).rows[0];
    expect(row.sealed).not.toContain('PRIVATE KEY');
  });

  it('the check is the prescriber’s: a 看護師 is refused ($check-prescription, $issue-prescription, $register-prescription)', async () => {
    const check = await x.op(tokens.nurse, 'check-prescription', [
      { name: 'insuredNumber', valueString: x.alice.memberId },
      { name: 'birthDate', valueDate: x.alice.birthDate },
      { name: 'medication', valueCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: SIMVASTATIN.code }] } },
    ]);
    expect(check.status).toBe(403);
    expect(issueTexts(check.body).join()).toContain('看護師は「処方箋の発行」を行えません');
    expect((await issue(tokens.nurse, aliceId, [line()])).status).toBe(403);
    expect((await x.register(tokens.nurse, await x.sign(x.prescription(x.alice)))).status).toBe(403);
    const doctor = await x.op(tokens.kanagawa, 'check-prescription', [
      { name: 'insuredNumber', valueString: x.alice.memberId },
      { name: 'birthDate', valueDate: x.alice.birthDate },
      { name: 'medication', valueCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: SIMVASTATIN.code }] } },
    ]);
    expect(doctor.status).toBe(200);
    expect(outAll(doctor.body, 'alert').map((a) => part(a, 'kind'))).toContain('contraindicated');
  });

  it('issuing: bad input is refused in Japanese with nothing stored; no token, patients, systems, unenrolled doctors and wrong passphrases too', async () => {
    const before = await count();
    const zero = await issue(tokens.kanagawa, aliceId, [line({ dose: 0 })]);
    expect(zero.status).toBe(400);
    expect(issueTexts(zero.body).join()).toContain('1回量は0より大きい数');
    const none = await issue(tokens.kanagawa, aliceId, []);
    expect(none.status).toBe(400);
    expect(issueTexts(none.body).join()).toContain('処方する薬剤がありません');
    const noDrug = await issue(tokens.kanagawa, aliceId, [line({ system: '', code: '' })]);
    expect(noDrug.status).toBe(400);
    expect(issueTexts(noDrug.body).join()).toContain('薬剤が選ばれていません');
    expect((await issue(tokens.kanagawa, aliceId, [line({ code: '999999999' })])).status).toBe(400);
    expect((await issue(tokens.kanagawa, aliceId, [line({ usage: '9999999999999999' })])).status).toBe(400);
    expect((await issue(undefined, aliceId, [line()])).status).toBe(401);
    expect((await issue(x.tokens.alice, aliceId, [line()])).status).toBe(403);
    expect((await issue(x.tokens.clinic, aliceId, [line()])).status).toBe(403);
    const unenrolled = await issue(tokens.tokyo, bobId, [line()]);
    expect(unenrolled.status).toBe(409);
    expect(issueTexts(unenrolled.body).join()).toContain('証明書が登録されていません');
    const wrong = await issue(tokens.kanagawa, bobId, [line()], [{ name: 'passphrase', valueString: 'not-the-passphrase' }]);
    expect(wrong.status).toBe(403);
    expect(issueTexts(wrong.body).join()).toContain('パスフレーズが違います');
    expect((await issue(tokens.kanagawa, bobId, [line()], [])).status).toBe(400);
    const unknown = await issue(tokens.kanagawa, 'no-such-patient', [line()]);
    expect(unknown.status).toBe(404);
    expect(issueTexts(unknown.body).join()).toContain('受付（資格確認）されていません');
    expect(await count()).toBe(before);
  });

  it('issuing: the master’s name and unit, 1回量 × 回数 × 日数, signed by the signed-in doctor; an alert needs the reason', async () => {
    const refused = await issue(tokens.kanagawa, aliceId, [line({ dose: 2, usage: AFTER_DINNER, days: 14, noSubstitution: true })]);
    expect(refused.status).toBe(422);
    expect(issueTexts(refused.body).join()).toContain('併用禁忌');
    const r = await issue(
      tokens.kanagawa,
      aliceId,
      [line({ dose: 2, usage: AFTER_DINNER, days: 14, noSubstitution: true })],
      [
        { name: 'passphrase', valueString: PASSPHRASE },
        { name: 'overrideReason', valueString: 'イトリゾール休薬期間中のため' },
      ],
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(String(out(r.body, 'exchangeNumber'))).toMatch(/^\d{6}$/);
    expect(outAll(r.body, 'alert').map((a) => part(a, 'kind'))).toContain('contraindicated');
    const id = out(r.body, 'prescription') as string;
    const row = (
      await x.w.s.t.platform.db.query<{ prescriber: string; override_reason: string }>(
        'SELECT prescriber, override_reason FROM eprescription_prescriptions WHERE prescription_id = $1',
        [id],
      )
    ).rows[0];
    expect(JSON.parse(row.prescriber)).toMatchObject({ name: '神奈川　花子', registrationNumber: '123456', signed: true });
    expect(row.override_reason).toBe('イトリゾール休薬期間中のため');
    const lines = (
      await x.w.s.t.platform.db.query<{ name: string; quantity: string; unit: string; days: number; substitution: string }>(
        'SELECT name, quantity, unit, days, substitution FROM eprescription_lines WHERE prescription_id = $1',
        [id],
      )
    ).rows;
    expect(lines).toEqual([{ name: SIMVASTATIN.name, quantity: expect.anything(), unit: '錠', days: 14, substitution: '1' }]);
    expect(Number(lines[0].quantity)).toBe(28);
    // the facility's list of the patient's prescriptions (today), and another facility's view
    const list = await x.op(tokens.kanagawa, 'prescription-status', [
      { name: 'patient', valueString: x.alice.id },
      { name: 'issuedOn', valueDate: x.today() },
    ]);
    expect(list.status).toBe(200);
    const listed = outAll(list.body, 'prescription');
    expect(listed.map((p) => part(p, 'id'))).toEqual([id]);
    expect(part(parts(listed[0], 'medication')[0], 'name')).toBe(SIMVASTATIN.name);
    const other = await x.op(tokens.other, 'prescription-status', [{ name: 'patient', valueString: x.alice.id }]);
    expect(outAll(other.body, 'prescription').map((p) => part(p, 'id'))).not.toContain(id);
    // the issuer cancels it before any pharmacy accepts it; a nurse may not
    expect((await x.op(tokens.nurse, 'cancel-prescription', [{ name: 'prescription', valueString: id }])).status).toBe(403);
    const cancel = await x.op(tokens.kanagawa, 'cancel-prescription', [{ name: 'prescription', valueString: id }]);
    expect(out(cancel.body, 'state')).toBe('cancelled');
  });

  it('issuing by 一般名: the line carries the 一般名コード and its master name; no alerts for bob', async () => {
    const r = await issue(tokens.kanagawa, bobId, [line({ code: '610443014', usage: AFTER_DINNER, generic: true })]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(outAll(r.body, 'alert')).toEqual([]);
    const lines = (
      await x.w.s.t.platform.db.query<{ code: string; name: string }>('SELECT code, name FROM eprescription_lines WHERE prescription_id = $1', [
        out(r.body, 'prescription'),
      ])
    ).rows;
    expect(lines).toEqual([{ code: '2189015F2ZZZ', name: '【般】アトルバスタチン錠１０ｍｇ' }]);
  });

  it('a signed-in doctor registers only their own signature: another doctor’s signed Bundle is refused', async () => {
    // another doctor's certificate with the registration number the example Bundle names (so only the binding refuses)
    const stranger = await x.hpki.issuing.issue({ name: '東京 太郎', role: 'doctor', registrationNumber: '123456', now: x.clock.now });
    const before = await count();
    // kanagawa (enrolled) registers a Bundle signed by another doctor, and by themselves with a system-made Bundle
    const byOther = await x.register(tokens.kanagawa, await x.sign(x.prescription(x.bob, { drugs: [DRUGS.loxonin] }), stranger));
    expect(byOther.status).toBe(422);
    expect(issueTexts(byOther.body).join()).toContain('サインイン中の医師のものではありません');
    // tokyo (not enrolled) cannot register even a Bundle signed with their own test credential
    expect((await x.register(tokens.tokyo, await x.sign(x.prescription(x.bob, { drugs: [DRUGS.loxonin] }), stranger))).status).toBe(422);
    expect(await count()).toBe(before);
  });

  it('a patient the facility’s reception has not seen today is refused alike (404), for the check too', async () => {
    const r = await issue(tokens.other, aliceId, [line()]);
    expect(r.status).toBe(404);
    expect(issueTexts(r.body).join()).toContain('受付（資格確認）されていません');
    const check = await x.op(tokens.other, 'check-prescription', [
      { name: 'patient', valueString: aliceId },
      { name: 'medication', valueCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: SIMVASTATIN.code }] } },
    ]);
    expect(check.status).toBe(404);
    const own = await x.op(tokens.kanagawa, 'check-prescription', [
      { name: 'patient', valueString: aliceId },
      { name: 'medication', valueCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: SIMVASTATIN.code }] } },
    ]);
    expect(own.status).toBe(200);
    const alert = outAll(own.body, 'alert').find((a) => part(a, 'kind') === 'contraindicated')!;
    // with the patient's consent: where the other drug comes from, by the directory's name
    expect(part(alert, 'facility')).toBe(OTHER_CLINIC);
    expect(part(alert, 'facilityName')).toBe('別の医院');
    expect(part(alert, 'conflictingName')).toBe('イトリゾールカプセル５０');
  });

  it('wrong passphrases in a row lock signing (429) — for that doctor only', async () => {
    const enrolled = await x.op(tokens.yokohama, 'enrol-signing-credential', [
      {
        name: 'credential',
        valueString: credentialText(await x.hpki.issuing.issue({ name: '横浜 次郎', role: 'doctor', registrationNumber: '333333', now: x.clock.now })),
      },
      { name: 'passphrase', valueString: 'yokohama-2026' },
    ]);
    expect(enrolled.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await issue(tokens.yokohama, bobId, [line()], [{ name: 'passphrase', valueString: `wrong-${i}-pass` }])).status);
    expect(statuses).toEqual([403, 403, 403, 403, 429]);
    expect((await issue(tokens.yokohama, bobId, [line()], [{ name: 'passphrase', valueString: 'yokohama-2026' }])).status).toBe(429);
    expect(out((await x.op(tokens.yokohama, 'signing-credential', [])).body, 'lockedUntil')).toBeDefined();
    // kanagawa still signs
    expect((await issue(tokens.kanagawa, bobId, [line({ code: '620098801', usage: AFTER_DINNER })])).status).toBe(201);
  });
});
