/**
 * 資格情報: one person's eligibility at one insurer, as an insurer registers it.
 * Plain data (strings and numbers) so the storage layer can map it to rows and to FHIR
 * (JP_Coverage + JP_Patient, the insurer as Organization) without these modules knowing either.
 */

/** 本人・家族の別: the insured person (被保険者本人) or a dependant (被扶養者). */
export type Relationship = 'insured' | 'dependant';

/** 一部負担金割合 in tenths: 1割, 2割, 3割. */
export type CopayRatio = 1 | 2 | 3;

export type Sex = 'male' | 'female' | 'other' | 'unknown';

interface Label {
  ja: string;
  en: string;
}

/** 限度額適用区分 (high-cost medical expense limit category). */
export type LimitCategory =
  | 'u70-a'
  | 'u70-i'
  | 'u70-u'
  | 'u70-e'
  | 'u70-o'
  | 'o70-active3'
  | 'o70-active2'
  | 'o70-active1'
  | 'o70-general'
  | 'o70-low2'
  | 'o70-low1';

/** Labels of 限度額適用区分: under 70 the five 区分 ア–オ, from 70 the income classes. */
export const LIMIT_CATEGORIES: Readonly<Record<LimitCategory, Label>> = {
  'u70-a': { ja: '区分ア', en: 'under 70, category A (highest income)' },
  'u70-i': { ja: '区分イ', en: 'under 70, category I' },
  'u70-u': { ja: '区分ウ', en: 'under 70, category U' },
  'u70-e': { ja: '区分エ', en: 'under 70, category E' },
  'u70-o': { ja: '区分オ', en: 'under 70, category O (tax-exempt)' },
  'o70-active3': { ja: '現役並みⅢ', en: '70 and over, working-level income III' },
  'o70-active2': { ja: '現役並みⅡ', en: '70 and over, working-level income II' },
  'o70-active1': { ja: '現役並みⅠ', en: '70 and over, working-level income I' },
  'o70-general': { ja: '一般', en: '70 and over, general' },
  'o70-low2': { ja: '低所得Ⅱ', en: '70 and over, low income II' },
  'o70-low1': { ja: '低所得Ⅰ', en: '70 and over, low income I' },
};

/** 高齢受給者 (70–74): the copay ratio on the 高齢受給者証 and its validity. */
export interface ElderlyRecipient {
  copayRatio: CopayRatio;
  validFrom: string;
  validTo: string | null;
}

/** 特定疾病療養受療証: the three diseases with a monthly self-pay cap. */
export type SpecificDiseaseCode = 'dialysis' | 'hemophilia' | 'hiv';

export const SPECIFIC_DISEASES: Readonly<Record<SpecificDiseaseCode, Label>> = {
  dialysis: { ja: '人工腎臓を実施している慢性腎不全', en: 'chronic renal failure on dialysis' },
  hemophilia: { ja: '先天性血液凝固第Ⅷ因子障害又は第Ⅸ因子障害', en: 'congenital coagulation factor VIII/IX disorder' },
  hiv: { ja: '抗ウイルス剤を投与している後天性免疫不全症候群', en: 'HIV infection treated with antivirals' },
};

export interface SpecificDisease {
  code: SpecificDiseaseCode;
  /** 自己負担限度額 per month in yen (10,000, or 20,000 for some dialysis patients). */
  monthlyLimitYen: number;
  validFrom: string | null;
  validTo: string | null;
}

/** 公費: a public-expense programme the person is a recipient of. */
export interface PublicExpense {
  /** 公費負担者番号 (8 digits). */
  payerNumber: string;
  /** 公費受給者番号 (7 digits). */
  recipientNumber: string;
  validFrom: string | null;
  validTo: string | null;
}

/** 資格情報: one eligibility record. Identifier parts are stored normalised (NFKC) and as given. */
export interface EligibilityRecord {
  /** 保険者番号, canonical 8 digits (国保 left-padded with 00). */
  insurerNumber: string;
  /** 記号 normalised; '' when the card has none. */
  symbol: string;
  symbolOriginal: string;
  /** 番号 normalised. */
  number: string;
  numberOriginal: string;
  /** 枝番, two digits; '' when none. */
  branch: string;
  relationship: Relationship;
  /** 氏名 exactly as registered (old-style kanji and variation selectors kept). */
  familyName: string;
  givenName: string;
  /** カナ氏名. */
  familyNameKana: string;
  givenNameKana: string;
  birthDate: string;
  sex: Sex;
  /** 資格取得年月日: first day covered. */
  acquiredOn: string;
  /**
   * 資格喪失年月日: first day NOT covered (e.g. leaving a job on 3-31 means loss on 4-01); null while current.
   * The record covers acquiredOn <= day < lostOn.
   */
  lostOn: string | null;
  copayRatio: CopayRatio;
  limitCategory: LimitCategory | null;
  elderly: ElderlyRecipient | null;
  specificDiseases: SpecificDisease[];
  publicExpenses: PublicExpense[];
  /**
   * Pseudonymous link key that is the same for one person at every insurer (the role of the 機関別符号
   * used by the intermediate server instead of the My Number). Never the My Number itself.
   */
  personLinkKey: string | null;
}

/** The key that makes one record unique (idempotent loads upsert by it): `insurer:symbol:number:branch@acquiredOn`. */
export function recordKey(r: Pick<EligibilityRecord, 'insurerNumber' | 'symbol' | 'number' | 'branch' | 'acquiredOn'>): string {
  // One join gives a flat string; a template literal would keep a tree of parts (≈3× the memory when
  // thousands of keys are held for duplicate detection).
  return [r.insurerNumber, r.symbol, r.number, `${r.branch}@${r.acquiredOn}`].join(':');
}
