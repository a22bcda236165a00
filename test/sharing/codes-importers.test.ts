/**
 * The official-file importers of the sharing service's code lists (src/services/sharing/codes/importers.ts) on
 * small inline files: UTF-8 and Shift_JIS, headers, bad rows refused with their line numbers, progress.
 * The rows are synthetic (codes shaped like the real ones) unless a comment names their source.
 */
import { describe, expect, it } from 'vitest';
import { decodeText, parseDiseaseMaster, parseDrugMaster, parseJfagyList, parseJlac10List } from '../../src/services/sharing/codes/index.ts';
import { parseCsv } from '../../src/platform/master-files/csv.ts';
import { shiftJis } from '../helpers/shift-jis.ts';

describe('text and CSV reading', () => {
  it('detects UTF-8 (with BOM) and Shift_JIS', () => {
    const sjis = shiftJis('十二指腸潰瘍,ｶﾞｽﾀｰ');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(sjis)).toThrow();
    expect(decodeText(sjis)).toBe('十二指腸潰瘍,ｶﾞｽﾀｰ');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('胃炎')]))).toBe('胃炎');
    expect(decodeText(sjis, 'shift_jis')).toBe('十二指腸潰瘍,ｶﾞｽﾀｰ');
  });

  it('parses quotes, escaped quotes, commas and newlines in fields, CRLF, and keeps start lines', () => {
    const records = parseCsv('a,"b,c","d ""e"""\r\n\r\n"multi\nline",x\nlast');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b,c', 'd "e"'] },
      { line: 3, fields: ['multi\nline', 'x'] },
      { line: 5, fields: ['last'] },
    ]);
  });
});

describe('MEDIS 標準病名マスター (nmain)', () => {
  // Columns: 変更区分, 病名管理番号, 病名表記, 病名表記カナ, 採択区分, 病名交換用コード, ICD10, ICD10複数, ICD10確度, 複数ICD候補, レセ電算コード, …
  const rows = [
    '"0","20064049","十二指腸潰瘍","ジュウニシチョウカイヨウ","1","KTHQ","K269","","","","5329008","十二指腸潰瘍"',
    '"0","20075639","噴門癌","フンモンガン","1","L3RF","C160","","","",""',
    '"0","2007563","短い番号","","1","","","","","","1234567"',
    '"0","20065011","上腹部痛","","1","","R101","","","","12345"',
  ];

  it('reads management numbers and receipt codes from a Shift_JIS file, refusing bad rows by line', () => {
    const progress: [number, number][] = [];
    const r = parseDiseaseMaster(shiftJis(rows.join('\r\n')), { source: 'medis-test', onProgress: (d, t) => progress.push([d, t]) });
    expect(r.entries).toEqual([
      { list: 'disease', code: '20064049', display: '十二指腸潰瘍', source: 'medis-test' },
      { list: 'disease', code: '5329008', display: '十二指腸潰瘍', source: 'medis-test' },
      { list: 'disease', code: '20075639', display: '噴門癌', source: 'medis-test' },
    ]);
    expect(r.refused).toEqual([
      { line: 3, reason: '病名管理番号 "2007563" is not 8 digits' },
      { line: 4, reason: 'レセ電算コード "12345" is not 7 digits' },
    ]);
    expect(progress.at(-1)).toEqual([4, 4]);
  });

  it('reads a file with a header row by the column names', () => {
    const text = 'レセ電算コード,病名表記,病名管理番号\n5329008,十二指腸潰瘍,20064049\n';
    expect(parseDiseaseMaster(text, { source: 's' }).entries.map((e) => e.code)).toEqual(['20064049', '5329008']);
  });
});

