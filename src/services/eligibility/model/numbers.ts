/**
 * Identifiers of Japanese health insurance, validated precisely (オンライン資格確認で扱う番号).
 *
 * Sources of the facts used here (facts only; no text copied):
 * - 保険者番号 structure and 検証番号: MHLW 保険者番号設定要領 (法別番号 2 + 都道府県番号 2 + 保険者別番号 3 +
 *   検証番号 1; 国民健康保険 has no 法別番号 and is 6 digits). Worked examples: 01130012 (協会けんぽ東京支部),
 *   33120015 (千葉県警察). The digit rule lives in src/platform/identity/check-digit.ts.
 * - 公費負担者番号 (8 digits: 法別番号 2 + 都道府県番号 2 + 実施機関番号 3 + 検証番号 1) and 公費受給者番号
 *   (7 digits: 受給者区分 6 + 検証番号 1): MHLW notices on public-expense numbering (e.g. 社援更第26号);
 *   worked examples 54016027 (難病 特定医療), 88134457 (東京都 マル子, 2024 correction notice).
 * - 医療機関コード (10 digits: 都道府県番号 2 + 点数表番号 1 + 郡市区番号 2 + 医療機関番号 4 + 検証番号 1): the
 *   check digit is computed over all nine preceding digits with the same mod-10 2-1 rule (Luhn), as noted
 *   for 保医発0907第5号 codes; verified on 0110113719 and 3618010015 (徳島大学病院, 郡市区 80, 番号 1001).
 *   点数表番号 values: JP Core extension JP_Organization_InsuranceOrganizationCategory
 *   (1 医科, 3 歯科, 4 調剤, 5 老人保健施設, 6 訪問看護ステーション).
 * - 被保険者個人識別子 (JP-CLINS Patient.identifier, system
 *   http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID): JP-CLINS invariant R1013
 *   "valid-value-insurance-patientIdentifier" — `保険者番号:記号:番号:枝番`, 保険者番号 8 half-width digits
 *   (6-digit 国保 numbers left-padded with 00), 記号 / 番号 half- or full-width without spaces or ':',
 *   枝番 empty or exactly two half-width digits; an absent part is the empty string. Example from the
 *   package jp-eCSCLINS.r4 1.5.2: `00012345:あいう:３８７４７６:01`.
 * - JP Core Coverage.identifier: JP_Coverage definition — 記号, 番号, 枝番 converted to full width, each in
 *   double quotes, joined by commas: `"１２－３４","５６７８","００"`.
 * - 枝番: two digits, zero-padded when shorter (オンライン請求 記録条件仕様, quoted in JP_CoverageInsurance_eCheckupGeneral).
 * - 資格確認書: carries the same 保険者番号・記号・番号・枝番 as the former 被保険者証 and has no number format of its
 *   own; a lookup "by 資格確認書" is a lookup by that insured-person number (see parseInsuredPersonNumber).
 */
import { mod10Weight21 } from '../../../platform/identity/check-digit.ts';
import { SCORE_TABLE } from '../../../platform/identity/facility-code.ts';
import { fail, ok, type Result } from './reason.ts';

export const INSURED_PERSON_IDENTIFIER_SYSTEM = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
/** The eCheckupReport package spells the same namespace differently; accepted on input, never produced. */
export const INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES: readonly string[] = ['http://jpfhir.jp/fhir/eCS/Idsysmem/JP_Insurance_memberID'];
export const INSURER_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber';
export const PUBLIC_PAYER_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/PublicPayerNumber';
export { FACILITY_CODE_SYSTEM } from '../../../platform/fhir/canonical.ts';

export type NumberProblemCode =
  | 'empty'
  | 'not-digits'
  | 'length'
  | 'prefecture'
  | 'law-code'
  | 'check-digit'
  | 'score-table'
  | 'characters'
  | 'too-long'
  | 'format';

export type NumberResult<T> = Result<T, NumberProblemCode>;

interface Label {
  ja: string;
  en: string;
}

