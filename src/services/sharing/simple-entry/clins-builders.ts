/**
 * JP-CLINS resources (電子カルテ情報共有サービス 1.5.2) as a facility's EHR writes them for `$register-clinical-information`
 * (used by simple entry — the clinic's form and lab file import — and by the demo world's seeding):
 * the JP_Patient_eCS, 傷病名 (JP_Condition_eCS), 検査 and 感染症 (JP_Observation_LabResult_eCS), アレルギー
 * (JP_AllergyIntolerance_eCS), and the JP_Bundle_CLINS that carries one category of them. Written from the profiles'
 * rules (the Bundle's invariants: a contained JP_Encounter, the 診療科 extension and onsetDateTime on every
 * Condition, the 医療機関コード on every item).
 */
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

/**
 * The dates the builders write: today (Japan) and a date at a time of day as a FHIR dateTime with +09:00 (never after
 * now). The demo's calendar is one; simple entry (simple-entry.ts) makes one from the service's clock.
 */
export interface ClinsCalendar {
  /** YYYY-MM-DD in Japan. */
  readonly today: string;
  dateTime(date: string, time?: string): string;
}

export const MEMBER_ID_SYSTEM = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
export const INSTITUTION_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const INSTITUTION_EXTENSION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const DEPARTMENT_EXTENSION = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';
const INDICATION = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
/** 主傷病 (JP_Condition_eCS extension eCS_DiagnosisType: ex-diagnosistype principal, required on the main diagnosis). */
const DIAGNOSIS_TYPE_EXTENSION = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_DiagnosisType';
const PROFILE = {
  patient: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS',
  condition: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS',
  lab: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS',
  allergy: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS',
  bundle: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS',
  encounter: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Encounter',
};

/** The person as the facility's EHR knows them. */
export interface ClinsPerson {
  /** 被保険者個人識別子 `保険者番号:記号:番号:枝番`. */
  memberId: string;
  familyName: string;
  givenName: string;
  familyKana: string;
  givenKana: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate: string;
  /** 住所 as text; '' when the facility does not hold it (written 不明 with data-absent-reason unknown). */
  address: string;
}

/** 診療科 (SS-MIX2 統一診療科コード, 2 digits: the 医療法 list order — 01 内科 … 08 循環器科 as in the JP-CLINS examples). */
export const DEPARTMENTS = {
  internal: { code: '01', display: '内科' },
  neurology: { code: '04', display: '神経内科' },
  respiratory: { code: '05', display: '呼吸器科' },
  gastro: { code: '06', display: '消化器科' },
  cardiology: { code: '08', display: '循環器科' },
  pediatrics: { code: '09', display: '小児科' },
  surgery: { code: '10', display: '外科' },
  orthopedics: { code: '11', display: '整形外科' },
} as const;
export type Department = keyof typeof DEPARTMENTS;

/** A stable business identifier (the same item registered again becomes a new version of it). */
export const businessId = (...parts: string[]) => createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);

const nameOf = (family: string, given: string, representation: 'IDE' | 'SYL') => ({
  extension: [{ url: REPRESENTATION, valueCode: representation }],
  use: 'official',
  text: `${family} ${given}`,
  family,
  given: [given],
});

export function clinsPatient(p: ClinsPerson, cal: ClinsCalendar): Json {
  return {
    resourceType: 'Patient',
    meta: { lastUpdated: cal.dateTime(cal.today, '09:00'), profile: [PROFILE.patient] },
    identifier: [{ system: MEMBER_ID_SYSTEM, value: p.memberId }],
    name: [nameOf(p.familyName, p.givenName, 'IDE'), nameOf(p.familyKana, p.givenKana, 'SYL')],
    gender: p.gender,
    birthDate: p.birthDate,
    // JP_Patient_eCS requires address.text; a person whose address the facility does not hold is written 不明 with
    // the data-absent-reason `unknown`.
    address: [
      p.address
        ? { text: p.address }
        : { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }], text: '不明' },
    ],
  };
}

interface ItemBase {
  facility: string;
  /** Business identifier (resourceInstance-identifier). */
  id: string;
  department: Department;
  /** 未告知 / 未提供 / 長期保存. */
  flags?: ('UNINFORMED' | 'UNDELIVERED' | 'LTS')[];
}

