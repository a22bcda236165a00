/**
 * The pharmacy side: retrieval by 引換番号 + insured number + birth date or by the card with consent, the lock,
 * dispensing with substitution, split dispensing, refills and their windows, correction and cancellation of results,
 * the receipt signed by the service, the prescriber's cancellation — and every deny path, recorded.
 */
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { json } from '../helpers/tsunagu.ts';
import { ENGINES } from '../helpers/engines.ts';
import { DRUGS, type Drug, type Person, type RxOptions, type RxWorld, issueTexts, out, outAll, part, parts, rxWorld } from './eprescription-world.ts';

type Json = Record<string, unknown>;

describe.each(ENGINES)('the pharmacy (%s)', (engine) => {
  let x: RxWorld;
  beforeAll(async () => {
    x = await rxWorld(engine);
  }, 120_000);
  afterAll(() => x?.close());

  async function registered(person: Person, opts: RxOptions = {}) {
    const r = await x.register(x.tokens.clinic, await x.sign(x.prescription(person, { drugs: [DRUGS.carbocisteine], ...opts })));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: out(r.body, 'prescription') as string, exchange: out(r.body, 'exchangeNumber') as string };
  }
  const basis = (exchange: string, person: Person, birthDate = person.birthDate) => [
    { name: 'exchangeNumber', valueString: exchange },
    { name: 'insuredNumber', valueString: person.memberId },
    { name: 'birthDate', valueDate: birthDate },
  ];
  const retrieve = (token: string, exchange: string, person: Person, birthDate?: string) =>
    x.op(token, 'retrieve-prescription', basis(exchange, person, birthDate));
  const accept = (token: string, id: string, extra: { name: string; [k: string]: unknown }[] = []) =>
    x.op(token, 'accept-prescription', [{ name: 'prescription', valueString: id }, ...extra]);
  const dispenseOf = (drug: Drug, quantity: number, extra: Json = {}) => ({
    name: 'dispense',
    resource: {
      resourceType: 'MedicationDispense',
      status: 'completed',
      medicationCodeableConcept: {
        coding: [
          {
            system: {
              receipt: 'urn:oid:1.2.392.100495.20.2.71',
              yj: 'urn:oid:1.2.392.100495.20.1.73',
              general: 'urn:oid:1.2.392.100495.20.1.81',
              hot9: 'urn:oid:1.2.392.200119.4.403.1',
            }[drug.system],
            code: drug.code,
            display: drug.display,
          },
        ],
      },
      quantity: { value: quantity, unit: '錠' },
      whenHandedOver: `${x.today()}T15:00:00+09:00`,
      ...extra,
    },
  });
  const dispense = (token: string, id: string, lines: ReturnType<typeof dispenseOf>[], complete?: boolean) =>
    x.op(token, 'dispense-prescription', [
      { name: 'prescription', valueString: id },
      ...lines,
      ...(complete === undefined ? [] : [{ name: 'complete', valueBoolean: complete }]),
    ]);
  const medication = (body: Json) => parts(outAll(body, 'prescription')[0] ?? {}, 'medication');

  it('retrieves by 引換番号 + insured number + birth date: master names, the signed document, an audited read', async () => {
    const rx = await registered(x.alice);
    const r = await retrieve(x.tokens.pharmacy, rx.exchange, x.alice);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const p = outAll(r.body, 'prescription')[0];
    expect(part(p, 'id')).toBe(rx.id);
    expect(part(p, 'state')).toBe('registered');
    expect(part(medication(r.body)[0], 'name')).toBe('カルボシステイン錠２５０ｍｇ');
    expect((part(p, 'document') as Json).resourceType).toBe('Bundle');
    expect((part(p, 'document') as Json).signature).toBeDefined();
    const reads = (await auditOf(x.w, x.alice.id)).filter((e) => e.subtype === 'retrieve-prescription' && e.outcome === '0');
    expect(reads.some((e) => e.entities.includes(`Basic/${rx.id}`) && e.policy?.some((p) => p.includes('exchange-number')))).toBe(true);
  });

  it('a wrong birth date, another person’s number or a wrong 引換番号 answer alike (404); the wrong birth date is in the person’s log', async () => {
    const rx = await registered(x.alice);
    const wrongBirth = await retrieve(x.tokens.pharmacy, rx.exchange, x.alice, '1985-01-02');
    const wrongPerson = await retrieve(x.tokens.pharmacy, rx.exchange, x.bob);
    const wrongNumber = await retrieve(x.tokens.pharmacy, rx.exchange === '000000' ? '000001' : '000000', x.alice);
    for (const r of [wrongBirth, wrongPerson, wrongNumber]) {
      expect(r.status).toBe(404);
      expect(issueTexts(r.body)[0]).toBe(issueTexts(wrongBirth.body)[0]);
    }
    const refused = (await auditOf(x.w, x.alice.id)).filter((e) => e.subtype === 'retrieve-prescription' && e.outcome === '4');
    expect(refused.some((e) => e.entities.includes(`Basic/${rx.id}`))).toBe(true);
    // the wrong person cannot accept it either
    expect((await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.bob))).status).toBe(404);
  });

  it('by the card: refused without the patient’s consent at the pharmacy (recorded), listed with it', async () => {
    const rx = await registered(x.bob);
    const before = await x.op(x.tokens.otherPharmacy, 'retrieve-prescription', [{ name: 'patient', valueString: x.bob.id }]);
    expect(before.status).toBe(403);
    expect((await auditOf(x.w, x.bob.id)).some((e) => e.subtype === 'retrieve-prescription' && e.outcome === '4')).toBe(true);
    // nor can it accept by id without a basis
    expect((await accept(x.tokens.otherPharmacy, rx.id)).status).toBe(403);
    await x.consent(x.bob.id, '1349876548', 'pharmacy');
    const after = await x.op(x.tokens.otherPharmacy, 'retrieve-prescription', [{ name: 'patient', valueString: x.bob.id }]);
    expect(after.status).toBe(200);
    expect(outAll(after.body, 'prescription').map((p) => part(p, 'id'))).toContain(rx.id);
  });

  it('facilities, patients and insurers cannot use the pharmacy operations (403)', async () => {
    const rx = await registered(x.alice);
    for (const token of [x.tokens.clinic, x.tokens.alice, x.tokens.insurer]) {
      expect((await retrieve(token, rx.exchange, x.alice)).status).toBe(403);
      expect((await accept(token, rx.id, basis(rx.exchange, x.alice))).status).toBe(403);
    }
  });

  it('accepting locks it: a second pharmacy can neither accept, retrieve nor dispense it', async () => {
    const rx = await registered(x.alice);
    expect((await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice))).status).toBe(200);
    const second = await accept(x.tokens.otherPharmacy, rx.id, basis(rx.exchange, x.alice));
    expect(second.status).toBe(409);
    expect(issueTexts(second.body)[0]).toContain('他の薬局で受付済み');
    expect((await retrieve(x.tokens.otherPharmacy, rx.exchange, x.alice)).status).toBe(409);
    expect((await dispense(x.tokens.otherPharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 14)])).status).toBe(404);
    const refused = (await auditOf(x.w, x.alice.id)).filter((e) => e.outcome === '4' && e.entities.includes(`Basic/${rx.id}`));
    expect(new Set(refused.map((e) => e.subtype))).toEqual(new Set(['accept-prescription', 'retrieve-prescription', 'dispense-prescription']));
    // released, the other pharmacy may take it
    expect((await x.op(x.tokens.pharmacy, 'release-prescription', [{ name: 'prescription', valueString: rx.id }])).status).toBe(200);
    expect((await accept(x.tokens.otherPharmacy, rx.id, basis(rx.exchange, x.alice))).status).toBe(200);
  });

  it('two pharmacies accepting at the same moment: exactly one gets it', async () => {
    const rx = await registered(x.bob);
    const both = await Promise.all([x.tokens.pharmacy, x.tokens.otherPharmacy].map((t) => accept(t, rx.id, basis(rx.exchange, x.bob))));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('dispenses, registers the result and returns a receipt signed by the service (verifiable with its JWKS)', async () => {
    const rx = await registered(x.alice);
    expect((await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 14)])).status).toBe(409); // not accepted yet
    await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice));
    const d = await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 14)]);
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(out(d.body, 'completesUse')).toBe(true);
    expect(out(d.body, 'prescriptionState')).toBe('completed');
    const jwks = json(await x.w.request({ method: 'GET', url: '/eprescription/jwks' }));
    const { payload, protectedHeader } = await compactVerify(out(d.body, 'receipt') as string, createLocalJWKSet(jwks));
    expect(protectedHeader.typ).toBe('tsunagu-receipt+jws');
    const receipt = JSON.parse(new TextDecoder().decode(payload));
    expect(receipt).toMatchObject({ dispensing: out(d.body, 'dispensing'), prescription: rx.id, pharmacy: '1342345673', use: 1, state: 'registered' });
    expect(receipt.lines[0]).toMatchObject({ code: DRUGS.carbocisteine.code, quantity: 14, substituted: false });
    // a tampered receipt does not verify
    const [h, p, s] = (out(d.body, 'receipt') as string).split('.');
    await expect(compactVerify(`${h}.${p.slice(0, -2)}AA.${s}`, createLocalJWKSet(jwks))).rejects.toThrow();
    // dispensed: cannot be accepted again, nor cancelled by the prescriber
    const again = await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice));
    expect(again.status).toBe(409);
    expect(issueTexts(again.body)[0]).toContain('この処方箋は調剤済みです');
    expect((await x.op(x.tokens.clinic, 'cancel-prescription', [{ name: 'prescription', valueString: rx.id }])).status).toBe(409);
  });

  it('substitution: another brand of the same generic is recorded; undeclared or 後発品変更不可 is refused', async () => {
    const drug = { ...DRUGS.loxonin, quantity: 10 };
    const ok = await registered(x.bob, { drugs: [drug] });
    await accept(x.tokens.pharmacy, ok.id, basis(ok.exchange, x.bob));
    const undeclared = await dispense(x.tokens.pharmacy, ok.id, [dispenseOf(DRUGS.loxoprofenSawai, 10)]);
    expect(undeclared.status).toBe(422);
    expect(issueTexts(undeclared.body).join()).toContain('wasSubstituted');
    const notPrescribed = await dispense(x.tokens.pharmacy, ok.id, [dispenseOf(DRUGS.lipitor10, 10)]);
    expect(notPrescribed.status).toBe(422);
    expect(issueTexts(notPrescribed.body).join()).toContain('処方されていない');
    const d = await dispense(x.tokens.pharmacy, ok.id, [dispenseOf(DRUGS.loxoprofenSawai, 10, { substitution: { wasSubstituted: true } })]);
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const hist = await x.op(x.tokens.bob, 'my-prescriptions', []);
    const mine = outAll(hist.body, 'record').filter((r) => part(r, 'prescription') === ok.id && part(r, 'source') === 'dispensing');
    expect(mine.map((r) => [part(r, 'name'), part(r, 'substituted')])).toEqual([['ロキソプロフェンＮａ錠６０ｍｇ「サワイ」', true]]);

    const fixed = await registered(x.bob, { drugs: [{ ...drug, substitution: '1' }] });
    await accept(x.tokens.pharmacy, fixed.id, basis(fixed.exchange, x.bob));
    const refused = await dispense(x.tokens.pharmacy, fixed.id, [dispenseOf(DRUGS.loxoprofenSawai, 10, { substitution: { wasSubstituted: true } })]);
    expect(refused.status).toBe(422);
    expect(issueTexts(refused.body).join()).toContain('後発品変更不可');
  });

  it('split dispensing: parts add up, the remainder is shown, more than prescribed is refused', async () => {
    const rx = await registered(x.alice, { drugs: [{ ...DRUGS.carbocisteine, quantity: 21 }], split: true });
    await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice));
    const first = await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 7)]);
    expect(first.status).toBe(201);
    expect(out(first.body, 'completesUse')).toBe(false);
    expect(out(first.body, 'prescriptionState')).toBe('accepted');
    const status = await x.op(x.tokens.clinic, 'prescription-status', [{ name: 'prescription', valueString: rx.id }]);
    expect(part(medication(status.body)[0], 'remaining')).toBe(14);
    const tooMuch = await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 15)]);
    expect(tooMuch.status).toBe(422);
    expect(issueTexts(tooMuch.body).join()).toMatch(/処方量を超えます.*21.*7.*15/);
    // a pharmacy cannot release a prescription part of whose use it dispensed
    expect((await x.op(x.tokens.pharmacy, 'release-prescription', [{ name: 'prescription', valueString: rx.id }])).status).toBe(409);
    const second = await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 7)]);
    expect(out(second.body, 'completesUse')).toBe(false);
    const last = await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 7)]);
    expect(out(last.body, 'completesUse')).toBe(true);
    expect(out(last.body, 'prescriptionState')).toBe('completed');
    const total = outAll((await x.op(x.tokens.alice, 'my-prescriptions', [])).body, 'record')
      .filter((r) => part(r, 'prescription') === rx.id && part(r, 'source') === 'dispensing')
      .reduce((n, r) => n + (part(r, 'quantity') as number), 0);
    expect(total).toBe(21);
  });

  it('refill: 3 uses, each in its window (7 days either side of the planned date); an early use and a 4th are refused', async () => {
    const rx = await registered(x.bob, { drugs: [{ ...DRUGS.carbocisteine, quantity: 21, days: 28 }], repeats: 2 });
    const take = async () => {
      const a = await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.bob));
      if (a.status !== 200) return a;
      return dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 21)]);
    };
    const start = x.clock.now;
    try {
      expect((await take()).status).toBe(201); // use 1
      x.clock.advanceDays(20); // planned date day 28: from day 21
      const early = await take();
      expect(early.status).toBe(409);
      expect(issueTexts(early.body)[0]).toMatch(/2回目.*から受け付け/);
      x.clock.advanceDays(1);
      const second = await take();
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(out(second.body, 'use')).toBe(2);
      x.clock.advanceDays(28);
      const third = await take();
      expect(out(third.body, 'use')).toBe(3);
      expect(out(third.body, 'prescriptionState')).toBe('completed');
      x.clock.advanceDays(28);
      const fourth = await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.bob));
      expect(fourth.status).toBe(409);
      expect(issueTexts(fourth.body)[0]).toContain('使用回数の上限（3回）まで調剤済み');
      const s = await x.op(x.tokens.clinic, 'prescription-status', [{ name: 'prescription', valueString: rx.id }]);
      expect(part(outAll(s.body, 'prescription')[0], 'usesDone')).toBe(3);
      expect(part(outAll(s.body, 'prescription')[0], 'state')).toBe('completed');
    } finally {
      x.clock.now = start;
    }
  });

  it('a refill use past its window is refused', async () => {
    const rx = await registered(x.alice, { drugs: [{ ...DRUGS.carbocisteine, days: 14 }], repeats: 1 });
    await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice));
    await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.carbocisteine, 14)]);
    const start = x.clock.now;
    try {
      x.clock.advanceDays(22); // planned day 14, window to day 21
      const late = await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice));
      expect(late.status).toBe(409);
      expect(issueTexts(late.body)[0]).toContain('過ぎています');
    } finally {
      x.clock.now = start;
    }
  });

  it('corrects and cancels a result: only the dispensing pharmacy, only the latest; a cancelled completing result opens the use again', async () => {
    const rx = await registered(x.alice, { drugs: [{ ...DRUGS.loxonin, quantity: 10 }] });
    await accept(x.tokens.pharmacy, rx.id, basis(rx.exchange, x.alice));
    const d = await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.loxonin, 10)]);
    const id = out(d.body, 'dispensing') as string;
    const other = await x.op(x.tokens.otherPharmacy, 'correct-dispensing', [{ name: 'dispensing', valueString: id }, dispenseOf(DRUGS.loxonin, 8)]);
    expect(other.status).toBe(404);
    const corrected = await x.op(x.tokens.pharmacy, 'correct-dispensing', [
      { name: 'dispensing', valueString: id },
      dispenseOf(DRUGS.loxoprofenSawai, 10, { substitution: { wasSubstituted: true } }),
    ]);
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(out(corrected.body, 'version')).toBe(2);
    expect(out(corrected.body, 'state')).toBe('corrected');
    expect((await x.op(x.tokens.otherPharmacy, 'cancel-dispensing', [{ name: 'dispensing', valueString: id }])).status).toBe(404);
    const cancelled = await x.op(x.tokens.pharmacy, 'cancel-dispensing', [{ name: 'dispensing', valueString: id }]);
    expect(cancelled.status).toBe(200);
    expect(out(cancelled.body, 'prescriptionState')).toBe('accepted');
    expect((await x.op(x.tokens.pharmacy, 'cancel-dispensing', [{ name: 'dispensing', valueString: id }])).status).toBe(409);
    // the history no longer holds the cancelled result
    const hist = outAll((await x.op(x.tokens.alice, 'my-prescriptions', [])).body, 'record').filter((r) => part(r, 'dispensing') === id);
    expect(hist).toEqual([]);
    // and the use can be dispensed again
    expect((await dispense(x.tokens.pharmacy, rx.id, [dispenseOf(DRUGS.loxonin, 10)])).status).toBe(201);
  });

  it('the prescriber cancels before dispensing; once a pharmacy holds it, not; another facility cannot', async () => {
    const a = await registered(x.bob);
    expect((await x.op(x.tokens.other, 'cancel-prescription', [{ name: 'prescription', valueString: a.id }])).status).toBe(404);
    const c = await x.op(x.tokens.clinic, 'cancel-prescription', [
      { name: 'prescription', valueString: a.id },
      { name: 'reason', valueString: '処方内容の誤り' },
    ]);
    expect(c.status).toBe(200);
    expect(out(c.body, 'state')).toBe('cancelled');
    const gone = await retrieve(x.tokens.pharmacy, a.exchange, x.bob);
    expect(gone.status).toBe(409);
    expect(issueTexts(gone.body)[0]).toContain('取り消されています');
    const b = await registered(x.bob);
    await accept(x.tokens.pharmacy, b.id, basis(b.exchange, x.bob));
    const held = await x.op(x.tokens.clinic, 'cancel-prescription', [{ name: 'prescription', valueString: b.id }]);
    expect(held.status).toBe(409);
    expect(issueTexts(held.body)[0]).toContain('受付済み');
  });

  it('guessing 引換番号 is throttled (429) after 10 failures in an hour', async () => {
    const token = (await x.w.s.addClient({ kind: 'pharmacy', facilityCode: '1341111118', scopes: ['system/*.rs'] })).token;
    for (let i = 0; i < 10; i++) expect((await retrieve(token, String(100000 + i), x.alice)).status).toBe(404);
    const rx = await registered(x.alice);
    const r = await retrieve(token, rx.exchange, x.alice);
    expect(r.status).toBe(429);
  });

  it('every kind of refusal of the service is in the audit log (subtype, outcome 4)', async () => {
    await x.w.s.t.platform.readAudit.drain();
    const rows = await x.w.s.t.platform.db.query<{ detail: string }>("SELECT detail FROM audit_events WHERE outcome = '4'");
    const subtypes = new Set(rows.rows.map((r) => (JSON.parse(r.detail) as { s?: string }).s));
    for (const op of [
      'retrieve-prescription',
      'accept-prescription',
      'release-prescription',
      'dispense-prescription',
      'correct-dispensing',
      'cancel-dispensing',
      'cancel-prescription',
    ])
      expect(subtypes, op).toContain(op);
  });

  it('bad input: some but not all of the exchange fields, nothing at all, an unknown prescription id', async () => {
    expect((await x.op(x.tokens.pharmacy, 'retrieve-prescription', [{ name: 'exchangeNumber', valueString: '123456' }])).status).toBe(400);
    expect((await x.op(x.tokens.pharmacy, 'retrieve-prescription', [])).status).toBe(400);
    expect((await accept(x.tokens.pharmacy, 'no-such-id', [])).status).toBe(404);
    expect((await x.op(x.tokens.pharmacy, 'dispense-prescription', [{ name: 'prescription', valueString: 'no-such-id' }])).status).toBe(400);
  });
});
