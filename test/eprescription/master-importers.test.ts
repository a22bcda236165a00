/**
 * The drug master's importers (src/services/eprescription/master/importers.ts) on small inline files: the
 * 診療報酬情報提供サービス 医薬品マスター (Shift_JIS, no header; or a copy with a header) and the 一般名処方マスタ saved as
 * CSV (title rows, a header, or positions), bad rows refused with their line numbers, progress reported.
 * Rows marked "real" are copied from the 2026-09-30 copy of the master in github.com/shiro46mt/jp-medicine-master-data
 * (data/y/2026/20260930.csv); the others are synthetic, shaped like the real ones.
 */
import { describe, expect, it } from 'vitest';
import { DrugMaster, isDrugProblem, parseGeneralNameMaster, parseReceiptDrugMaster } from '../../src/services/eprescription/master/index.ts';
import { shiftJis } from '../helpers/shift-jis.ts';

const jst = (day: string) => new Date(`${day}T12:00:00+09:00`);

// 42 columns; the ones read: 0 変更区分, 1 マスター種別, 2 医薬品コード, 4 漢字名称, 9 単位, 22 商品名等関連, 29 変更年月日,
// 30 廃止年月日, 31 薬価基準収載医薬品コード, 33 経過措置年月日, 35 薬価基準収載年月日, 36 一般名コード, 37 一般名処方の標準的な記載
const REAL = [
  // real: ロキソニン錠６０ｍｇ
  '0,Y,620098801,10,ロキソニン錠６０ｍｇ,13,ﾛｷｿﾆﾝｼﾞｮｳ60MG,16,1,錠,1,10.80,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,,20260401,99999999,1149019F1560,006789000,0,ロキソニン錠６０ｍｇ,0,1149019F1ZZZ,【般】ロキソプロフェンＮａ錠６０ｍｇ,2,0,0,1',
  // real: プレドニン錠５ｍｇ, listed under the unified name (商品名等関連 612450051)
  '0,Y,612450118,9,プレドニン錠５ｍｇ,14,ﾌﾟﾚﾄﾞﾆﾝｼﾞｮｳ5MG,16,1,錠,1,10.50,0,0,0,0,0,0,0,0,0,1,612450051,0,0,0,0,1,,20260401,99999999,2456001F1019,005265001,0,プレドニン錠５ｍｇ,0,,,0,0,0,0',
  // real: リポバス錠５, 経過措置年月日 20270331
  '0,Y,612180263,10,リポバス錠５　５ｍｇ,11,ﾘﾎﾟﾊﾞｽｼﾞｮｳ5,16,1,錠,1,14.80,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,,20260401,99999999,2189011F1025,006498000,20270331,リポバス錠５,0,2189011F1ZZZ,【般】シンバスタチン錠５ｍｇ,2,0,0,0',
];
const row = (over: Record<number, string>) => {
  const f = REAL[0].split(',');
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v;
  return f.join(',');
};

describe('医薬品マスター (y.csv)', () => {
  it('reads a Shift_JIS file: codes, names, unit, YJ only where the brand is not listed under a unified name, dates', () => {
    const progress: [number, number][] = [];
    const r = parseReceiptDrugMaster(shiftJis(REAL.join('\r\n')), { source: 'y-test', onProgress: (d, t) => progress.push([d, t]) });
    expect(r.refused).toEqual([]);
    expect(r.entries).toEqual([
      {
        receiptCode: '620098801',
        priceCode: '1149019F1560',
        yjCode: '1149019F1560',
        generalCode: '1149019F1ZZZ',
        name: 'ロキソニン錠６０ｍｇ',
        generalName: '【般】ロキソプロフェンＮａ錠６０ｍｇ',
        unit: '錠',
        validFrom: undefined,
        validTo: undefined,
        revisedOn: '2026-04-01',
        source: 'y-test',
      },
      expect.objectContaining({ receiptCode: '612450118', priceCode: '2456001F1019', yjCode: undefined, generalCode: undefined, name: 'プレドニン錠５ｍｇ' }),
      expect.objectContaining({ receiptCode: '612180263', validTo: '2027-03-31', name: 'リポバス錠５　５ｍｇ' }),
    ]);
    expect(progress).toEqual([[3, 3]]);
    const m = new DrugMaster(r.entries);
    expect(m.nameOf('620098801', jst('2026-05-01'))).toBe('ロキソニン錠６０ｍｇ');
    expect(m.lookup('receipt', '612180263', jst('2027-04-01'))).toMatchObject({ problem: 'expired', date: '2027-03-31' });
  });

  it('refuses bad rows with their line numbers and reasons, and imports the rest', () => {
    const lines = [
      REAL[0],
      row({ 0: '1' }), // 抹消
      row({ 1: 'S' }), // another master
      row({ 2: '62009880' }), // 8 digits
      row({ 2: '999999999' }), // dummy
      row({ 31: '1149019F156' }), // 11 characters
      row({ 4: '' }), // no name
      row({ 30: '2026-13-01' }), // bad date
      row({ 36: 'ABC' }), // bad general code
      `"0","Y","620099301","20","ロキソプロフェンＮａ錠６０ｍｇ「サワイ」",${'"",'.repeat(36).slice(0, -1)}`,
      REAL[1],
    ];
    const r = parseReceiptDrugMaster(lines.join('\n'), { source: 'y-test' });
    expect(r.entries.map((e) => e.receiptCode)).toEqual(['620098801', '612450118']);
    expect(r.refused.map((x) => x.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.refused[0].reason).toBe('変更区分 1 (抹消): not imported');
    expect(r.refused[1].reason).toContain('マスター種別 "S" is not Y');
    expect(r.refused[2].reason).toContain('it has 8 digits (9 expected)');
    expect(r.refused[3].reason).toContain('a dummy code (all nines)');
    expect(r.refused[4].reason).toContain('薬価基準収載医薬品コード "1149019F156"');
    expect(r.refused[5].reason).toContain('no 漢字名称');
    expect(r.refused[6].reason).toContain('is not YYYYMMDD');
    expect(r.refused[7].reason).toContain('一般名コード "ABC"');
    expect(r.refused[8].reason).toContain('薬価基準収載医薬品コード ""');
  });

  it('skips the header row of a copy that has one, reads UTF-8 with BOM, and reports progress every 1000 rows', () => {
    const header = '変更区分,マスター種別,医薬品コード,医薬品名・規格名漢字有効桁数,医薬品名・規格名漢字名称';
    const body = Array.from({ length: 2500 }, (_, i) => row({ 2: String(620100000 + i) }));
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode([header, ...body].join('\n'))]);
    const progress: number[] = [];
    const r = parseReceiptDrugMaster(bytes, { source: 'y', onProgress: (d) => progress.push(d) });
    expect(r.refused).toEqual([]);
    expect(r.entries).toHaveLength(2500);
    expect(progress).toEqual([1000, 2000, 2500]);
  });

  it('never throws, whatever the bytes', () => {
    expect(parseReceiptDrugMaster(new Uint8Array([0x00, 0xff, 0x81, 0x0a, 0x22]), { source: 'x' }).entries).toEqual([]);
    expect(parseReceiptDrugMaster('', { source: 'x' })).toEqual({ entries: [], refused: [] });
  });
});

