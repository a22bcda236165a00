/**
 * The code checks of the sharing service (src/services/sharing/codes): the JP-CLINS 1.5.2 examples of the 5
 * information pass with the package's JLAC10 CodeSystems and the shipped samples; every rule's refusal names the
 * code and what was expected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFhirPackage } from '../../src/platform/conformance/packages/package-reader.ts';
import {
  type CodeEntry,
  CodeLists,
  checkItemCodes,
  classify,
  fromCodeSystems,
  type ItemKind,
  japanDate,
  relativePath,
  sampleEntries,
} from '../../src/services/sharing/codes/index.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';

type Json = Record<string, any>;
const AT = new Date('2025-06-01T00:00:00+09:00');
const examples = (dir: 'valid' | 'invalid') =>
  readdirSync(join(sharedFhirDir(), 'examples', dir)).map((f) => ({
    file: f,
    resource: JSON.parse(readFileSync(join(sharedFhirDir(), 'examples', dir, f), 'utf8')) as Json,
  }));
const ITEM_TYPES = ['Condition', 'Observation', 'AllergyIntolerance', 'MedicationRequest'];

let packageCodeSystems: Json[];
let lists: CodeLists;
beforeAll(() => {
  const pkg = readFhirPackage(join(sharedFhirDir(), 'packages', 'jp-eCSCLINS.r4-1.5.2-snap.tgz'));
  packageCodeSystems = pkg.resources.map((r) => r.resource).filter((r) => r.resourceType === 'CodeSystem');
  lists = new CodeLists([...sampleEntries(), ...fromCodeSystems(packageCodeSystems)]);
});

function check(resource: Json, l = lists, at = AT) {
  const c = classify(resource, l);
  if ('error' in c) throw new Error(`classify refused: ${c.error.en}`);
  return { kind: c.kind, testKey: c.testKey, issues: checkItemCodes(c.kind, resource, l, at) };
}
const only = (issues: { path: string; en: string; ja: string }[]) => {
  expect(issues).toHaveLength(1);
  return issues[0];
};

const condition = (coding: Json[], text = '病名') => ({ resourceType: 'Condition', code: { coding, text } });
const KEY = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';
const RECEIPT = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterB-disease';
const LOCAL = { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: '0198394_082', display: '血清K' };
const CORE = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS';
const INFECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS';
const GENERAL = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
const UNCODED = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_Uncoded_CS';
const lab = (coding: Json[]) => ({
  resourceType: 'Observation',
  category: [{ coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS', code: 'laboratory' }] }],
  code: { coding, text: '検査' },
});
const allergy = (category: string[] | undefined, coding: Json[], text = 'アレルゲン') => ({
  resourceType: 'AllergyIntolerance',
  category,
  code: { coding, text },
});
const YCM = 'http://jpfhir.jp/fhir/core/CodeSystem/YCM/JP_JfagyMedicationAllergen_CS';
const GCM = 'http://jpfhir.jp/fhir/core/CodeSystem/GCM/JP_JfagyMedicationAllergen_CS';
const FOOD = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS';
const NON_FOOD = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyNonFoodNonMedicationAllergen_CS';
const YJ = 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code';
const GENERAL_NAME = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode';
const NOCODED = 'http://jpfhir.jp/fhir/eCS/CodeSystem/MedicationCodeNocoded_CS';
const prescription = (coding: Json[], text = '医薬品') => ({ resourceType: 'MedicationRequest', medicationCodeableConcept: { coding, text } });

describe('the JP-CLINS 1.5.2 examples', () => {
  it('every valid example of the 5 information passes (alone and inside the example Bundles)', () => {
    const items = examples('valid').flatMap(({ file, resource }) =>
      (resource.resourceType === 'Bundle' ? resource.entry.map((e: Json) => e.resource) : [resource])
        .filter((r: Json) => ITEM_TYPES.includes(r.resourceType))
        .map((r: Json) => ({ file, r })),
    );
    const checked = items.filter(
      ({ r }) => r.meta?.profile?.[0]?.startsWith('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_Common_eCS') !== true,
    );
    expect(checked.length).toBeGreaterThanOrEqual(28);
    for (const { file, r } of checked) expect({ file, id: r.id, ...check(r) }.issues, `${file} ${r.id}`).toEqual([]);
    const kinds = new Set(checked.map(({ r }) => check(r).kind));
    expect([...kinds].sort()).toEqual(['diagnosis', 'drug-allergy', 'lab', 'other-allergy', 'prescription']);
  });

  it('the physical-exam Observation (JP_Observation_Common_eCS, category exam) is not one of the 5 information', () => {
    const exam = examples('valid').find((e) => e.file === 'Observation-Example-JP-Obs-Common-eCS-PS-textOnly01.json')!.resource;
    const c = classify(exam, lists);
    expect('error' in c && c.error).toMatchObject({ path: 'Observation.category', en: expect.stringContaining('category exam') });
  });

  it('the invalid eGFR example is refused for its missing facility code — eGFR itself (not a core item) may be sent', () => {
    const bad = examples('invalid').find((e) => e.file === 'Observation-ErrorExample-ObsLabo-eGFR.json')!.resource;
    const { kind, issues } = check(bad);
    expect(kind).toBe('lab');
    expect(only(issues)).toMatchObject({ path: 'Observation.code.coding', en: expect.stringContaining('no facility lab item code') });
    expect(lists.has('jlac10-core', '8A065000002391901')).toBe(false);
  });

  it('the invalid prescription example (general-name code 2124030F2ZZZ, right: 1124030F2ZZZ) is refused', () => {
    const bad = examples('invalid').find((e) => e.file === 'MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json')!.resource;
    expect(only(check(bad).issues)).toMatchObject({
      path: 'MedicationRequest.medicationCodeableConcept.coding[0].code',
      en: expect.stringMatching(/2124030F2ZZZ: no YJ code of the drug master starts with 2124030F2/),
      ja: expect.stringContaining('2124030F2ZZZ'),
    });
  });
});

describe('classify', () => {
  it('tells infection from lab by the list of the JLAC10 code and gives the test key', () => {
    expect(classify(lab([LOCAL, { system: CORE, code: '3H015000002326101', display: 'K' }]), lists)).toEqual({ kind: 'lab', testKey: 'K' });
    expect(classify(lab([LOCAL, { system: INFECTION, code: '5F016141002305151' }]), lists)).toEqual({ kind: 'infection', testKey: 'HBS-AG-SCO' });
    // A list's code decides even under the general system (the check then asks for the shared system).
    expect(classify(lab([LOCAL, { system: GENERAL, code: '5F016141002305151' }]), lists)).toMatchObject({ kind: 'infection' });
    expect(classify(lab([LOCAL, { system: GENERAL, code: '8A065000002391901' }]), lists)).toEqual({ kind: 'lab', testKey: '8A065000002391901' });
    expect(classify(lab([LOCAL, { system: UNCODED, code: '99999999999999999' }]), lists)).toEqual({ kind: 'lab', testKey: 'local:0198394_082' });
  });

  it('allergies: medication category or a drug code → drug allergy; biologic is refused', () => {
    expect(classify(allergy(['food'], [{ system: FOOD, code: 'J9FA32540000' }]), lists)).toEqual({ kind: 'other-allergy' });
    expect(classify(allergy(undefined, [{ system: NON_FOOD, code: 'D9N000000000' }]), lists)).toEqual({ kind: 'other-allergy' });
    expect(classify(allergy(['medication'], []), lists)).toEqual({ kind: 'drug-allergy' });
    expect(classify(allergy(undefined, [{ system: YJ, code: '1141007F3023' }]), lists)).toEqual({ kind: 'drug-allergy' });
    const c = classify(allergy(['biologic'], []), lists);
    expect('error' in c && c.error.en).toMatch(/biologic/);
  });

  it('a resource of another type is refused', () => {
    const c = classify({ resourceType: 'Patient' }, lists);
    expect('error' in c && c.error).toMatchObject({ path: 'Patient', en: expect.stringContaining('not one of the 5 information') });
    expect('error' in classify({}, lists)).toBe(true);
  });
});

describe('diagnosis (傷病名)', () => {
  it('accepts listed management numbers and receipt codes, and the uncoded forms with code.text', () => {
    const l = new CodeLists([...sampleEntries(), { list: 'disease', code: '8833421', display: '頭痛', source: 't' }]);
    expect(check(condition([{ system: KEY, code: '20064049' }]), l).issues).toEqual([]);
    expect(check(condition([{ system: RECEIPT, code: '8833421' }]), l).issues).toEqual([]);
    expect(check(condition([{ system: KEY, code: '99999999', display: '未コード化傷病名' }], '珍しい病名')).issues).toEqual([]);
    expect(check(condition([{ system: RECEIPT, code: '0000999' }], '珍しい病名')).issues).toEqual([]);
    expect(only(check(condition([{ system: KEY, code: '99999999' }], '')).issues)).toMatchObject({
      path: 'Condition.code.text',
      en: expect.stringContaining('needs the name in code.text'),
    });
  });

  it('refuses unknown, dummy, malformed and missing codes, naming each', () => {
    expect(only(check(condition([{ system: KEY, code: '20999999' }])).issues)).toMatchObject({
      path: 'Condition.code.coding[0].code',
      en: 'disease management number (病名管理番号) 20999999 is not in the disease master (標準病名マスター)',
    });
    expect(only(check(condition([{ system: KEY, code: '00000000' }])).issues).en).toMatch(/00000000 refused: a dummy code \(all zeros\)/);
    expect(only(check(condition([{ system: RECEIPT, code: '9999999' }])).issues).en).toMatch(/9999999 refused: a dummy code \(all nines\)/);
    expect(only(check(condition([{ system: KEY, code: '2006404' }])).issues).en).toMatch(/it has 7 digits \(8 expected\)/);
    expect(only(check(condition([{ system: KEY, code: '2006404A' }])).issues).en).toMatch(/characters other than digits/);
    expect(only(check(condition([{ system: 'http://medis.or.jp/CodeSystem/master-disease-exCode', code: 'L3RF' }])).issues)).toMatchObject({
      path: 'Condition.code.coding',
      en: expect.stringContaining('no disease master coding'),
    });
    // A bad code refuses even beside a good one; the path names the coding.
    const both = check(
      condition([
        { system: KEY, code: '20064049' },
        { system: RECEIPT, code: '123' },
      ]),
    ).issues;
    expect(only(both).path).toBe('Condition.code.coding[1].code');
  });

  it('refuses a code outside its validity, saying since / until when', () => {
    const l = new CodeLists([
      { list: 'disease', code: '20000001', validTo: '2024-03-31', source: 't' },
      { list: 'disease', code: '20000002', validFrom: '2026-04-01', source: 't' },
    ]);
    expect(only(check(condition([{ system: KEY, code: '20000001' }]), l).issues).en).toBe(
      'disease management number (病名管理番号) 20000001 expired on 2024-03-31 (its last valid day)',
    );
    expect(only(check(condition([{ system: KEY, code: '20000002' }]), l).issues).en).toMatch(/valid only from 2026-04-01/);
    expect(check(condition([{ system: KEY, code: '20000001' }]), l, new Date('2024-03-31T23:59:00+09:00')).issues).toEqual([]);
  });
});

describe('lab and infection (検査・感染症)', () => {
  it('passes core and infection codes of the package lists, general JLAC10 and the uncoded marker', () => {
    expect(check(lab([LOCAL, { system: CORE, code: '3H015000002326101' }])).issues).toEqual([]);
    expect(check(lab([LOCAL, { system: INFECTION, code: '5F016141002306311' }])).issues).toEqual([]);
    expect(check(lab([LOCAL, { system: GENERAL, code: '8A065000002391901' }])).issues).toEqual([]);
    expect(check(lab([LOCAL, { system: UNCODED, code: '99999999999999999' }])).issues).toEqual([]);
  });

  it('asks a core or infection item for its shared code system', () => {
    expect(only(check(lab([LOCAL, { system: GENERAL, code: '3H015000002326101' }])).issues)).toMatchObject({
      path: 'Observation.code.coding[1].code',
      en: `a test of the core lab code set needs its shared JLAC code under ${CORE} (3H015000002326101)`,
    });
    expect(only(check(lab([LOCAL, { system: GENERAL, code: '5F016141002306311' }])).issues).en).toContain(INFECTION);
    expect(only(check(lab([LOCAL, { system: CORE, code: '5F016141002306311' }])).issues).en).toBe(
      `5F016141002306311 is a code of the infection test list (感染症検査項目リスト): its system is ${INFECTION}`,
    );
  });

  it('refuses unknown, malformed and dummy JLAC10 codes and a missing item code', () => {
    expect(only(check(lab([LOCAL, { system: CORE, code: '3H015000002399999' }])).issues).en).toBe(
      'JLAC10 code 3H015000002399999 is not in the core lab code set (臨床検査項目基本コードセット)',
    );
    expect(only(check(lab([LOCAL, { system: GENERAL, code: '3H01500000232610' }])).issues).en).toMatch(/16 characters \(JLAC10 has 17\)/);
    expect(only(check(lab([LOCAL, { system: GENERAL, code: 'AH015000002326101' }])).issues).en).toMatch(/not in the JLAC10 form/);
    expect(only(check(lab([LOCAL, { system: GENERAL, code: '00000000000000000' }])).issues).en).toMatch(/dummy code \(all zeros\)/);
    expect(only(check(lab([LOCAL, { system: GENERAL, code: '99999999999999999' }])).issues).en).toContain(`its system is ${UNCODED}`);
    expect(only(check(lab([LOCAL, { system: UNCODED, code: '99999999999999998' }])).issues).en).toMatch(/the only uncoded code is 99999999999999999/);
    expect(only(check(lab([LOCAL])).issues).en).toMatch(/^no lab item code/);
    expect(
      only(
        check(
          lab([
            { ...LOCAL, code: '血清K' },
            { system: GENERAL, code: '8A065000002391901' },
          ]),
        ).issues,
      ).en,
    ).toMatch(/letters, digits, hyphens and underscores/);
  });

  it('cannot verify JLAC11 codes alone', () => {
    const jlac11 = { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC11/JP_CLINS_ObsLabResult_CoreLabo_CS', code: 'A3H01000001926101' };
    expect(check(lab([LOCAL, jlac11])).kind).toBe('lab');
    expect(only(check(lab([LOCAL, jlac11])).issues).en).toMatch(/JLAC11 codes cannot be verified/);
    expect(check(lab([LOCAL, jlac11, { system: CORE, code: '3H015000002326101' }])).issues).toEqual([]);
  });
});

describe('drug allergy (薬剤アレルギー等)', () => {
  it('accepts YCM + a listed YJ code, GCM + the ZZZ form of a listed YJ code, and the dummy with text', () => {
    expect(check(allergy(['medication'], [{ system: YCM, code: 'YCM1141007F3023' }])).issues).toEqual([]);
    const l = new CodeLists(sampleEntries().filter((e) => e.code !== 'GCM2260701F1ZZZ'));
    expect(check(allergy(['medication'], [{ system: GCM, code: 'GCM2260701F1ZZZ' }]), l).issues).toEqual([]);
    expect(
      check(allergy(['medication'], [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyMedicationAllergen_CS', code: 'D9M000000000' }], '薬剤X')).issues,
    ).toEqual([]);
  });

  it('applies the ZZZ rule: the first 9 must be those of a listed YJ code', () => {
    expect(only(check(allergy(['medication'], [{ system: GCM, code: 'GCM2260702F1ZZZ' }])).issues).en).toBe(
      'general-name code (inside GCM2260702F1ZZZ) 2260702F1ZZZ: no YJ code of the drug master starts with 2260702F1',
    );
    expect(only(check(allergy(['medication'], [{ system: GCM, code: 'GCM2260701F1271' }])).issues).en).toMatch(/must end with ZZZ/);
    expect(only(check(allergy(['medication'], [{ system: YCM, code: 'YCM2260701F1ZZZ' }])).issues).en).toMatch(/is a general-name code \(ends ZZZ\)/);
    expect(only(check(allergy(['medication'], [{ system: GCM, code: 'GCM2260701F1zzz' }])).issues).en).toMatch(/upper-case ZZZ/);
  });

  it('refuses unknown and expired codes, wrong systems, plain YJ codings and no medication coding', () => {
    expect(only(check(allergy(['medication'], [{ system: YCM, code: 'YCM1141007F3999' }])).issues).en).toBe(
      'YJ code (inside YCM1141007F3999) 1141007F3999 is not in the drug master (YJ codes)',
    );
    expect(only(check(allergy(['medication'], [{ system: YCM, code: 'YCM1116700X1037' }])).issues).en).toBe(
      'J-FAGY code YCM1116700X1037 expired on 2021-03-31 (its last valid day)',
    );
    expect(only(check(allergy(['medication'], [{ system: GCM, code: 'YCM1141007F3023' }])).issues).en).toBe(`the system of YCM1141007F3023 is ${YCM}`);
    expect(only(check(allergy(['medication'], [{ system: YJ, code: '1141007F3023' }])).issues).en).toContain('send YJ code 1141007F3023 as YCM1141007F3023');
    expect(only(check(allergy(['medication'], [{ system: YCM, code: 'J9FA32540000' }])).issues).en).toMatch(/not a J-FAGY medication code/);
    expect(only(check(allergy(['medication'], [])).issues).en).toMatch(/no J-FAGY medication coding/);
    expect(only(check(allergy(['medication'], [{ system: YCM, code: 'D9M000000000' }], '')).issues).path).toBe('AllergyIntolerance.code.text');
  });
});

describe('other allergy (その他アレルギー等)', () => {
  it('accepts listed J-FAGY food / non-food codes and the dummies with text', () => {
    expect(check(allergy(['food'], [{ system: FOOD, code: 'J9FC11310000' }])).issues).toEqual([]);
    expect(check(allergy(['environment'], [{ system: NON_FOOD, code: 'D9N000000000' }], 'ハウスダスト')).issues).toEqual([]);
    expect(check(allergy(['food'], [{ system: FOOD, code: 'D9F000000000' }], '珍しい食品')).issues).toEqual([]);
  });

  it('refuses unknown codes, codes of the other list, text without a J-FAGY coding', () => {
    expect(only(check(allergy(['food'], [{ system: FOOD, code: 'J9FZ99990000' }])).issues).en).toBe(
      'J-FAGY code J9FZ99990000 is not in the J-FAGY allergen code list',
    );
    expect(only(check(allergy(['food'], [{ system: NON_FOOD, code: 'J9FA32540000' }])).issues).en).toMatch(/not a J-FAGY non-food non-medicine code/);
    expect(only(check(allergy(['food'], [], 'そば')).issues).en).toMatch(/no J-FAGY coding.*D9F000000000/);
    expect(only(check(allergy(['food'], [{ system: FOOD, code: 'D9F000000000' }], '')).issues).en).toMatch(/needs the allergen's name in code.text/);
  });
});

describe('prescription (処方)', () => {
  it('accepts a listed YJ code, the ZZZ form of a listed YJ code, and NOCODED with text', () => {
    expect(check(prescription([{ system: YJ, code: '2171022F6276' }])).issues).toEqual([]);
    expect(check(prescription([{ system: GENERAL_NAME, code: '2171022F6ZZZ' }])).issues).toEqual([]);
    expect(check(prescription([{ system: NOCODED, code: 'NOCODED' }], 'ヒルドイドローション')).issues).toEqual([]);
  });

  it('refuses unknown, expired, malformed and dummy drug codes, and a HOT code alone', () => {
    const path = 'MedicationRequest.medicationCodeableConcept.coding[0].code';
    expect(only(check(prescription([{ system: YJ, code: '2171022F6999' }])).issues)).toMatchObject({
      path,
      en: 'YJ code 2171022F6999 is not in the drug master (YJ codes)',
    });
    expect(only(check(prescription([{ system: YJ, code: '217102F6276' }])).issues).en).toMatch(/11 characters \(a YJ code has 12\)/);
    expect(only(check(prescription([{ system: YJ, code: '000000000000' }])).issues).en).toMatch(/000000000000 refused: a dummy code \(all zeros\)/);
    expect(only(check(prescription([{ system: YJ, code: '2171022F6ZZZ' }])).issues).en).toMatch(/general-name form/);
    expect(only(check(prescription([{ system: GENERAL_NAME, code: '2171022F6276' }])).issues).en).toMatch(/must end with ZZZ/);
    expect(only(check(prescription([{ system: NOCODED, code: 'NOCODED' }], '')).issues).path).toBe('MedicationRequest.medicationCodeableConcept.text');
    expect(only(check(prescription([{ system: 'http://medis.or.jp/CodeSystem/master-HOT9', code: '121431401' }])).issues).en).toMatch(
      /a HOT code alone is not enough/,
    );
    const l = new CodeLists([{ list: 'yj', code: '2171022F6276', validTo: '2025-03-31', source: 't' }]);
    expect(only(check(prescription([{ system: YJ, code: '2171022F6276' }]), l).issues).en).toBe(
      'YJ code 2171022F6276 expired on 2025-03-31 (its last valid day)',
    );
    expect(only(check(prescription([{ system: GENERAL_NAME, code: '2171022F6ZZZ' }]), l).issues).en).toMatch(/expired on 2025-03-31/);
  });
});

describe('code lists', () => {
  it('every shipped sample file is headed as SAMPLE data and every row names its source', () => {
    const dir = new URL('../../src/services/sharing/codes/samples/', import.meta.url);
    const files = readdirSync(dir);
    expect(files.sort()).toEqual(['disease.csv', 'jfagy.csv', 'jlac10-core.csv', 'jlac10-infection.csv', 'yj.csv']);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text.startsWith('# SAMPLE DATA — NOT the official'), f).toBe(true);
      const rows = text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .slice(1);
      for (const row of rows) expect(row.split(',').at(-1)?.trim(), `${f}: ${row}`).not.toBe('');
    }
    expect(sampleEntries().every((e) => e.source.startsWith('sample:'))).toBe(true);
  });

  it('reads the package CodeSystems: 437 core and 255 infection codes, with their item keys', () => {
    const entries = fromCodeSystems(packageCodeSystems);
    const by = (list: string) => entries.filter((e) => e.list === list);
    expect(by('jlac10-core')).toHaveLength(437);
    expect(by('jlac10-infection')).toHaveLength(255);
    expect(new Set(by('jlac10-core').map((e) => e.item)).size).toBe(55);
    expect(lists.itemOf('jlac10-core', '3H015000002326101')).toBe('K');
    expect(lists.display('jlac10-core', '3H015000002326101')).toBe('カリウム(K)');
    expect(lists.itemOf('jlac10-infection', '5F016141002305151')).toBe('HBS-AG-SCO');
    expect(entries.every((e) => /^codesystem:http/.test(e.source))).toBe(true);
  });

  it('merges sources: a code is valid when any entry is, else expired on the latest end', () => {
    const e = (validFrom?: string, validTo?: string): CodeEntry => ({ list: 'yj', code: '1141007F3023', validFrom, validTo, source: 's' });
    expect(new CodeLists([e(undefined, '2020-01-01'), e('2020-01-02')]).has('yj', '1141007F3023', AT)).toBe(true);
    expect(new CodeLists([e(undefined, '2020-01-01'), e(undefined, '2023-05-31')]).validity('yj', '1141007F3023', AT)).toEqual({
      state: 'expired',
      on: '2023-05-31',
    });
    expect(new CodeLists([e(undefined, '2020-01-01')]).has('yj', '1141007F3023')).toBe(true);
    expect(japanDate(new Date('2025-03-31T15:30:00Z'))).toBe('2025-04-01');
  });

  it('relativePath drops the resource type for callers that prefix their own path', () => {
    expect(relativePath('Condition.code.coding[0].code')).toBe('code.coding[0].code');
  });

  it('checkItemCodes covers every kind', () => {
    const kinds: ItemKind[] = ['diagnosis', 'infection', 'drug-allergy', 'other-allergy', 'lab', 'prescription'];
    for (const kind of kinds) expect(Array.isArray(checkItemCodes(kind, {}, lists, AT))).toBe(true);
  });
});