/** 法別番号 of the medical-insurance schemes that issue 保険者番号 (8-digit numbers). */
export const INSURANCE_LAW_CODES: Readonly<Record<string, Label>> = {
  '01': { ja: '全国健康保険協会管掌健康保険（協会けんぽ）', en: 'Japan Health Insurance Association (Kyokai Kenpo)' },
  '02': { ja: '船員保険', en: "Seamen's insurance" },
  '03': { ja: '日雇特例被保険者の保険（一般療養）', en: 'Day-labourer insurance (general)' },
  '04': { ja: '日雇特例被保険者の保険（特別療養費）', en: 'Day-labourer insurance (special care)' },
  '06': { ja: '組合管掌健康保険', en: 'Society-managed health insurance' },
  '07': { ja: '自衛官等の療養の給付', en: 'Self-Defense Forces personnel' },
  '31': { ja: '国家公務員共済組合', en: 'National public servants mutual aid' },
  '32': { ja: '地方公務員等共済組合', en: 'Local public servants mutual aid' },
  '33': { ja: '警察共済組合', en: 'Police mutual aid' },
  '34': { ja: '公立学校共済組合・日本私立学校振興・共済事業団', en: 'Public and private school teachers mutual aid' },
  '39': { ja: '後期高齢者医療', en: 'Late-stage elderly medical care' },
  '63': { ja: '特定健康保険組合（特例退職被保険者）', en: 'Designated health insurance society (retirees)' },
  '67': { ja: '国民健康保険（退職者医療）', en: 'National health insurance (retirees)' },
  '72': { ja: '国家公務員特定共済組合', en: 'National public servants designated mutual aid (retirees)' },
  '73': { ja: '地方公務員等特定共済組合', en: 'Local public servants designated mutual aid (retirees)' },
  '74': { ja: '警察特定共済組合', en: 'Police designated mutual aid (retirees)' },
  '75': { ja: '公立学校特定共済組合・日本私立学校振興・共済事業団', en: 'School teachers designated mutual aid (retirees)' },
};

/** 法別番号 of national public-expense programmes (公費負担医療) used for labels; 80–99 are 地方単独事業. */
export const PUBLIC_EXPENSE_LAW_CODES: Readonly<Record<string, Label>> = {
  '10': { ja: '感染症法（結核患者の適正医療）', en: 'Tuberculosis outpatient care' },
  '11': { ja: '感染症法（結核患者の入院）', en: 'Tuberculosis hospitalisation' },
  '12': { ja: '生活保護法（医療扶助）', en: 'Public assistance (medical aid)' },
  '15': { ja: '障害者総合支援法（更生医療）', en: 'Rehabilitation medical care' },
  '16': { ja: '障害者総合支援法（育成医療）', en: 'Medical care for children with disabilities' },
  '17': { ja: '児童福祉法（療育の給付）', en: 'Child welfare (tuberculous children)' },
  '18': { ja: '原爆被爆者援護法（認定疾病医療）', en: 'Atomic-bomb survivors (certified illness)' },
  '19': { ja: '原爆被爆者援護法（一般疾病医療費）', en: 'Atomic-bomb survivors (general illness)' },
  '20': { ja: '精神保健福祉法（措置入院）', en: 'Involuntary psychiatric admission' },
  '21': { ja: '障害者総合支援法（精神通院医療）', en: 'Psychiatric outpatient care' },
  '23': { ja: '母子保健法（養育医療）', en: 'Premature infant care' },
  '24': { ja: '障害者総合支援法（療養介護医療）', en: 'Medical care in long-term nursing' },
  '28': { ja: '感染症法（一類・二類感染症等の入院）', en: 'Infectious disease hospitalisation' },
  '29': { ja: '感染症法（新感染症の入院）', en: 'New infectious disease hospitalisation' },
  '30': { ja: '心神喪失者等医療観察法', en: 'Medical treatment and supervision act' },
  '38': { ja: '肝炎治療特別促進事業', en: 'Hepatitis treatment programme' },
  '51': { ja: '特定疾患治療費・先天性血液凝固因子障害等治療費', en: 'Specified disease treatment' },
  '52': { ja: '児童福祉法（小児慢性特定疾病医療支援）', en: 'Pediatric chronic specified diseases' },
  '53': { ja: '児童福祉法（措置等に係る医療の給付）', en: 'Child welfare placement care' },
  '54': { ja: '難病法（特定医療）', en: 'Designated intractable diseases' },
};

/** 点数表番号 (third digit of the 10-digit 医療機関コード): the platform's list. */
const SCORE_TABLES: Readonly<Record<string, Label>> = SCORE_TABLE;

/** Normalises keyboard or OCR input for number fields: NFKC (full-width digits → ASCII) and outer trim. */
function digitsInput(input: string): string {
  return input.normalize('NFKC').trim();
}

