/**
 * The duplicate and contraindication check as the service runs it: before issuing ($check-prescription), at
 * registration (an alert refuses unless a reason is given) and at dispensing, against the person's prescriptions and
 * dispensings of 100 days across facilities; the conflicting details only with the patient's consent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, personRecord } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { DRUGS, OTHER_CLINIC, type Drug, type Person, type RxWorld, issueTexts, out, outAll, part, rxWorld } from './eprescription-world.ts';

type Json = Record<string, unknown>;

describe.each(ENGINES)('checks in the service (%s)', (engine) => {
  let x: RxWorld;
  let people: Person[];
  beforeAll(async () => {
    x = await rxWorld(engine);
    // more people, each test its own, so histories do not mix
    const reg = await x.w.register(
      Array.from({ length: 8 }, (_, i) => personRecord({ symbol: '7654321', number: String(10 + i), given_name: `太郎${i}`, birth_date: '1960-04-01' })),
    );
    people = reg.results.map((r, i) => ({
      id: r.patient!.replace('Patient/', ''),
      insurer: x.alice.insurer,
      symbol: '7654321',
      number: String(10 + i),
      branch: '00',
      birthDate: '1960-04-01',
      memberId: `${x.alice.insurer}:7654321:${10 + i}:00`,
    }));
  }, 120_000);
  afterAll(() => x?.close());

  const at = (token: string, facility: string, person: Person, drugs: Drug[], reason?: string) =>
    x.sign(x.prescription(person, { facility, drugs })).then((b) => x.register(token, b, reason));
  const alertsOf = (body: Json) => outAll(body, 'alert');
  const kinds = (body: Json) =>
    body.resourceType === 'OperationOutcome'
      ? (body.issue as Json[]).slice(1).map((i) => ((i.details as Json).coding as Json[])[0].code)
      : alertsOf(body).map((a) => part(a, 'kind'));

  it('duplicate by ingredient across two facilities: refused without a reason, registered with one, the reason kept', async () => {
    const p = people[0];
    expect((await at(x.tokens.other, OTHER_CLINIC, p, [DRUGS.lipitor10])).status).toBe(201);
    const refused = await at(x.tokens.clinic, '1312345679', p, [DRUGS.lipitor5]);
    expect(refused.status).toBe(422);
    expect(kinds(refused.body)).toEqual(['duplicate-ingredient']);
    const ok = await at(x.tokens.clinic, '1312345679', p, [DRUGS.lipitor5], '他院処方の中止を確認済み');
    expect(ok.status).toBe(201);
    expect(kinds(ok.body)).toEqual(['duplicate-ingredient']);
    const row = (
      await x.w.s.t.platform.db.query<{ override_reason: string }>('SELECT override_reason FROM eprescription_prescriptions WHERE prescription_id = $1', [
        out(ok.body, 'prescription'),
      ])
    ).rows[0];
    expect(row.override_reason).toBe('他院処方の中止を確認済み');
  });

  it('the detail of an alert only with the patient’s consent at the facility (medication group)', async () => {
    const p = people[1];
    await at(x.tokens.other, OTHER_CLINIC, p, [DRUGS.lipitor10]);
    const draft = x.prescription(p, { drugs: [DRUGS.lipitor5] });
    const without = await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: draft }]);
    expect(without.status).toBe(200);
    expect(out(without.body, 'consent')).toBe(false);
    const a = alertsOf(without.body)[0];
    expect(part(a, 'redacted')).toBe(true);
    expect(part(a, 'conflictingName')).toBeUndefined();
    expect(JSON.stringify(without.body)).not.toContain('リピトール錠１０ｍｇ');
    await x.consent(p.id, '1312345679', 'facility');
    const withConsent = await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: draft }]);
    const b = alertsOf(withConsent.body)[0];
    expect(part(b, 'redacted')).toBe(false);
    expect(part(b, 'conflictingName')).toBe('リピトール錠１０ｍｇ');
    expect(part(b, 'conflictingDate')).toBe(x.today());
    expect(part(b, 'facilityKind')).toBe('medical');
    // each check is audited with its basis
    const checks = (await auditOf(x.w, p.id)).filter((e) => e.subtype === 'check-prescription');
    expect(checks.length).toBe(2);
  });

  it('duplicate by therapeutic class (two benzodiazepines)', async () => {
    const p = people[2];
    await at(x.tokens.other, OTHER_CLINIC, p, [DRUGS.quazepam]);
    const r = await at(x.tokens.clinic, '1312345679', p, [DRUGS.triazolam]);
    expect(r.status).toBe(422);
    expect(kinds(r.body)).toEqual(['duplicate-class']);
  });

  it('a contraindicated pair in both orders', async () => {
    const [p, q] = [people[3], people[4]];
    await at(x.tokens.other, OTHER_CLINIC, p, [DRUGS.simvastatin]);
    const r1 = await at(x.tokens.clinic, '1312345679', p, [DRUGS.itraconazole]);
    expect(r1.status).toBe(422);
    expect(kinds(r1.body)).toEqual(['contraindicated']);
    await at(x.tokens.other, OTHER_CLINIC, q, [DRUGS.itraconazole]);
    await x.consent(q.id, '1312345679', 'facility');
    const r2 = await at(x.tokens.clinic, '1312345679', q, [DRUGS.simvastatin]);
    expect(r2.status).toBe(422);
    expect(kinds(r2.body)).toEqual(['contraindicated']);
    // with consent the statement of the package insert is named
    expect(issueTexts(r2.body)[1]).toContain('イトリゾールカプセル５０');
    expect(issueTexts(r2.body)[1]).toMatch(/横紋筋融解症/);
  });

  it('two lines of the same prescription conflicting with each other', async () => {
    const r = await at(x.tokens.clinic, '1312345679', people[5], [DRUGS.triazolam, DRUGS.itraconazole]);
    expect(r.status).toBe(422);
    expect(kinds(r.body)).toEqual(['contraindicated']);
  });

  it('no alert after the 100-day window; the boundary day still counts', async () => {
    const p = people[6];
    await at(x.tokens.other, OTHER_CLINIC, p, [DRUGS.lipitor10]);
    const start = x.clock.now;
    try {
      x.clock.advanceDays(100);
      const draft = () => x.prescription(p, { drugs: [DRUGS.lipitor5] });
      expect(alertsOf((await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: draft() }])).body).length).toBe(1);
      x.clock.advanceDays(1);
      expect(alertsOf((await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: draft() }])).body).length).toBe(0);
      expect((await x.register(x.tokens.clinic, await x.sign(draft()))).status).toBe(201);
    } finally {
      x.clock.now = start;
    }
  });

  it('at dispensing: the pharmacy is told of what it dispensed against other facilities’ drugs (not refused)', async () => {
    const p = people[7];
    await at(x.tokens.other, OTHER_CLINIC, p, [DRUGS.simvastatin]);
    const r = await at(x.tokens.clinic, '1312345679', p, [DRUGS.itraconazole], '皮膚科と協議済み');
    expect(r.status).toBe(201);
    const basis = [
      { name: 'exchangeNumber', valueString: out(r.body, 'exchangeNumber') },
      { name: 'insuredNumber', valueString: p.memberId },
      { name: 'birthDate', valueDate: p.birthDate },
    ];
    const got = await x.op(x.tokens.pharmacy, 'retrieve-prescription', basis);
    const rxParam = outAll(got.body, 'prescription')[0];
    const alerts = ((rxParam.part as Json[]) ?? []).filter((x) => x.name === 'alert');
    expect(alerts.map((a) => part(a, 'kind'))).toEqual(['contraindicated']);
    await x.op(x.tokens.pharmacy, 'accept-prescription', [{ name: 'prescription', valueString: out(r.body, 'prescription') }, ...basis]);
    const d = await x.op(x.tokens.pharmacy, 'dispense-prescription', [
      { name: 'prescription', valueString: out(r.body, 'prescription') },
      {
        name: 'dispense',
        resource: {
          resourceType: 'MedicationDispense',
          status: 'completed',
          medicationCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.1.73', code: DRUGS.itraconazole.code }] },
          quantity: { value: 14 },
        },
      },
    ]);
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(alertsOf(d.body).map((a) => part(a, 'kind'))).toEqual(['contraindicated']);
  });

  it('the light form: the drugs with the insured number and birth date, while the doctor is still choosing', async () => {
    const p = people[0]; // holds リピトール錠１０ｍｇ from the other clinic (first test)
    const med = (d: Drug) => ({
      name: 'medication',
      valueCodeableConcept: { coding: [{ system: d.system === 'yj' ? 'urn:oid:1.2.392.100495.20.1.73' : 'urn:oid:1.2.392.100495.20.2.71', code: d.code }] },
    });
    const who = [
      { name: 'insuredNumber', valueString: p.memberId },
      { name: 'birthDate', valueDate: p.birthDate },
    ];
    const r = await x.op(x.tokens.clinic, 'check-prescription', [...who, med(DRUGS.lipitor5), med(DRUGS.carbocisteine)]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(alertsOf(r.body).map((a) => [part(a, 'kind'), part(a, 'line')])).toEqual([['duplicate-ingredient', 1]]);
    const wrong = await x.op(x.tokens.clinic, 'check-prescription', [who[0], { name: 'birthDate', valueDate: '1960-04-02' }, med(DRUGS.lipitor5)]);
    expect(wrong.status).toBe(422);
    expect(issueTexts(wrong.body)[0]).toContain('一人に定まりません');
    const dummy = await x.op(x.tokens.clinic, 'check-prescription', [...who, med({ system: 'receipt', code: '999999999' })]);
    expect(dummy.status).toBe(422);
    expect((await x.op(x.tokens.clinic, 'check-prescription', [who[0], med(DRUGS.lipitor5)])).status).toBe(400);
    const both = await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: x.prescription(p) }, ...who, med(DRUGS.lipitor5)]);
    expect(both.status).toBe(400);
  });

  it('$check-prescription: only facilities; bad input 400', async () => {
    const draft = x.prescription(people[0], { drugs: [DRUGS.lipitor5] });
    for (const token of [x.tokens.pharmacy, x.tokens.alice, x.tokens.insurer])
      expect((await x.op(token, 'check-prescription', [{ name: 'resource', resource: draft }])).status).toBe(403);
    expect((await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: { resourceType: 'Patient' } }])).status).toBe(400);
  });
});
