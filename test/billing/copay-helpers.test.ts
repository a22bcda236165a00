/** The copay's helpers: age, school entry, the start of 高齢受給者, rounding, the cap formula and the ratio on a date. */
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  capOf,
  copayRatioOn,
  elderlyFrom,
  isPreschool,
  roundTo10Yen,
  roundToYen,
  schoolEntryDate,
  shareOfCost,
} from '../../src/services/billing/copay/index.ts';
import type { InsuranceInput, PatientInput } from '../../src/services/billing/model/types.ts';

const person = (birthDate: string, insurance: Partial<InsuranceInput> | null = {}): PatientInput => ({
  birthDate,
  sex: 'unknown',
  insurance: insurance === null ? null : { insurerNumber: '01130012', copayRatio: 3, ...insurance },
});

describe('ageOn', () => {
  it('adds a year on the birthday itself', () => {
    expect(ageOn('1980-07-15', '2026-07-14')).toBe(45);
    expect(ageOn('1980-07-15', '2026-07-15')).toBe(46);
    expect(ageOn('2026-05-01', '2026-05-31')).toBe(0);
  });
  it('reaches a 2-29 birthday on 3-01 of a common year', () => {
    expect(ageOn('2020-02-29', '2027-02-28')).toBe(6);
    expect(ageOn('2020-02-29', '2027-03-01')).toBe(7);
    expect(ageOn('2020-02-29', '2028-02-29')).toBe(8);
  });
});

describe('school entry (未就学 until the first March 31 after the 6th birthday; 健康保険法74条1項1号)', () => {
  it.each([
    ['2020-01-15', '2026-04-01'],
    ['2020-04-01', '2026-04-01'],
    ['2020-04-02', '2027-04-01'],
    ['2020-12-31', '2027-04-01'],
  ])('born %s → school from %s', (birth, entry) => {
    expect(schoolEntryDate(birth)).toBe(entry);
    expect(isPreschool(birth, `${entry.slice(0, 4)}-03-31`)).toBe(true);
    expect(isPreschool(birth, entry)).toBe(false);
  });
});

describe('elderlyFrom (70歳に達する日の属する月の翌月; 健康保険法74条1項2号)', () => {
  it.each([
    ['1956-05-10', '2026-06-01'],
    ['1956-05-01', '2026-05-01'],
    ['1956-12-20', '2027-01-01'],
    ['1956-01-01', '2026-01-01'],
    ['1956-02-29', '2026-03-01'],
  ])('born %s → from %s', (birth, from) => {
    expect(elderlyFrom(birth)).toBe(from);
  });
});

describe('rounding (健康保険法75条: 10円未満四捨五入)', () => {
  it('rounds to 10 yen half up', () => {
    expect(shareOfCost(2345, 3)).toBe(700); // 703.5
    expect(shareOfCost(2348, 3)).toBe(700); // 704.4
    expect(shareOfCost(2350, 3)).toBe(710); // 705
    expect(shareOfCost(0, 3)).toBe(0);
    expect(roundTo10Yen(61725, 100)).toBe(620); // 617.25
    expect(roundTo10Yen(61500, 100)).toBe(620); // 615
    expect(roundTo10Yen(61499, 100)).toBe(610); // 614.99
  });
  it('rounds the 1% term to the yen half up', () => {
    expect(roundToYen(33005, 100)).toBe(330); // 330.05
    expect(roundToYen(33050, 100)).toBe(331); // 330.5
    expect(roundToYen(33049, 100)).toBe(330); // 330.49
  });
});