function checkPrefecture(pref: string, what: Label): NumberResult<string> {
  const n = Number(pref);
  if (n >= 1 && n <= 47) return ok(pref);
  return fail('prefecture', `${what.ja}の都道府県番号「${pref}」は 01〜47 ではありません`, `the prefecture number "${pref}" of the ${what.en} is not 01–47`);
}

function checkDigitProblem(digits: string, what: Label): NumberResult<never> | undefined {
  const expected = mod10Weight21(digits.slice(0, -1));
  const actual = digits.charAt(digits.length - 1);
  if (String(expected) === actual) return undefined;
  return fail(
    'check-digit',
    `${what.ja}「${digits}」の検証番号が誤っています（末尾は ${expected} のはずです）`,
    `the check digit of ${what.en} "${digits}" is wrong (the last digit should be ${expected})`,
  );
}

function digitShape(input: string, lengths: number[], what: Label): NumberResult<string> {
  const s = digitsInput(input);
  if (s === '') return fail('empty', `${what.ja}が入力されていません`, `the ${what.en} is empty`);
  if (!/^\d+$/.test(s)) return fail('not-digits', `${what.ja}「${input}」に数字以外の文字があります`, `the ${what.en} "${input}" contains non-digits`);
  if (!lengths.includes(s.length)) {
    const want = lengths.join('桁または');
    const wantEn = lengths.join(' or ');
    return fail('length', `${what.ja}は${want}桁です（「${s}」は${s.length}桁）`, `the ${what.en} has ${wantEn} digits ("${s}" has ${s.length})`);
  }
  return ok(s);
}

// ---------------------------------------------------------------------------------------------
// 保険者番号
// ---------------------------------------------------------------------------------------------

const INSURER: Label = { ja: '保険者番号', en: 'insurer number (保険者番号)' };

/** 保険者番号, parsed. */
export interface InsurerNumber {
  /** Canonical 8 digits; a 6-digit 国民健康保険 number is left-padded with "00" (JP-CLINS, 特定健診 data). */
  value: string;
  /** As printed on cards: 6 digits for 国民健康保険, otherwise 8. */
  printed: string;
  /** Exactly what was given. */
  original: string;
  /** 法別番号, or null for 国民健康保険 (市町村国保・国保組合). */
  lawCode: string | null;
  scheme: Label;
  /** 都道府県番号 01–47. */
  prefecture: string;
  /** 保険者別番号 (3 digits). */
  insurerSerial: string;
  /** 検証番号. */
  checkDigit: string;
}

const NATIONAL_HEALTH_INSURANCE: Label = { ja: '国民健康保険', en: 'National health insurance' };

/** 保険者番号: 8 digits (法別 2 + 都道府県 2 + 保険者別 3 + 検証 1) or 6 digits for 国民健康保険. */
export function parseInsurerNumber(input: string): NumberResult<InsurerNumber> {
  const shape = digitShape(input, [6, 8], INSURER);
  if (!shape.ok) return shape;
  const s = shape.value;
  const nhi = s.length === 6 || s.startsWith('00');
  const printed = nhi ? s.slice(-6) : s;
  const lawCode = nhi ? null : s.slice(0, 2);
  if (lawCode !== null && !(lawCode in INSURANCE_LAW_CODES)) {
    return fail(
      'law-code',
      `保険者番号「${s}」の法別番号「${lawCode}」は医療保険の法別番号ではありません`,
      `the law code "${lawCode}" of insurer number "${s}" is not a medical-insurance law code`,
    );
  }
  const prefecture = printed.slice(-6, -4);
  const pref = checkPrefecture(prefecture, INSURER);
  if (!pref.ok) return pref;
  const bad = checkDigitProblem(printed, INSURER);
  if (bad) return bad;
  return ok({
    value: printed.padStart(8, '0'),
    printed,
    original: input,
    lawCode,
    scheme: lawCode === null ? NATIONAL_HEALTH_INSURANCE : INSURANCE_LAW_CODES[lawCode],
    prefecture,
    insurerSerial: printed.slice(-4, -1),
    checkDigit: printed.slice(-1),
  });
}

/** Builds a valid 保険者番号 from its parts (for test data and the generator). */
export function makeInsurerNumber(lawCode: string | null, prefecture: string, insurerSerial: string): string {
  const body = `${lawCode ?? ''}${prefecture}${insurerSerial}`;
  if (!/^(\d{2})?\d{5}$/.test(body)) throw new RangeError(`bad insurer number parts: ${body}`);
  return body + mod10Weight21(body);
}

