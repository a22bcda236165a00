/**
 * `$reception-history` on every engine: each successful reception ($verify-card, $verify-insurance) is kept with the
 * eligibility answered and the reader choices; a facility reads back its own receptions only — another facility
 * sees none (as if there were none), a pharmacy its own, patients and insurers are refused; bad parameters are
 * OperationOutcomes; every read is audited in the log of each person listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCardReader } from '../../src/services/eligibility/reception/card/index.ts';
import { ReceptionClient } from '../../src/services/eligibility/reception/reception-client.ts';
import { searchKeyOf } from '../../src/services/eligibility/reception/reception-history.ts';
import { withCheckDigit } from '../../src/services/eligibility/model/numbers.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import {
  CLINIC,
  KYOKAI,
  OTHER_CLINIC,
  PHARMACY,
  auditOf,
  eligibilityWorld,
  paramsMap,
  personRecord,
  presentCard,
  transportFor,
  type EligibilityWorld,
} from './service-fixtures.ts';

const japanToday = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
type Out = Record<string, unknown>;
const receptionsOf = (out: Out): Out[] => (out.reception === undefined ? [] : Array.isArray(out.reception) ? (out.reception as Out[]) : [out.reception as Out]);

describe('search key', () => {
  it('folds spaces, width, hiragana and old-style kanji', () => {
    expect(searchKeyOf('髙橋　一郎')).toBe('高橋一郎');
    expect(searchKeyOf('たかはし')).toBe(searchKeyOf('ﾀｶﾊｼ'));
    expect(searchKeyOf('山﨑')).toBe('山崎');
  });
});

describe.each(ENGINES)('$reception-history (%s)', (engine) => {
  let w: EligibilityWorld;
  const ids = { a: '', b: '', lost: '' };
  const history = (query: string, token: string | undefined = w.tokens.clinic) =>
    w.request({ method: 'GET', url: `/fhir/$reception-history${query ? `?${query}` : ''}`, token });
  const read = async (query: string, token?: string) => {
    const r = await history(query, token);
    expect(r.statusCode, r.body).toBe(200);
    return paramsMap(json(r));
  };

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([
      personRecord({
        number: '501',
        limit_category: '区分ウ',
        public_expenses: `54016027:${withCheckDigit('123456')}::`,
      }),
      personRecord({
        number: '502',
        family_name: '髙橋',
        given_name: '一郎',
        family_name_kana: 'タカハシ',
        given_name_kana: 'イチロウ',
        birth_date: '1958-10-22',
        sex: 1,
        copay_ratio: 2,
      }),
      personRecord({ number: '503', given_name: '失', birth_date: '1970-02-02', lost_on: '2024-04-01' }),
    ]);
    [ids.a, ids.b, ids.lost] = reg.results.map((r) => r.patient!.split('/')[1]);
    // The clinic: A by card (face) with choices at the reader, then B by number; the pharmacy: A by card (PIN).
    const { card } = await w.card(ids.a);
    const client = new ReceptionClient(transportFor(w, w.tokens.clinic));
    const visit = await client.verifyCard(new SimulatedCardReader(card), { faceMatched: true });
    expect(visit.ok).toBe(true);
    expect((await client.consent(visit.visit!, { medication: true, surgery: false, checkup: true })).status).toBe(201);
    const byNumber = await w.request({
      method: 'POST',
      url: '/fhir/$verify-insurance',
      token: w.tokens.clinic,
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'insurerNumber', valueString: KYOKAI },
          { name: 'symbol', valueString: '1234567' },
          { name: 'number', valueString: '502' },
          { name: 'branch', valueString: '00' },
          { name: 'birthDate', valueDate: '1958-10-22' },
        ],
      },
    });
    expect(paramsMap(json(byNumber)).result).toBe(true);
    const atPharmacy = await presentCard(w, card, { token: w.tokens.pharmacy });
    expect(atPharmacy.out.result).toBe(true);
    // Not receptions: a lost record (identified, not eligible) and the bulk pre-check.
    const lost = await w.request({
      method: 'POST',
      url: '/fhir/$verify-insurance',
      token: w.tokens.clinic,
      body: { insurerNumber: KYOKAI, symbol: '1234567', number: '503', branch: '00', birthDate: '1970-02-02' },
    });
    expect(paramsMap(json(lost)).result).toBe(false);
    const pre = await w.request({
      method: 'POST',
      url: '/fhir/$bulk-precheck',
      token: w.tokens.clinic,
      body: {
        resourceType: 'Parameters',
        parameter: [
          {
            name: 'entry',
            part: [
              { name: 'insurerNumber', valueString: KYOKAI },
              { name: 'symbol', valueString: '1234567' },
              { name: 'number', valueString: '501' },
              { name: 'branch', valueString: '00' },
              { name: 'birthDate', valueDate: '1985-01-01' },
            ],
          },
        ],
      },
    });
    expect(pre.statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it("today's receptions of the facility, newest first, with the eligibility answered and the reader's choices", async () => {
    const out = await read('');
    expect(out.count).toBe(2);
    expect(out.next).toBeUndefined();
    const [b, a] = receptionsOf(out);
    expect(b.patient).toEqual({ reference: `Patient/${ids.b}` });
    expect(b).toMatchObject({
      name: '髙橋 一郎',
      kana: 'タカハシ イチロウ',
      birthDate: '1958-10-22',
      gender: 'male',
      method: 'insurance-card',
      visitDate: japanToday(),
    });
    expect((b.eligibility as Out).copayRatio).toBe(2);
    expect(b.consent).toBeUndefined();
    expect(a.method).toBe('card-face');
    const e = a.eligibility as Out;
    expect(e).toMatchObject({
      insurerNumber: KYOKAI,
      symbol: '1234567',
      number: '501',
      branch: '00',
      copayRatio: 3,
      relationship: 'insured',
      acquiredOn: '2019-04-01',
    });
    expect((e.limitCategory as { display: string }).display).toBe('区分ウ');
    expect(e.publicExpense).toMatchObject({ payer: { value: '54016027' }, recipient: withCheckDigit('123456') });
    expect(a.consent).toMatchObject({ medication: true, surgery: false, checkup: true, setting: 'outpatient' });
    expect(typeof a.insurerName).toBe('string');
    expect(Date.parse(a.received as string)).toBeLessThanOrEqual(Date.parse(b.received as string));
    expect(JSON.stringify(out)).not.toContain('personLinkKey');
  });

  it('finds by name part (kanji, variants, kana, hiragana), birth date, patient and date', async () => {
    for (const name of ['髙橋', '高橋', 'タカハシ', 'たかはし', 'ｲﾁﾛｳ', '髙橋 一郎']) {
      const out = await read(`name=${encodeURIComponent(name)}`);
      expect(
        receptionsOf(out).map((r) => r.patient),
        name,
      ).toEqual([{ reference: `Patient/${ids.b}` }]);
    }
    expect(receptionsOf(await read(`name=${encodeURIComponent('山崎')}`)).map((r) => r.patient)).toEqual([{ reference: `Patient/${ids.a}` }]);
    expect((await read(`name=${encodeURIComponent('佐藤')}`)).count).toBe(0);
    expect(receptionsOf(await read('birthdate=1985-01-01')).map((r) => r.patient)).toEqual([{ reference: `Patient/${ids.a}` }]);
    expect((await read(`patient=Patient/${ids.b}`)).count).toBe(1);
    expect((await read(`patient=${ids.lost}`)).count).toBe(0); // the lost record was not a reception
    expect((await read(`date=${japanToday()}`)).count).toBe(2);
    expect((await read('date=2024-01-05')).count).toBe(0);
  });

  it('pages with _count and the cursor', async () => {
    const first = await read('_count=1');
    expect(first.count).toBe(1);
    expect(typeof first.next).toBe('string');
    const second = await read(`_count=1&cursor=${first.next}`);
    expect(second.count).toBe(1);
    expect(second.next).toBeUndefined();
    expect(receptionsOf(second)[0].patient).not.toEqual(receptionsOf(first)[0].patient);
  });

  it('another facility sees none of them, whatever it asks; a pharmacy sees its own only', async () => {
    for (const q of ['', `patient=${ids.a}`, `name=${encodeURIComponent('タカハシ')}`, 'birthdate=1985-01-01', `date=${japanToday()}`]) {
      const r = await history(q, w.tokens.otherClinic);
      expect(r.statusCode).toBe(200);
      expect(paramsMap(json(r))).toEqual({ count: 0 });
    }
    const out = await read('', w.tokens.pharmacy);
    expect(out.count).toBe(1);
    expect(receptionsOf(out)[0]).toMatchObject({ method: 'card-pin', patient: { reference: `Patient/${ids.a}` } });
  });

  it('refuses callers that are not facilities: no token 401, a patient, an insurer, a facility without the scope 403', async () => {
    const none = await w.request({ method: 'GET', url: '/fhir/$reception-history' });
    expect(none.statusCode).toBe(401);
    expect(json(none).resourceType).toBe('OperationOutcome');
    const patient = (await w.s.addClient({ kind: 'patient', patientId: ids.a, scopes: ['patient/*.rs'] })).token;
    const noScope = (await w.s.addClient({ kind: 'facility', facilityCode: CLINIC, scopes: ['system/Observation.rs'] })).token;
    for (const token of [patient, w.tokens.kyokai, noScope]) {
      const r = await history(`patient=${ids.a}`, token);
      expect(r.statusCode).toBe(403);
      expect(json(r).resourceType).toBe('OperationOutcome');
      expect(r.body).not.toContain('髙橋');
    }
  });

  it('answers bad parameters with an OperationOutcome', async () => {
    for (const q of [
      'date=2024-13-01',
      'birthdate=yesterday',
      '_count=0',
      '_count=101',
      '_count=ten',
      'cursor=xyz',
      'patient=bad%20id!',
      'name=%20%20',
      'unknown=1',
    ]) {
      const r = await history(q);
      expect(r.statusCode, q).toBe(400);
      expect(json(r).resourceType).toBe('OperationOutcome');
      expect(json(r).issue[0].details.text).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    }
  });

  it('audits every read in the log of each person listed, and refusals too', async () => {
    await read(`patient=${ids.a}`);
    const events = (await auditOf(w, ids.a)).filter((e) => e.subtype === 'reception-history');
    expect(events.some((e) => e.outcome === '0' && e.agent === CLINIC)).toBe(true);
    expect(events.some((e) => e.agent === PHARMACY)).toBe(true);
    expect(events.some((e) => e.agent === OTHER_CLINIC)).toBe(false); // it saw none of them
    const other = (await auditOf(w, ids.b)).filter((e) => e.subtype === 'reception-history');
    expect(other.every((e) => e.agent === CLINIC)).toBe(true);
  });

  it('receptions answered at the same time are all kept (written in one batch), each once', async () => {
    const body = { insurerNumber: KYOKAI, symbol: '1234567', number: '502', branch: '00', birthDate: '1958-10-22' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => w.request({ method: 'POST', url: '/fhir/$verify-insurance', token: w.tokens.otherClinic, body })),
    );
    expect(answers.map((a) => paramsMap(json(a)).result)).toEqual(Array(8).fill(true));
    const out = await read(`patient=${ids.b}`, w.tokens.otherClinic);
    expect(out.count).toBe(8);
    expect((await read(`patient=${ids.b}`)).count).toBe(1); // the clinic's own, still one
  });

  it('describes the operation (OperationDefinition, CapabilityStatement)', async () => {
    const def = await w.request({ method: 'GET', url: '/fhir/OperationDefinition/reception-history', token: w.tokens.clinic });
    expect(def.statusCode).toBe(200);
    expect(json(def).code).toBe('reception-history');
    const meta = await w.request({ method: 'GET', url: '/fhir/metadata' });
    expect(meta.body).toContain('reception-history');
  });
});
