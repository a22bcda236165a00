/**
 * The clinic's path on both engines: $calculate for a patient its reception verified (eligibility from that reception),
 * recording visits (会計), the month's list, receipts, cancelling and the claim file — and every deny path: another
 * clinic, a pharmacy, an insurer, the patient, an unknown person, a visit id of another facility.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eligibilityService } from '../../src/services/eligibility/index.ts';
import { type BillingOptions, createBillingService } from '../../src/services/billing/index.ts';
import { CLINIC, eligibilityWorld, type EligibilityWorld, KYOKAI, PHARMACY, personRecord } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { withCheckDigit } from '../../src/services/eligibility/model/numbers.ts';
import { json } from '../helpers/tsunagu.ts';

type Json = Record<string, unknown>;
type Param = { name: string; part?: Param[] } & Json;

const value = (p: Param | undefined) => (p ? Object.entries(p).find(([k]) => k.startsWith('value'))?.[1] : undefined);
const out = (body: Json, name: string) => value(((body.parameter as Param[]) ?? []).find((p) => p.name === name));
const all = (body: Json, name: string) => ((body.parameter as Param[]) ?? []).filter((p) => p.name === name);
const partOf = (p: Param, name: string) => value(p.part?.find((x) => x.name === name));
const today = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

describe.each(ENGINES)('billing visits of received patients (%s)', (engine) => {
  let w: EligibilityWorld;
  let alice: string;
  let bob: string;
  let tokens: Record<string, string>;
  let issuedTo = '';
  let carol: string;

  const op = async (token: string, name: string, parameter: Json[]) => {
    const res = await w.request({ method: 'POST', url: `/fhir/$${name}`, token, body: { resourceType: 'Parameters', parameter } });
    return { status: res.statusCode, body: json(res) as Json };
  };
  const calc = (token: string, patient: string, items: string[], extra: Json[] = []) =>
    op(token, 'calculate', [
      { name: 'patient', valueString: `Patient/${patient}` },
      ...items.map((code) => ({ name: 'item', part: [{ name: 'code', valueString: code }] })),
      ...extra,
    ]);
  const DIAGNOSIS = {
    name: 'diagnosis',
    part: [
      { name: 'code', valueString: '8833421' },
      { name: 'name', valueString: '高血圧症' },
      { name: 'main', valueBoolean: true },
    ],
  };
  const RECORD = { name: 'record', valueBoolean: true };

  beforeAll(async () => {
    // the e-prescription service's answer, as a test source: what this clinic issued to a person on a day
    const prescriptions: BillingOptions['prescriptions'] = async (_db, q) =>
      q.facilityCode === CLINIC && q.patientKey === issuedTo
        ? [
            {
              id: 'rx-1',
              kind: 'outpatient',
              lines: [
                { name: '【般】アムロジピン錠5mg', generic: true },
                { name: '【般】ロサルタンK錠50mg', generic: true },
              ],
            },
          ]
        : [];
    w = await eligibilityWorld(engine, { services: [eligibilityService, createBillingService({ prescriptions })] });
    const reg = await w.register([
      personRecord({ number: '89', birth_date: '1985-01-01', limit_category: 'u70-u' }),
      personRecord({ number: '90', family_name: '佐藤', given_name: '一郎', birth_date: '1970-05-05', sex: 1 }),
      personRecord({
        number: '91',
        family_name: '鈴木',
        given_name: '三郎',
        birth_date: '1975-02-02',
        sex: 1,
        public_expenses: `54016027:${withCheckDigit('123456')}::`,
      }),
    ]);
    [alice, bob, carol] = reg.results.map((r) => (r.patient as string).replace('Patient/', ''));
    const add = async (kind: 'facility' | 'pharmacy' | 'insurer' | 'patient', facilityCode?: string, patientId?: string) =>
      (await w.s.addClient({ kind, facilityCode, patientId, scopes: kind === 'patient' ? ['patient/*.rs'] : ['system/*.cruds'] })).token;
    tokens = {
      clinic: w.tokens.clinic,
      other: w.tokens.otherClinic,
      pharmacy: await add('pharmacy', PHARMACY),
      insurer: await add('insurer', KYOKAI),
      alice: await add('patient', undefined, alice),
    };
    // the clinic's desk verifies Alice's insurance today (a reception in its history); Bob is never received here
    const received = await op(w.tokens.clinic, 'verify-insurance', [
      { name: 'insurerNumber', valueString: KYOKAI },
      { name: 'symbol', valueString: '1234567' },
      { name: 'number', valueString: '89' },
      { name: 'branch', valueString: '00' },
      { name: 'birthDate', valueDate: '1985-01-01' },
    ]);
    expect(out(received.body, 'result')).toBe(true);
    const carolReceived = await op(w.tokens.clinic, 'verify-insurance', [
      { name: 'insurerNumber', valueString: KYOKAI },
      { name: 'symbol', valueString: '1234567' },
      { name: 'number', valueString: '91' },
      { name: 'branch', valueString: '00' },
      { name: 'birthDate', valueDate: '1975-02-02' },
    ]);
    expect(out(carolReceived.body, 'result')).toBe(true);
  });
  afterAll(async () => w?.close());

  it('estimates from the reception’s eligibility without recording', async () => {
    const res = await calc(tokens.clinic, alice, []);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(out(res.body, 'encounter')).toBe('first');
    expect(out(res.body, 'totalPoints')).toBe(291);
    expect(out(res.body, 'patientYen')).toBe(870); // 2,910 × 3割 = 873 → 870
    expect(out(res.body, 'visit')).toBeUndefined();
    const listed = await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: today().slice(0, 7) }]);
    expect(all(listed.body, 'visit')).toHaveLength(0);
  });

  it('adds 処方箋料 and 一般名処方加算 for the prescription the clinic issued today (unless told not to)', async () => {
    issuedTo = alice;
    try {
      // 初診 291 + 処方箋料 68 + 一般名処方加算１ 8 (令和8年度, the sample's secondary values) = 367点
      const res = await calc(tokens.clinic, alice, []);
      expect(out(res.body, 'totalPoints')).toBe(367);
      expect(all(res.body, 'line').map((l) => partOf(l, 'code'))).toEqual(['111000110', '120002910', '120004270']);
      const without = await calc(tokens.clinic, alice, [], [{ name: 'fromPrescriptions', valueBoolean: false }]);
      expect(out(without.body, 'totalPoints')).toBe(291);
    } finally {
      issuedTo = '';
    }
  });

  it('records visits: a first visit, then the same day’s second visit is a 同日再診', async () => {
    const first = await calc(tokens.clinic, alice, ['160008010'], [DIAGNOSIS, RECORD]);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(out(first.body, 'visit')).toMatch(/^[0-9a-f-]{36}$/);
    // 初診 291 + 末梢血液一般 21 + 血液学的検査判断料 125 = 437点
    expect(out(first.body, 'totalPoints')).toBe(437);
    const second = await calc(tokens.clinic, alice, ['160008010'], [RECORD]);
    expect(second.status).toBe(201);
    expect(out(second.body, 'encounter')).toBe('same-day-revisit');
    // 判断料 already billed this month: 同日再診 (令和8年度 76) + 21 = 97点
    expect(out(second.body, 'totalPoints')).toBe(97);
    const listed = await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: today().slice(0, 7) }]);
    expect(all(listed.body, 'visit').map((v) => partOf(v, 'totalPoints'))).toEqual([437, 97]);
  });

  it('prints the receipt of a recorded visit and makes the month’s claim file', async () => {
    const listed = await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: today().slice(0, 7) }]);
    const id = partOf(all(listed.body, 'visit')[0], 'id') as string;
    const receipt = await op(tokens.clinic, 'billing-receipt', [{ name: 'visit', valueString: id }]);
    expect(receipt.status).toBe(200);
    const html = Buffer.from((out(receipt.body, 'receipt') as { data: string }).data, 'base64').toString('utf8');
    expect(html).toContain('437');
    expect(html).toContain('山﨑');
    const pdf = await op(tokens.clinic, 'billing-receipt', [
      { name: 'visit', valueString: id },
      { name: 'format', valueCode: 'pdf' },
    ]);
    expect(
      Buffer.from((out(pdf.body, 'receipt') as { data: string }).data, 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const claim = await op(tokens.clinic, 'billing-claim', [{ name: 'month', valueString: today().slice(0, 7) }]);
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    expect(out(claim.body, 'receipts')).toBe(1);
    expect(out(claim.body, 'totalPoints')).toBe(437 + 97);
    const text = new TextDecoder('shift_jis').decode(Buffer.from((out(claim.body, 'claim') as { data: string }).data, 'base64'));
    const records = text.split('\r\n').map((l) => l.split(',')[0]);
    expect(records[0]).toBe('IR');
    expect(records.filter((r) => r === 'RE')).toHaveLength(1);
    expect(text).toContain(`HO,${KYOKAI}`);
    // 﨑 is not in JIS X 0208: the receipt holds the everyday form, and the clinic is told
    expect(text).toContain('山崎');
    expect(all(claim.body, 'note').map((n) => n.valueString)).toEqual([expect.stringMatching(/山﨑.*山崎/)]);
  });

  it('cancels only the latest visit, keeps it marked, and leaves it out of the claim', async () => {
    const month = today().slice(0, 7);
    const ids = all((await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: month }])).body, 'visit').map((v) => partOf(v, 'id') as string);
    const early = await op(tokens.clinic, 'billing-cancel', [
      { name: 'visit', valueString: ids[0] },
      { name: 'reason', valueString: '入力誤り' },
    ]);
    expect(early.status).toBe(409);
    const noReason = await op(tokens.clinic, 'billing-cancel', [
      { name: 'visit', valueString: ids[1] },
      { name: 'reason', valueString: ' ' },
    ]);
    expect(noReason.status).toBe(400);
    const ok = await op(tokens.clinic, 'billing-cancel', [
      { name: 'visit', valueString: ids[1] },
      { name: 'reason', valueString: '入力誤り' },
    ]);
    expect(ok.status).toBe(200);
    const again = await op(tokens.clinic, 'billing-cancel', [
      { name: 'visit', valueString: ids[1] },
      { name: 'reason', valueString: '入力誤り' },
    ]);
    expect(again.status).toBe(409);
    const listed = all((await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: month }])).body, 'visit');
    expect(listed.map((v) => partOf(v, 'cancelled'))).toEqual([false, true]);
    const claim = await op(tokens.clinic, 'billing-claim', [{ name: 'month', valueString: month }]);
    expect(out(claim.body, 'totalPoints')).toBe(437);
  });

  it('answers an unseen person exactly as an unknown one (404), for another clinic too', async () => {
    const unseen = await calc(tokens.clinic, bob, []);
    const unknown = await calc(tokens.clinic, 'no-such-patient', []);
    expect(unseen.status).toBe(404);
    expect(unknown.status).toBe(404);
    const strip = (b: Json) => JSON.stringify(b).replaceAll(bob, 'X').replaceAll('no-such-patient', 'X');
    expect(strip(unseen.body)).toBe(strip(unknown.body));
    const otherClinic = await calc(tokens.other, alice, []);
    expect(otherClinic.status).toBe(404);
    expect(strip(otherClinic.body).replaceAll(alice, 'X')).toBe(strip(unknown.body));
  });

  it('shows another clinic none of this clinic’s visits, receipts or claims', async () => {
    const month = today().slice(0, 7);
    const ids = all((await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: month }])).body, 'visit').map((v) => partOf(v, 'id') as string);
    const listed = await op(tokens.other, 'billing-visits', [
      { name: 'month', valueString: month },
      { name: 'patient', valueString: `Patient/${alice}` },
    ]);
    expect(listed.status).toBe(200);
    expect(all(listed.body, 'visit')).toHaveLength(0);
    const receipt = await op(tokens.other, 'billing-receipt', [{ name: 'visit', valueString: ids[0] }]);
    const absent = await op(tokens.other, 'billing-receipt', [{ name: 'visit', valueString: '00000000-0000-4000-8000-000000000000' }]);
    expect(receipt.status).toBe(404);
    expect(JSON.stringify(receipt.body).replaceAll(ids[0], 'X')).toBe(JSON.stringify(absent.body).replaceAll('00000000-0000-4000-8000-000000000000', 'X'));
    expect(
      (
        await op(tokens.other, 'billing-cancel', [
          { name: 'visit', valueString: ids[0] },
          { name: 'reason', valueString: 'x' },
        ])
      ).status,
    ).toBe(404);
    expect((await op(tokens.other, 'billing-claim', [{ name: 'month', valueString: month }])).status).toBe(404);
  });

  it.each(['pharmacy', 'insurer', 'alice'])('refuses the visit operations to a %s (403)', async (who) => {
    const month = today().slice(0, 7);
    expect((await calc(tokens[who], alice, [])).status).toBe(403);
    expect((await op(tokens[who], 'billing-visits', [{ name: 'month', valueString: month }])).status).toBe(403);
    expect((await op(tokens[who], 'billing-claim', [{ name: 'month', valueString: month }])).status).toBe(403);
    expect((await op(tokens[who], 'billing-receipt', [{ name: 'visit', valueString: '00000000-0000-4000-8000-000000000000' }])).status).toBe(403);
  });

  it('gives bad input a precise outcome and records nothing', async () => {
    const month = today().slice(0, 7);
    const before = all((await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: month }])).body, 'visit').length;
    const unknownCode = await calc(tokens.clinic, alice, ['199999999'], [RECORD]);
    expect(unknownCode.status).toBe(422);
    expect((unknownCode.body.issue as Json[])[0].expression).toEqual(['visit.items[0].code']);
    const both = await op(tokens.clinic, 'calculate', [
      { name: 'patient', valueString: `Patient/${alice}` },
      { name: 'case', valueString: '{}' },
    ]);
    expect(both.status).toBe(400);
    const badMonth = await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: '2026-13' }]);
    expect(badMonth.status).toBe(400);
    const badTime = await calc(tokens.clinic, alice, [], [{ name: 'time', valueString: '25:00' }, RECORD]);
    expect(badTime.status).toBe(400);
    expect(all((await op(tokens.clinic, 'billing-visits', [{ name: 'month', valueString: month }])).body, 'visit')).toHaveLength(before);
  });
  it('asks for a 公費 monthly cap the reception cannot know, and keeps it for the month once given', async () => {
    const cap = {
      name: 'publicExpense',
      part: [
        { name: 'payerNumber', valueString: '54016027' },
        { name: 'monthlyCapYen', valueInteger: 1000 },
      ],
    };
    const missing = await calc(tokens.clinic, carol, []);
    expect(missing.status).toBe(400);
    expect((missing.body.issue as Json[])[0].expression).toEqual(['patient.publicExpenses[0].monthlyCapYen']);
    // 初診 291点 = 2,910円: insurance share 873 → 870; 難病 2割 = 582 → 580 → capped at 1,000: patient 580, 難病 290
    const first = await calc(tokens.clinic, carol, [], [cap, DIAGNOSIS, RECORD]);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(out(first.body, 'patientYen')).toBe(580);
    // the second visit without the cap: the month's cap holds (1,000 − 580 = 420 left; 2割 of 760 = 152 → 150)
    const second = await calc(tokens.clinic, carol, []);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(out(second.body, 'encounter')).toBe('same-day-revisit');
    expect(out(second.body, 'patientYen')).toBe(150);
    const shares = all(second.body, 'share').map((p) => [partOf(p, 'payer'), partOf(p, 'yen')]);
    expect(shares).toEqual([
      ['insurer', 760 - 230],
      ['public', 230 - 150],
      ['patient', 150],
    ]);
  });
});
