/**
 * The interaction file importer (src/services/eprescription/checks/import-csv.ts): good rows, refused rows with their
 * line numbers, comments, Japanese kind and scope names, Shift_JIS, a header-level refusal, progress; and the shipped
 * SAMPLE file (every row valid, every pair with its statement and reference).
 */
import { describe, expect, it } from 'vitest';
import { shiftJis } from '../helpers/shift-jis.ts';
import {
  INTERACTION_CSV_COLUMNS,
  type ImportProgress,
  InteractionFileError,
  parseInteractionCsv,
  sampleRules,
} from '../../src/services/eprescription/checks/index.ts';

const HEADER = INTERACTION_CSV_COLUMNS.join(',');

describe('interaction CSV import', () => {
  it('reads good rows and refuses bad ones with their line numbers', () => {
    const text = [
      '# comment line 1',
      HEADER, // line 2
      'contraindicated,ingredient,2189011,シンバスタチン,ingredient,6290004,イトラコナゾール,"横紋筋融解症, CYP3A4",PMDA 添付文書', // 3 good
      'contraindicated,ingredient,6290004,イトラコナゾール,ingredient,2189011,シンバスタチン,,', // 4 the same pair reversed
      'interaction,ingredient,1249010,,ingredient,6241008,,,', // 5 unknown kind
      'contraindicated,drug,1249010,,ingredient,6241008,,,', // 6 unknown scope
      'contraindicated,ingredient,124901,,ingredient,6241008,,,', // 7 key too short
      'contraindicated,class,1249010,,ingredient,6241008,,,', // 8 a 7-digit class key
      'contraindicated,ingredient,1249010,,ingredient,1249010,,,', // 9 itself
      '',
      '# another comment', // 11
      'duplicate-class,class,1124,ベンゾジアゼピン系製剤,,,,sample policy,', // 12 good
      'duplicate-class,class,2189,,ingredient,2189011,,,', // 13 key_b set
      'duplicate-class,,2189,高脂血症用剤,,,,,', // 14 good: scope may be empty
      '併用禁忌,成分,1249010,チザニジン,薬効分類,6241,ニューキノロン,,', // 15 good, Japanese names
      'contraindicated,ingredient,1249010,,ingredient,1179039,,,,extra', // 16 too many fields
    ].join('\r\n');
    const result = parseInteractionCsv(text);
    expect(result.rows).toBe(12);
    expect(result.refused.map((r) => r.line)).toEqual([4, 5, 6, 7, 8, 9, 13, 16]);
    expect(result.refused[0].reason).toMatch(/line 3/);
    expect(result.refused[1].reason).toMatch(/kind "interaction"/);
    expect(result.refused[4].reason).toMatch(/class key/);
    expect(result.refused[5].reason).toMatch(/itself/);
    expect(result.rules).toEqual([
      {
        kind: 'contraindicated',
        a: { scope: 'ingredient', key: '2189011', name: 'シンバスタチン' },
        b: { scope: 'ingredient', key: '6290004', name: 'イトラコナゾール' },
        statement: '横紋筋融解症, CYP3A4',
        reference: 'PMDA 添付文書',
      },
      { kind: 'duplicate-class', therapeuticClass: '1124', name: 'ベンゾジアゼピン系製剤', statement: 'sample policy' },
      { kind: 'duplicate-class', therapeuticClass: '2189', name: '高脂血症用剤' },
      { kind: 'contraindicated', a: { scope: 'ingredient', key: '1249010', name: 'チザニジン' }, b: { scope: 'class', key: '6241', name: 'ニューキノロン' } },
    ]);
  });

  it('reads Shift_JIS and UTF-8 with a BOM, columns in any order', () => {
    const text = `key_b,key_a,kind,scope_a,scope_b,name_a\n6241008,1249010,併用禁忌,成分,成分,チザニジン\n`;
    const sjis = shiftJis(text);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(sjis)).toThrow();
    for (const data of [sjis, new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)])]) {
      const { rules, refused } = parseInteractionCsv(data);
      expect(refused).toEqual([]);
      expect(rules).toEqual([
        { kind: 'contraindicated', a: { scope: 'ingredient', key: '1249010', name: 'チザニジン' }, b: { scope: 'ingredient', key: '6241008' } },
      ]);
    }
    expect(parseInteractionCsv(sjis, { encoding: 'shift_jis' }).rules).toHaveLength(1);
  });

  it('refuses a file without a usable header whole', () => {
    expect(() => parseInteractionCsv('# only a comment\n')).toThrow(InteractionFileError);
    expect(() => parseInteractionCsv('kind,scope_a,key_a\ncontraindicated,ingredient,1249010\n')).toThrow(/scope_b, key_b/);
    expect(() => parseInteractionCsv(`${HEADER},severity\n`)).toThrow(/unknown columns severity/);
  });

  it('takes other key formats and reports progress', () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `contraindicated,ingredient,ING${i},,ingredient,ING${i + 5000},,,`);
    const progress: ImportProgress[] = [];
    const result = parseInteractionCsv([HEADER, ...rows].join('\n'), {
      keyFormat: { ingredient: /^ING\d+$/, therapeuticClass: /^CL\d+$/ },
      onProgress: (p) => progress.push(p),
    });
    expect(result.refused).toEqual([]);
    expect(result.rules).toHaveLength(1200);
    expect(progress.map((p) => p.done)).toEqual([500, 1000, 1200]);
    expect(progress.every((p) => p.phase === 'read' && p.total === 1200)).toBe(true);
  });
});

describe('the shipped SAMPLE', () => {
  it('is valid, and every rule says its fact and where it is published', () => {
    const rules = sampleRules();
    expect(rules.filter((r) => r.kind === 'contraindicated').length).toBeGreaterThanOrEqual(10);
    for (const r of rules) {
      expect(r.dataset).toBe('sample');
      expect(r.statement?.length).toBeGreaterThan(10);
      expect(r.reference).toMatch(/添付文書|日本標準商品分類/);
    }
    const names = rules.flatMap((r) => (r.kind === 'contraindicated' ? [`${r.a.name}×${r.b.name}`] : []));
    expect(names).toEqual(
      expect.arrayContaining(['シンバスタチン×イトラコナゾール', 'チザニジン×フルボキサミン', 'チザニジン×シプロフロキサシン', 'ピモジド×クラリスロマイシン']),
    );
  });
});
