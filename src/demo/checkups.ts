/**
 * 特定健診 (specific health check-ups, 40–74) at あおば健診センター: a 健診結果報告書 (JP_Bundle_eCheckupGeneral of the
 * eCheckupReport package) per patient and year — body measurements, blood pressure, lipids, liver, HbA1c, fasting
 * glucose, urine, the questionnaire's medication answers, the メタボリックシンドローム判定 and 保健指導レベル — registered
 * by the provider's system through `$register-checkup-report`. Values drift year by year (plans below).
 */
import type { DemoApi, Json } from './api.ts';
import type { DemoCalendar } from './calendar.ts';
import { INSTITUTION_SYSTEM, businessId, clinsPatient, uuidOf } from '../services/sharing/index.ts';
import type { Party } from './facilities.ts';
import { clinsPersonOf } from './history.ts';
import type { DemoPatient } from './people.ts';

const P = 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/';
const BUNDLE_PROFILE = `${P}JP_Bundle_eCheckupGeneral`;
const ITEM = 'urn:oid:1.2.392.200119.6.1005';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';
const CATEGORY = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS';
const UCUM = 'http://unitsofmeasure.org';

/** One year's results of a patient. */
export interface CheckupValues {
  height: number;
  weight: number;
  waist: number;
  systolic: number;
  diastolic: number;
  tg: number;
  hdl: number;
  ldl: number;
  ast: number;
  alt: number;
  ggt: number;
  hba1c: number;
  glucose: number;
  /** 尿糖・尿蛋白: 1 －, 2 ±, 3 ＋. */
  urineGlucose: 1 | 2 | 3;
  urineProtein: 1 | 2 | 3;
  medication: { bloodPressure: boolean; glucose: boolean; lipids: boolean };
  smoker: boolean;
  /** メタボリックシンドローム判定: 1 基準該当, 2 予備群該当, 3 非該当. */
  metabolic: 1 | 2 | 3;
  /** 保健指導レベル: 1 積極的支援, 2 動機付け支援, 3 なし. */
  guidance: 1 | 2 | 3;
  doctor: string;
}

type Plan = { yearsAgo: number; month: number } & CheckupValues;

const base = (v: Partial<CheckupValues> & Pick<CheckupValues, 'height' | 'weight' | 'waist'>): CheckupValues => ({
  systolic: 122,
  diastolic: 76,
  tg: 98,
  hdl: 58,
  ldl: 118,
  ast: 21,
  alt: 19,
  ggt: 24,
  hba1c: 5.5,
  glucose: 92,
  urineGlucose: 1,
  urineProtein: 1,
  medication: { bloodPressure: false, glucose: false, lipids: false },
  smoker: false,
  metabolic: 3,
  guidance: 3,
  doctor: '特記すべき異常はありません。',
  ...v,
});

/** Measured values drift linearly between the first and the last year; the others change in the last year only. */
const MEASURED = new Set(['height', 'weight', 'waist', 'systolic', 'diastolic', 'tg', 'hdl', 'ldl', 'ast', 'alt', 'ggt', 'hba1c', 'glucose']);

/** Five years of one person, from `first` to `last`, plus per-year overrides (oldest first). */
function fiveYears(month: number, first: CheckupValues, last: Partial<CheckupValues>, perYear: Partial<CheckupValues>[] = []): Plan[] {
  return [4, 3, 2, 1, 0].map((yearsAgo, i) => {
    const f = i / 4;
    const v: Record<string, unknown> = { ...first };
    for (const [k, target] of Object.entries(last))
      if (MEASURED.has(k)) v[k] = Math.round(((first[k as keyof CheckupValues] as number) * (1 - f) + (target as number) * f) * 10) / 10;
      else if (i === 4) v[k] = target;
    return { yearsAgo, month, ...(v as unknown as CheckupValues), ...perYear[i] };
  });
}

