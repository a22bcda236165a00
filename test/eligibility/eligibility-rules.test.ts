/** Eligibility decisions: the visit date decides, and every refusal has a precise reason. */
import { describe, expect, it } from 'vitest';
import { addDays, japanDateOf, parseCalendarDate } from '../../src/services/eligibility/model/calendar-date.ts';
import { eligibilityByInsuranceNumber, eligibilityOn } from '../../src/services/eligibility/reception/eligibility-rules.ts';
import { makeInsurerNumber } from '../../src/services/eligibility/model/numbers.ts';
import type { EligibilityRecord } from '../../src/services/eligibility/model/record.ts';

const KYOKAI = makeInsurerNumber('01', '13', '001');
const KUMIAI = makeInsurerNumber('06', '13', '345');

function rec(over: Partial<EligibilityRecord>): EligibilityRecord {
  return {
    insurerNumber: KYOKAI,
    symbol: '1234567',
    symbolOriginal: '1234567',
    number: '89',
    numberOriginal: '89',
    branch: '00',
    relationship: 'insured',
    familyName: '髙橋',
    givenName: '太郎',
    familyNameKana: 'タカハシ',
    givenNameKana: 'タロウ',
    birthDate: '1980-05-05',
    sex: 'male',
    acquiredOn: '2020-04-01',
    lostOn: null,
    copayRatio: 3,
    limitCategory: null,
    elderly: null,
    specificDiseases: [],
    publicExpenses: [],
    personLinkKey: 'person-0001',
    ...over,
  };
}

describe('eligibilityOn (one person, all insurers)', () => {
  it('returns the covering record', () => {
    const r = eligibilityOn([rec({})], '2024-06-01');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.record.insurerNumber).toBe(KYOKAI);
  });

  it('treats 資格喪失日 as the first day without coverage', () => {
    const history = [rec({ lostOn: '2024-04-01' })];
    expect(eligibilityOn(history, '2024-03-31').ok).toBe(true);
    const lost = eligibilityOn(history, '2024-04-01');
    expect(lost).toMatchObject({ ok: false, code: 'lost' });
    if (!lost.ok) {
      expect(lost.ja).toContain('資格喪失');
      expect(lost.en).toContain('2024-04-01');
      expect(lost.record?.lostOn).toBe('2024-04-01');
    }
  });

  it('lets the visit date decide across an insurer change in the middle of a month', () => {
    const history = [
      rec({ insurerNumber: KYOKAI, lostOn: '2024-06-16' }),
      rec({ insurerNumber: KUMIAI, symbol: '12', number: '4567', acquiredOn: '2024-06-16' }),
    ];
    const before = eligibilityOn(history, '2024-06-15');
    const on = eligibilityOn(history, '2024-06-16');
    const later = eligibilityOn(history, '2024-06-30');
    expect(before.ok && before.record.insurerNumber).toBe(KYOKAI);
    expect(on.ok && on.record.insurerNumber).toBe(KUMIAI);
    expect(later.ok && later.record.insurerNumber).toBe(KUMIAI);
  });

  it('explains a gap between insurers as a loss, naming the next start', () => {
    const history = [rec({ lostOn: '2024-06-16' }), rec({ insurerNumber: KUMIAI, acquiredOn: '2024-07-01' })];
    const r = eligibilityOn(history, '2024-06-20');
    expect(r).toMatchObject({ ok: false, code: 'lost' });
    if (!r.ok) expect(r.ja).toContain('2024-07-01');
  });

  it('refuses before the acquisition date and with no record at all', () => {
    expect(eligibilityOn([rec({ acquiredOn: '2025-01-01' })], '2024-12-31')).toMatchObject({ ok: false, code: 'not-yet-valid' });
    expect(eligibilityOn([], '2024-12-31')).toMatchObject({ ok: false, code: 'no-record' });
    expect(eligibilityOn([rec({})], '2024-02-30')).toMatchObject({ ok: false, code: 'invalid-date' });
  });

  it('prefers the most recent acquisition when records overlap, and shows the other', () => {
    const history = [rec({}), rec({ insurerNumber: KUMIAI, acquiredOn: '2024-05-01' })];
    const r = eligibilityOn(history, '2024-06-01');
    expect(r.ok && r.record.insurerNumber).toBe(KUMIAI);
    expect(r.ok && r.alsoValid.map((x) => x.insurerNumber)).toEqual([KYOKAI]);
  });

  it('applies the 高齢受給者 ratio and filters 公費・特定疾病 by date', () => {
    const r0 = rec({
      birthDate: '1953-03-10',
      copayRatio: 3,
      elderly: { copayRatio: 2, validFrom: '2023-04-01', validTo: null },
      publicExpenses: [
        { payerNumber: '54016027', recipientNumber: '1234566', validFrom: '2024-04-01', validTo: '2025-03-31' },
        { payerNumber: '88134457', recipientNumber: '1234566', validFrom: '2022-04-01', validTo: '2023-03-31' },
      ],
      specificDiseases: [{ code: 'dialysis', monthlyLimitYen: 10000, validFrom: '2024-01-01', validTo: null }],
    });
    const r = eligibilityOn([r0], '2024-06-01');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.copayRatio).toBe(2);
      expect(r.publicExpenses.map((p) => p.payerNumber)).toEqual(['54016027']);
      expect(r.specificDiseases).toHaveLength(1);
    }
    const early = eligibilityOn([r0], '2023-03-01');
    expect(early.ok && early.copayRatio).toBe(3);
    expect(early.ok && early.specificDiseases).toEqual([]);
  });
});