describe('capOf', () => {
  it('applies the 区分ウ formula to the month cost (MHLW: 医療費100万円 → 87,430円)', () => {
    expect(capOf(person('1980-07-15', { limitCategory: 'u70-u' }), '2026-05-11', 1_000_000).capYen).toBe(87_430);
    // below the threshold the (C − 267,000) term is 0, never negative
    expect(capOf(person('1980-07-15', { limitCategory: 'u70-u' }), '2026-05-11', 100_000).capYen).toBe(80_100);
  });
  it('has no cap under 70 without a 区分, and 70+ defaults by ratio', () => {
    const none = capOf(person('1980-07-15'), '2026-05-11', 1_000_000);
    expect(none.capYen).toBeNull();
    expect(none.rules.map((r) => r.id)).toContain('copay-cap-u70-none');
    expect(capOf(person('1953-11-20', { elderly: { copayRatio: 3 } }), '2026-05-11', 1_000_000)).toMatchObject({ capYen: 254_180, category: 'o70-active3' });
    expect(capOf(person('1953-11-20'), '2026-05-11', 1_000_000)).toMatchObject({ capYen: 18_000, category: 'o70-general' });
  });
  it('eases the 後期 2割 cap only inside 2022-10-01 … 2025-09-30', () => {
    const kouki2 = person('1948-02-02', { insurerNumber: '39131005', copayRatio: 2 });
    // 6,000 + (50,000 − 30,000) × 10% = 8,000
    expect(capOf(kouki2, '2022-10-01', 50_000).capYen).toBe(8_000);
    expect(capOf(kouki2, '2025-09-30', 50_000).capYen).toBe(8_000);
    expect(capOf(kouki2, '2022-09-30', 50_000).capYen).toBe(18_000);
    expect(capOf(kouki2, '2025-10-01', 50_000).capYen).toBe(18_000);
    // 6,000 + (200,000 − 30,000) × 10% = 23,000 → the 18,000 ceiling
    expect(capOf(kouki2, '2025-09-30', 200_000).capYen).toBe(18_000);
    // not for 1割 or for 低所得
    expect(capOf({ ...kouki2, insurance: { ...kouki2.insurance!, copayRatio: 1 } }, '2025-09-30', 50_000).capYen).toBe(18_000);
    expect(capOf({ ...kouki2, insurance: { ...kouki2.insurance!, limitCategory: 'o70-low2' } }, '2025-09-30', 50_000).capYen).toBe(8_000);
  });
  it('halves every amount in the 75歳到達月 unless the birthday is the 1st (健康保険法施行令41条4項)', () => {
    const turning75 = person('1951-05-20', { insurerNumber: '39131005', copayRatio: 3, limitCategory: 'o70-active3', manyTimes: true });
    // 多数回 140,100 / 2 = 70,050
    expect(capOf(turning75, '2026-05-25', 1_000_000).capYen).toBe(70_050);
    // the month after: 140,100
    expect(capOf(turning75, '2026-06-01', 1_000_000).capYen).toBe(140_100);
    // 後期 2割 配慮措置 in the 到達月 (halved by the same rule — to be confirmed): min(3,000 + (40,000 − 15,000) × 10%, 9,000) = 5,500
    const kouki2 = person('1950-09-15', { insurerNumber: '39131005', copayRatio: 2 });
    expect(capOf(kouki2, '2025-09-20', 40_000).capYen).toBe(5_500);
  });
  it('has no cap for 公費単独', () => {
    expect(capOf(person('1980-07-15', null), '2026-05-11', 1_000_000).capYen).toBeNull();
  });
});

describe('copayRatioOn', () => {
  it('uses the 高齢受給者証 only while it is valid', () => {
    const p = person('1953-11-20', { elderly: { copayRatio: 3, validFrom: '2025-08-01', validTo: '2026-07-31' } });
    expect(copayRatioOn(p, '2026-07-31').ratio).toBe(3);
    expect(copayRatioOn(p, '2026-08-01').ratio).toBe(2);
  });
  it('gives null for 公費単独 and the recorded ratio for 後期', () => {
    expect(copayRatioOn(person('1980-07-15', null), '2026-05-11')).toMatchObject({ ratio: null, over70: false });
    expect(copayRatioOn(person('1948-02-02', { insurerNumber: '39131005', copayRatio: 1 }), '2026-05-11')).toMatchObject({
      ratio: 1,
      kouki: true,
      over70: true,
    });
  });
});