describe('診療報酬情報提供サービス 医薬品マスター (y.csv)', () => {
  /** A 42-column row of the 医薬品マスター layout with the given 1-based columns set. */
  const row = (cols: Record<number, string>) => Array.from({ length: 42 }, (_, i) => cols[i + 1] ?? '0').join(',');
  const base = { 1: '0', 2: 'Y', 31: '99999999' };
  // The first row's values: the ガスター散２％ row of github.com/shiro46mt/jp-medicine-master-data data/y/2025/20250813.csv.
  const lines = [
    row({ ...base, 3: '610406079', 5: 'ガスター散２％', 30: '20250401', 32: '2325003B2029', 37: '2325003B2ZZZ', 38: '【般】ファモチジン散２％' }),
    row({ ...base, 3: '610406080', 5: '後発散２％', 32: '2325003B2037', 34: '20260331', 36: '20200601', 37: '2325003B2ZZZ', 38: '【般】ファモチジン散２％' }),
    row({ ...base, 3: '61040608', 5: '桁不足', 32: '2325003B2045' }),
    row({ ...base, 1: '1', 3: '610406081', 5: '抹消', 32: '2325003B2053' }),
    row({ ...base, 3: '610406082', 5: '日付誤り', 32: '2325003B2061', 34: '20261399' }),
    row({ ...base, 2: 'S', 3: '110000110' }),
    row({ ...base, 3: '610406083', 5: '廃止品', 31: '20240331', 32: '1124030F2011', 37: '1124030F2ZZZ', 38: '【般】クアゼパム錠２０ｍｇ' }),
  ];

  it('reads YJ codes with their last day of use and the general-name codes, refusing bad rows', () => {
    const r = parseDrugMaster(shiftJis(lines.join('\r\n')), { source: 'y-test' });
    expect(r.entries).toEqual([
      { list: 'yj', code: '2325003B2029', display: 'ガスター散２％', validFrom: undefined, validTo: undefined, source: 'y-test' },
      { list: 'yj', code: '2325003B2037', display: '後発散２％', validFrom: '2020-06-01', validTo: '2026-03-31', source: 'y-test' },
      { list: 'yj', code: '1124030F2011', display: '廃止品', validFrom: undefined, validTo: '2024-03-31', source: 'y-test' },
      // open while one brand is open; else until its last brand's last day
      { list: 'yj', code: '2325003B2ZZZ', display: '【般】ファモチジン散２％', validTo: undefined, source: 'y-test' },
      { list: 'yj', code: '1124030F2ZZZ', display: '【般】クアゼパム錠２０ｍｇ', validTo: '2024-03-31', source: 'y-test' },
    ]);
    expect(r.refused).toEqual([
      { line: 3, reason: '医薬品コード "61040608" is not 9 digits' },
      { line: 4, reason: '変更区分 1 (抹消): not imported' },
      { line: 5, reason: 'a date column (廃止年月日, 経過措置年月日, 薬価基準収載年月日) is not YYYYMMDD' },
      { line: 6, reason: 'マスター種別 "S" is not Y (not a 医薬品マスター row)' },
    ]);
  });

  it('takes other column positions as a parameter', () => {
    const r = parseDrugMaster('Y,610406079,ガスター散２％,2325003B2029\n', {
      source: 's',
      columns: { masterType: 0, receiptCode: 1, name: 2, yj: 3, abolished: 9, transitional: 9, listed: 9, generalCode: 9, generalName: 9 },
    });
    expect(r.entries.map((e) => e.code)).toEqual(['2325003B2029']);
    expect(r.refused).toEqual([]);
  });
});

