/**
 * The fee calculation's data contract (共通算定モジュール, MISSION.md S6): the fee master's items and relations, a visit
 * case as a clinic or a vendor gives it, and the result — fee lines with the rule behind each, and the window payment
 * split into insurer, public programmes and patient. Plain data: the master, the calculation, the copay, the outputs
 * and the HTTP layer all speak these types and nothing else.
 *
 * Dates are calendar dates `YYYY-MM-DD` (Japan time); money is whole yen; points are whole points (1 点 = 10 円).
 */
import type { EligibilityRecord } from '../../eligibility/index.ts';

// ───────────────────────────── fee master (医科診療行為マスター + 電子点数表) ─────────────────────────────

/** 点数識別: points (点数) or an amount in yen (金額). */
export type PointKind = 'points' | 'yen';

/** 時間加算区分 of an item, as the engine uses it. */
export type TimeAdditionKind = 'none' | 'after-hours' | 'holiday' | 'late-night';

/** One version of one item of the 医科診療行為マスター: valid from `validFrom` to `validTo` inclusive. */
export interface FeeItem {
  /** 診療行為コード (9 digits). */
  code: string;
  /** 省略漢字名称. */
  name: string;
  /** 点数識別. */
  kind: PointKind;
  /** 新又は現点数: points, or yen when kind is 'yen'. */
  value: number;
  /**
   * 診療識別 of the レセプト電算 SI record (two digits: 11 初診, 12 再診, 13 医学管理, 60 検査, 80 その他 …), taken from
   * the master's 点数欄集計先識別（入院外）.
   */
  section: string;
  /** 上限回数 per month (0 or absent: none in the master row; the 算定回数テーブル may add limits). */
  maxPerMonth?: number;
  /** 下限年齢 / 上限年齢 in whole years: billable when lower <= age < upper (absent: no limit). */
  ageFrom?: number;
  ageTo?: number;
  /** 時間加算区分 (an addition that applies to a time band). */
  timeAddition?: TimeAdditionKind;
  /** 検査等実施判断区分: 'test' — a test needing its 判断料; 'judgement' — a 判断料 itself. */
  judgement?: 'test' | 'judgement';
  /** 検査等実施判断グループ区分: the 判断料 group (尿・糞便, 血液学, 生化学（１）…); a test and its 判断料 share it. */
  judgementGroup?: string;
  /** 包括対象検査: the group whose count-based まるめ applies (e.g. 生化学的検査（１）); '' or absent when none. */
  bundleGroup?: string;
  /** 外来管理加算区分: true when 外来管理加算 may not be billed on a day with this item. */
  blocksOutpatientManagement?: boolean;
  /** 変更年月日 (first day of this version). */
  validFrom: string;
  /** 廃止年月日 (last day billable) or null while current. */
  validTo: string | null;
  /** Where the values come from (sample master: the notice; imported master: the file name and its date). */
  source?: string;
}

/** 算定回数テーブル (電子点数表): at most `count` per `unit`. */
export interface CountLimit {
  code: string;
  unit: 'day' | 'week' | 'month' | 'year';
  count: number;
  validFrom: string;
  validTo: string | null;
}

/**
 * 背反テーブル (電子点数表): two items that may not both be billed within `scope`.
 * `keep`: which one stays — 'first' (code1), 'second' (code2), or 'either' (the one with more points).
 */
export interface Exclusion {
  code1: string;
  code2: string;
  scope: 'day' | 'month' | 'same-time' | 'week';
  keep: 'first' | 'second' | 'either';
  validFrom: string;
  validTo: string | null;
}

/** 包括テーブル (電子点数表): when `including` is billed in `scope`, `included` is part of it (billed at 0). */
export interface Inclusion {
  including: string;
  included: string;
  scope: 'day' | 'month';
  validFrom: string;
  validTo: string | null;
}

/** 包括検査のまるめ: with n distinct items of `group` on one day, n >= minItems is billed `points` in total. */
export interface BundleStep {
  group: string;
  /** The group's name (e.g. 生化学的検査（１）). */
  name: string;
  minItems: number;
  points: number;
  validFrom: string;
  validTo: string | null;
  source?: string;
}

/** Why an item cannot be used on a date (the master's answer when it is not billable). */
export type LookupRefusal = 'unknown' | 'not-yet' | 'expired';

/** The fee master as the calculation reads it: each lookup answers for one date (the revision in force). */
export interface FeeMaster {
  /** The item version in force on `date`, or why there is none. */
  item(code: string, date: string): FeeItem | { refused: LookupRefusal; item?: FeeItem };
  countLimits(code: string, date: string): CountLimit[];
  exclusions(code: string, date: string): Exclusion[];
  inclusions(code: string, date: string): Inclusion[];
  bundleSteps(group: string, date: string): BundleStep[];
  /** The 判断料 (judgement 'judgement') of a 検査等実施判断グループ in force on `date`, if the master has one. */
  judgementFee(group: string, date: string): FeeItem | undefined;
  /** What the master is (sample or an official file) — shown in results and on receipts. */
  description: string;
  /** How many item versions it holds (0: nothing imported). */
  readonly itemCount: number;
}