// ---------------------------------------------------------------------------------------------
// 公費負担者番号 / 公費受給者番号
// ---------------------------------------------------------------------------------------------

const PAYER: Label = { ja: '公費負担者番号', en: 'public-expense payer number (公費負担者番号)' };
const RECIPIENT: Label = { ja: '公費受給者番号', en: 'public-expense recipient number (受給者番号)' };

/** 公費負担者番号, parsed. */
export interface PublicExpensePayerNumber {
  value: string;
  original: string;
  lawCode: string;
  /** Label of a known national programme, 地方単独事業 for 80–99, or undefined. */
  program: Label | undefined;
  prefecture: string;
  /** 実施機関番号 (3 digits). */
  agency: string;
  checkDigit: string;
}

const LOCAL_PROGRAM: Label = { ja: '地方単独事業（地単公費）', en: 'local-government subsidy programme' };

/** 公費負担者番号: 8 digits (法別 2 + 都道府県 2 + 実施機関 3 + 検証 1). */
export function parsePublicExpensePayerNumber(input: string): NumberResult<PublicExpensePayerNumber> {
  const shape = digitShape(input, [8], PAYER);
  if (!shape.ok) return shape;
  const s = shape.value;
  const lawCode = s.slice(0, 2);
  if (Number(lawCode) < 10 || lawCode in INSURANCE_LAW_CODES) {
    return fail(
      'law-code',
      `公費負担者番号「${s}」の法別番号「${lawCode}」は公費負担医療の法別番号ではありません`,
      `the law code "${lawCode}" of payer number "${s}" is not a public-expense law code`,
    );
  }
  const pref = checkPrefecture(s.slice(2, 4), PAYER);
  if (!pref.ok) return pref;
  const bad = checkDigitProblem(s, PAYER);
  if (bad) return bad;
  return ok({
    value: s,
    original: input,
    lawCode,
    program: PUBLIC_EXPENSE_LAW_CODES[lawCode] ?? (Number(lawCode) >= 80 ? LOCAL_PROGRAM : undefined),
    prefecture: s.slice(2, 4),
    agency: s.slice(4, 7),
    checkDigit: s.slice(7),
  });
}

/** 公費受給者番号, parsed. */
export interface PublicExpenseRecipientNumber {
  value: string;
  original: string;
  checkDigit: string;
}

/** 公費受給者番号: 7 digits (受給者区分 6 + 検証 1), same check-digit rule. */
export function parsePublicExpenseRecipientNumber(input: string): NumberResult<PublicExpenseRecipientNumber> {
  const shape = digitShape(input, [7], RECIPIENT);
  if (!shape.ok) return shape;
  const bad = checkDigitProblem(shape.value, RECIPIENT);
  if (bad) return bad;
  return ok({ value: shape.value, original: input, checkDigit: shape.value.slice(-1) });
}

/** Appends the check digit to a body of digits (7 → 公費負担者番号, 6 → 受給者番号, 9 → 医療機関コード). */
export function withCheckDigit(body: string): string {
  return body + mod10Weight21(body);
}

// ---------------------------------------------------------------------------------------------
// 記号・番号・枝番
// ---------------------------------------------------------------------------------------------

/** A printed text field kept twice: exactly as given, and NFKC-normalised for matching. */
export interface CardText {
  original: string;
  /** NFKC, outer whitespace trimmed: full-width digits/letters become ASCII, half-width kana full-width. */
  normalized: string;
}

/** Longest 記号 / 番号 we accept, in characters (our limit; printed fields are shorter). */
export const MAX_CARD_TEXT_LENGTH = 20;

function cardText(input: string, what: Label, required: boolean): NumberResult<CardText | null> {
  const normalized = input.normalize('NFKC').trim();
  if (normalized === '') {
    if (required) return fail('empty', `${what.ja}が入力されていません`, `the ${what.en} is empty`);
    return ok(null);
  }
  if ([...normalized].length > MAX_CARD_TEXT_LENGTH) {
    return fail(
      'too-long',
      `${what.ja}が長すぎます（${MAX_CARD_TEXT_LENGTH}文字まで）`,
      `the ${what.en} is too long (at most ${MAX_CARD_TEXT_LENGTH} characters)`,
    );
  }
  // JP-CLINS R1013: no ':' and no whitespace (half- or full-width) inside; control characters never.
  const bad = /[:\s\p{Cc}\p{Cs}]/u.exec(normalized);
  if (bad) {
    const shown = bad[0] === ':' ? '「:」' : '空白または制御文字';
    const shownEn = bad[0] === ':' ? '":"' : 'whitespace or a control character';
    return fail('characters', `${what.ja}「${input}」に${shown}は使えません`, `the ${what.en} "${input}" must not contain ${shownEn}`);
  }
  return ok({ original: input, normalized });
}