describe('JLAC10 and J-FAGY lists', () => {
  it('reads a JLAC10 list (code, item, display[, valid_from, valid_to]) after its header', () => {
    const text =
      'code,item,display\n3H015000002326101,K,カリウム\n3H01500000232610,K,短い\n3H015000001826101,,項目なし\n"5F016141002306311","HBs-AG-RESULT","HBs抗原(定性)",20240401,2026-03-31\n';
    const r = parseJlac10List(text, { source: 'j', list: 'jlac10-core' });
    expect(r.entries).toEqual([
      { list: 'jlac10-core', code: '3H015000002326101', item: 'K', display: 'カリウム', validFrom: undefined, validTo: undefined, source: 'j' },
      {
        list: 'jlac10-core',
        code: '5F016141002306311',
        item: 'HBs-AG-RESULT',
        display: 'HBs抗原(定性)',
        validFrom: '2024-04-01',
        validTo: '2026-03-31',
        source: 'j',
      },
    ]);
    expect(r.refused).toEqual([
      { line: 3, reason: '"3H01500000232610" is not a 17-character JLAC10 code' },
      { line: 4, reason: '3H015000001826101: no item key (検査項目) in column 2' },
    ]);
  });

  it('reads the J-FAGY CLINS distribution by its header names, with 収載日 / 終了日', () => {
    // Header and rows 1 and 13 as in github.com/jami-fhir-jp-wg/JFAGY csv_files_forCLINS (J9FN and YCM files).
    const text = [
      '"SEQ","JFAGY code","Allergen Term（JP）","Furigana（JP）","Allergen Term（EN）","Level","Main 100","Clinical Guideline","変更区分","収載日","終了日"',
      '"1","D9M000000000","医薬品ダミーコード","いやくひんだみーこーど","Medicine dummy code","1","1","","","00000000","99999999"',
      '"13","YCM1116700X1037","笑気ガス（住友精化）","","","","","","1","00000000","20210331"',
      '"14","Y1116700X1045","桁不足","","","","","","1","00000000","00000000"',
      '"15","J9FA15000000","小麦","","","","","","","20241301","00000000"',
    ].join('\r\n');
    const r = parseJfagyList(new TextEncoder().encode(text), { source: 'jf' });
    expect(r.entries).toEqual([
      { list: 'jfagy', code: 'D9M000000000', display: '医薬品ダミーコード', validFrom: undefined, validTo: undefined, source: 'jf' },
      { list: 'jfagy', code: 'YCM1116700X1037', display: '笑気ガス（住友精化）', validFrom: undefined, validTo: '2021-03-31', source: 'jf' },
    ]);
    expect(r.refused.map((x) => x.line)).toEqual([4, 5]);
    expect(r.refused[0].reason).toMatch(/not a J-FAGY code/);
    expect(r.refused[1].reason).toMatch(/収載日 \/ 終了日 is not YYYYMMDD/);
  });

  it('reads a plain code,display J-FAGY list from Shift_JIS', () => {
    const r = parseJfagyList(shiftJis('code,display\nJ9FA32540000,キウイフルーツ\nGCM2260701F1ZZZ,ポビドンヨード含嗽用液７％\nJ9XA32540000,誤り'), {
      source: 'p',
    });
    expect(r.entries.map((e) => [e.code, e.display])).toEqual([
      ['J9FA32540000', 'キウイフルーツ'],
      ['GCM2260701F1ZZZ', 'ポビドンヨード含嗽用液７％'],
    ]);
    expect(r.refused).toEqual([{ line: 4, reason: expect.stringContaining('"J9XA32540000" is not a J-FAGY code') }]);
  });

  it('reports progress every 1000 records and at the end, and never throws on garbage', () => {
    const text = Array.from({ length: 2500 }, (_, i) => `J9FA${String(i).padStart(8, '0')},x`).join('\n');
    const progress: [number, number][] = [];
    parseJfagyList(text, { source: 'p', onProgress: (d, t) => progress.push([d, t]) });
    expect(progress).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
    const garbage = new Uint8Array([0xff, 0xfe, 0x00, 0x22, 0x0a, 0x81]);
    for (const parse of [parseDiseaseMaster, parseDrugMaster, parseJfagyList]) expect(() => parse(garbage, { source: 'g' })).not.toThrow();
    expect(() => parseJlac10List(garbage, { source: 'g', list: 'jlac10-infection' })).not.toThrow();
  });
});