// ───────────────────────────── a visit case (入力) ─────────────────────────────

/** 一部負担金割合 in tenths. */
export type CopayRatio = EligibilityRecord['copayRatio'];
/** 限度額適用区分 (eligibility's codes: u70-a … o70-low1). */
export type LimitCategory = NonNullable<EligibilityRecord['limitCategory']>;

/** 保険: the insurance the visit is billed to (from the eligibility service, or given by the case). */
export interface InsuranceInput {
  /** 保険者番号 (8 digits; 後期高齢者医療 starts with 39). */
  insurerNumber: string;
  symbol?: string;
  number?: string;
  branch?: string;
  /** 本人・家族. */
  relationship?: 'insured' | 'dependant';
  /** 一部負担金割合 as recorded (6–69: 3割; 後期高齢者: 1/2/3割). */
  copayRatio: CopayRatio;
  /** 限度額適用区分; null when none was given (under 70 no cap is applied at the window without it). */
  limitCategory?: LimitCategory | null;
  /** 高齢受給者 (70–74): the ratio on the 高齢受給者証. */
  elderly?: { copayRatio: CopayRatio; validFrom?: string; validTo?: string | null } | null;
  /** 多数回該当: the fourth (or later) month within 12 in which the cap was reached. */
  manyTimes?: boolean;
  /** 特定疾病療養受療証 (長期高額疾病): the monthly self-pay cap. */
  specificDisease?: { code: 'dialysis' | 'hemophilia' | 'hiv'; monthlyLimitYen: number } | null;
  /** 資格取得年月日 / 資格喪失年月日 (first day not covered). */
  acquiredOn?: string;
  lostOn?: string | null;
}

/** The national programmes (法別番号 = the first two digits of the 公費負担者番号) the copay knows. */
export type ProgrammeLaw =
  | '10' // 感染症法37条の2 結核患者の適正医療
  | '12' // 生活保護法 医療扶助
  | '13' // 戦傷病者特別援護法 療養の給付 (full)
  | '15' // 障害者総合支援法 更生医療
  | '16' // 障害者総合支援法 育成医療
  | '21' // 障害者総合支援法 精神通院医療
  | '51' // 特定疾患治療研究事業 (スモン等, full)
  | '52' // 児童福祉法 小児慢性特定疾病医療支援
  | '54'; // 難病法 特定医療費

/** 公費: one public-expense programme the patient is a recipient of, with what the copay needs to know. */
export interface PublicExpenseInput {
  /** 公費負担者番号 (8 digits). */
  payerNumber: string;
  /** 公費受給者番号 (7 digits; 生活保護 may have one per month). */
  recipientNumber: string;
  /** 自己負担上限月額 on the recipient certificate (精神通院・更生・育成・難病・小児慢性); 0 = none to pay. */
  monthlyCapYen?: number;
  /** 上限額管理票: what the patient already paid this month elsewhere towards the same cap. */
  alreadyPaidYen?: number;
  /** 公害健康被害の補償 and other programmes that pay everything: 'full'. */
  kind?: 'full';
  validFrom?: string | null;
  validTo?: string | null;
}

/**
 * 地方単独事業 (地単公費): a local subsidy (children's, single-parent, severely disabled …) paying the patient's
 * remaining share, leaving at most `perVisitYen` (a fixed amount per visit) or `ratio` of the cost, up to
 * `monthlyCapYen` a month, charged on at most `maxChargedVisits` visits a month (then free).
 */
export interface LocalSubsidyInput {
  payerNumber: string;
  recipientNumber: string;
  name?: string;
  /** The patient pays this per visit (e.g. 500 yen), or less when the share is smaller. */
  perVisitYen?: number;
  /** The patient pays this share of the cost in tenths (e.g. 1 = 1割), instead of a fixed amount. */
  ratio?: number;
  monthlyCapYen?: number;
  maxChargedVisits?: number;
}

export interface PatientInput {
  /** The Patient id (when known to the platform). */
  id?: string;
  name?: string;
  nameKana?: string;
  birthDate: string;
  sex: 'male' | 'female' | 'other' | 'unknown';
  /** The health insurance; null for 公費単独 (e.g. 生活保護 alone: the programme pays everything it covers). */
  insurance: InsuranceInput | null;
  publicExpenses?: PublicExpenseInput[];
  localSubsidies?: LocalSubsidyInput[];
}

/** 医療機関: the bedless clinic (診療所) the visit happens at. */
export interface FacilityInput {
  /** 医療機関コード (7 digits). */
  code: string;
  /** 都道府県番号 (2 digits). */
  prefecture: string;
  name?: string;
  /** 標榜時間: the posted hours (for 時間外); default 09:00–18:00 weekdays, 09:00–12:00 Saturday. */
  hours?: { weekday?: [string, string]; saturday?: [string, string] | null };
}

/** What the clinic enters: a 診療行為コード and how many times (a 検査 once, 処方箋 once …). */
export interface ItemInput {
  code: string;
  count?: number;
}