export const CHECKUP_PLANS: Record<string, Plan[]> = {
  yoshida: fiveYears(6, base({ height: 158.2, weight: 52.1, waist: 71 }), { weight: 54.0, waist: 74, ldl: 132, systolic: 118 }),
  matsumoto: fiveYears(
    9,
    base({ height: 171.5, weight: 78.4, waist: 88, systolic: 134, diastolic: 86, tg: 168, hdl: 44, ldl: 142, hba1c: 6.2, glucose: 112, ggt: 62 }),
    { weight: 84.9, waist: 95, tg: 212, hba1c: 7.9, glucose: 148, ggt: 78, urineGlucose: 2, metabolic: 1, guidance: 1 },
    [
      { metabolic: 2, guidance: 2, doctor: '血糖が高めです。食事と運動の見直しをお勧めします。' },
      { metabolic: 2, guidance: 2, doctor: '血糖・中性脂肪が高めです。特定保健指導をお受けください。' },
      { metabolic: 1, guidance: 1, doctor: '糖尿病の疑い。医療機関を受診してください。' },
      {
        metabolic: 1,
        guidance: 1,
        medication: { bloodPressure: false, glucose: true, lipids: false },
        doctor: '2型糖尿病で治療中。HbA1c が上昇しています。主治医と相談してください。',
      },
      { medication: { bloodPressure: false, glucose: true, lipids: false }, doctor: '血糖コントロール不良。主治医の指示に従い治療を継続してください。' },
    ],
  ),
  kato: fiveYears(
    11,
    base({ height: 154.0, weight: 56.3, waist: 80, ldl: 176, tg: 180, hdl: 52 }),
    { ldl: 138, tg: 150, medication: { bloodPressure: false, glucose: false, lipids: true } },
    [
      { doctor: 'LDLコレステロールが高値です。医療機関を受診してください。' },
      { medication: { bloodPressure: false, glucose: false, lipids: true }, doctor: '脂質異常症で治療中です。' },
      { medication: { bloodPressure: false, glucose: false, lipids: true }, doctor: '脂質異常症で治療中です。' },
      { medication: { bloodPressure: false, glucose: false, lipids: true }, doctor: '脂質異常症で治療中。改善傾向です。' },
      { doctor: '脂質異常症で治療中。改善傾向です。' },
    ],
  ),
  yamazaki: fiveYears(5, base({ height: 160.1, weight: 63.0, waist: 84, hba1c: 6.0, glucose: 108 }), { weight: 66.2, waist: 88, hba1c: 7.3, glucose: 138 }, [
    { metabolic: 2, guidance: 2, doctor: '血糖が境界域です。' },
    { metabolic: 2, guidance: 2, doctor: '血糖が境界域です。' },
    { metabolic: 1, guidance: 1, doctor: '糖尿病の疑い。医療機関を受診してください。' },
    { metabolic: 1, guidance: 1, medication: { bloodPressure: false, glucose: true, lipids: false }, doctor: '糖尿病で治療中です。' },
    { metabolic: 1, guidance: 1, medication: { bloodPressure: false, glucose: true, lipids: false }, doctor: '糖尿病で治療中です。' },
  ]),
  kasai: fiveYears(7, base({ height: 156.4, weight: 55.8, waist: 76, ldl: 170 }), { ldl: 150 }).slice(2),
};

const quantity = (value: number, unit: string, code = unit) => ({ valueQuantity: { value, unit, system: UCUM, code } });
const choice = (system: string, code: string, display: string) => ({
  valueCodeableConcept: { coding: [{ system: `urn:oid:1.2.392.200119.6.${system}`, code, display }] },
});
const URINE = { 1: '－', 2: '±', 3: '＋' } as const;
const YES_NO = (yes: boolean) => choice('2003', yes ? '1' : '2', yes ? 'はい' : 'いいえ');

