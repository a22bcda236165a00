/**
 * $register-prescription: the official examples register; every refusal (codes outside the master, expired and dummy
 * codes, a display that disagrees with its code, signatures that are missing, by a 薬剤師, over changed content or by a
 * revoked certificate, another facility's document, an unknown person, too many refill uses, an expired
 * prescription) is a precise OperationOutcome, stores nothing and is recorded in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { OFFICIAL_EXAMPLE_NAMES } from './official-examples.ts';
import { CLINIC, DRUGS, OTHER_CLINIC, type RxWorld, issueTexts, out, outAll, part, rxWorld } from './eprescription-world.ts';

type Json = Record<string, unknown>;

describe.each(ENGINES)('registering prescriptions (%s)', (engine) => {
  let x: RxWorld;
  beforeAll(async () => {
    x = await rxWorld(engine);
  }, 120_000);
  afterAll(() => x?.close());

  const count = async () => Number((await x.w.s.t.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM eprescription_prescriptions')).rows[0].n);
  const lineCount = async () => Number((await x.w.s.t.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM eprescription_lines')).rows[0].n);

  /** Registration is refused with `status`, an issue matching `text`, nothing stored, and the refusal audited. */
  async function refused(bundle: unknown, status: number, text: RegExp, token = x.tokens.clinic) {
    const [before, lines] = [await count(), await lineCount()];
    const r = await x.op(token, 'register-prescription', [{ name: 'resource', resource: bundle }]);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(
      issueTexts(r.body).some((t) => text.test(t)),
      issueTexts(r.body).join('\n'),
    ).toBe(true);
    expect(await count()).toBe(before);
    expect(await lineCount()).toBe(lines);
    return r;
  }

  it.each(OFFICIAL_EXAMPLE_NAMES)('the official example %s validates, registers and gets a 処方箋ID and a 6-digit 引換番号', async (example) => {
    const r = await x.register(x.tokens.clinic, await x.sign(x.prescription(x.alice, { example })));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(out(r.body, 'exchangeNumber')).toMatch(/^\d{6}$/);
    expect(out(r.body, 'patient')).toEqual({ reference: `Patient/${x.alice.id}` });
    expect(out(r.body, 'usesAllowed')).toBe(1);
    // 使用期限: 交付の日を含めて4日
    const today = x.today();
    expect(out(r.body, 'validUntil')).toBe(new Date(Date.parse(`${today}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10));
    const registered = (await auditOf(x.w, x.alice.id)).filter((e) => e.subtype === 'register-prescription' && e.outcome === '0');
    expect(registered.some((e) => e.entities.includes(`Basic/${out(r.body, 'prescription')}`))).toBe(true);
  });

  it('the same document (Bundle.identifier) twice is refused (409)', async () => {
    const rx = await x.sign(x.prescription(x.bob, { documentId: 'urn:uuid:11111111-2222-4333-8444-555555555555' }));
    expect((await x.register(x.tokens.clinic, rx)).status).toBe(201);
    await refused(rx, 409, /登録済み/);
  });

  it('a code outside the master is refused with its reason', async () => {
    const rx = await x.sign(x.prescription(x.alice, { drugs: [{ system: 'receipt', code: '620000016', display: 'どこにもない錠' }] }));
    await refused(rx, 422, /620000016.*(ありません|未収載|見つかりません)/);
  });

  it('an expired code (abolished before the 交付日) is refused', async () => {
    const rx = await x.sign(x.prescription(x.alice, { drugs: [{ system: 'receipt', code: '629900301', display: '【架空】オワリ錠１ｍｇ' }] }));
    await refused(rx, 422, /2024-03-31/);
  });

  it.each(['999999999', '000000000'])('a dummy code (%s) is refused', async (code) => {
    const rx = await x.sign(x.prescription(x.alice, { drugs: [{ system: 'receipt', code, display: 'ダミー' }] }));
    await refused(rx, 422, /ダミー|dummy/i);
  });

  it('a display that names another drug than its code is refused (the December 2024 incident)', async () => {
    const rx = await x.sign(x.prescription(x.alice, { drugs: [{ ...DRUGS.lipitor10, display: 'リピトール錠５ｍｇ' }] }));
    const r = await refused(rx, 422, /表示名「リピトール錠５ｍｇ」.*リピトール錠１０ｍｇ/);
    expect(JSON.stringify(r.body)).toContain('medicationCodeableConcept.coding[0].display');
  });

  it('a display that differs only in notation (全角/半角, spaces) registers; free text is kept, flagged, after the master name', async () => {
    const rx = await x.sign(x.prescription(x.bob, { drugs: [{ ...DRUGS.lipitor10, display: 'リピトール錠 10mg', text: 'リピトール（朝食後）' }] }));
    const r = await x.register(x.tokens.clinic, rx);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const s = await x.op(x.tokens.clinic, 'prescription-status', [{ name: 'prescription', valueString: out(r.body, 'prescription') as string }]);
    const med = (part(outAll(s.body, 'prescription')[0], 'medication') ?? []) as Json[];
    const byName = Object.fromEntries(med.map((m) => [m.name, m]));
    expect(byName.name).toMatchObject({ valueString: 'リピトール錠１０ｍｇ' });
    expect(byName.freeText).toMatchObject({ valueString: 'リピトール（朝食後）' });
    expect(byName.freeTextDiffers).toMatchObject({ valueBoolean: true });
  });

  it('an unsigned prescription is refused', async () => {
    await refused(x.prescription(x.alice), 422, /電子署名/);
  });

  it('a prescription signed with a 薬剤師 certificate is refused', async () => {
    await refused(await x.sign(x.prescription(x.alice), x.hpki.pharmacist), 422, /電子署名.*(資格|薬剤師)/);
  });

  it('a 歯科医師 may sign', async () => {
    const rx = x.prescription(x.bob) as unknown as Json;
    // the document names the dentist: 歯科医籍登録番号 654321 (the test certificate's)
    const pr = (rx.entry as { resource: Json }[]).find((e) => e.resource.resourceType === 'Practitioner')!.resource;
    const q = (pr.qualification as Json[])[0];
    (q.identifier as Json[])[0].value = '654321';
    ((q.code as Json).coding as Json[])[0].code = 'DentalDoctorLicense';
    const r = await x.register(x.tokens.clinic, await x.sign(rx as never, x.hpki.dentist));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });

  it('a signer other than the prescribing practitioner (another 医籍登録番号) is refused', async () => {
    await refused(await x.sign(x.prescription(x.alice), x.hpki.dentist), 422, /署名者.*一致しません/);
  });

  it('content changed after signing is refused', async () => {
    const signed = (await x.sign(x.prescription(x.alice))) as unknown as Json;
    const mr = (signed.entry as { resource: Json }[]).find((e) => e.resource.resourceType === 'MedicationRequest')!.resource;
    ((mr.dispenseRequest as Json).quantity as Json).value = 210;
    await refused(signed, 422, /電子署名/);
  });

  it('a prescription signed by a revoked certificate is refused once the CRL is known', async () => {
    const cred = await x.hpki.issuing.issue({ name: '失効 太郎', role: 'doctor', registrationNumber: '123456', now: new Date(Date.now() - 86_400_000) });
    const rx = await x.sign(x.prescription(x.alice), cred);
    await x.hpki.issuing.revoke(cred.serial, 'keyCompromise', new Date(Date.now() - 3600_000));
    await x.hpki.issuing.publishCrl({ now: new Date(Date.now() - 60_000) });
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await x.hpki.trust.addCrl(await readFile(join(x.hpki.issuing.dir, 'crl.pem'), 'utf8'));
    await refused(rx, 422, /失効/);
  });

  it("another facility's prescription is refused (the issuer must be the caller)", async () => {
    await refused(await x.sign(x.prescription(x.alice, { facility: OTHER_CLINIC })), 422, new RegExp(`${OTHER_CLINIC}.*${CLINIC}`));
  });

  it('pharmacies, patients and insurers cannot register (403)', async () => {
    const rx = await x.sign(x.prescription(x.alice));
    for (const token of [x.tokens.pharmacy, x.tokens.alice, x.tokens.insurer]) await refused(rx, 403, /医療機関が行います/, token);
  });

  it('an unknown person (insured number or birth date) is refused', async () => {
    await refused(await x.sign(x.prescription({ ...x.alice, birthDate: '1999-09-09' })), 422, /一人に定まりません/);
    await refused(await x.sign(x.prescription({ ...x.alice, number: '77' })), 422, /一人に定まりません/);
  });

  it('more than 3 uses of a refill prescription is refused', async () => {
    await refused(await x.sign(x.prescription(x.alice, { drugs: [DRUGS.carbocisteine], repeats: 3 })), 422, /3回まで/);
  });

  it('a prescription past its 使用期限 is refused; one dated in the future too', async () => {
    const past = new Date(Date.parse(`${x.today()}T00:00:00Z`) - 10 * 86_400_000).toISOString().slice(0, 10);
    await refused(await x.sign(x.prescription(x.alice, { issuedOn: past })), 422, /使用期限/);
    const future = new Date(Date.parse(`${x.today()}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
    await refused(await x.sign(x.prescription(x.alice, { issuedOn: future })), 422, /未来/);
  });

  it('a Bundle that does not validate against JP_Bundle_ePrescriptionData is refused with the validator’s issues', async () => {
    const rx = x.prescription(x.alice) as unknown as Json;
    const c = (rx.entry as { resource: Json }[])[0].resource;
    delete c.event;
    await refused(await x.sign(rx as never), 422, /event|交付日/);
  });

  it('every refusal above is in the person’s access log', async () => {
    const refusals = (await auditOf(x.w, x.alice.id)).filter((e) => e.subtype === 'register-prescription' && e.outcome === '4');
    expect(refusals.length).toBeGreaterThanOrEqual(8);
    expect(refusals.some((e) => /signature/.test(e.desc ?? ''))).toBe(true);
    expect(refusals.some((e) => /dummy|ダミー/i.test(e.desc ?? ''))).toBe(true);
  });

  it('concurrent registrations for one person get distinct 引換番号', async () => {
    const signed = await Promise.all(Array.from({ length: 8 }, () => x.sign(x.prescription(x.bob, { drugs: [DRUGS.carbocisteine] }))));
    const answers = await Promise.all(signed.map((b) => x.register(x.tokens.clinic, b)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    const numbers = answers.map((a) => out(a.body, 'exchangeNumber'));
    expect(new Set(numbers).size).toBe(8);
  });

  it('bad input: not a Bundle, no profile, not a document → 400', async () => {
    for (const body of [{ resourceType: 'Patient' }, { resourceType: 'Bundle', type: 'document', entry: [] }]) {
      const r = await x.op(x.tokens.clinic, 'register-prescription', [{ name: 'resource', resource: body }]);
      expect(r.status).toBe(400);
    }
  });
});
