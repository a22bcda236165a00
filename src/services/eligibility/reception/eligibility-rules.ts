/**
 * Pure eligibility decisions (資格判定): which record covers a visit date, or precisely why none does.
 *
 * Rules
 * - A record covers acquiredOn <= visit date < lostOn (資格喪失日 is the first day without coverage).
 * - Across an insurer change, even within one month, the visit date alone decides which insurer covers it
 *   (資格は日単位; there is no month-based proration of eligibility).
 * - If several records cover the date (a late loss notification overlapping a new acquisition), the most
 *   recently acquired one is the answer and the others are returned in `alsoValid` for the desk to see.
 * - Sub-entitlements (高齢受給者, 特定疾病, 公費) are filtered to those valid on the visit date; the copay
 *   ratio in force is the 高齢受給者証 ratio when one is valid, otherwise the record's.
 */
import { isCalendarDate, parseCalendarDate, withinDates as within } from '../model/calendar-date.ts';
import { parseInsuredPersonNumber, type FieldProblem } from '../model/numbers.ts';
import type { CopayRatio, EligibilityRecord, ElderlyRecipient, PublicExpense, SpecificDisease } from '../model/record.ts';
import type { Reason } from '../model/reason.ts';

export type IneligibleCode =
  | 'no-record'
  | 'not-yet-valid'
  | 'lost'
  | 'branch-mismatch'
  | 'birthdate-mismatch'
  | 'ambiguous'
  | 'invalid-number'
  | 'invalid-date';

/** What the desk needs for the visit. */
export interface Eligible {
  ok: true;
  record: EligibilityRecord;
  visitDate: string;
  /** 一部負担金割合 in force on the visit date. */
  copayRatio: CopayRatio;
  elderly: ElderlyRecipient | null;
  specificDiseases: SpecificDisease[];
  publicExpenses: PublicExpense[];
  /** Other records that also cover the date (normally empty). */
  alsoValid: EligibilityRecord[];
}

export interface Ineligible extends Reason<IneligibleCode> {
  ok: false;
  visitDate: string;
  /** The record the reason is about (the lost one, the future one), when there is one. */
  record?: EligibilityRecord;
  /** For `invalid-number`: every bad field of the query. */
  problems?: FieldProblem[];
}

export type EligibilityDecision = Eligible | Ineligible;

function covers(r: EligibilityRecord, date: string): boolean {
  return r.acquiredOn <= date && (r.lostOn === null || date < r.lostOn);
}

function invalidDate(visitDate: string): Ineligible {
  return {
    ok: false,
    visitDate,
    code: 'invalid-date',
    ja: `受診日「${visitDate}」が正しい日付ではありません`,
    en: `visit date "${visitDate}" is not a valid date`,
  };
}

/** Decides eligibility on `visitDate` from one person's whole history (all insurers). */
export function eligibilityOn(records: readonly EligibilityRecord[], visitDate: string): EligibilityDecision {
  if (!isCalendarDate(visitDate)) return invalidDate(visitDate);
  const valid = records
    .filter((r) => covers(r, visitDate))
    .sort((a, b) => (a.acquiredOn === b.acquiredOn ? a.insurerNumber.localeCompare(b.insurerNumber) : a.acquiredOn < b.acquiredOn ? 1 : -1));
  if (valid.length > 0) {
    const [record, ...alsoValid] = valid;
    const elderly = record.elderly && within(visitDate, record.elderly.validFrom, record.elderly.validTo) ? record.elderly : null;
    return {
      ok: true,
      record,
      visitDate,
      copayRatio: elderly ? elderly.copayRatio : record.copayRatio,
      elderly,
      specificDiseases: record.specificDiseases.filter((d) => within(visitDate, d.validFrom, d.validTo)),
      publicExpenses: record.publicExpenses.filter((p) => within(visitDate, p.validFrom, p.validTo)),
      alsoValid,
    };
  }
  if (records.length === 0) {
    return { ok: false, visitDate, code: 'no-record', ja: '資格情報が登録されていません', en: 'no eligibility record is registered' };
  }
  // The most recent loss on or before the visit explains a gap better than a future acquisition.
  const lost = records.filter((r) => r.lostOn !== null && r.lostOn <= visitDate).sort((a, b) => (a.lostOn! < b.lostOn! ? 1 : -1))[0];
  const future = records.filter((r) => r.acquiredOn > visitDate).sort((a, b) => (a.acquiredOn < b.acquiredOn ? -1 : 1))[0];
  if (lost) {
    const next = future ? `（次の資格取得日は ${future.acquiredOn}）` : '';
    const nextEn = future ? ` (the next coverage starts on ${future.acquiredOn})` : '';
    return {
      ok: false,
      visitDate,
      record: lost,
      code: 'lost',
      ja: `資格喪失：${lost.lostOn} に資格を喪失しています${next}`,
      en: `eligibility lost on ${lost.lostOn}${nextEn}`,
    };
  }
  return {
    ok: false,
    visitDate,
    record: future,
    code: 'not-yet-valid',
    ja: `資格取得日（${future.acquiredOn}）より前の受診日です`,
    en: `the visit date is before the acquisition date (${future.acquiredOn})`,
  };
}

