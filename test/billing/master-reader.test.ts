/**
 * The readers of the official files (src/services/billing/master): 医科診療行為マスター rows → FeeItem (Shift_JIS and
 * UTF-8, quoted fields, every kind of refused row with its line), and the 電子点数表 tables (補助マスター・包括・背反・
 * 算定回数) plus our まるめ steps file. Layouts: 支払基金「基本マスター ファイルレイアウト」, 厚生労働省「医科電子点数表」.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeMasterText,
  exclusionScopeOfFileName,
  expandInclusions,
  parseCsv,
  readBundleStepsCsv,
  readCountLimitTableCsv,
  readExclusionTableCsv,
  readFeeMasterCsv,
  readInclusionTableCsv,
  readSupportTableCsv,
} from '../../src/services/billing/master/index.ts';
import { shiftJis } from '../helpers/shift-jis.ts';
import { CRLF, csvLine, itemLine } from './master-fixtures.ts';

describe('CSV and encodings', () => {
  it('splits quoted fields with commas, doubled quotes and line breaks, keeping the line numbers', () => {
    const records = parseCsv(`a,"b,c","d""e"\r\n\r\n"multi\nline",x\r\nlast`);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b,c', 'd"e'] },
      { line: 3, fields: ['multi\nline', 'x'] },
      { line: 5, fields: ['last'] },
    ]);
  });

  it('detects Shift_JIS, UTF-8 and a UTF-8 BOM; an explicit encoding overrides', () => {
    const text = '再診料,ＨｂＡ１ｃ';
    expect(decodeMasterText(shiftJis(text))).toBe(text);
    expect(decodeMasterText(new TextEncoder().encode(text))).toBe(text);
    expect(decodeMasterText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]))).toBe(text);
    expect(decodeMasterText(shiftJis(text), 'shift_jis')).toBe(text);
    // Shift_JIS bytes forced to be read as UTF-8 are not valid UTF-8: refused, not garbled silently.
    expect(() => decodeMasterText(shiftJis(text), 'utf-8')).toThrow();
  });
});

describe('医科診療行為マスター reader', () => {
  it('reads a Shift_JIS file with CRLF and quoted fields into FeeItem', () => {
    const file = shiftJis(
      [
        itemLine({ 3: '112007410', 5: '再診料', 12: '75.00', 15: '120', 43: '1', 68: '1' }, [2, 5]),
        itemLine({ 3: '111000370', 5: '乳幼児加算（初診）', 12: '75', 15: '110', 42: '06', 68: '7' }),
        itemLine({ 3: '112001310', 5: '深夜加算（再診）', 12: '420', 15: '120', 43: '4', 68: '7' }),
        itemLine({ 3: '160017410', 5: 'ＴＰ', 12: '11', 15: '600', 16: '1', 50: '1', 51: '3', 87: '20240601', 88: '20260531' }),
        itemLine({ 3: '160061910', 5: '生化学的検査（１）判断料', 12: '144', 15: '600', 36: '1', 50: '2', 51: '3' }),
        itemLine({ 3: '113041810', 5: '生活習慣病管理料１（高血圧症を主病）', 12: '660', 15: '130', 56: '1' }),
        itemLine({ 3: '095000001', 5: '文書料', 11: '1', 12: '3000', 15: '800' }),
      ].join(CRLF) + CRLF,
    );
    const { rows, refused, skipped } = readFeeMasterCsv(file, { source: 's_ALL20240601.csv' });
    expect(refused).toEqual([]);
    expect(skipped).toEqual([]);
    expect(rows[0]).toEqual({
      code: '112007410',
      name: '再診料',
      kind: 'points',
      value: 75,
      section: '12',
      validFrom: '2024-06-01',
      validTo: null,
      source: 's_ALL20240601.csv',
    });
    expect(rows[1]).toMatchObject({ code: '111000370', section: '11', ageTo: 6 });
    expect(rows[1].ageFrom).toBeUndefined();
    expect(rows[1].timeAddition).toBeUndefined();
    expect(rows[2]).toMatchObject({ timeAddition: 'late-night' });
    expect(rows[3]).toMatchObject({ judgement: 'test', judgementGroup: '生化学１', bundleGroup: '生化学１', validTo: '2026-05-31', section: '60' });
    expect(rows[4]).toMatchObject({ judgement: 'judgement', judgementGroup: '生化学１', maxPerMonth: 1 });
    expect(rows[5]).toMatchObject({ blocksOutpatientManagement: true, section: '13' });
    expect(rows[6]).toMatchObject({ kind: 'yen', value: 3000, section: '80' });
  });

  it('reads 時間加算区分 as a band only on an addition item (告示等識別区分 7/9)', () => {
    const { rows } = readFeeMasterCsv(
      [
        itemLine({ 3: '111000570', 43: '1', 68: '7' }),
        itemLine({ 3: '111000670', 43: '2', 68: '7' }),
        itemLine({ 3: '111000671', 43: '3', 68: '9' }),
        itemLine({ 3: '111000110', 43: '1', 68: '1' }),
        itemLine({ 3: '111000999', 43: '6', 68: '7' }),
      ].join(CRLF),
    );
    expect(rows.map((r) => r.timeAddition)).toEqual(['after-hours', 'holiday', 'holiday', undefined, undefined]);
  });

  it('refuses each bad row with its line number, code and a Japanese reason, and keeps the good rows', () => {
    const lines = [
      itemLine({ 3: '112007410' }), // 1 good
      'short,row', // 2
      itemLine({ 3: '11200741' }), // 3 code of 8 digits
      itemLine({ 3: '112007411', 11: '5' }), // 4 点数識別 5 (% addition)
      itemLine({ 3: '112007412', 12: '七十五' }), // 5 value not a number
      itemLine({ 3: '112007413', 87: '20240231' }), // 6 no such date
      itemLine({ 3: '112007414', 88: '2026-05-31' }), // 7 bad 廃止年月日
      itemLine({ 3: '112007415', 87: '20260601', 88: '20260531' }), // 8 from after to
      itemLine({ 3: '112007416', 42: 'AA' }), // 9 上限年齢 生後28日
      itemLine({ 3: '112007417', 41: 'X1' }), // 10 unknown age code
      itemLine({ 1: '7', 3: '112007418' }), // 11 unknown 変更区分
      itemLine({ 3: '112007419', 36: '-1' }), // 12 上限回数
      '', // 13 blank: skipped, not refused
      itemLine({ 3: '112007420', 12: '76' }), // 14 good
    ];
    const { rows, refused } = readFeeMasterCsv(lines.join(CRLF));
    expect(rows.map((r) => r.code)).toEqual(['112007410', '112007420']);
    expect(refused.map((r) => [r.line, r.code])).toEqual([
      [2, undefined],
      [3, '11200741'],
      [4, '112007411'],
      [5, '112007412'],
      [6, '112007413'],
      [7, '112007414'],
      [8, '112007415'],
      [9, '112007416'],
      [10, '112007417'],
      [11, undefined],
      [12, '112007419'],
    ]);
    const reasons = refused.map((r) => r.reason);
    expect(reasons[0]).toContain('項目数が不足');
    expect(reasons[1]).toContain('9桁');
    expect(reasons[2]).toContain('点数識別「5」');
    expect(reasons[3]).toContain('数値ではありません');
    expect(reasons[4]).toContain('変更年月日「20240231」');
    expect(reasons[5]).toContain('廃止年月日「2026-05-31」');
    expect(reasons[6]).toContain('より後');
    expect(reasons[7]).toContain('生後28日');
    expect(reasons[8]).toContain('下限年齢「X1」');
    expect(reasons[9]).toContain('変更区分「7」');
    expect(reasons[10]).toContain('上限回数');
  });

  it('reads 抹消 (変更区分 1) rows as erased versions', () => {
    const { rows, erased } = readFeeMasterCsv([itemLine({ 1: '1', 3: '112007410' }), itemLine({ 1: '5', 3: '112008350' })].join('\n'));
    expect(erased.map((r) => r.code)).toEqual(['112007410']);
    expect(rows.map((r) => r.code)).toEqual(['112008350']);
  });
});

describe('電子点数表 readers', () => {
  it('reads 背反テーブル rows with 背反区分 1/2/3 and the scope of the file', () => {
    const file = shiftJis(
      [
        csvLine(['0', '111000110', '初診料', '112007410', '再診料', '1', '0', '', '20240601', '99999999'], [3, 5]),
        csvLine(['0', '113001810', '特定疾患療養管理料', '113041810', '生活習慣病管理料１', '2', '0', '', '20240601', '20260531']),
        csvLine(['0', '120004270', '一般名処方加算１', '120003570', '一般名処方加算２', '3', '0', '', '20240601', '99999999']),
        csvLine(['0', '120004270', 'x', '120003570', 'y', '4', '0', '', '20240601', '99999999']),
        csvLine(['0', '120004270', 'x', '12000357', 'y', '3', '0', '', '20240601', '99999999']),
      ].join(CRLF),
    );
    const { rows, refused } = readExclusionTableCsv(file, 'month');
    expect(rows.map((r) => [r.code1, r.code2, r.keep, r.scope, r.validTo])).toEqual([
      ['111000110', '112007410', 'first', 'month', null],
      ['113001810', '113041810', 'second', 'month', '2026-05-31'],
      ['120004270', '120003570', 'either', 'month', null],
    ]);
    expect(refused).toEqual([
      { line: 4, code: '120004270', reason: expect.stringContaining('背反区分「4」') },
      { line: 5, code: '120004270', reason: expect.stringContaining('診療行為コード②') },
    ]);
    expect(['03-1背反テーブル（1日につき）.csv', '03-2.csv', '03-3同時.csv', '03-4.csv', 'x.csv'].map(exclusionScopeOfFileName)).toEqual([
      'day',
      'month',
      'same-time',
      'week',
      undefined,
    ]);
  });

  it('reads 算定回数テーブル units 日・週・月 and lists other units as skipped', () => {
    const row = (code: string, unit: string, name: string, count: string) =>
      csvLine(['0', code, '名称', unit, name, count, '0', '', '', '', '', '', '20240601', '99999999']);
    const { rows, skipped, refused } = readCountLimitTableCsv(
      [
        row('113001810', '131', '月', '2'),
        row('160095710', '121', '日', '1'),
        row('180000110', '138', '週', '3'),
        row('180000210', '141', '一連', '1'),
        row('180000310', '131', '月', '0'),
      ].join(CRLF),
    );
    expect(rows.map((r) => [r.code, r.unit, r.count])).toEqual([
      ['113001810', 'month', 2],
      ['160095710', 'day', 1],
      ['180000110', 'week', 3],
    ]);
    expect(skipped).toEqual([{ line: 4, code: '180000210', reason: expect.stringContaining('一連') }]);
    expect(refused).toEqual([{ line: 5, code: '180000310', reason: expect.stringContaining('算定回数「0」') }]);
  });

  it('joins 補助マスターテーブル links with 包括テーブル groups into inclusions', () => {
    const support = readSupportTableCsv(
      [
        csvLine(['0', '113041810', '生活習慣病管理料１', '02', 'G1', '01', 'G2', '00', '', ...Array(16).fill('0'), '20240601', '99999999']),
        csvLine(['0', '150000110', '手術', '05', 'G9', '00', '', '00', '', ...Array(16).fill('0'), '20240601', '99999999']),
      ].join(CRLF),
    );
    expect(support.rows.map((l) => [l.code, l.group, l.scope])).toEqual([
      ['113041810', 'G1', 'month'],
      ['113041810', 'G2', 'day'],
    ]);
    expect(support.skipped).toEqual([{ line: 2, code: '150000110', reason: expect.stringContaining('手術前1週間') }]);
    const members = readInclusionTableCsv(
      [
        csvLine(['0', 'G1', '160008010', '末梢血液一般', '0', '20240601', '20250331']),
        csvLine(['0', 'G1', '113041810', '自分自身', '0', '20240601', '99999999']),
        csvLine(['0', 'G2', '160095710', 'Ｂ－Ｖ', '0', '20250101', '99999999']),
      ].join(CRLF),
    );
    expect(members.refused).toEqual([]);
    expect(expandInclusions(support.rows, members.rows)).toEqual([
      { including: '113041810', included: '160008010', scope: 'month', validFrom: '2024-06-01', validTo: '2025-03-31' },
      { including: '113041810', included: '160095710', scope: 'day', validFrom: '2025-01-01', validTo: null },
    ]);
  });

  it('reads our まるめ steps file and refuses bad steps by line', () => {
    const { rows, refused } = readBundleStepsCsv(
      [
        'group,name,min_items,points,valid_from,valid_to,source',
        '生化学１,生化学的検査（１）,5,93,20240601,20260531,"別表第一 D007 注"',
        '生化学１,生化学的検査（１）,0,93,20240601,20260531,x',
        '生化学１,生化学的検査（１）,8,九十九,20240601,20260531,x',
      ].join(CRLF),
    );
    expect(rows).toEqual([
      { group: '生化学１', name: '生化学的検査（１）', minItems: 5, points: 93, validFrom: '2024-06-01', validTo: '2026-05-31', source: '別表第一 D007 注' },
    ]);
    expect(refused.map((r) => r.line)).toEqual([3, 4]);
  });
});