function itemParts(person: ClinsPerson, b: ItemBase, profile: string, date: string, cal: ClinsCalendar, encounterClass: 'AMB' | 'IMP' = 'AMB') {
  const department = DEPARTMENTS[b.department];
  return {
    meta: {
      lastUpdated: cal.dateTime(date, '17:00'),
      profile: [profile],
      ...(b.flags?.length ? { tag: b.flags.map((code) => ({ system: INDICATION, code })) } : {}),
    },
    contained: [
      {
        resourceType: 'Encounter',
        id: 'encounter',
        meta: { profile: [PROFILE.encounter] },
        status: 'finished',
        class: {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: encounterClass,
          display: encounterClass === 'AMB' ? '外来' : '入院',
        },
      },
    ],
    extension: [
      { url: INSTITUTION_EXTENSION, valueIdentifier: { system: INSTITUTION_SYSTEM, value: b.facility } },
      {
        url: DEPARTMENT_EXTENSION,
        valueCodeableConcept: { coding: [{ system: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment', ...department }], text: department.display },
      },
    ],
    identifier: [{ system: INSTANCE_ID, value: b.id }],
    encounter: { reference: '#encounter' },
    subject: { identifier: { system: MEMBER_ID_SYSTEM, value: person.memberId } },
  };
}

export interface DiagnosisItem extends ItemBase {
  /** 病名管理番号 (MEDIS 標準病名マスター); absent: the uncoded form 99999999 with the name in code.text. */
  code?: string;
  name: string;
  onset: string;
  /** The day the diagnosis was recorded (retention counts from it). */
  recorded: string;
  resolved?: string;
  inpatient?: boolean;
  note?: string;
  /** 主傷病: the eCS_DiagnosisType extension (principal). */
  primary?: boolean;
  /** 疑い病名: verificationStatus unconfirmed (confirmed otherwise), as JP_Condition_eCS prescribes. */
  suspected?: boolean;
}

export function condition(person: ClinsPerson, d: DiagnosisItem, cal: ClinsCalendar): Json {
  const base = itemParts(person, d, PROFILE.condition, d.recorded, cal, d.inpatient ? 'IMP' : 'AMB');
  const extension = d.primary
    ? [
        ...base.extension,
        {
          url: DIAGNOSIS_TYPE_EXTENSION,
          valueCodeableConcept: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype', code: 'principal', display: 'Principal Diagnosis' }],
          },
        },
      ]
    : base.extension;
  const verification = d.suspected ? { code: 'unconfirmed', display: 'Unconfirmed' } : { code: 'confirmed', display: 'Confirmed' };
  return {
    resourceType: 'Condition',
    ...base,
    extension,
    clinicalStatus: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
          code: d.resolved ? 'resolved' : 'active',
          display: d.resolved ? 'Resolved' : 'Active',
        },
      ],
    },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', ...verification }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: {
      coding: [{ system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code: d.code ?? '99999999', display: d.name }],
      text: d.name,
    },
    onsetDateTime: d.onset,
    ...(d.resolved ? { abatementDateTime: d.resolved } : {}),
    recordedDate: d.recorded,
    ...(d.note ? { note: [{ text: d.note }] } : {}),
  };
}

/** A lab test as the facility codes it: its own item code, the JLAC10 code (shared core item or general), the unit. */
export interface LabTest {
  local: string;
  name: string;
  jlac10: string;
  /** true: an item of the 臨床検査項目基本コードセット (coded under the CoreLabo system too). */
  core: boolean;
  display: string;
  unit: string;
  /** 検体 as printed (血清, 全血 …); absent: named from the JLAC10 code's material (材料コード). */
  specimen?: string;
  low?: number;
  high?: number;
}

export interface LabItem extends ItemBase {
  test: LabTest;
  date: string;
  value: number;
  /** The 異常フラグ as the lab reported it; absent: H / L / N from the reference range. */
  flag?: 'H' | 'L' | 'N';
}

const CORE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS';
const INFECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS';
const GENERAL_SYSTEM = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
const LOCAL_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS';
const LAB_CATEGORY = [{ coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS', code: 'laboratory' }] }];

function interpretation(value: number, t: LabTest, flag?: 'H' | 'L' | 'N') {
  const code = flag ?? (t.high !== undefined && value > t.high ? 'H' : t.low !== undefined && value < t.low ? 'L' : 'N');
  const display = { H: '高', L: '低', N: '基準値内' }[code];
  return [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code, display }] }];
}

export function labObservation(person: ClinsPerson, l: LabItem, cal: ClinsCalendar): Json {
  const t = l.test;
  return {
    resourceType: 'Observation',
    ...itemParts(person, l, PROFILE.lab, l.date, cal),
    status: 'final',
    category: LAB_CATEGORY,
    code: {
      coding: [
        { system: LOCAL_SYSTEM, code: t.local, display: t.name },
        ...(t.core ? [{ system: CORE_SYSTEM, code: t.jlac10, display: t.display }] : []),
        { system: GENERAL_SYSTEM, code: t.jlac10, display: t.display },
      ],
      text: t.name,
    },
    effectiveDateTime: cal.dateTime(l.date, '09:30'),
    issued: cal.dateTime(l.date, '15:00'),
    valueQuantity: { value: l.value, unit: t.unit },
    ...(l.flag && t.low === undefined && t.high === undefined ? { interpretation: interpretation(l.value, t, l.flag) } : {}),
    ...(t.low !== undefined || t.high !== undefined
      ? {
          interpretation: interpretation(l.value, t, l.flag),
          referenceRange: [
            {
              ...(t.low !== undefined ? { low: { value: t.low, unit: t.unit } } : {}),
              ...(t.high !== undefined ? { high: { value: t.high, unit: t.unit } } : {}),
            },
          ],
        }
      : {}),
    specimen: { display: t.specimen ?? specimenOf(t.jlac10) },
  };
}

