/**
 * The simple description of a prescription the clinic's form (and `tsunagu eprescription new`) gives, and its check:
 * every bad field is reported at once in one PrescriptionInputError (a TypeError) naming the fields, in Japanese and
 * English. What is checked is what makes the document invalid or unregistrable whatever the master (the drugs are
 * looked up by the service on registration). build-prescription.ts writes the document.
 */
import { randomUUID } from 'node:crypto';
import { checkFacilityCodeShape } from '../../../platform/identity/facility-code.ts';
import { formatInsuredPersonIdentifierValue, parseInsuredPersonIdentifierValue } from '../../eligibility/index.ts';
import { type DrugSystem, isDrugSystem } from '../master/systems.ts';
import { MAX_USES } from './prescription-document.ts';

const UNIT_SYSTEM = 'urn:oid:1.2.392.100495.20.2.101';

export interface PrescriptionLineInput {
  system: DrugSystem;
  code: string;
  /** The drug's name (coding.display and medicationCodeableConcept.text): the master's name for the code. */
  name: string;
  /** 調剤量 (dispenseRequest.quantity), > 0. */
  quantity: number;
  /** 単位 as written (錠, カプセル, 本, ｇ …). */
  unit: string;
  /** MHLW 別表20 unit code (TAB, CAP, HON …); default: looked up from `unit`. */
  unitCode?: string;
  /** 投与日数 (expectedSupplyDuration, days); required on a refill. */
  days?: number;
  /** 用法 as text, e.g. 1日3回朝昼夕食後. */
  usage?: string;
  /** 1回量 in `unit` (dosageInstruction.doseAndRate.doseQuantity, type 製剤量), > 0. */
  dose?: number;
  /** JAMI 用法コード (16 characters, urn:oid:1.2.392.200250.2.2.20.20). */
  usageCode?: string;
  /** 後発品変更不可: 0 変更可 (default), 1 後発品変更不可, 2 剤形変更不可, 3 含量規格変更不可. */
  substitution?: '0' | '1' | '2' | '3';
  substitutionReason?: string;
  /** numberOfRepeatsAllowed (uses after the first), the same on every line; 0–2. */
  repeats?: number;
}

export interface PrescriptionInput {
  /** Bundle.identifier value, a URI (default urn:uuid:<random>). */
  documentId?: string;
  /** YYYY-MM-DD 交付日 (Composition.event.period.start). */
  issuedOn: string;
  /** YYYY-MM-DD 使用期限 (period.end); omitted: the legal 4 days including the 交付日 apply. */
  validUntil?: string;
  /** dateTime with +09:00 (default issuedOn T09:00:00+09:00): Composition.date, Bundle.timestamp, authoredOn. */
  authoredAt?: string;
  /** 01 一般処方箋 (default), 02 麻薬処方箋, 03 分割一般処方. */
  category?: '01' | '02' | '03';
  patient: {
    familyName: string;
    givenName: string;
    familyKana?: string;
    givenKana?: string;
    gender: 'male' | 'female' | 'other' | 'unknown';
    /** YYYY-MM-DD. */
    birthDate: string;
    /** 保険者番号: 8 digits, or 6 for 国民健康保険 (written as 8, left-padded with 00). */
    insurer: string;
    /** 被保険者証等記号. */
    symbol?: string;
    /** 被保険者証等番号. */
    number: string;
    /** 枝番 (two digits). */
    branch?: string;
    /** 被保険者との続柄 (MHLW 別表12): 1 被保険者 (default), 2 被扶養者. */
    relationship?: '1' | '2';
    /** 負担率 (%), 0–100. */
    copayPercent?: number;
    /** The facility's patient number. */
    localId?: string;
  };
  facility: {
    /** 10-digit 医療機関コード. */
    code: string;
    name: string;
    /** Required by JP_Organization_ePrescriptionData_issuer (checkPhoneNumberExists). */
    phone?: string;
    /** Required by JP_Organization_ePrescriptionData_issuer (address.text 1..1). */
    address?: string;
    postalCode?: string;
  };
  practitioner: {
    familyName: string;
    givenName: string;
    familyKana?: string;
    givenKana?: string;
    /** 医籍登録番号 / 歯科医籍登録番号. */
    licenseNumber: string;
    role: 'doctor' | 'dentist';
    /** The facility's staff number. */
    localId?: string;
  };
  lines: PrescriptionLineInput[];
  /** 備考 (Communication, category 処方箋備考). */
  note?: string;
}