/** A prescription issued at a visit: outpatient (院外, a 処方箋) or in-house (院内), with which lines are 一般名処方. */
export interface PrescriptionIssued {
  /** 処方箋ID, if known. */
  id?: string;
  kind: 'outpatient' | 'in-house';
  lines: { name: string; generic: boolean }[];
}

export interface VisitInput {
  /** 診療日. */
  date: string;
  /** 受付時刻 HH:MM (Japan time), for 時間外・休日・深夜. */
  time?: string;
  /** 休日 (Sunday, national holiday, 12/29–1/3): the clinic says so; Sundays are recognised from the date. */
  holiday?: boolean;
  /**
   * 初診 / 再診: 'auto' decides from the patient's last visit (absent: auto); 'none' bills no 初診料・再診料 (e.g. a test
   * only, without a consultation).
   */
  encounter?: 'auto' | 'first' | 'revisit' | 'none';
  /** The previous visit at this facility before this month's history (for 'auto'), and whether treatment continues. */
  lastVisitDate?: string | null;
  continuingTreatment?: boolean;
  /** 初診日 of the current course of treatment, when before this month (rules count from it; this month's is seen). */
  firstVisitDate?: string | null;
  items: ItemInput[];
  /**
   * The prescriptions issued at this visit (the e-prescription service gives them for a received patient): each
   * outpatient one (処方箋) adds 処方箋料 and, by its 一般名処方 lines, 一般名処方加算 — unless the clinic entered them.
   */
  prescriptions?: PrescriptionIssued[];
  /** 傷病名 (レセ電 SY records): 傷病名コード (7 digits) or 未コード化傷病名 text. */
  diagnoses?: { code?: string; name: string; startDate?: string; main?: boolean }[];
}

/** A whole case: one visit, with the month's earlier visits of the same patient at the same facility. */
export interface VisitCase {
  facility: FacilityInput;
  patient: PatientInput;
  visit: VisitInput;
  /** This month's earlier visits (same patient, same facility), oldest first — each as entered. */
  history?: VisitInput[];
}

// ───────────────────────────── the result (算定結果) ─────────────────────────────

/** A rule the calculation applied, with its source (告示・通知 or a programme's rule). */
export interface AppliedRule {
  /** Stable id (e.g. 'A001-same-day', 'D026-once-a-month', 'copay-u70-cap'). */
  id: string;
  /** What it did, in Japanese. */
  text: string;
  /** Where the rule comes from (e.g. 「診療報酬の算定方法 別表第一 A001 注1」). */
  source: string;
}

/** One billed line (レセ電 SI record). */
export interface FeeLine {
  code: string;
  name: string;
  section: string;
  /** Points per time (for a bundle: the bundle's total). */
  points: number;
  count: number;
  /** points × count. */
  total: number;
  /** 'entered' by the clinic, or 'added' by a rule (判断料, 乳幼児加算, まるめ …). */
  origin: 'entered' | 'added';
  /** The rule that added or priced it, if any (AppliedRule id). */
  rule?: string;
  /** Items of a 包括 bundle (the tests billed together) — their codes, each billed at 0. */
  bundledCodes?: string[];
}

/** An entered item the rules did not bill (not combinable, over its limit, included in another). */
export interface RemovedLine {
  code: string;
  name: string;
  rule: string;
  text: string;
}

/** Who pays what, each with its rule. */
export interface PayerShare {
  /** 'insurer', 'public' (a national programme), 'local' (a local subsidy), 'patient'. */
  payer: 'insurer' | 'public' | 'local' | 'patient';
  /** 保険者番号 / 公費負担者番号. */
  number?: string;
  /** Japanese name (保険者, 難病（特定医療費）, 子ども医療費助成 …). */
  name: string;
  yen: number;
  rule: string;
  text: string;
}

export interface CopayResult {
  /** Age on the visit date (whole years). */
  age: number;
  /** The patient's ratio under the insurance, in tenths (before public programmes); null for 公費単独. */
  ratio: CopayRatio | null;
  /** The cap in force this month (insurance 高額療養費), if any, after this visit. */
  capYen: number | null;
  /** 一部負担金 under the insurance alone (before public programmes and local subsidies). */
  insuranceCopayYen: number;
  shares: PayerShare[];
  /** What the patient pays at the window for this visit. */
  patientYen: number;
  rules: AppliedRule[];
}

export interface CalculationResult {
  visitDate: string;
  encounter: 'first' | 'revisit' | 'same-day-revisit' | 'none';
  lines: FeeLine[];
  removed: RemovedLine[];
  totalPoints: number;
  /** totalPoints × 10. */
  totalYen: number;
  copay: CopayResult;
  /** Every rule applied (fee rules, then copay rules). */
  rules: AppliedRule[];
  master: string;
}

// ───────────────────────────── the copay calculation's own input ─────────────────────────────

/** One visit of the month, as the copay needs it: its date and its cost (総医療費 in yen). */
export interface MonthVisitCost {
  date: string;
  costYen: number;
}

/** The copay of the current visit given the month's earlier visits at the same facility. */
export interface CopayInput {
  facility: FacilityInput;
  patient: PatientInput;
  /** This month's visits at the facility, oldest first; the last one is the visit being calculated. */
  visits: MonthVisitCost[];
}