describe('一般名処方マスタ (CSV)', () => {
  // synthetic rows in the layout described in importers.ts; 1149019F1ZZZ and 2189015F2ZZZ are real 一般名コード (the
  // 医薬品マスター copy), the tape's code is made up in the same shape
  const FILE = [
    '処方箋に記載する一般名処方の標準的な記載（一般名処方マスタ）,,,,',
    '令和８年４月１日適用,,,,',
    '区分,一般名コード,一般名処方の標準的な記載,成分名,規格',
    '内,1149019F1ZZZ,【般】ロキソプロフェンＮａ錠６０ｍｇ,ロキソプロフェンナトリウム水和物,６０ｍｇ１錠',
    '内,2189015F2ZZZ,【般】アトルバスタチン錠１０ｍｇ,アトルバスタチンカルシウム水和物,１０ｍｇ１錠',
    '内,2189015F2ZZ,【般】短いコード,x,１錠',
    '内,9999999F9ZZZ,【般】ダミー,x,１錠',
    '内,2189011F1ZZZ,,シンバスタチン,５ｍｇ１錠',
    ',,,,',
    '外,2649735S1ZZZ,【般】ロキソプロフェンＮａテープ１００ｍｇ（１０ｃｍ×１４ｃｍ）,ロキソプロフェンナトリウム水和物,１０ｃｍ×１４ｃｍ１枚',
  ];

  it('finds the header below the title rows, reads by its names, refuses bad rows by line (Shift_JIS)', () => {
    const r = parseGeneralNameMaster(shiftJis(FILE.join('\r\n')), { source: 'general-test', validFrom: '20260401' });
    expect(r.entries.map((e) => e.generalCode)).toEqual(['1149019F1ZZZ', '2189015F2ZZZ', '2649735S1ZZZ']);
    expect(r.entries[0]).toEqual({
      generalCode: '1149019F1ZZZ',
      name: '【般】ロキソプロフェンＮａ錠６０ｍｇ',
      generalName: 'ロキソプロフェンナトリウム水和物',
      unit: '錠',
      validFrom: '2026-04-01',
      validTo: undefined,
      revisedOn: '2026-04-01',
      source: 'general-test',
    });
    expect(r.entries[2].unit).toBe('枚');
    expect(r.refused).toEqual([
      { line: 6, reason: '一般名コード "2189015F2ZZ": it has 11 characters (12 expected)' },
      { line: 7, reason: expect.stringContaining('a dummy code') },
      { line: 8, reason: '2189011F1ZZZ: no 一般名処方の標準的な記載' },
    ]);
    const m = new DrugMaster(r.entries);
    expect(m.nameOf('2189015F2ZZZ', jst('2026-04-01'))).toBe('【般】アトルバスタチン錠１０ｍｇ');
    const before = m.lookup('general', '2189015F2ZZZ', jst('2026-03-31'));
    expect(isDrugProblem(before) && before.problem).toBe('not-yet');
  });

  it('reads a file without a header by position, and refuses all rows when the import dates are bad', () => {
    const r = parseGeneralNameMaster(FILE.slice(3, 5).join('\n'), { source: 'g' });
    expect(r.entries.map((e) => [e.generalCode, e.name])).toEqual([
      ['1149019F1ZZZ', '【般】ロキソプロフェンＮａ錠６０ｍｇ'],
      ['2189015F2ZZZ', '【般】アトルバスタチン錠１０ｍｇ'],
    ]);
    const bad = parseGeneralNameMaster(FILE.slice(3, 5).join('\n'), { source: 'g', validFrom: 'someday' });
    expect(bad.entries).toEqual([]);
    expect(bad.refused).toEqual([
      { line: 1, reason: 'validFrom / validTo of the import is not a date' },
      { line: 2, reason: 'validFrom / validTo of the import is not a date' },
    ]);
  });
});