/** One bad field of a PrescriptionInput. */
export interface PrescriptionInputProblem {
  /** The field's path in the input, e.g. `lines[1].quantity`. */
  field: string;
  ja: string;
  en: string;
}

/** A PrescriptionInput that cannot make a valid prescription: every bad field, in Japanese and English. */
export class PrescriptionInputError extends TypeError {
  constructor(readonly problems: PrescriptionInputProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.ja} / ${p.en}`).join('\n'));
    this.name = 'PrescriptionInputError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Systems and URLs (JP Core 1.1.2 and the ePrescriptionData package)

export const CATEGORIES = { '01': '一般処方箋', '02': '麻薬処方箋', '03': '分割一般処方' } as const;
export const RELATIONSHIPS = { '1': '被保険者', '2': '被扶養者' } as const;
export const SUBSTITUTIONS = { '0': '変更可', '1': '変更不可', '2': '剤形変更不可', '3': '含量規格変更不可' } as const;
export const ROLES = {
  doctor: { certificate: 'MedicalDoctorLicense', ja: '医師' },
  dentist: { certificate: 'DentalDoctorLicense', ja: '歯科医師' },
} as const;
const GENDERS = ['male', 'female', 'other', 'unknown'] as const;

/** MHLW 別表20 (urn:oid:1.2.392.100495.20.2.101): code → 単位. */
export const UNIT_CODES: Readonly<Record<string, string>> = {
  PART: '分',
  TIME: '回',
  KIND: '種',
  BOX: '箱',
  ROLL: '巻',
  SHT: '枚',
  HON: '本',
  PAIR: '組',
  SET: 'セット',
  KO: '個',
  TEAR: '裂',
  DIR: '方向',
  TROC: 'トローチ',
  AMP: 'アンプル',
  CAP: 'カプセル',
  TAB: '錠',
  PILL: '丸',
  PCK: '包',
  BTL: '瓶',
  BAG: '袋',
  BTLB: '瓶（袋）',
  TUBE: '管',
  SYRG: 'シリンジ',
  DOSE: '回分',
  TEST: 'テスト分',
  GCYL: 'ガラス筒',
  RODT: '桿錠',
  UNT: '単位',
  TTUN: '万単位',
  FEET: 'フィート',
  DROP: '滴',
  MG: 'ｍｇ',
  G: 'ｇ',
  KG: 'ｋｇ',
  CC: 'ｃｃ',
  ML: 'ｍＬ',
  L: 'Ｌ',
  MLV: 'ｍＬＶ',
  VIL: 'バイアル',
  CM: 'ｃｍ',
  CM2: 'ｃｍ２',
  M: 'ｍ',
  MCCI: 'μＣｉ',
  MCI: 'ｍＣｉ',
  MCG: 'μｇ',
  BKR: '管（瓶）',
  PIPE: '筒',
  GBQ: 'ＧＢｑ',
  MGBQ: 'ＭＢｑ',
  KIT: 'キット',
  IUNT: '国際単位',
  PAT: '患者当り',
  ATM: '気圧',
  CAN: '缶',
  OPE: '手術当り',
  VSL: '容器',
  MLG: 'ｍＬ（ｇ）',
  BLST: 'ブリスター',
  SHET: 'シート',
  CST: 'カセット',
  TUNT: '千単位',
  TTIU: '万国際単位',
  MEQ: 'ｍEｑ',
  MCL: 'μＬ',
};
/** Unit names compare up to notation (全角/半角, case of Latin letters: ｍＬ = mL = ML). */
const unitKey = (unit: string) => unit.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
const UNIT_BY_NAME = new Map(Object.entries(UNIT_CODES).map(([code, name]) => [unitKey(name), code]));

// ---------------------------------------------------------------------------------------------------------------
// Checking the input

export type Json = Record<string, unknown>;

class Problems {
  readonly list: PrescriptionInputProblem[] = [];
  add(field: string, ja: string, en: string): void {
    this.list.push({ field, ja, en });
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A real calendar date YYYY-MM-DD. */
function isDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}

/** A dateTime with seconds and the Japan offset +09:00, of a real date and time. */
function isJapanDateTime(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?\+09:00$/.exec(v);
  return m !== null && isDate(m[1]);
}

/** A required non-empty string (trimmed), or undefined with a problem. */
function text(p: Problems, v: unknown, field: string, ja: string, en: string, required = true): string | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) p.add(field, `${ja}がありません`, `${en} is missing`);
    return undefined;
  }
  if (typeof v !== 'string') {
    p.add(field, `${ja}は文字列です`, `${en} must be a string`);
    return undefined;
  }
  return v.trim();
}

function date(p: Problems, v: unknown, field: string, ja: string, en: string, required = true): string | undefined {
  if (v === undefined && !required) return undefined;
  if (!isDate(v)) {
    p.add(field, `${ja}は YYYY-MM-DD の日付です（${String(v)}）`, `${en} must be a date YYYY-MM-DD (got ${JSON.stringify(v)})`);
    return undefined;
  }
  return v;
}

function oneOf<T extends string>(p: Problems, v: unknown, allowed: readonly T[], field: string, ja: string, en: string): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  p.add(field, `${ja}は ${allowed.join(' / ')} のいずれかです（${String(v)}）`, `${en} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
  return undefined;
}