/** The report's observations: [code, display, category, value]. */
function results(v: CheckupValues): [string, string, string, Json][] {
  const bmi = Math.round((v.weight / (v.height / 100) ** 2) * 10) / 10;
  return [
    ['9N001000000000001', '身長', 'body-measurement', quantity(v.height, 'cm')],
    ['9N006000000000001', '体重', 'body-measurement', quantity(v.weight, 'kg')],
    ['9N011000000000001', 'BMI', 'body-measurement', quantity(bmi, 'kg/m2')],
    ['9N016160100000001', '腹囲(実測）', 'body-measurement', quantity(v.waist, 'cm')],
    ['9A751000000000001', '収縮期血圧(1回目)', 'vital-signs', quantity(v.systolic, 'mmHg', 'mm[Hg]')],
    ['9A761000000000001', '拡張期血圧(1回目)', 'vital-signs', quantity(v.diastolic, 'mmHg', 'mm[Hg]')],
    ['3F015000002327101', '空腹時中性脂肪(トリグリセリド)', 'laboratory', quantity(v.tg, 'mg/dL')],
    ['3F070000002327101', 'HDLコレステロール', 'laboratory', quantity(v.hdl, 'mg/dL')],
    ['3F077000002327101', 'LDLコレステロール', 'laboratory', quantity(v.ldl, 'mg/dL')],
    ['3B035000002327201', 'AST(GOT)', 'laboratory', quantity(v.ast, 'U/L')],
    ['3B045000002327201', 'ALT(GPT)', 'laboratory', quantity(v.alt, 'U/L')],
    ['3B090000002327101', 'γ-GT(γ-GTP)', 'laboratory', quantity(v.ggt, 'U/L')],
    ['3D010000002227101', '空腹時血糖', 'laboratory', quantity(v.glucose, 'mg/dL')],
    ['3D046000001906202', 'HbA1c(NGSP値)', 'laboratory', quantity(v.hba1c, '%')],
    ['1A020000000191111', '尿糖', 'laboratory', choice('2102', String(v.urineGlucose), URINE[v.urineGlucose])],
    ['1A010000000191111', '尿蛋白', 'laboratory', choice('2102', String(v.urineProtein), URINE[v.urineProtein])],
    ['9N701000000000011', '服薬1(血圧)', 'social-history', YES_NO(v.medication.bloodPressure)],
    ['9N706000000000011', '服薬2(血糖)', 'social-history', YES_NO(v.medication.glucose)],
    ['9N711000000000011', '服薬3(脂質)', 'social-history', YES_NO(v.medication.lipids)],
    ['9N736000000000011', '喫煙', 'social-history', v.smoker ? choice('24060', '1', 'はい') : choice('24060', '3', 'いいえ')],
    [
      '9N501000000000011',
      'メタボリックシンドローム判定',
      'survey',
      choice('1008', String(v.metabolic), { 1: '基準該当', 2: '予備群該当', 3: '非該当' }[v.metabolic]),
    ],
    [
      '9N506000000000011',
      '保健指導レベル',
      'survey',
      choice('3001', String(v.guidance), { 1: '積極的支援', 2: '動機付け支援', 3: 'なし（情報提供）' }[v.guidance]),
    ],
    ['9N511000000000049', '医師の診断(判定)', 'exam', { valueString: v.doctor }],
  ];
}