/**
 * The specimen a JLAC10 code's material (材料コード, characters 10–12) names: 001 尿, 019 全血, 022 血漿, 023 血清
 * (JSLM JLAC10 材料コード表); other materials by their code.
 */
export function specimenOf(jlac10: string): string {
  const material = jlac10.slice(9, 12);
  return ({ '001': '尿', '019': '全血', '022': '血漿', '023': '血清' } as Record<string, string>)[material] ?? `検体（材料コード ${material}）`;
}

/** An infection test (感染症): an item of the 感染症検査項目リスト with its qualitative result. */
export interface InfectionItem extends ItemBase {
  local: string;
  name: string;
  jlac10: string;
  display: string;
  date: string;
  /** 陽性 / 陰性. */
  result: 'positive' | 'negative';
}

export function infectionObservation(person: ClinsPerson, i: InfectionItem, cal: ClinsCalendar): Json {
  const positive = i.result === 'positive';
  return {
    resourceType: 'Observation',
    ...itemParts(person, i, PROFILE.lab, i.date, cal),
    status: 'final',
    category: LAB_CATEGORY,
    code: {
      coding: [
        { system: LOCAL_SYSTEM, code: i.local, display: i.name },
        { system: INFECTION_SYSTEM, code: i.jlac10, display: i.display },
        { system: GENERAL_SYSTEM, code: i.jlac10, display: i.display },
      ],
      text: i.name,
    },
    effectiveDateTime: cal.dateTime(i.date, '09:30'),
    issued: cal.dateTime(i.date, '16:00'),
    valueCodeableConcept: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: positive ? 'POS' : 'NEG', display: positive ? '陽性' : '陰性' },
      ],
      text: positive ? '陽性（＋）' : '陰性（－）',
    },
    specimen: { display: '血清' },
  };
}

export interface AllergyItem extends ItemBase {
  kind: 'medication' | 'food' | 'environment';
  /** J-FAGY code and its system; absent: the J-FAGY dummy code of the kind with the allergen named in `text`. */
  coding?: { system: string; code: string; display: string };
  text: string;
  recorded: string;
  reaction: string;
  criticality: 'low' | 'high' | 'unable-to-assess';
}

const JFAGY_DUMMY = {
  medication: { system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyMedicationAllergen_CS', code: 'D9M000000000', display: '医薬品ダミーコード' },
  food: { system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS', code: 'D9F000000000', display: '食品ダミーコード' },
  environment: {
    system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyNonFoodNonMedicationAllergen_CS',
    code: 'D9N000000000',
    display: '非食品・非医薬品ダミーコード',
  },
};

export function allergy(person: ClinsPerson, a: AllergyItem, cal: ClinsCalendar): Json {
  const { subject, encounter: _encounter, contained: _contained, ...base } = itemParts(person, a, PROFILE.allergy, a.recorded, cal);
  return {
    resourceType: 'AllergyIntolerance',
    ...base,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
    type: 'allergy',
    category: [a.kind],
    criticality: a.criticality,
    code: { coding: [a.coding ?? JFAGY_DUMMY[a.kind]], text: a.text },
    patient: subject,
    recordedDate: a.recorded,
    reaction: [{ manifestation: [{ text: a.reaction }] }],
  };
}

/** A JP_Bundle_CLINS of one category (Condition, Observation or AllergyIntolerance) from `facility`. */
export function clinsBundle(
  person: ClinsPerson,
  category: 'Condition' | 'Observation' | 'AllergyIntolerance',
  items: Json[],
  facility: string,
  cal: ClinsCalendar,
  seq: string,
): Json {
  const stamp = cal.dateTime(cal.today, '18:00');
  return {
    resourceType: 'Bundle',
    meta: {
      lastUpdated: stamp,
      profile: [`${PROFILE.bundle}|1`],
      tag: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS', code: category }],
    },
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${facility}^${cal.today.slice(0, 4)}^${seq}` },
    type: 'collection',
    timestamp: stamp,
    entry: [clinsPatient(person, cal), ...items].map((resource, i) => ({ fullUrl: `urn:uuid:${uuidOf(seq, i)}`, resource })),
  };
}

/** A UUID derived from a seed (stable fullUrls inside one Bundle). */
export function uuidOf(...seed: (string | number)[]): string {
  const h = createHash('sha256').update(seed.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