/** Raw query by insurance number as typed at reception (被保険者証・資格確認書の番号入力). */
export interface InsuranceNumberQuery {
  insurerNumber: string;
  symbol?: string;
  number: string;
  /** 枝番; may be omitted when the card has none printed. */
  branch?: string;
  birthDate: string;
}

/**
 * Looks up eligibility by insurance number + birth date among the records registered under that number
 * (the caller passes the records of the insurer number; extra records are ignored).
 * Order of checks: the number's format, a record under 記号・番号, the 枝番, the birth date, then the date.
 */
export function eligibilityByInsuranceNumber(records: readonly EligibilityRecord[], query: InsuranceNumberQuery, visitDate: string): EligibilityDecision {
  if (!isCalendarDate(visitDate)) return invalidDate(visitDate);
  const parsed = parseInsuredPersonNumber(query);
  if (!parsed.ok) {
    return {
      ok: false,
      visitDate,
      code: 'invalid-number',
      ja: `番号に誤りがあります：${parsed.problems.map((p) => p.ja).join('、')}`,
      en: `the number is invalid: ${parsed.problems.map((p) => p.en).join('; ')}`,
      problems: parsed.problems,
    };
  }
  const q = parsed.value;
  const symbol = q.symbol?.normalized ?? '';
  const underNumber = records.filter((r) => r.insurerNumber === q.insurer.value && r.symbol === symbol && r.number === q.number.normalized);
  if (underNumber.length === 0) {
    return {
      ok: false,
      visitDate,
      code: 'no-record',
      ja: 'この保険者番号・記号・番号の資格情報はありません',
      en: 'no eligibility is registered under this insurer number, symbol and number',
    };
  }
  let candidates = underNumber;
  if (q.branch) {
    candidates = underNumber.filter((r) => r.branch === q.branch!.value);
    if (candidates.length === 0) {
      return {
        ok: false,
        visitDate,
        code: 'branch-mismatch',
        ja: `枝番「${q.branch.value}」の方はこの記号・番号に登録されていません`,
        en: `no person with branch number ${q.branch.value} is registered under this symbol and number`,
      };
    }
  }
  const birth = parseCalendarDate(query.birthDate);
  if (!birth.ok) {
    return { ok: false, visitDate, code: 'invalid-date', ja: `生年月日：${birth.ja}`, en: `birth date: ${birth.en}` };
  }
  candidates = candidates.filter((r) => r.birthDate === birth.value);
  if (candidates.length === 0) {
    return {
      ok: false,
      visitDate,
      code: 'birthdate-mismatch',
      ja: '生年月日が登録内容と一致しません',
      en: 'the birth date does not match the registered one',
    };
  }
  const branches = new Set(candidates.map((r) => r.branch));
  if (branches.size > 1) {
    return {
      ok: false,
      visitDate,
      code: 'ambiguous',
      ja: '同じ記号・番号・生年月日の方が複数登録されています。枝番を入力してください',
      en: 'several people share this symbol, number and birth date; enter the branch number',
    };
  }
  return eligibilityOn(candidates, visitDate);
}
