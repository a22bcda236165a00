/**
 * The e-prescription drug master (src/services/eprescription/master/): lookups in each code system on the shipped
 * sample, every refusal with its Japanese and English message, names by the prescription date (the December 2024
 * incident), dummy codes (the August 2025 fix), same-generic substitution, and the drugs of the ePrescriptionData
 * package's examples. The table and the importers have their own files (master-store, master-importers).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFhirPackage } from '../../src/platform/conformance/packages/package-reader.ts';
import {
  checkKeysOf,
  classKeyOf,
  type DrugEntry,
  DrugMaster,
  type DrugProblem,
  displayAgrees,
  drugSystemOf,
  genericKeyOf,
  ingredientKeyOf,
  isDrugProblem,
  sampleDrugEntries,
} from '../../src/services/eprescription/master/index.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';

/** A moment on the Japan date `day` (noon JST). */
const jst = (day: string) => new Date(`${day}T12:00:00+09:00`);
const ON = jst('2025-06-01');

let master: DrugMaster;
beforeAll(() => {
  master = new DrugMaster(sampleDrugEntries());
});

const entry = (r: ReturnType<DrugMaster['lookup']>): DrugEntry => {
  if (isDrugProblem(r)) throw new Error(`expected an entry, got ${r.problem}: ${r.en}`);
  return r;
};
const problem = (r: ReturnType<DrugMaster['lookup']>): DrugProblem => {
  if (!isDrugProblem(r)) throw new Error(`expected a problem, got ${r.name}`);
  return r;
};