export interface CheckedLine extends PrescriptionLineInput {
  unitCode: string;
  repeats: number;
  substitution: '0' | '1' | '2' | '3';
}

export interface Checked {
  input: PrescriptionInput;
  documentId: string;
  authoredAt: string;
  category: '01' | '02' | '03';
  insurer: string;
  /** 被保険者個人識別子 保険者番号:記号:番号:枝番 (normalised). */
  insuredId: string;
  branch?: string;
  relationship: '1' | '2';
  lines: CheckedLine[];
}

function checkLine(p: Problems, raw: unknown, i: number): CheckedLine | undefined {
  const at = `lines[${i}]`;
  if (!isObject(raw)) {
    p.add(at, '薬剤の記載がオブジェクトではありません', 'a line must be an object');
    return undefined;
  }
  const before = p.list.length;
  const system = raw.system;
  if (typeof system !== 'string' || !isDrugSystem(system))
    p.add(
      `${at}.system`,
      `医薬品コードの種類は receipt / yj / general / hot9 のいずれかです（${String(system)}）`,
      `system must be one of receipt, yj, general, hot9 (got ${JSON.stringify(system)})`,
    );
  const code = text(p, raw.code, `${at}.code`, '医薬品コード', 'the drug code');
  if (code !== undefined && /\s/.test(code)) p.add(`${at}.code`, `医薬品コード「${code}」に空白があります`, `the drug code "${code}" contains whitespace`);
  text(p, raw.name, `${at}.name`, '医薬品名', 'the drug name');
  const q = raw.quantity;
  if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0)
    p.add(`${at}.quantity`, `調剤量は正の数です（${String(q)}）`, `quantity must be a number > 0 (got ${JSON.stringify(q)})`);
  const unit = text(p, raw.unit, `${at}.unit`, '単位', 'the unit');
  let unitCode = text(p, raw.unitCode, `${at}.unitCode`, '単位コード', 'unitCode', false);
  if (unitCode !== undefined) {
    unitCode = unitCode.toUpperCase();
    const name = UNIT_CODES[unitCode];
    if (!name)
      p.add(
        `${at}.unitCode`,
        `単位コード「${unitCode}」は薬品単位略号（別表20）にありません`,
        `unitCode "${unitCode}" is not an MHLW 別表20 unit code (${UNIT_SYSTEM})`,
      );
    // a unit the table names otherwise contradicts the code (a unit text the table lacks is the code's wording)
    else if (unit !== undefined && UNIT_BY_NAME.has(unitKey(unit)) && UNIT_BY_NAME.get(unitKey(unit)) !== unitCode)
      p.add(
        `${at}.unitCode`,
        `単位コード ${unitCode} は「${name}」で、単位「${unit}」と一致しません`,
        `unitCode ${unitCode} means "${name}", not the unit "${unit}"`,
      );
  } else if (unit !== undefined) {
    unitCode = UNIT_BY_NAME.get(unitKey(unit));
    // dispenseRequest.quantity.code is 1..1 (JP_MedicationRequest)
    if (!unitCode)
      p.add(
        `${at}.unitCode`,
        `単位「${unit}」は薬品単位略号（別表20）にありません。unitCode で単位コードを指定してください`,
        `the unit "${unit}" is not in MHLW 別表20 (${UNIT_SYSTEM}); give its code with unitCode`,
      );
  }
  const days = raw.days;
  if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days <= 0))
    p.add(`${at}.days`, `投与日数は正の整数です（${String(days)}）`, `days must be a whole number > 0 (got ${JSON.stringify(days)})`);
  text(p, raw.usage, `${at}.usage`, '用法', 'usage', false);
  const dose = raw.dose;
  if (dose !== undefined && (typeof dose !== 'number' || !Number.isFinite(dose) || dose <= 0))
    p.add(`${at}.dose`, `1回量は正の数です（${String(dose)}）`, `dose must be a number > 0 (got ${JSON.stringify(dose)})`);
  const usageCode = text(p, raw.usageCode, `${at}.usageCode`, '用法コード', 'usageCode', false);
  if (usageCode !== undefined && !/^[0-9A-Z]{16}$/.test(usageCode))
    p.add(
      `${at}.usageCode`,
      `用法コードは JAMI 標準用法コードの16桁（数字と英大文字）です（${usageCode}）`,
      `usageCode must be a 16-character JAMI usage code (digits and capital letters), got "${usageCode}"`,
    );
  const substitution =
    raw.substitution === undefined ? '0' : oneOf(p, raw.substitution, ['0', '1', '2', '3'], `${at}.substitution`, '後発品変更不可コード', 'substitution');
  text(p, raw.substitutionReason, `${at}.substitutionReason`, '変更不可の理由', 'substitutionReason', false);
  const repeats = raw.repeats ?? 0;
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 0 || repeats > MAX_USES - 1)
    p.add(
      `${at}.repeats`,
      `リフィル回数（2回目以降の使用回数）は 0〜${MAX_USES - 1} の整数です（${String(repeats)}）`,
      `repeats (uses after the first) must be a whole number 0–${MAX_USES - 1} (got ${JSON.stringify(repeats)})`,
    );
  if (p.list.length > before) return undefined;
  return {
    system: system as DrugSystem,
    code: code!,
    name: (raw.name as string).trim(),
    quantity: q as number,
    unit: unit!,
    unitCode: unitCode!,
    days: days as number | undefined,
    usage: typeof raw.usage === 'string' && raw.usage.trim() !== '' ? raw.usage.trim() : undefined,
    dose: dose as number | undefined,
    usageCode,
    substitution: substitution!,
    substitutionReason: typeof raw.substitutionReason === 'string' && raw.substitutionReason.trim() !== '' ? raw.substitutionReason.trim() : undefined,
    repeats: repeats as number,
  };
}