describe('eligibilityByInsuranceNumber (被保険者証・資格確認書の番号入力)', () => {
  const family = [
    rec({ branch: '00', birthDate: '1980-05-05' }),
    rec({ branch: '01', relationship: 'dependant', givenName: '花子', birthDate: '1982-11-11', sex: 'female' }),
    rec({ branch: '02', relationship: 'dependant', givenName: '陽菜', birthDate: '2015-08-01', sex: 'female' }),
    rec({ branch: '03', relationship: 'dependant', givenName: '蓮', birthDate: '2015-08-01' }),
  ];
  const q = { insurerNumber: KYOKAI, symbol: '1234567', number: '89' };

  it('finds a dependant by 枝番 and birth date', () => {
    const r = eligibilityByInsuranceNumber(family, { ...q, branch: '01', birthDate: '1982-11-11' }, '2024-06-01');
    expect(r.ok && r.record.givenName).toBe('花子');
  });

  it('accepts full-width input for the same card', () => {
    const r = eligibilityByInsuranceNumber(
      family,
      { insurerNumber: '０１１３００１２', symbol: '１２３４５６７', number: '８９', branch: '１', birthDate: '1982-11-11' },
      '2024-06-01',
    );
    expect(r.ok).toBe(true);
  });

  it('refuses a dependant looked up with a different 枝番', () => {
    const r = eligibilityByInsuranceNumber(family, { ...q, branch: '05', birthDate: '1982-11-11' }, '2024-06-01');
    expect(r).toMatchObject({ ok: false, code: 'branch-mismatch' });
    // The dependant's 枝番 with the insured person's birth date is a birth-date mismatch.
    const r2 = eligibilityByInsuranceNumber(family, { ...q, branch: '01', birthDate: '1980-05-05' }, '2024-06-01');
    expect(r2).toMatchObject({ ok: false, code: 'birthdate-mismatch' });
  });

  it('resolves a missing 枝番 by birth date, or asks for it when twins share one', () => {
    const r = eligibilityByInsuranceNumber(family, { ...q, birthDate: '1980-05-05' }, '2024-06-01');
    expect(r.ok && r.record.branch).toBe('00');
    const twins = eligibilityByInsuranceNumber(family, { ...q, birthDate: '2015-08-01' }, '2024-06-01');
    expect(twins).toMatchObject({ ok: false, code: 'ambiguous' });
    const one = eligibilityByInsuranceNumber(family, { ...q, branch: '03', birthDate: '2015-08-01' }, '2024-06-01');
    expect(one.ok && one.record.givenName).toBe('蓮');
  });

  it('reports an unknown number, a malformed number, and a loss', () => {
    expect(eligibilityByInsuranceNumber(family, { ...q, number: '90', birthDate: '1980-05-05' }, '2024-06-01')).toMatchObject({
      ok: false,
      code: 'no-record',
    });
    const bad = eligibilityByInsuranceNumber(family, { ...q, insurerNumber: '01130013', birthDate: '1980-05-05' }, '2024-06-01');
    expect(bad).toMatchObject({ ok: false, code: 'invalid-number' });
    if (!bad.ok) expect(bad.problems?.[0].field).toBe('insurerNumber');
    const lost = [rec({ lostOn: '2024-04-01' })];
    expect(eligibilityByInsuranceNumber(lost, { ...q, branch: '00', birthDate: '1980-05-05' }, '2024-06-01')).toMatchObject({
      ok: false,
      code: 'lost',
    });
  });

  it('uses the visit date when the old card is shown after an insurer change', () => {
    const history = [rec({ lostOn: '2024-06-16' }), rec({ insurerNumber: KUMIAI, symbol: '12', number: '4567', acquiredOn: '2024-06-16' })];
    const query = { ...q, branch: '00', birthDate: '1980-05-05' };
    expect(eligibilityByInsuranceNumber(history, query, '2024-06-15').ok).toBe(true);
    expect(eligibilityByInsuranceNumber(history, query, '2024-06-16')).toMatchObject({ ok: false, code: 'lost' });
  });
});

describe('calendar dates', () => {
  it('parses the accepted spellings and refuses days that do not exist', () => {
    expect(parseCalendarDate('2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(parseCalendarDate('20240301')).toEqual({ ok: true, value: '2024-03-01' });
    expect(parseCalendarDate('2024/3/1')).toEqual({ ok: true, value: '2024-03-01' });
    expect(parseCalendarDate('２０２４－０３－０１').ok).toBe(true);
    for (const bad of ['2023-02-29', '2024-04-31', '2024-13-01', '2024-1-1', 'R6.3.1', '']) expect(parseCalendarDate(bad).ok, bad).toBe(false);
  });
  it('takes the visit date in Japan time', () => {
    expect(japanDateOf(new Date('2024-06-15T15:30:00Z'))).toBe('2024-06-16');
    expect(japanDateOf(new Date('2024-06-15T14:59:59Z'))).toBe('2024-06-15');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});