export function checkupReport(p: DemoPatient, provider: Party, date: string, v: CheckupValues, cal: DemoCalendar): Json {
  const seed = `${p.key}-${date}`;
  const url = (what: string) => `urn:uuid:${uuidOf('checkup', seed, what)}`;
  const id = { patient: url('patient'), doctor: url('doctor'), org: url('org'), visit: url('visit') };
  const meta = (profile: string) => ({ lastUpdated: cal.dateTime(cal.today, '08:00'), profile: [`${P}${profile}`] });
  const observations = results(v).map(([code, display, category, value], i) => ({
    fullUrl: url(`obs-${i}`),
    resource: {
      resourceType: 'Observation',
      meta: meta('JP_Observation_eCheckupGeneral'),
      identifier: [{ system: INSTANCE_ID, value: businessId('checkup', seed, code) }],
      status: 'final',
      category: [{ coding: [{ system: CATEGORY, code: category }] }],
      code: { coding: [{ system: ITEM, code, display }] },
      subject: { reference: id.patient },
      effectiveDateTime: date,
      ...value,
    },
  }));
  const composition = {
    resourceType: 'Composition',
    meta: meta('JP_Composition_eCheckupGeneral'),
    language: 'ja',
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1.0' }],
    identifier: { system: INSTANCE_ID, value: businessId('checkup-report', seed) },
    status: 'final',
    type: { coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', code: '53576-5', display: '検診・健診報告書' }] },
    category: [{ coding: [{ system: 'urn:oid:2.16.840.1.113883.2.2.1.6.1001', code: '10', display: '特定健診' }] }],
    subject: { reference: id.patient },
    encounter: { reference: id.visit },
    date: cal.dateTime(date, '15:00'),
    author: [{ reference: id.doctor }, { reference: id.org }],
    title: '特定健康診査結果報告書',
    custodian: { reference: id.org },
    event: [{ code: [{ coding: [{ system: 'urn:oid:1.2.392.200119.6.1002', code: '010', display: '特定健診' }] }], period: { start: date, end: date } }],
    section: [
      {
        title: '特定健診検査結果',
        code: { coding: [{ system: 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code', code: '01011', display: '特定健診検査結果セクション' }] },
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>特定健康診査の結果</p></div>' },
        entry: observations.map((o) => ({ reference: o.fullUrl })),
      },
    ],
  };
  const representation = { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' };
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: cal.dateTime(cal.today, '08:00'), profile: [BUNDLE_PROFILE] },
    identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/documentInstance-identifier', value: businessId('checkup-bundle', seed) },
    type: 'document',
    timestamp: cal.dateTime(cal.today, '08:00'),
    entry: [
      { fullUrl: url('composition'), resource: composition },
      { fullUrl: id.patient, resource: clinsPatient(clinsPersonOf(p), cal) },
      {
        fullUrl: id.doctor,
        resource: {
          resourceType: 'Practitioner',
          meta: meta('JP_Practitioner_eCheckupGeneral'),
          name: [{ extension: [representation], text: '青葉 隆', family: '青葉', given: ['隆'] }],
        },
      },
      {
        fullUrl: id.org,
        resource: {
          resourceType: 'Organization',
          meta: meta('JP_Organization_eCheckupGeneral'),
          identifier: [{ system: INSTITUTION_SYSTEM, value: provider.code }],
          type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }],
          name: provider.name,
        },
      },
      {
        fullUrl: id.visit,
        resource: {
          resourceType: 'Encounter',
          meta: meta('JP_Encounter_eCheckupGeneral'),
          status: 'finished',
          class: { system: 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/encounter-category', code: 'checkup', display: '健診' },
          period: { start: date, end: date },
          serviceProvider: { reference: id.org },
        },
      },
      ...observations,
    ],
  };
}

/** The plan's day (the 15th of its month) `yearsAgo` years before its latest occurrence at least two weeks ago. */
function checkupDate(plan: Plan, cal: DemoCalendar): string {
  const mm = String(plan.month).padStart(2, '0');
  const thisYear = Number(cal.today.slice(0, 4));
  const latest = `${thisYear}-${mm}-15` <= cal.daysAgo(14) ? thisYear : thisYear - 1;
  return `${latest - plan.yearsAgo}-${mm}-15`;
}

/** Registers every planned report (all within the five years the service keeps them). */
export async function registerCheckups(
  api: DemoApi,
  provider: Party,
  patients: DemoPatient[],
  cal: DemoCalendar,
  log: (line: string) => void,
): Promise<number> {
  let reports = 0;
  for (const p of patients) {
    for (const plan of CHECKUP_PLANS[p.key] ?? []) {
      const date = checkupDate(plan, cal);
      await api.ok(`特定健診の登録 (${p.key}, ${date})`, 'POST', '/fhir/$register-checkup-report', provider.token, checkupReport(p, provider, date, plan, cal));
      reports++;
    }
  }
  log(`  ${reports} 件の健診結果報告書 / check-up reports`);
  return reports;
}
