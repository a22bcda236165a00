/**
 * The common lab items a clinic picks from when it enters results by hand (and the codes docs/lab-csv.md lists):
 * one JLAC10 code (17 characters) per item, as a typical serum / whole-blood method reports it, with the usual unit.
 * Every code but eGFR's is a 共有項目JLACコード of the 臨床検査項目基本コードセット (JP-CLINS 1.5.2 package,
 * CodeSystem JP_CLINS_ObsLabResult_CoreLabo_CS, item key in `item`; test/services/sharing/simple-entry.test.ts
 * checks them against the loaded package); eGFR is not a core item and is sent with its 一般項目JLACコード only (the
 * IG's lab coding rule (3)). JLAC10 itself: 日本臨床検査医学会 臨床検査項目分類コード 第10回改訂 (JSLM), distributed
 * through MEDIS (臨床検査マスター).
 */

export interface CommonLab {
  /** The JLAC10 item key of the core code set (`HbA1c-NGSP`), or a key of ours for a general code. */
  item: string;
  jlac10: string;
  /** The name the form shows and the Observation carries as code.text. */
  name: string;
  /** The CoreLabo display (item key) used as coding.display. */
  display: string;
  unit: string;
  /** true: a code of the 臨床検査項目基本コードセット (coded under the CoreLabo system too). */
  core: boolean;
}

export const COMMON_LABS: readonly CommonLab[] = [
  { item: 'HbA1c-NGSP', jlac10: '3D046000001906202', name: 'HbA1c（NGSP）', display: 'HbA1c-NGSP', unit: '%', core: true },
  { item: 'LDL-C', jlac10: '3F077000002327101', name: 'LDLコレステロール', display: 'LDL-C', unit: 'mg/dL', core: true },
  { item: 'HDL-C', jlac10: '3F070000002327101', name: 'HDLコレステロール', display: 'HDL-C', unit: 'mg/dL', core: true },
  { item: 'TG', jlac10: '3F015000002327101', name: '中性脂肪（TG）', display: 'TG', unit: 'mg/dL', core: true },
  { item: 'T-CHO', jlac10: '3F050000002327101', name: '総コレステロール', display: 'T-CHO', unit: 'mg/dL', core: true },
  { item: 'AST', jlac10: '3B035000002327201', name: 'AST（GOT）', display: 'AST', unit: 'U/L', core: true },
  { item: 'ALT', jlac10: '3B045000002327201', name: 'ALT（GPT）', display: 'ALT', unit: 'U/L', core: true },
  { item: 'GGT', jlac10: '3B090000002327701', name: 'γ-GT（γ-GTP）', display: 'GGT', unit: 'U/L', core: true },
  { item: 'Cre', jlac10: '3C015000002327101', name: 'クレアチニン', display: 'Cre', unit: 'mg/dL', core: true },
  { item: 'eGFR', jlac10: '8A065000002391901', name: '推算GFR（eGFR）', display: 'eGFR', unit: 'mL/min/1.73m2', core: false },
  { item: 'UA', jlac10: '3C020000002327101', name: '尿酸', display: 'UA', unit: 'mg/dL', core: true },
  { item: 'BUN', jlac10: '3C025000002327201', name: '尿素窒素', display: 'BUN', unit: 'mg/dL', core: true },
  { item: 'Na', jlac10: '3H010000002327101', name: 'ナトリウム', display: 'Na', unit: 'mmol/L', core: true },
  { item: 'K', jlac10: '3H015000002327201', name: 'カリウム', display: 'K', unit: 'mmol/L', core: true },
  { item: 'Hb', jlac10: '2A030000001930901', name: 'ヘモグロビン', display: 'Hb', unit: 'g/dL', core: true },
  { item: 'WBC', jlac10: '2A990000001930952', name: '白血球数', display: 'WBC', unit: '/μL', core: true },
  { item: 'PLT', jlac10: '2A050000001930901', name: '血小板数', display: 'PLT', unit: '万/μL', core: true },
  { item: 'CRP', jlac10: '5C070000002306201', name: 'CRP', display: 'CRP', unit: 'mg/dL', core: true },
];

const BY_CODE = new Map(COMMON_LABS.map((l) => [l.jlac10, l]));

/** The common item with this JLAC10 code. */
export const commonLab = (jlac10: string): CommonLab | undefined => BY_CODE.get(jlac10);