describe('lookup by each code system', () => {
  it('finds a product by its receipt code, YJ code and HOT9 code, with its unit and keys', () => {
    const byReceipt = entry(master.lookup('receipt', '612450118', ON));
    expect(byReceipt).toMatchObject({ name: 'プレドニン錠５ｍｇ', unit: '錠', yjCode: '2456001F1310', priceCode: '2456001F1019', hot9: '105271807' });
    expect(entry(master.lookup('yj', '2456001F1310', ON))).toBe(byReceipt);
    expect(entry(master.lookup('hot9', '105271807', ON))).toBe(byReceipt);
    // keys from the 薬価基準収載医薬品コード: 2456 薬効分類, 2456001 成分
    expect([classKeyOf(byReceipt), ingredientKeyOf(byReceipt), genericKeyOf(byReceipt)]).toEqual(['2456', '2456001', '2456001F1ZZZ']);
  });

  it('finds a 一般名コード listed itself, and one known only from its brands (shown as the 一般名, not a brand)', () => {
    expect(entry(master.lookup('general', '1124030F2ZZZ', ON)).name).toBe('【般】クアゼパム錠２０ｍｇ');
    const loxoprofen = entry(master.lookup('general', '1149019F1ZZZ', ON));
    expect(loxoprofen).toMatchObject({ generalCode: '1149019F1ZZZ', name: '【般】ロキソプロフェンＮａ錠６０ｍｇ', unit: '錠' });
    expect(loxoprofen.receiptCode).toBeUndefined();
    expect(master.nameOf('1149019F1ZZZ', ON)).toBe('【般】ロキソプロフェンＮａ錠６０ｍｇ');
  });

  it('resolves FHIR codings by every URI of a system, and leaves other systems (GS1) alone', () => {
    for (const system of ['urn:oid:1.2.392.200119.4.403.1', 'urn:oid:1.2.392.100495.20.2.74', 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeHOT9_CS'])
      expect(entry(master.lookupCoding({ system, code: '105271807' }, ON)!).name).toBe('プレドニン錠５ｍｇ');
    expect(entry(master.lookupCoding({ system: 'urn:oid:1.2.392.100495.20.1.73', code: '2171022F2025' }, ON)!).name).toBe('ノルバスク錠５ｍｇ');
    expect(
      entry(master.lookupCoding({ system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode', code: '2189015F2ZZZ' }, ON)!).name,
    ).toBe('【般】アトルバスタチン錠１０ｍｇ');
    expect(master.lookupCoding({ system: 'urn:oid:2.51.1.1', code: '14987123456789' }, ON)).toBeUndefined();
    expect(drugSystemOf('urn:oid:1.2.392.100495.20.2.71')).toBe('receipt');
  });
});

describe('refusals, each with a precise Japanese and English message', () => {
  it('unknown: a well-formed code the master does not hold', () => {
    const p = problem(master.lookup('receipt', '620000001', ON));
    expect(p).toMatchObject({ problem: 'unknown', system: 'receipt', code: '620000001' });
    expect(p.ja).toBe('レセプト電算処理システム用医薬品コード 620000001 は医薬品マスターにありません');
    expect(p.en).toBe('receipt drug code (レセ電算コード) 620000001 is not in the drug master');
  });

  it('unknown with a hint when the code is known under another system', () => {
    const p = problem(master.lookup('hot9', '612450118', ON));
    expect(p.problem).toBe('unknown');
    expect(p.ja).toContain('レセプト電算処理システム用医薬品コードとしては登録があります');
    expect(p.en).toContain('check the coding');
  });

  it('expired: after the last day (a real 経過措置 end: リポバス錠５, 2027-03-31)', () => {
    expect(entry(master.lookup('receipt', '612180263', jst('2027-03-31'))).name).toBe('リポバス錠５　５ｍｇ');
    const p = problem(master.lookup('receipt', '612180263', jst('2027-04-01')));
    expect(p).toMatchObject({ problem: 'expired', date: '2027-03-31', name: 'リポバス錠５　５ｍｇ' });
    expect(p.ja).toBe(
      'レセプト電算処理システム用医薬品コード 612180263（リポバス錠５　５ｍｇ） は 2027-03-31 までのコードです（廃止または経過措置期間の終了）。処方日 2027-04-01 には使えません',
    );
    expect(p.en).toContain('was valid until 2027-03-31');
    // the Japan date decides: 2027-03-31 23:30 JST is still the last day, 15:30 UTC on 2027-03-31 is 2027-04-01 00:30 JST
    expect(isDrugProblem(master.lookup('receipt', '612180263', new Date('2027-03-31T23:30:00+09:00')))).toBe(false);
    expect(problem(master.lookup('receipt', '612180263', new Date('2027-03-31T15:30:00Z'))).problem).toBe('expired');
  });

  it('not-yet: before the first day', () => {
    const p = problem(master.lookup('receipt', '629900201', jst('2027-03-31')));
    expect(p).toMatchObject({ problem: 'not-yet', date: '2027-04-01' });
    expect(p.ja).toBe(
      'レセプト電算処理システム用医薬品コード 629900201（【架空】ミライ錠５ｍｇ） は 2027-04-01 から使えるコードです。処方日 2027-03-31 にはまだ使えません',
    );
    expect(p.en).toBe('receipt drug code (レセ電算コード) 629900201 (【架空】ミライ錠５ｍｇ) is valid from 2027-04-01; it cannot be used yet on 2027-03-31');
    expect(entry(master.lookup('receipt', '629900201', jst('2027-04-01'))).name).toBe('【架空】ミライ錠５ｍｇ');
  });

  it('dummy: all 9s, all 0s and other placeholders are refused in every system (the August 2025 fix)', () => {
    const cases: [Parameters<DrugMaster['lookup']>[0], string, string][] = [
      ['receipt', '999999999', 'すべて9のダミーコード'],
      ['receipt', '000000000', 'すべて0のダミーコード'],
      ['receipt', '699999999', '先頭以外が同じ数字（9）のダミーコード'],
      ['receipt', '123456789', '連番（123456789）のダミーコード'],
      ['yj', '999999999999', 'すべて9のダミーコード'],
      ['yj', '9999999F9999', '数字がすべて同じ（9）のダミーコード'],
      ['yj', '0000000A0000', '数字がすべて同じ（0）のダミーコード'],
      ['yj', '9123456F1234', '薬効分類 9123 は存在しません'],
      ['general', '0000000F0ZZZ', '数字がすべて同じ（0）のダミーコード'],
      ['hot9', '111111111', '同じ文字（1）を並べたダミーコード'],
      ['hot9', '100000000', '先頭以外が同じ数字（0）のダミーコード'],
    ];
    for (const [system, code, why] of cases) {
      const p = problem(master.lookup(system, code, ON));
      expect(p.problem, `${system} ${code}`).toBe('dummy');
      expect(p.ja).toContain(why);
      expect(p.ja).toContain('ダミーコードは使えません');
      expect(p.en).toContain('Dummy codes are not accepted');
    }
    expect(problem(master.lookup('receipt', '999999999', ON)).ja).toBe(
      'レセプト電算処理システム用医薬品コード 999999999 はすべて9のダミーコードです。ダミーコードは使えません。実在する医薬品のコードを指定してください',
    );
  });

  it('malformed: wrong length, characters, case, another master’s code, a general code sent as YJ', () => {
    const cases: [Parameters<DrugMaster['lookup']>[0], string, string][] = [
      ['receipt', '61245011', '8桁です（9桁が必要）'],
      ['receipt', '61245011X', '数字以外の文字を含みます'],
      ['receipt', '112000710', '医薬品のレセプト電算コードは6で始まります'],
      ['receipt', '', 'コードが空です'],
      ['yj', '2171022F202', '11文字です（12桁が必要）'],
      ['yj', '2171022f2025', '英字は大文字です'],
      ['yj', '21710222F025', '8桁目が剤形の英字'],
      ['yj', '1149019F1ZZZ', '末尾 ZZZ は一般名コードです'],
      ['hot9', '10527180', '8桁です'],
      ['hot9', '105271807 ', '空白を含みます'],
    ];
    for (const [system, code, why] of cases) {
      const p = problem(master.lookup(system, code, ON));
      expect(p.problem, `${system} "${code}"`).toBe('malformed');
      expect(p.ja).toContain(why);
      expect(p.ja).toContain('の形式が正しくありません');
      expect(p.en).toContain('is malformed');
    }
    expect(problem(master.lookup('receipt', '', ON)).ja).toBe('レセプト電算処理システム用医薬品コード (空) の形式が正しくありません: コードが空です');
  });

  it('an expired brand makes its general code expire; while one brand is valid the general code is', () => {
    const only = new DrugMaster([
      {
        receiptCode: '620000011',
        priceCode: '2189011F1025',
        generalCode: '2189011F1ZZZ',
        generalName: '【般】シンバスタチン錠５ｍｇ',
        name: 'A',
        validTo: '2024-03-31',
        source: 't',
      },
      {
        receiptCode: '620000012',
        priceCode: '2189011F1033',
        generalCode: '2189011F1ZZZ',
        generalName: '【般】シンバスタチン錠５ｍｇ',
        name: 'B',
        validTo: '2025-03-31',
        source: 't',
      },
    ]);
    expect(entry(only.lookup('general', '2189011F1ZZZ', jst('2025-03-31'))).name).toBe('【般】シンバスタチン錠５ｍｇ');
    expect(problem(only.lookup('general', '2189011F1ZZZ', jst('2025-04-01')))).toMatchObject({ problem: 'expired', date: '2025-03-31' });
  });
});

describe('the name shown is the master’s for the code and the prescription date (the December 2024 incident)', () => {
  it('a renamed drug shows the name in force on the prescription date, whatever the sender wrote', () => {
    expect(master.nameOf('629900101', jst('2024-11-30'))).toBe('【架空】ツナグ錠１０ｍｇ');
    expect(master.nameOf('629900101', jst('2024-12-01'))).toBe('【架空】ツナグミン錠１０ｍｇ');
    expect(master.nameOf('629900101', jst('2026-01-01'))).toBe('【架空】ツナグミン錠１０ｍｇ');
    expect(master.nameOf('629900101', jst('2024-11-30'), 'receipt')).toBe('【架空】ツナグ錠１０ｍｇ');
    expect(master.versions('receipt', '629900101').map((v) => v.name)).toEqual(['【架空】ツナグ錠１０ｍｇ', '【架空】ツナグミン錠１０ｍｇ']);
  });

  it('an import’s later row wins over the sample’s for the same revision; a code not valid that day has no name', () => {
    const m = new DrugMaster(sampleDrugEntries()).add([
      { receiptCode: '612170710', yjCode: '2171022F2025', name: 'ノルバスク錠５ｍｇ（新）', revisedOn: '2026-04-01', source: 'import' },
    ]);
    expect(m.nameOf('612170710', ON)).toBe('ノルバスク錠５ｍｇ（新）');
    expect(m.versions('receipt', '612170710')).toHaveLength(1);
    expect(master.nameOf('612180263', jst('2027-04-01'))).toBeUndefined();
    expect(master.nameOf('999999999', ON)).toBeUndefined();
    expect(master.nameOf('12345', ON)).toBeUndefined();
  });

  it('a display agrees with the master only up to notation (全角/半角, white space)', () => {
    const permax = entry(master.lookup('hot9', '101230901', ON));
    expect(displayAgrees(permax, 'ペルマックス錠　５０μｇ')).toBe(true);
    expect(displayAgrees(permax, 'ペルマックス錠50μg')).toBe(true);
    expect(displayAgrees(permax, 'ペルマックス錠２５０μｇ')).toBe(false);
    expect(displayAgrees(entry(master.lookup('receipt', '612450118', ON)), 'プレドニン　５ｍｇ')).toBe(false);
    expect(displayAgrees(permax, '')).toBe(false);
  });
});

describe('same generic, same ingredient, same class', () => {
  it('brands of one generic may substitute for each other; another strength or ingredient may not', () => {
    const get = (code: string) => entry(master.lookup('receipt', code, ON));
    const [loxonin, loxoSawai, mevalotin, pravaChoseido, lipitor5, lipitor10] = [
      '620098801',
      '620099301',
      '612180265',
      '620002799',
      '610443013',
      '610443014',
    ].map(get);
    expect(master.sameGeneric(loxonin, loxoSawai)).toBe(true);
    expect(master.sameGeneric(mevalotin, pravaChoseido)).toBe(true);
    expect(master.sameGeneric(lipitor5, lipitor10)).toBe(false);
    expect(master.sameGeneric(loxonin, mevalotin)).toBe(false);
    // a general-code prescription and a brand of it
    expect(master.sameGeneric(entry(master.lookup('general', '1149019F1ZZZ', ON)), loxoSawai)).toBe(true);
    // statins share the class 2189, not the ingredient
    const lipovas = get('612180263');
    expect(classKeyOf(lipitor10)).toBe(classKeyOf(lipovas));
    expect(ingredientKeyOf(lipitor10)).not.toBe(ingredientKeyOf(lipovas));
    // carbocisteine 500 mg (ムコダイン) and the example's carbocisteine 250 mg share the ingredient 2233002
    expect(ingredientKeyOf(get('610407447'))).toBe(ingredientKeyOf(entry(master.lookup('hot9', '103831601', ON))));
  });

  it('gives the checks their keys (DrugKeys of ../checks), none for a product without any', () => {
    expect(checkKeysOf(entry(master.lookup('receipt', '610443014', ON)), '610443014')).toEqual({
      code: '610443014',
      ingredient: '2189015',
      therapeuticClass: '2189',
      name: 'リピトール錠１０ｍｇ',
    });
    expect(checkKeysOf(entry(master.lookup('hot9', '105638903', ON)), '105638903')).toBeUndefined();
  });
});

describe('the ePrescriptionData package examples', () => {
  const codings: { file: string; system: string; code: string; display?: string; authoredOn: string }[] = [];
  beforeAll(() => {
    const pkg = readFhirPackage(join(sharedFhirDir(), 'packages', 'jp-ePrescriptionData.r4.tgz'));
    const walk = (file: string, node: unknown): void => {
      if (Array.isArray(node)) {
        for (const n of node) walk(file, n);
        return;
      }
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.resourceType === 'MedicationRequest') {
        const mcc = o.medicationCodeableConcept as { coding?: { system: string; code: string; display?: string }[] } | undefined;
        for (const c of mcc?.coding ?? []) codings.push({ file, ...c, authoredOn: String(o.authoredOn) });
      }
      for (const v of Object.values(o)) walk(file, v);
    };
    for (const { file, resource } of pkg.resources)
      if (resource.resourceType === 'Bundle' || resource.resourceType === 'MedicationRequest') walk(file, resource);
  });

  it('every drug coding of the example Bundles and MedicationRequests is in the sample master on its date', () => {
    expect(codings.length).toBeGreaterThanOrEqual(15);
    expect(new Set(codings.map((c) => c.code)).size).toBe(7);
    for (const c of codings) {
      const r = master.lookupCoding(c, new Date(c.authoredOn));
      expect(r, `${c.file} ${c.system}|${c.code}`).toBeDefined();
      expect(isDrugProblem(r), `${c.file} ${c.code}: ${isDrugProblem(r) ? r.ja : ''}`).toBe(false);
    }
  });

  it('the examples’ displays agree with the master up to notation, except the ones that drop a word', () => {
    const disagree = codings.filter((c) => !displayAgrees(master.lookupCoding(c, new Date(c.authoredOn)) as DrugEntry, c.display ?? ''));
    // MedicationRequest-JP-MedReq-ePreData-Example-kakujitsu writes 「プレドニン　５ｍｇ」 (no 錠) for プレドニン錠５ｍｇ
    expect(disagree.map((c) => `${c.file}: ${c.display}`)).toEqual(['MedicationRequest-JP-MedReq-ePreData-Example-kakujitsu.json: プレドニン　５ｍｇ']);
  });
});

describe('the shipped sample', () => {
  it('marks itself as sample data and names a source on every row', () => {
    const rows = sampleDrugEntries();
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const r of rows) expect(r.source).toMatch(/^sample: \[(Y|HOT|EPD|CLINS|PI|SYNTH)\]/);
    for (const r of rows.filter((x) => x.source.includes('[SYNTH]'))) expect(r.name).toContain('【架空】');
    // no sample code is a dummy or malformed
    const m = new DrugMaster(rows);
    for (const r of rows) {
      const [system, code] = r.receiptCode
        ? (['receipt', r.receiptCode] as const)
        : r.yjCode
          ? (['yj', r.yjCode] as const)
          : r.hot9
            ? (['hot9', r.hot9] as const)
            : (['general', r.generalCode!] as const);
      const l = m.lookup(system, code, jst(r.validFrom ?? '2025-06-01'));
      expect(isDrugProblem(l) ? l.problem : 'ok', `${r.name}`).toMatch(/^(ok|expired)$/);
    }
  });
});
