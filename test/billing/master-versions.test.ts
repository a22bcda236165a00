/**
 * The fee master in memory (feeMasterFrom, sampleFeeMaster): the version in force by date (令和6年度 → 令和8年度 on
 * 2026-06-01), 'unknown' / 'not-yet' / 'expired' with the nearest version, a later open-ended row superseding an
 * earlier open-ended one, the relations (包括・背反・算定回数・まるめ) by date, and the 判断料 of a group.
 */
import { describe, expect, it } from 'vitest';
import { feeMasterFrom, readFeeMasterCsv, SAMPLE_FILES, sampleFeeMaster, samplePath } from '../../src/services/billing/master/index.ts';
import type { FeeItem } from '../../src/services/billing/model/types.ts';
import { readFileSync } from 'node:fs';

const isItem = (r: ReturnType<ReturnType<typeof sampleFeeMaster>['item']>): r is FeeItem => !('refused' in r);

describe('the sample master', () => {
  const m = sampleFeeMaster();

  it('loads every sample file with no refused or skipped row, and is cached', () => {
    const read = readFeeMasterCsv(readFileSync(samplePath(SAMPLE_FILES.items)));
    expect(read.refused).toEqual([]);
    expect(m.itemCount).toBe(read.rows.length);
    expect(m.itemCount).toBeGreaterThan(70);
    expect(sampleFeeMaster()).toBe(m);
    expect(m.description).toContain('サンプル');
  });

  it('answers 再診料 75 on 2026-05-31 and 76 on 2026-06-01 (令和8年度改定)', () => {
    expect(m.item('112007410', '2026-05-31')).toMatchObject({ value: 75, validTo: '2026-05-31' });
    expect(m.item('112007410', '2026-06-01')).toMatchObject({ value: 76, validFrom: '2026-06-01', validTo: null });
    expect(m.item('180725710', '2026-06-01')).toMatchObject({ value: 17 });
    expect(m.item('111000110', '2024-06-01')).toMatchObject({ value: 291, section: '11', kind: 'points' });
  });

  it("says 'expired' for a code abolished at the 令和6年度 revision, 'not-yet' before 2024-06-01, 'unknown' for a code never seen", () => {
    expect(m.item('120002570', '2024-06-01')).toEqual({
      refused: 'expired',
      item: expect.objectContaining({ code: '120002570', value: 18, validTo: '2024-05-31' }),
    });
    expect(m.item('120002570', '2024-05-31')).toMatchObject({ value: 18 });
    expect(m.item('120002910', '2026-06-01')).toMatchObject({ value: 68 });
    expect(m.item('120002910', '2024-05-31')).toEqual({ refused: 'not-yet', item: expect.objectContaining({ validFrom: '2024-06-01' }) });
    expect(m.item('199999999', '2024-07-01')).toEqual({ refused: 'unknown' });
  });

  it('carries the columns the calculation uses', () => {
    const infant = m.item('112014970', '2024-07-01');
    expect(infant).toMatchObject({ ageTo: 6, timeAddition: 'late-night', section: '12', value: 590 });
    expect(m.item('111000670', '2024-07-01')).toMatchObject({ timeAddition: 'holiday', value: 250 });
    expect(m.item('160019010', '2024-07-01')).toMatchObject({ judgement: 'test', judgementGroup: '生化学１', bundleGroup: '生化学１' });
    expect(m.item('160054710', '2024-07-01')).toMatchObject({ judgement: 'test', judgementGroup: '免疫' });
    expect(m.item('113001810', '2024-07-01')).toMatchObject({ maxPerMonth: 2, section: '13' });
    const b = m.item('160095710', '2024-07-01');
    expect(isItem(b) && b.bundleGroup).toBeFalsy();
  });

  it('finds the 判断料 of each group in force on the date', () => {
    expect(m.judgementFee('血液学', '2024-07-01')).toMatchObject({ code: '160061810', value: 125 });
    expect(m.judgementFee('生化学１', '2026-06-01')).toMatchObject({ code: '160061910', value: 144, validFrom: '2026-06-01' });
    expect(m.judgementFee('尿・糞便', '2024-07-01')?.code).toBe('160061710');
    expect(m.judgementFee('免疫', '2024-07-01')?.code).toBe('160062110');
    expect(m.judgementFee('免疫', '2026-06-01')).toMatchObject({ code: '160062110', validFrom: '2026-06-01' });
    expect(m.judgementFee('微生物', '2024-07-01')).toBeUndefined();
  });

  it('answers the relations from either code, by date', () => {
    expect(m.exclusions('120003570', '2024-07-01')).toEqual([
      { code1: '120004270', code2: '120003570', scope: 'day', keep: 'either', validFrom: '2024-06-01', validTo: null },
    ]);
    expect(m.exclusions('113041810', '2024-07-01')).toEqual([expect.objectContaining({ code1: '113001810', scope: 'month', keep: 'second' })]);
    expect(m.exclusions('111000110', '2024-07-01')).toEqual([expect.objectContaining({ code2: '112007410', keep: 'first', scope: 'day' })]);
    expect(m.exclusions('111000110', '2024-05-31')).toEqual([]);

    const included = m.inclusions('113041810', '2024-07-01').map((i) => i.included);
    expect(included).toHaveLength(23);
    expect(included).toEqual(expect.arrayContaining(['160000310', '160061910', '160095710', '113001810', '160167250']));
    expect(m.inclusions('113041810', '2024-07-01').every((i) => i.including === '113041810' && i.scope === 'month')).toBe(true);
    expect(m.inclusions('160095710', '2024-07-01')).toEqual([expect.objectContaining({ including: '113041810', included: '160095710' })]);

    expect(m.countLimits('113001810', '2024-07-01')).toEqual([{ code: '113001810', unit: 'month', count: 2, validFrom: '2024-06-01', validTo: null }]);
    expect(m.countLimits('160095710', '2024-07-01')).toEqual([expect.objectContaining({ unit: 'day', count: 1 })]);
    for (const code of ['160061710', '160061810', '160061910', '160062110', '113041810'])
      expect(m.countLimits(code, '2024-07-01')).toEqual([expect.objectContaining({ unit: 'month', count: 1 })]);
  });

  it('has the まるめ steps of 生化学的検査（１） for 令和6年度, carried forward from 2026-06-01', () => {
    expect(m.bundleSteps('生化学１', '2024-06-01').map((s) => [s.minItems, s.points])).toEqual([
      [5, 93],
      [8, 99],
      [10, 103],
    ]);
    expect(m.bundleSteps('生化学１', '2026-05-31')).toHaveLength(3);
    expect(m.bundleSteps('生化学１', '2026-06-01').map((s) => s.validFrom)).toEqual(['2026-06-01', '2026-06-01', '2026-06-01']);
  });
});