const SYMBOL: Label = { ja: '被保険者証等記号', en: 'card symbol (記号)' };
const NUMBER: Label = { ja: '被保険者証等番号', en: 'card number (番号)' };
const _BRANCH: Label = { ja: '枝番', en: 'branch number (枝番)' };

/** 記号: optional (後期高齢者医療 and some 国保 have none). Returns null when empty. */
export function parseSymbol(input: string | undefined): NumberResult<CardText | null> {
  return cardText(input ?? '', SYMBOL, false);
}

/** 番号: required. */
export function parseNumber(input: string): NumberResult<CardText> {
  return cardText(input, NUMBER, true) as NumberResult<CardText>;
}

/** 枝番: two digits 00–99; a single digit is zero-padded (記録条件仕様). Returns null when empty. */
export interface BranchNumber {
  value: string;
  original: string;
}

export function parseBranch(input: string | undefined): NumberResult<BranchNumber | null> {
  const s = (input ?? '').normalize('NFKC').trim();
  if (s === '') return ok(null);
  if (!/^\d{1,2}$/.test(s)) return fail('format', `枝番「${input}」は2桁の数字ではありません`, `the branch number "${input}" is not two digits`);
  return ok({ value: s.padStart(2, '0'), original: input ?? '' });
}

// ---------------------------------------------------------------------------------------------
// 個人単位被保険者番号 (保険者番号 + 記号 + 番号 + 枝番)
// ---------------------------------------------------------------------------------------------

/** 個人単位被保険者番号: what identifies one insured person (also printed on 資格確認書). */
export interface InsuredPersonNumber {
  insurer: InsurerNumber;
  symbol: CardText | null;
  number: CardText;
  branch: BranchNumber | null;
}

export type InsuredPersonField = 'insurerNumber' | 'symbol' | 'number' | 'branch';

export interface FieldProblem {
  field: InsuredPersonField;
  code: NumberProblemCode;
  ja: string;
  en: string;
}

export type InsuredPersonResult = { ok: true; value: InsuredPersonNumber } | { ok: false; problems: FieldProblem[] };

/** Raw input of an insured-person number, as typed at reception or read from an insurer file. */
export interface InsuredPersonInput {
  insurerNumber: string;
  symbol?: string;
  number: string;
  branch?: string;
}

/**
 * Validates the four parts together and reports every bad part (not only the first).
 * This is also how a 資格確認書 is read: it has no separate number format.
 */
export function parseInsuredPersonNumber(input: InsuredPersonInput): InsuredPersonResult {
  const problems: FieldProblem[] = [];
  const insurer = parseInsurerNumber(input.insurerNumber);
  const symbol = parseSymbol(input.symbol);
  const number = parseNumber(input.number);
  const branch = parseBranch(input.branch);
  const note = (field: InsuredPersonField, r: NumberResult<unknown>) => {
    if (!r.ok) problems.push({ field, code: r.code, ja: r.ja, en: r.en });
  };
  note('insurerNumber', insurer);
  note('symbol', symbol);
  note('number', number);
  note('branch', branch);
  if (!insurer.ok || !symbol.ok || !number.ok || !branch.ok) return { ok: false, problems };
  return { ok: true, value: { insurer: insurer.value, symbol: symbol.value, number: number.value, branch: branch.value } };
}

/** Same person number after normalisation (full-/half-width differences ignored, 枝番 compared as given). */
export function sameInsuredPerson(a: InsuredPersonNumber, b: InsuredPersonNumber): boolean {
  return formatInsuredPersonIdentifierValue(a) === formatInsuredPersonIdentifierValue(b);
}

/**
 * JP-CLINS 被保険者個人識別子 value `保険者番号:記号:番号:枝番`.
 * `form: 'normalized'` (default) writes the NFKC forms so the same person always gets the same string;
 * `'original'` writes the parts as the insurer gave them (still valid under R1013).
 */
