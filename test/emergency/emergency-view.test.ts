/**
 * The emergency view (救急時医療情報閲覧): only through the workflow, only for a 医師, only the essential set, only for
 * the grant's time; identification by card without PIN and by name + birth date + sex with candidates; the person's
 * notice and access log; the facility's review; the operator's report. Both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { partsOf } from '../portal/portal-world.ts';
import { eventFoci, subscribeTo } from '../sharing/sharing-world.ts';
import { EMERGENCY_ACCESS_TOPIC } from '../../src/services/emergency/index.ts';
import { emergencyWorld, WARFARIN_YJ, type EmergencyWorld } from './emergency-world.ts';

type Json = Record<string, any>;
const p = (name: string, v: Json) => ({ name, ...v });
const reason = (code = 'unconscious', text?: string) => [p('reason', { valueCode: code }), ...(text ? [p('reasonText', { valueString: text })] : [])];

describe.each(ENGINES)('emergency view (%s)', (engine) => {
  let ew: EmergencyWorld;
  let accessId: string;
  let subscription: { token: string; id: string };
  const declare = (token: string, params: Json[]) => ew.op(token, 'emergency-access', params);
  const byCard = () => [...reason(), p('certificate', { valueString: ew.carol.certificate })];
  const view = (token: string, id: string) => ew.op(token, 'emergency-view', [p('access', { valueString: id })]);
  const named = (body: Json, name: string) => ((body.parameter ?? []) as Json[]).filter((x) => x.name === name);

  beforeAll(async () => {
    ew = await emergencyWorld(engine);
    // carol's phone app listens for the topic (the notification channel of the sharing service's topics)
    const token = (await ew.w.s.addClient({ kind: 'patient', patientId: ew.carol.id, scopes: ['patient/*.rs', 'patient/Subscription.cruds'] })).token;
    subscription = { token, id: await subscribeTo(ew as never, token, EMERGENCY_ACCESS_TOPIC) };
  }, 240_000);
  afterAll(async () => ew?.close());

  it('refuses anyone but a signed-in 医師 of a facility, before looking anyone up', async () => {
    for (const [who, token] of [
      ['nurse', ew.staff.nurse],
      ['privacy officer', ew.staff.officer],
      ['facility system client', ew.clients.clinicSystem],
      ['patient', ew.clients.carol],
      ['ambulance', ew.clients.ambulance],
      ['medical team', ew.clients.team13],
      ['pharmacy', ew.tokens.pharmacy],
      ['insurer', ew.tokens.insurer],
    ] as const) {
      const r = await declare(token, byCard());
      expect(r.status, `${who}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(403);
      expect(r.body.issue[0].details.text).toMatch(/医師|救急/);
    }
  });

  it('refuses a purpose ETREAT or DISASTER named in a header, on any request', async () => {
    for (const purpose of ['ETREAT', 'DISASTER']) {
      const r = await ew.request({
        method: 'GET',
        url: `/fhir/Patient/${ew.carol.id}/$clinical-information`,
        token: ew.staff.doctor,
        headers: { 'x-purpose-of-use': purpose },
      });
      expect(r.statusCode).toBe(403);
      expect(json(r).issue[0].details.text).toContain('手続きでのみ');
    }
  });

  it('refuses bad input with a precise message and opens nothing', async () => {
    const cases: [Json[], RegExp][] = [
      [[p('certificate', { valueString: ew.carol.certificate })], /理由/],
      [[...reason('fainted'), p('certificate', { valueString: ew.carol.certificate })], /理由「fainted」/],
      [[...reason('other'), p('certificate', { valueString: ew.carol.certificate })], /その他/],
      [[...reason('unconscious', 'x'.repeat(501)), p('certificate', { valueString: ew.carol.certificate })], /500文字/],
      [[...byCard(), p('hours', { valueInteger: 99 })], /閲覧時間/],
      [[...reason()], /certificate|氏名/],
      [[...byCard(), p('name', { valueString: '𠮷田和子' })], /どちらか一方/],
      [[...reason(), p('name', { valueString: '𠮷田和子' }), p('birthDate', { valueDate: '1948-02-30' }), p('sex', { valueCode: 'female' })], /生年月日/],
      [[...reason(), p('name', { valueString: '𠮷田和子' }), p('birthDate', { valueDate: '1948-03-03' })], /性別/],
      [[...reason(), p('name', { valueString: '𠮷田和子' }), p('birthDate', { valueDate: '1948-03-03' }), p('sex', { valueCode: 'F' })], /性別/],
      [
        [
          ...reason(),
          p('name', { valueString: '𠮷田和子' }),
          p('birthDate', { valueDate: '1948-03-03' }),
          p('sex', { valueCode: 'female' }),
          p('postalCode', { valueString: '12-34' }),
        ],
        /郵便番号/,
      ],
    ];
    for (const [params, message] of cases) {
      const r = await declare(ew.staff.doctor, params);
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(400);
      expect(r.body.issue[0].details.text).toMatch(message);
    }
    const mine = await ew.op(ew.clients.carol, 'my-emergency-accesses', undefined, 'GET');
    expect(partsOf(mine.body, 'access')).toHaveLength(0);
  });

  it('a card that is not linked, or not a certificate, identifies no one (422)', async () => {
    const other = await ew.w.card(ew.bob.id, { link: false });
    const { readFile } = await import('node:fs/promises');
    const unlinked = (JSON.parse(await readFile(other.path, 'utf8')) as { certificate: string }).certificate;
    for (const certificate of [unlinked, 'not a certificate']) {
      const r = await declare(ew.staff.doctor, [...reason(), p('certificate', { valueString: certificate })]);
      expect(r.status).toBe(422);
    }
  });

  it('by the card without PIN: opens a time-limited access and shows the essential set, highlighted', async () => {
    const r = await declare(ew.staff.doctor, [...byCard(), p('hours', { valueInteger: 2 })]);
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(201);
    const access = partsOf(r.body, 'access')[0];
    accessId = access.id;
    expect(access).toMatchObject({ mode: 'emergency', identifiedBy: 'card', reason: 'unconscious', staffName: '救急 太郎', reviewState: 'pending' });
    expect(new Date(access.end).getTime() - new Date(access.start).getTime()).toBe(2 * 3600_000);

    const v = await view(ew.staff.doctor, accessId);
    expect(v.status, JSON.stringify(v.body).slice(0, 500)).toBe(200);
    const alerts = partsOf(v.body, 'alert').map((a) => a.code);
    expect(alerts).toEqual(expect.arrayContaining(['antithrombotic', 'dialysis', 'drug-allergy', 'infection']));
    const drugs = partsOf(v.body, 'drug');
    const warfarin = drugs.find((d) => d.code?.code === WARFARIN_YJ);
    expect(warfarin).toMatchObject({ current: true, riskClass: 'antithrombotic', source: 'receipt' });
    expect(drugs.some((d) => d.name.includes('古いアムロジピン'))).toBe(false); // older than the half year
    const refs = (name: string) => named(v.body, name).map((x) => `${x.resource.resourceType}/${x.resource.id}`);
    expect(refs('diagnosis')).toEqual([ew.items.diagnosis]); // the 未提供 diagnosis stays withheld
    expect(refs('infection')).toEqual([ew.items.infection]);
    expect(refs('allergy')).toEqual([ew.items.allergy]);
    expect(refs('lab')).toEqual([ew.items.lab]);
    const procedures = partsOf(v.body, 'procedure').map((x) => x.tag);
    expect(procedures.sort()).toEqual(['dialysis', 'surgery']);
    expect(JSON.stringify(v.body)).not.toContain(ew.receipt.checkup.split('/')[1]); // no check-ups
    expect(named(v.body, 'patientRecord')[0].resource.id).toBe(ew.carol.id);
  });

  it('any 医師 of the facility may view while it lasts; other roles, organisations and ids may not', async () => {
    expect((await view(ew.staff.nurse, accessId)).status).toBe(403);
    const foreign = await view(ew.staff.otherDoctor, accessId);
    const unknown = await view(ew.staff.otherDoctor, '01900000-0000-7000-8000-000000000000');
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.issue[0].code).toBe(unknown.body.issue[0].code);
    expect((await view(ew.clients.ambulance, accessId)).status).toBe(403);
  });

  it('nothing else opens: the generic API, the 6-information view and letters stay closed to the facility', async () => {
    for (const ref of [ew.items.diagnosis, ew.receipt.warfarin, ew.receipt.checkup]) {
      const r = await ew.request({ method: 'GET', url: `/fhir/${ref}`, token: ew.staff.doctor });
      expect(r.statusCode, ref).toBe(404);
    }
    const search = await ew.request({ method: 'GET', url: `/fhir/MedicationDispense?patient=Patient/${ew.carol.id}`, token: ew.staff.doctor });
    expect(json(search).total ?? json(search).entry?.length ?? 0).toBe(0);
    const six = await ew.view(ew.staff.doctor, ew.carol.id);
    expect(six.refs).toEqual([]);
  });

  it('every view is audited with purpose ETREAT and the emergency basis; the person sees it highlighted and was notified', async () => {
    const log = await ew.op(ew.clients.carol, 'access-log', undefined, 'GET');
    expect(log.status).toBe(200);
    const accesses = partsOf(log.body, 'access');
    const views = accesses.filter((a) => a.operation === 'emergency-view' && a.outcome === 'allowed');
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views[0]).toMatchObject({ emergency: true, basis: 'emergency', purpose: 'ETREAT' });
    expect(views[0].staffName).toBe('救急 太郎');
    expect(log.body.parameter.find((x: Json) => x.name === 'emergencyCount').valueInteger).toBeGreaterThanOrEqual(2);
    const mine = partsOf((await ew.op(ew.clients.carol, 'my-emergency-accesses', undefined, 'GET')).body, 'access');
    expect(mine[0]).toMatchObject({ id: accessId, organisation: 'つなぐ内科クリニック', reasonDisplay: expect.stringContaining('意識障害') });
    const notices = await ew.request({ method: 'GET', url: `/fhir/Communication?subject=Patient/${ew.carol.id}`, token: ew.clients.carol });
    const texts = (json(notices).entry ?? []).map((e: Json) => e.resource.payload[0].contentString as string);
    expect(texts.some((t: string) => t.includes('救急時医療情報閲覧') && t.includes('つなぐ内科クリニック'))).toBe(true);
    // … and its subscription received the notice's event
    const foci = await eventFoci(ew as never, subscription.token, subscription.id);
    const noticeRef = `Communication/${(json(notices).entry as Json[])[0].resource.id}`;
    expect(
      foci.some((f) => f.endsWith(noticeRef)),
      JSON.stringify(foci),
    ).toBe(true);
    // The facility cannot withdraw or rewrite the notice of its own access
    const notice = (json(notices).entry as Json[])[0].resource;
    expect((await ew.request({ method: 'DELETE', url: `/fhir/Communication/${notice.id}`, token: ew.staff.doctor })).statusCode).toBe(403);
    const rewritten = { ...notice, payload: [{ contentString: '閲覧はありませんでした' }] };
    expect((await ew.request({ method: 'PUT', url: `/fhir/Communication/${notice.id}`, token: ew.staff.doctor, body: rewritten })).statusCode).toBe(403);
    // Another facility, the ambulance and another patient find no notice
    for (const token of [ew.staff.otherDoctor, ew.clients.ambulance, ew.tokens.bob]) {
      const r = await ew.request({ method: 'GET', url: `/fhir/Communication?subject=Patient/${ew.carol.id}`, token });
      expect(json(r).entry ?? []).toHaveLength(0);
    }
    // Another person sees none of it
    const bob = partsOf((await ew.op(ew.tokens.bob, 'my-emergency-accesses', undefined, 'GET')).body, 'access');
    expect(bob).toHaveLength(0);
  });

  it('ends at its time (and can be ended early), then refuses with the end time', async () => {
    ew.clock.now = new Date(ew.clock.now.getTime() + 2 * 3600_000 + 1000);
    const late = await view(ew.staff.doctor, accessId);
    expect(late.status).toBe(403);
    expect(late.body.issue[0].details.text).toContain('終了しました');
    const again = await declare(ew.staff.doctor, byCard());
    const id = partsOf(again.body, 'access')[0].id;
    expect((await ew.op(ew.staff.doctor, 'end-emergency-access', [p('access', { valueString: id })])).status).toBe(200);
    expect((await view(ew.staff.doctor, id)).status).toBe(403);
    expect((await ew.op(ew.staff.doctor, 'end-emergency-access', [p('access', { valueString: id })])).status).toBe(403);
  });

  it('by name, birth date and sex: one match opens, candidates are shown and chosen, too many or none are refused', async () => {
    const who = (name: string, birthDate: string, sex: string, extra: Json[] = []) => [
      ...reason(),
      p('name', { valueString: name }),
      p('birthDate', { valueDate: birthDate }),
      p('sex', { valueCode: sex }),
      ...extra,
    ];
    const one = await declare(ew.staff.doctor, who('よしだ かずこ', '1948-03-03', 'female')); // hiragana, spaces
    expect(one.status, JSON.stringify(one.body).slice(0, 300)).toBe(201);
    expect(partsOf(one.body, 'access')[0]).toMatchObject({ identifiedBy: 'demographics' });
    const two = await declare(ew.staff.doctor, who('鈴木 一郎', '1950-01-01', 'male'));
    expect(two.status).toBe(200);
    const candidates = partsOf(two.body, 'candidate');
    expect(candidates.map((c) => c.patient.reference.split('/')[1]).sort()).toEqual([...ew.twins].sort());
    expect(JSON.stringify(two.body)).not.toMatch(/diagnosis|drug|access/);
    const chosen = await declare(ew.staff.doctor, who('鈴木 一郎', '1950-01-01', 'male', [p('patient', { valueString: ew.twins[1] })]));
    expect(chosen.status).toBe(201);
    expect(partsOf(chosen.body, 'access')[0].patient.reference).toBe(`Patient/${ew.twins[1]}`);
    // A candidate id that does not match the details (fishing for another person) is refused
    const fishing = await declare(ew.staff.doctor, who('鈴木 一郎', '1950-01-01', 'male', [p('patient', { valueString: ew.carol.id })]));
    expect(fishing.status).toBe(422);
    expect((await declare(ew.staff.doctor, who('鈴木 一郎', '1950-01-01', 'female'))).status).toBe(422);
    expect((await declare(ew.staff.doctor, who('存在 しない', '1950-01-01', 'male'))).status).toBe(422);
    // The candidates' logs record that they were shown
    const twinToken = (await ew.w.s.addClient({ kind: 'patient', patientId: ew.twins[0], scopes: ['patient/*.rs'] })).token;
    const log = partsOf((await ew.op(twinToken, 'access-log', undefined, 'GET')).body, 'access');
    expect(log.some((a) => a.operation === 'emergency-access' && a.emergency === true)).toBe(true);
  });

  it('the review list: the privacy officer confirms or flags; others may not', async () => {
    const list = await ew.op(ew.staff.officer, 'emergency-reviews', undefined, 'GET', '?state=pending');
    expect(list.status).toBe(200);
    const rows = partsOf(list.body, 'access');
    const row = rows.find((r) => r.id === accessId)!;
    expect(row).toMatchObject({ patientName: expect.stringContaining('𠮷田'), staffName: '救急 太郎', views: 1 });
    const review = (token: string, params: Json[]) => ew.op(token, 'review-emergency-access', [p('access', { valueString: accessId }), ...params]);
    expect((await review(ew.staff.officer, [p('decision', { valueCode: 'flagged' })])).status).toBe(400);
    expect((await review(ew.staff.officer, [p('decision', { valueCode: 'maybe' })])).status).toBe(400);
    expect((await review(ew.staff.doctor, [p('decision', { valueCode: 'confirmed' })])).status).toBe(403);
    expect((await review(ew.staff.otherOfficer, [p('decision', { valueCode: 'confirmed' })])).status).toBe(404);
    expect((await ew.op(ew.staff.nurse, 'emergency-reviews', undefined, 'GET')).status).toBe(403);
    expect((await ew.op(ew.clients.ambulance, 'emergency-reviews', undefined, 'GET')).status).toBe(403);
    const ok = await review(ew.staff.officer, [p('decision', { valueCode: 'flagged' }), p('note', { valueString: '閲覧回数を確認する' })]);
    expect(ok.status).toBe(200);
    expect(partsOf(ok.body, 'access')[0]).toMatchObject({ reviewState: 'flagged', reviewNote: '閲覧回数を確認する', reviewedBy: '管理 次郎' });
    const other = partsOf((await ew.op(ew.staff.otherOfficer, 'emergency-reviews', undefined, 'GET')).body, 'access');
    expect(other.some((r) => r.id === accessId)).toBe(false);
    // The person sees the review state, not the internal note
    const mine = partsOf((await ew.op(ew.clients.carol, 'my-emergency-accesses', undefined, 'GET')).body, 'access').find((a) => a.id === accessId)!;
    expect(mine.reviewState).toBe('flagged');
    expect(mine.reviewNote).toBeUndefined();
  });

  it('the operator report counts use by facility; only operators read it', async () => {
    const r = await ew.op(ew.tokens.operator, 'emergency-report', undefined, 'GET');
    expect(r.status).toBe(200);
    const row = partsOf(r.body, 'organisation').find((o) => o.grantee === 'facility:1312345679' && o.mode === 'emergency')!;
    expect(row.accesses).toBeGreaterThanOrEqual(4);
    expect(row.flagged).toBe(1);
    for (const token of [ew.staff.officer, ew.staff.doctor, ew.clients.carol])
      expect((await ew.op(token, 'emergency-report', undefined, 'GET')).status).toBe(403);
    expect((await ew.op(ew.tokens.operator, 'emergency-report', undefined, 'GET', '?from=2026-13-01')).status).toBe(400);
  });
});