describe('feeMasterFrom', () => {
  const v = (code: string, value: number, validFrom: string, validTo: string | null): FeeItem => ({
    code,
    name: `項目${code}`,
    kind: 'points',
    value,
    section: '12',
    validFrom,
    validTo,
  });

  it('ends an open-ended version the day before a later version of the code (an official file lists only the current row)', () => {
    const m = feeMasterFrom(
      {
        items: [v('112007410', 76, '2026-06-01', null), v('112007410', 75, '2024-06-01', null), v('112007410', 73, '2022-04-01', null)],
        countLimits: [
          { code: '112007410', unit: 'month', count: 2, validFrom: '2024-06-01', validTo: null },
          { code: '112007410', unit: 'month', count: 1, validFrom: '2026-06-01', validTo: '2027-03-31' },
        ],
        exclusions: [],
        inclusions: [],
        bundleSteps: [],
      },
      'テスト',
    );
    expect(m.description).toBe('テスト');
    expect(m.itemCount).toBe(3);
    expect(m.item('112007410', '2024-05-31')).toMatchObject({ value: 73 });
    expect(m.item('112007410', '2026-05-31')).toMatchObject({ value: 75 });
    expect(m.item('112007410', '2026-06-01')).toMatchObject({ value: 76 });
    expect(m.item('112007410', '2022-03-31')).toMatchObject({ refused: 'not-yet', item: { value: 73 } });
    expect(m.countLimits('112007410', '2026-05-31')).toEqual([expect.objectContaining({ count: 2 })]);
    expect(m.countLimits('112007410', '2026-06-01')).toEqual([expect.objectContaining({ count: 1 })]);
    // The later limit ended: the earlier one does not come back.
    expect(m.countLimits('112007410', '2027-04-01')).toEqual([]);
  });

  it('answers an expired item with the last version and finds every item of a large master', () => {
    const items = Array.from({ length: 5000 }, (_, i) => v(String(100000000 + i), i, '2024-06-01', '2026-05-31'));
    const m = feeMasterFrom({ items, countLimits: [], exclusions: [], inclusions: [], bundleSteps: [] }, 'x');
    expect(m.item('100000007', '2026-06-01')).toEqual({ refused: 'expired', item: expect.objectContaining({ value: 7 }) });
    let found = 0;
    for (let i = 0; i < 5000; i++) if (!('refused' in m.item(String(100000000 + i), '2025-01-15'))) found++;
    expect(found).toBe(5000);
  });
});
