/** Checks a CopayInput before any calculation; every fault throws CopayInputError with its input path. */
import type { CopayInput, InsuranceInput, LocalSubsidyInput, PublicExpenseInput } from '../model/types.ts';
import { isLimitCategory } from './cap-table.ts';
import { isIsoDate, monthOf } from './dates.ts';
import { CopayInputError } from './errors.ts';
import { isProgrammeLaw, lawOf, needsMonthlyCap } from './programmes.ts';

const EIGHT_DIGITS = /^\d{8}$/;

function isYen(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function yenField(value: unknown, path: string, label: string): void {
  if (!isYen(value)) {
    throw new CopayInputError(`${label}は0以上の整数（円）で指定してください: ${String(value)}`, `${path} must be a non-negative whole number of yen`, path);
  }
}

function dateField(value: unknown, path: string, label: string): void {
  if (!isIsoDate(value)) {
    throw new CopayInputError(`${label}「${String(value)}」は YYYY-MM-DD 形式の正しい日付ではありません`, `${path} is not a valid YYYY-MM-DD date`, path);
  }
}

function optionalDate(value: unknown, path: string, label: string): void {
  if (value !== undefined && value !== null) dateField(value, path, label);
}

function ratioField(value: unknown, path: string, label: string): void {
  if (value !== 1 && value !== 2 && value !== 3) {
    throw new CopayInputError(`${label}は1割・2割・3割（1, 2, 3）のいずれかです: ${String(value)}`, `${path} must be 1, 2 or 3`, path);
  }
}

function payerNumberField(value: unknown, path: string, label: string): void {
  if (typeof value !== 'string' || !EIGHT_DIGITS.test(value)) {
    throw new CopayInputError(`${label}「${String(value)}」は8桁の数字ではありません`, `${path} must be 8 digits`, path);
  }
}

export function validateCopayInput(input: CopayInput): void {
  const visits = input.visits;
  if (!Array.isArray(visits) || visits.length === 0) {
    throw new CopayInputError('当月の受診（visits）が1件もありません', 'visits must list at least the visit being calculated', 'visits');
  }
  visits.forEach((v, i) => {
    dateField(v.date, `visits[${i}].date`, '診療日');
    yenField(v.costYen, `visits[${i}].costYen`, '総医療費');
  });
  const last = visits[visits.length - 1].date;
  visits.forEach((v, i) => {
    if (monthOf(v.date) !== monthOf(last)) {
      throw new CopayInputError(
        `診療日 ${v.date} は算定する受診（${last}）と同じ月ではありません`,
        `visits[${i}].date is not in the month of the visit being calculated (${last})`,
        `visits[${i}].date`,
      );
    }
    if (i > 0 && v.date < visits[i - 1].date) {
      throw new CopayInputError(`受診は古い順に並べてください（${visits[i - 1].date} の後に ${v.date}）`, 'visits must be oldest first', `visits[${i}].date`);
    }
  });

  const patient = input.patient;
  dateField(patient.birthDate, 'patient.birthDate', '生年月日');
  if (patient.birthDate > visits[0].date) {
    throw new CopayInputError(`生年月日 ${patient.birthDate} が診療日より後です`, 'the birth date is after the visit date', 'patient.birthDate');
  }
  if (patient.insurance) validateInsurance(patient.insurance, last);
  for (const [i, p] of (patient.publicExpenses ?? []).entries()) validatePublicExpense(p, `patient.publicExpenses[${i}]`);
  for (const [i, s] of (patient.localSubsidies ?? []).entries()) validateLocalSubsidy(s, `patient.localSubsidies[${i}]`);
}

function validateInsurance(ins: InsuranceInput, lastDate: string): void {
  const at = 'patient.insurance';
  payerNumberField(ins.insurerNumber, `${at}.insurerNumber`, '保険者番号');
  ratioField(ins.copayRatio, `${at}.copayRatio`, '一部負担金割合');
  if (ins.limitCategory !== undefined && ins.limitCategory !== null && !isLimitCategory(ins.limitCategory)) {
    throw new CopayInputError(
      `限度額適用区分「${String(ins.limitCategory)}」は不明です`,
      `unknown limit category ${String(ins.limitCategory)}`,
      `${at}.limitCategory`,
    );
  }
  if (ins.elderly) {
    ratioField(ins.elderly.copayRatio, `${at}.elderly.copayRatio`, '高齢受給者証の一部負担金割合');
    if (ins.elderly.copayRatio === 1) {
      throw new CopayInputError('高齢受給者（70～74歳）の一部負担金割合は2割または3割です', 'the elderly (70–74) ratio is 2 or 3', `${at}.elderly.copayRatio`);
    }
    optionalDate(ins.elderly.validFrom, `${at}.elderly.validFrom`, '高齢受給者証の有効開始日');
    optionalDate(ins.elderly.validTo, `${at}.elderly.validTo`, '高齢受給者証の有効終了日');
  }
  if (ins.specificDisease) {
    const limit = ins.specificDisease.monthlyLimitYen;
    if (!isYen(limit) || limit === 0) {
      throw new CopayInputError(
        `特定疾病の自己負担限度額は正の整数（円）で指定してください: ${String(limit)}`,
        'the specific-disease monthly limit must be a positive whole number of yen',
        `${at}.specificDisease.monthlyLimitYen`,
      );
    }
  }
  optionalDate(ins.acquiredOn, `${at}.acquiredOn`, '資格取得年月日');
  optionalDate(ins.lostOn, `${at}.lostOn`, '資格喪失年月日');
  if (ins.acquiredOn && lastDate < ins.acquiredOn) {
    throw new CopayInputError(
      `診療日 ${lastDate} は資格取得日 ${ins.acquiredOn} より前です`,
      'the visit is before the insurance was acquired',
      `${at}.acquiredOn`,
    );
  }
  if (ins.lostOn && lastDate >= ins.lostOn) {
    throw new CopayInputError(`診療日 ${lastDate} は資格喪失日 ${ins.lostOn} 以後です`, 'the visit is on or after the insurance was lost', `${at}.lostOn`);
  }
}

function validatePublicExpense(p: PublicExpenseInput, at: string): void {
  payerNumberField(p.payerNumber, `${at}.payerNumber`, '公費負担者番号');
  if (p.kind !== undefined && p.kind !== 'full') {
    throw new CopayInputError(`公費の種別「${String(p.kind)}」は不明です`, `unknown programme kind ${String(p.kind)}`, `${at}.kind`);
  }
  if (p.kind !== 'full' && !isProgrammeLaw(lawOf(p))) {
    throw new CopayInputError(
      `公費負担者番号 ${p.payerNumber} の法別番号「${lawOf(p)}」には対応していません`,
      `public payer ${p.payerNumber}: unknown law number ${lawOf(p)}`,
      `${at}.payerNumber`,
    );
  }
  if (p.monthlyCapYen !== undefined) yenField(p.monthlyCapYen, `${at}.monthlyCapYen`, '自己負担上限月額');
  else if (needsMonthlyCap(p)) {
    throw new CopayInputError(
      `公費負担者番号 ${p.payerNumber} の自己負担上限月額（受給者証）がありません`,
      `public payer ${p.payerNumber} needs its monthly cap (monthlyCapYen)`,
      `${at}.monthlyCapYen`,
    );
  }
  if (p.alreadyPaidYen !== undefined) yenField(p.alreadyPaidYen, `${at}.alreadyPaidYen`, '上限額管理票の既払額');
  optionalDate(p.validFrom, `${at}.validFrom`, '公費の有効開始日');
  optionalDate(p.validTo, `${at}.validTo`, '公費の有効終了日');
}

function validateLocalSubsidy(s: LocalSubsidyInput, at: string): void {
  payerNumberField(s.payerNumber, `${at}.payerNumber`, '地単公費の負担者番号');
  if (s.perVisitYen !== undefined) yenField(s.perVisitYen, `${at}.perVisitYen`, '1回あたりの自己負担額');
  if (s.ratio !== undefined && !(Number.isInteger(s.ratio) && s.ratio >= 0 && s.ratio <= 10)) {
    throw new CopayInputError(
      `地単公費の自己負担割合は0～10（割）の整数です: ${String(s.ratio)}`,
      `${at}.ratio must be a whole number of tenths 0–10`,
      `${at}.ratio`,
    );
  }
  if (s.monthlyCapYen !== undefined) yenField(s.monthlyCapYen, `${at}.monthlyCapYen`, '地単公費の月額上限');
  if (s.maxChargedVisits !== undefined && !isYen(s.maxChargedVisits)) {
    throw new CopayInputError(
      `地単公費の負担回数上限は0以上の整数です: ${String(s.maxChargedVisits)}`,
      `${at}.maxChargedVisits must be a non-negative integer`,
      `${at}.maxChargedVisits`,
    );
  }
}
