/**
 * The pharmacy app's views: $substitutes (the brands of a prescribed drug's generic, for 代替調剤) and
 * $pharmacy-worklist (the pharmacy's own prescriptions of a day: held and not yet registered, registered, cancelled;
 * counts and share; another pharmacy sees none; audited per person) — with their deny paths, on every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { DRUGS, type Drug, type Person, type RxWorld, issueTexts, out, outAll, part, parts, rxWorld } from './eprescription-world.ts';

type Json = Record<string, unknown>;

describe.each(ENGINES)('the pharmacy app’s views (%s)', (engine) => {
  let x: RxWorld;
  beforeAll(async () => {
    x = await rxWorld(engine);
  }, 120_000);
  afterAll(() => x?.close());

  const get = async (token: string, name: string, query = '') => {
    const res = await x.w.request({ method: 'GET', url: `/fhir/$${name}${query ? `?${query}` : ''}`, token });
    return { status: res.statusCode, body: JSON.parse(res.body) as Json };
  };
  async function registered(person: Person, drug: Drug = DRUGS.loxonin) {
    const r = await x.register(x.tokens.clinic, await x.sign(x.prescription(person, { drugs: [{ ...drug, quantity: 10 }] })));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: out(r.body, 'prescription') as string, exchange: out(r.body, 'exchangeNumber') as string };
  }
  const basis = (exchange: string, person: Person) => [
    { name: 'exchangeNumber', valueString: exchange },
    { name: 'insuredNumber', valueString: person.memberId },
    { name: 'birthDate', valueDate: person.birthDate },
  ];
  const dispenseOf = (drug: Drug, quantity: number) => ({
    name: 'dispense',
    resource: {
      resourceType: 'MedicationDispense',
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: drug.code, display: drug.display }] },
      quantity: { value: quantity, unit: '錠' },
      whenHandedOver: `${x.today()}T15:00:00+09:00`,
    },
  });
  const names = (body: Json) => outAll(body, 'drug').map((d) => part(d, 'name'));

  it('$substitutes: the brands of the prescribed drug’s generic valid today, the prescribed one marked; by 一般名コード its brands', async () => {
    const r = await get(x.tokens.pharmacy, 'substitutes', `code=${DRUGS.loxonin.code}&system=receipt`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(out(r.body, 'generalCode')).toBe('1149019F1ZZZ');
    expect(out(r.body, 'generalName')).toBe('【般】ロキソプロフェンＮａ錠６０ｍｇ');
    expect(names(r.body)).toEqual(['ロキソニン錠６０ｍｇ', 'ロキソプロフェンＮａ錠６０ｍｇ「サワイ」']);
    expect(outAll(r.body, 'drug').map((d) => part(d, 'prescribed'))).toEqual([true, false]);
    // the system by the code's shape; a general-name line: its brands, none "prescribed"
    const g = await get(x.tokens.pharmacy, 'substitutes', 'code=1149019F1ZZZ');
    expect(g.status).toBe(200);
    expect(names(g.body).sort()).toEqual(['ロキソニン錠６０ｍｇ', 'ロキソプロフェンＮａ錠６０ｍｇ「サワイ」'].sort());
    expect(outAll(g.body, 'drug').every((d) => part(d, 'prescribed') === false)).toBe(true);
    // a drug without another brand: itself only; a different strength is not the same generic
    const lipitor = await get(x.tokens.pharmacy, 'substitutes', `code=${DRUGS.lipitor10.code}`);
    expect(names(lipitor.body)).toEqual(['リピトール錠１０ｍｇ']);
  });

  it('$substitutes refuses unknown and dummy codes (422 naming why), a bad system (400), and patients and insurers (403)', async () => {
    const unknown = await get(x.tokens.pharmacy, 'substitutes', 'code=620000001&system=receipt');
    expect(unknown.status).toBe(422);
    expect(issueTexts(unknown.body)[0]).toContain('医薬品マスターにありません');
    const dummy = await get(x.tokens.pharmacy, 'substitutes', 'code=999999999&system=receipt');
    expect(dummy.status).toBe(422);
    expect(issueTexts(dummy.body)[0]).toContain('ダミーコード');
    expect((await get(x.tokens.pharmacy, 'substitutes', 'code=610443014&system=http://loinc.org')).status).toBe(400);
    expect((await get(x.tokens.pharmacy, 'substitutes', '')).status).toBe(400);
    for (const token of [x.tokens.alice, x.tokens.insurer]) expect((await get(token, 'substitutes', `code=${DRUGS.loxonin.code}`)).status).toBe(403);
  });

  it('$pharmacy-worklist: held (未登録), registered and cancelled of the day with counts and share; audited per person', async () => {
    const held = await registered(x.alice);
    const done = await registered(x.bob);
    const withdrawn = await registered(x.alice, DRUGS.lipitor10);
    for (const [rx, who] of [
      [held, x.alice],
      [done, x.bob],
      [withdrawn, x.alice],
    ] as const)
      expect((await x.op(x.tokens.pharmacy, 'accept-prescription', [{ name: 'prescription', valueString: rx.id }, ...basis(rx.exchange, who)])).status).toBe(
        200,
      );
    const d = await x.op(x.tokens.pharmacy, 'dispense-prescription', [{ name: 'prescription', valueString: done.id }, dispenseOf(DRUGS.loxonin, 10)]);
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const w = await x.op(x.tokens.pharmacy, 'dispense-prescription', [{ name: 'prescription', valueString: withdrawn.id }, dispenseOf(DRUGS.lipitor10, 10)]);
    const wid = out(w.body, 'dispensing') as string;
    expect((await x.op(x.tokens.pharmacy, 'cancel-dispensing', [{ name: 'dispensing', valueString: wid }])).status).toBe(200);
    // the cancelled result re-opened the use: held again, then given back
    expect((await x.op(x.tokens.pharmacy, 'release-prescription', [{ name: 'prescription', valueString: withdrawn.id }])).status).toBe(200);

    const r = await get(x.tokens.pharmacy, 'pharmacy-worklist', `date=${x.today()}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(out(r.body, 'date')).toBe(x.today());
    const entries = outAll(r.body, 'entry');
    const byId = (id: string) => entries.find((e) => part(parts(e, 'prescription')[0], 'id') === id)!;
    expect(part(byId(held.id), 'status')).toBe('unregistered');
    expect(part(byId(held.id), 'acceptedAt')).toBeDefined();
    expect(part(byId(held.id), 'birthDate')).toBe(x.alice.birthDate);
    expect(part(byId(held.id), 'patientName')).toBeTruthy();
    expect(part(byId(done.id), 'status')).toBe('registered');
    expect(part(byId(done.id), 'dispensing')).toBe(out(d.body, 'dispensing'));
    expect(part(byId(done.id), 'receipt')).toBe(out(d.body, 'receipt'));
    expect(part(parts(byId(done.id), 'line')[0], 'name')).toBe('ロキソニン錠６０ｍｇ');
    expect(part(parts(byId(done.id), 'prescription')[0], 'state')).toBe('completed');
    expect(part(byId(withdrawn.id), 'status')).toBe('cancelled');
    expect(part(byId(withdrawn.id), 'dispensingState')).toBe('cancelled');
    const count = (s: string) => entries.filter((e) => part(e, 'status') === s).length;
    expect(out(r.body, 'unregistered')).toBe(count('unregistered'));
    expect(out(r.body, 'registered')).toBe(count('registered'));
    expect(out(r.body, 'cancelled')).toBe(count('cancelled'));
    const [u, g] = [count('unregistered'), count('registered')];
    expect(out(r.body, 'registeredShare')).toBeCloseTo(g / (u + g), 3);
    // the default day is today; another day lists only what is still held
    expect(outAll((await get(x.tokens.pharmacy, 'pharmacy-worklist')).body, 'entry')).toHaveLength(entries.length);
    const yesterday = await get(x.tokens.pharmacy, 'pharmacy-worklist', 'date=2000-01-01');
    expect(out(yesterday.body, 'registered')).toBe(0);
    expect(out(yesterday.body, 'unregistered')).toBe(0);
    // each listed prescription is a read in its person's log
    const reads = (await auditOf(x.w, x.bob.id)).filter((e) => e.subtype === 'pharmacy-worklist' && e.outcome === '0');
    expect(reads.some((e) => e.entities.includes(`Basic/${done.id}`))).toBe(true);
  });

  it('$pharmacy-worklist: another pharmacy sees none (count 0); clinics, patients and insurers are refused (403, recorded); a bad date 400', async () => {
    const rx = await registered(x.bob);
    expect((await x.op(x.tokens.pharmacy, 'accept-prescription', [{ name: 'prescription', valueString: rx.id }, ...basis(rx.exchange, x.bob)])).status).toBe(
      200,
    );
    const other = await get(x.tokens.otherPharmacy, 'pharmacy-worklist', `date=${x.today()}`);
    expect(other.status).toBe(200);
    expect(outAll(other.body, 'entry')).toEqual([]);
    expect([out(other.body, 'unregistered'), out(other.body, 'registered'), out(other.body, 'cancelled')]).toEqual([0, 0, 0]);
    expect(out(other.body, 'registeredShare')).toBeUndefined();
    for (const token of [x.tokens.clinic, x.tokens.bob, x.tokens.insurer]) {
      const r = await get(token, 'pharmacy-worklist');
      expect(r.status).toBe(403);
      expect(issueTexts(r.body)[0]).toContain('薬局');
    }
    expect((await get(x.tokens.pharmacy, 'pharmacy-worklist', 'date=12/02')).status).toBe(400);
    expect((await get(x.tokens.pharmacy, 'pharmacy-worklist', 'date=2026-13-45')).status).toBe(400);
  });
});
