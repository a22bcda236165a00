/**
 * The lab tests of the demo's facilities: each facility's own item code, the JLAC10 code — the 共有項目JLACコード of
 * the 臨床検査項目基本コードセット as the JP-CLINS package's CoreLabo CodeSystem lists it, or for eGFR (not a core
 * item) the general JLAC10 code — the unit and the reference range (基準値) printed on the report.
 */
import type { LabTest } from '../services/sharing/index.ts';

export const LAB_TESTS = {
  hba1c: {
    local: 'L0301',
    name: 'HbA1c（NGSP）',
    jlac10: '3D046000001906202',
    core: true,
    display: 'HbA1c-NGSP',
    unit: '%',
    specimen: '全血',
    low: 4.9,
    high: 6.0,
  },
  ldl: {
    local: 'L0211',
    name: 'LDLコレステロール',
    jlac10: '3F077000002327101',
    core: true,
    display: 'LDL-C',
    unit: 'mg/dL',
    specimen: '血清',
    low: 65,
    high: 139,
  },
  hdl: { local: 'L0212', name: 'HDLコレステロール', jlac10: '3F070000002327101', core: true, display: 'HDL-C', unit: 'mg/dL', specimen: '血清', low: 40 },
  tg: { local: 'L0213', name: '中性脂肪', jlac10: '3F015000002327101', core: true, display: 'TG', unit: 'mg/dL', specimen: '血清', high: 149 },
  cre: {
    local: 'L0121',
    name: 'クレアチニン',
    jlac10: '3C015000002327101',
    core: true,
    display: 'Cre',
    unit: 'mg/dL',
    specimen: '血清',
    low: 0.46,
    high: 1.07,
  },
  egfr: {
    local: 'L0122',
    name: '推算GFR（eGFR）',
    jlac10: '8A065000002391901',
    core: false,
    display: 'eGFR',
    unit: 'mL/min/1.73m2',
    specimen: '血清',
    low: 60,
  },
  k: { local: 'L0131', name: 'カリウム', jlac10: '3H015000002327201', core: true, display: 'K', unit: 'mmol/L', specimen: '血清', low: 3.6, high: 4.8 },
  ast: { local: 'L0101', name: 'AST（GOT）', jlac10: '3B035000002327201', core: true, display: 'AST', unit: 'U/L', specimen: '血清', low: 13, high: 30 },
  alt: { local: 'L0102', name: 'ALT（GPT）', jlac10: '3B045000002327201', core: true, display: 'ALT', unit: 'U/L', specimen: '血清', low: 7, high: 42 },
} as const satisfies Record<string, LabTest>;

export type LabTestKey = keyof typeof LAB_TESTS;

/** HBs抗原（判定）of the 感染症検査項目リスト (item HBs-AG-RESULT). */
export const HBS_ANTIGEN = { local: 'L0801', name: 'HBs抗原（定性）', jlac10: '5F016141002302311', display: 'HBs抗原(判定)' } as const;