export function check(raw: unknown): Checked {
  const p = new Problems();
  if (!isObject(raw)) throw new PrescriptionInputError([{ field: '(input)', ja: '入力がオブジェクトではありません', en: 'the input must be an object' }]);
  const input = raw as unknown as PrescriptionInput;

  let documentId = `urn:uuid:${randomUUID()}`;
  if (raw.documentId !== undefined) {
    const id = text(p, raw.documentId, 'documentId', '文書ID', 'documentId');
    if (id !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(id))
      p.add(
        'documentId',
        `文書ID（Bundle.identifier）は URI です（例 urn:uuid:…）（${id}）`,
        `documentId (Bundle.identifier) must be a URI such as urn:uuid:… (got "${id}")`,
      );
    else if (id !== undefined) documentId = id;
  }
  const issuedOn = date(p, raw.issuedOn, 'issuedOn', '交付日', 'issuedOn');
  const validUntil = date(p, raw.validUntil, 'validUntil', '使用期限', 'validUntil', false);
  if (issuedOn && validUntil && validUntil < issuedOn)
    p.add('validUntil', `使用期限（${validUntil}）が交付日（${issuedOn}）より前です`, `validUntil ${validUntil} is before issuedOn ${issuedOn}`);
  let authoredAt = issuedOn ? `${issuedOn}T09:00:00+09:00` : '';
  if (raw.authoredAt !== undefined) {
    if (!isJapanDateTime(raw.authoredAt))
      p.add(
        'authoredAt',
        `作成日時は日本時間の日時 YYYY-MM-DDThh:mm:ss+09:00 です（${String(raw.authoredAt)}）`,
        `authoredAt must be a dateTime YYYY-MM-DDThh:mm:ss+09:00 (got ${JSON.stringify(raw.authoredAt)})`,
      );
    else authoredAt = raw.authoredAt;
  }
  const category = raw.category === undefined ? '01' : oneOf(p, raw.category, ['01', '02', '03'], 'category', '処方箋区分', 'category');

  // the patient and the insurance
  let insurer = '';
  let insuredId = '';
  let branch: string | undefined;
  let relationship: '1' | '2' = '1';
  const patient = raw.patient;
  if (!isObject(patient)) p.add('patient', '患者の記載がありません', 'patient is missing');
  else {
    text(p, patient.familyName, 'patient.familyName', '患者の氏', 'patient.familyName');
    text(p, patient.givenName, 'patient.givenName', '患者の名', 'patient.givenName');
    text(p, patient.familyKana, 'patient.familyKana', '患者の氏（カナ）', 'patient.familyKana', false);
    text(p, patient.givenKana, 'patient.givenKana', '患者の名（カナ）', 'patient.givenKana', false);
    oneOf(p, patient.gender, GENDERS, 'patient.gender', '患者の性別', 'patient.gender');
    date(p, patient.birthDate, 'patient.birthDate', '患者の生年月日', 'patient.birthDate');
    if (isDate(patient.birthDate) && issuedOn && patient.birthDate > issuedOn)
      p.add('patient.birthDate', '患者の生年月日が交付日より後です', 'patient.birthDate is after issuedOn');
    const ins = text(p, patient.insurer, 'patient.insurer', '保険者番号', 'patient.insurer');
    const symbol = text(p, patient.symbol, 'patient.symbol', '被保険者証等記号', 'patient.symbol', false);
    const number = text(p, patient.number, 'patient.number', '被保険者証等番号', 'patient.number');
    const br = text(p, patient.branch, 'patient.branch', '枝番', 'patient.branch', false);
    if (ins !== undefined && number !== undefined) {
      // validated as the service will resolve it: the 被保険者個人識別子 保険者番号:記号:番号:枝番
      const padded = /^\d{6}$/.test(ins.normalize('NFKC')) ? `00${ins.normalize('NFKC')}` : ins.normalize('NFKC');
      const parsed = parseInsuredPersonIdentifierValue([padded, symbol ?? '', number, br ?? ''].join(':'));
      if (!parsed.ok)
        for (const problem of parsed.problems) p.add(`patient.${problem.field === 'insurerNumber' ? 'insurer' : problem.field}`, problem.ja, problem.en);
      else {
        insurer = parsed.value.insurer.value;
        insuredId = formatInsuredPersonIdentifierValue(parsed.value);
        branch = parsed.value.branch?.value;
      }
    }
    if (patient.relationship !== undefined)
      relationship =
        oneOf(p, patient.relationship, ['1', '2'], 'patient.relationship', '被保険者との続柄（1 被保険者、2 被扶養者）', 'patient.relationship') ?? '1';
    const copay = patient.copayPercent;
    if (copay !== undefined && (typeof copay !== 'number' || !Number.isFinite(copay) || copay < 0 || copay > 100))
      p.add('patient.copayPercent', `負担率は 0〜100 の数です（${String(copay)}）`, `copayPercent must be a number 0–100 (got ${JSON.stringify(copay)})`);
    text(p, patient.localId, 'patient.localId', '患者番号', 'patient.localId', false);
  }

  // the issuing facility
  const facility = raw.facility;
  if (!isObject(facility)) p.add('facility', '医療機関の記載がありません', 'facility is missing');
  else {
    const code = facility.code;
    const problem =
      typeof code === 'string' ? checkFacilityCodeShape(code) : { ja: '医療機関コードは10桁の数字です', en: 'a facility code (医療機関コード) is 10 digits' };
    if (problem) p.add('facility.code', `${problem.ja}（${String(code)}）`, `${problem.en} (got ${JSON.stringify(code)})`);
    text(p, facility.name, 'facility.name', '医療機関名', 'facility.name');
    // JP_Organization_ePrescriptionData_issuer: checkPhoneNumberExists, address 1..1 with text 1..1
    text(p, facility.phone, 'facility.phone', '医療機関の電話番号（プロファイルで必須）', 'facility.phone (required by the issuer profile)');
    text(p, facility.address, 'facility.address', '医療機関の所在地（プロファイルで必須）', 'facility.address (required by the issuer profile)');
    const postal = text(p, facility.postalCode, 'facility.postalCode', '郵便番号', 'facility.postalCode', false);
    if (postal !== undefined && !/^\d{3}-?\d{4}$/.test(postal.normalize('NFKC')))
      p.add('facility.postalCode', `郵便番号は7桁です（${postal}）`, `postalCode must be 7 digits, e.g. 100-0001 (got "${postal}")`);
  }

  // the prescriber
  const practitioner = raw.practitioner;
  if (!isObject(practitioner)) p.add('practitioner', '処方医の記載がありません', 'practitioner is missing');
  else {
    text(p, practitioner.familyName, 'practitioner.familyName', '処方医の氏', 'practitioner.familyName');
    text(p, practitioner.givenName, 'practitioner.givenName', '処方医の名', 'practitioner.givenName');
    text(p, practitioner.familyKana, 'practitioner.familyKana', '処方医の氏（カナ）', 'practitioner.familyKana', false);
    text(p, practitioner.givenKana, 'practitioner.givenKana', '処方医の名（カナ）', 'practitioner.givenKana', false);
    const license = text(p, practitioner.licenseNumber, 'practitioner.licenseNumber', '医籍登録番号', 'practitioner.licenseNumber');
    if (license !== undefined && !/^[0-9A-Za-z-]{1,32}$/.test(license.normalize('NFKC')))
      p.add(
        'practitioner.licenseNumber',
        `医籍登録番号は英数字と - の32文字までです（${license}）`,
        `licenseNumber must be letters, digits and '-', up to 32 (got "${license}")`,
      );
    oneOf(p, practitioner.role, ['doctor', 'dentist'], 'practitioner.role', '処方医の資格（doctor 医師、dentist 歯科医師）', 'practitioner.role');
    text(p, practitioner.localId, 'practitioner.localId', '職員番号', 'practitioner.localId', false);
  }

  // the drugs
  const lines: CheckedLine[] = [];
  if (!Array.isArray(raw.lines) || raw.lines.length === 0) p.add('lines', '処方する薬剤がありません', 'lines must list at least one drug');
  else
    raw.lines.forEach((l, i) => {
      const line = checkLine(p, l, i);
      if (line) lines.push(line);
    });
  if (lines.length > 0 && lines.length === (raw.lines as unknown[]).length) {
    const repeats = new Set(lines.map((l) => l.repeats));
    if (repeats.size > 1)
      p.add(
        'lines[].repeats',
        `リフィル回数は全ての薬剤で同じです（${[...repeats].join(', ')}）`,
        `repeats must be the same on every line (got ${[...repeats].join(', ')})`,
      );
    else if (lines[0].repeats > 0) {
      if (category === '02') p.add('category', '麻薬処方箋はリフィル処方箋にできません', 'a narcotics prescription (02) cannot be a refill prescription');
      if (category === '03')
        p.add('category', 'リフィル処方箋に分割指示（03）は付けられません', 'a refill prescription cannot also be a split prescription (03)');
      lines.forEach((l, i) => {
        if (l.days === undefined) p.add(`lines[${i}].days`, 'リフィル処方箋の薬剤には投与日数が必要です', 'every line of a refill prescription needs its days');
      });
    }
  }
  text(p, raw.note, 'note', '備考', 'note', false);

  if (p.list.length > 0) throw new PrescriptionInputError(p.list);
  return { input, documentId, authoredAt, category: category!, insurer, insuredId, branch, relationship, lines };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing the document