export function formatInsuredPersonIdentifierValue(p: InsuredPersonNumber, form: 'normalized' | 'original' = 'normalized'): string {
  const text = (t: CardText | null) => (t === null ? '' : form === 'normalized' ? t.normalized : t.original.trim());
  return `${p.insurer.value}:${text(p.symbol)}:${text(p.number)}:${p.branch?.value ?? ''}`;
}

/** Parses a JP-CLINS 被保険者個人識別子 value back into its parts (validating each). */
export function parseInsuredPersonIdentifierValue(value: string): InsuredPersonResult {
  const parts = value.split(':');
  if (parts.length !== 4) {
    return {
      ok: false,
      problems: [
        {
          field: 'insurerNumber',
          code: 'format',
          ja: `被保険者個人識別子「${value}」は「保険者番号:記号:番号:枝番」の形ではありません`,
          en: `insured-person identifier "${value}" is not of the form insurer:symbol:number:branch`,
        },
      ],
    };
  }
  const [insurerNumber, symbol, number, branch] = parts;
  if (!/^\d{8}$/.test(insurerNumber) || !/^(\d{2})?$/.test(branch)) {
    return {
      ok: false,
      problems: [
        {
          field: /^\d{8}$/.test(insurerNumber) ? 'branch' : 'insurerNumber',
          code: 'format',
          ja: `被保険者個人識別子「${value}」は保険者番号8桁・枝番2桁（または空）でなければなりません`,
          en: `insured-person identifier "${value}" needs an 8-digit insurer number and a 2-digit (or empty) branch`,
        },
      ],
    };
  }
  return parseInsuredPersonNumber({ insurerNumber, symbol, number, branch });
}

/** The FHIR Identifier for Patient.identifier / subject.identifier (JP-CLINS). */
export function insuredPersonIdentifier(p: InsuredPersonNumber): { system: string; value: string } {
  return { system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: formatInsuredPersonIdentifierValue(p) };
}

/** Converts ASCII to its full-width form (U+FF01–FF5E, space → U+3000); other characters NFKC-then-unchanged. */
export function toFullWidth(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC')) {
    const c = ch.codePointAt(0)!;
    if (c === 0x20) out += '\u3000';
    else if (c > 0x20 && c < 0x7f) out += String.fromCodePoint(c + 0xfee0);
    else out += ch;
  }
  return out;
}

/** JP Core Coverage.identifier value: `"記号","番号","枝番"` in full width (記号 may be empty). */
export function jpCoreCoverageIdentifierValue(p: InsuredPersonNumber): string {
  const q = (s: string) => `"${toFullWidth(s)}"`;
  return [q(p.symbol?.normalized ?? ''), q(p.number.normalized), q(p.branch?.value ?? '')].join(',');
}

// ---------------------------------------------------------------------------------------------
// 医療機関コード (10 digits)
// ---------------------------------------------------------------------------------------------

const FACILITY: Label = { ja: '医療機関コード', en: 'facility code (医療機関コード)' };

/** 医療機関コード (10 桁), parsed. */
export interface FacilityCode {
  value: string;
  original: string;
  prefecture: string;
  /** 点数表番号. */
  scoreTable: string;
  scoreTableLabel: Label;
  /** The 7-digit 医療機関コード as printed on receipts (郡市区番号 2 + 医療機関番号 4 + 検証番号 1). */
  institutionCode: string;
  /** 郡市区番号. */
  areaCode: string;
  /** 医療機関番号. */
  institutionNumber: string;
  checkDigit: string;
}

export function parseFacilityCode(input: string): NumberResult<FacilityCode> {
  const shape = digitShape(input, [10], FACILITY);
  if (!shape.ok) return shape;
  const s = shape.value;
  const pref = checkPrefecture(s.slice(0, 2), FACILITY);
  if (!pref.ok) return pref;
  const table = s.charAt(2);
  if (!(table in SCORE_TABLES)) {
    return fail(
      'score-table',
      `医療機関コード「${s}」の点数表番号「${table}」は 1・3・4・5・6 のいずれでもありません`,
      `the score-table digit "${table}" of facility code "${s}" is not one of 1, 3, 4, 5, 6`,
    );
  }
  const bad = checkDigitProblem(s, FACILITY);
  if (bad) return bad;
  return ok({
    value: s,
    original: input,
    prefecture: s.slice(0, 2),
    scoreTable: table,
    scoreTableLabel: SCORE_TABLES[table],
    institutionCode: s.slice(3),
    areaCode: s.slice(3, 5),
    institutionNumber: s.slice(5, 9),
    checkDigit: s.slice(9),
  });
}
