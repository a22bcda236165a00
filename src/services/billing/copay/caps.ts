/**
 * 高額療養費の現物給付: the monthly self-pay cap at the window (外来, per person, per facility, per month) for the
 * month's cost so far — by 限度額適用区分, 多数回該当, the 後期 2割 配慮措置 and 特定疾病療養受療証.
 */
import type { AppliedRule, LimitCategory, PatientInput } from '../model/types.ts';
import { CAP_TABLE, type CapRow, KOUKI_TRANSITION } from './cap-table.ts';
import { monthOf, within } from './dates.ts';
import { CopayInputError } from './errors.ts';
import { yen } from './format.ts';
import { copayRatioOn } from './ratio.ts';
import { roundToYen } from './rounding.ts';
import { SOURCES } from './sources.ts';

export interface CapDecision {
  /** The cap for the month's cost so far; null when none applies at the window. */
  capYen: number | null;
  /** The 区分 the cap was taken from (after the 70+ default); null when none. */
  category: LimitCategory | null;
  rules: AppliedRule[];
}

/** The cap of the month for `monthCostYen` (総医療費 of the month so far at this facility) on `date`. */
export function capOf(patient: PatientInput, date: string, monthCostYen: number): CapDecision {
  const ins = patient.insurance;
  if (!ins) return { capYen: null, category: null, rules: [] };
  const decision = copayRatioOn(patient, date);
  const rules: AppliedRule[] = [];
  let category = ins.limitCategory ?? null;
  if (category) checkAgeGroup(category, decision.over70);
  if (!category && decision.over70) {
    category = decision.ratio === 3 ? 'o70-active3' : 'o70-general';
    rules.push({
      id: 'copay-cap-o70-default',
      text: `70歳以上で限度額適用区分なし: ${decision.ratio}割のため${CAP_TABLE[category].label}の限度額を適用`,
      source: SOURCES.cap,
    });
  }

  // 75歳到達月の特例: in the month of the 75th birthday (unless on the 1st) every amount is halved, under the old
  // insurance and under 後期 alike.
  const half = seventyFifthBirthdayMonth(patient.birthDate, date) ? 2 : 1;
  if (half === 2) {
    rules.push({ id: 'copay-cap-75th-birthday-month', text: '75歳到達月の特例: 自己負担限度額は本来額の2分の1', source: SOURCES.birthdayMonth75 });
  }

  let capYen: number | null = null;
  if (category) {
    const row = halved(CAP_TABLE[category], half);
    if (ins.manyTimes && row.manyTimesYen !== undefined) {
      capYen = row.manyTimesYen;
      rules.push({ id: 'copay-cap-many-times', text: `高額療養費 ${row.label}・多数回該当: ${yen(capYen)}円`, source: SOURCES.cap });
    } else if (row.thresholdYen !== undefined) {
      const over = Math.max(0, monthCostYen - row.thresholdYen);
      capYen = row.baseYen + roundToYen(over, 100);
      rules.push({
        id: `copay-cap-${category}`,
        text: `高額療養費 ${row.label}: ${yen(row.baseYen)} + (${yen(monthCostYen)} − ${yen(row.thresholdYen)}${monthCostYen < row.thresholdYen ? '、負のときは 0' : ''}) × 1% = ${yen(capYen)}円（当月・当院の外来）`,
        source: SOURCES.cap,
      });
    } else {
      capYen = row.baseYen;
      rules.push({ id: `copay-cap-${category}`, text: `高額療養費 ${row.label}: ${yen(capYen)}円（当月・当院の外来）`, source: SOURCES.cap });
    }
    if (ins.manyTimes && row.manyTimesYen === undefined) {
      rules.push({ id: 'copay-cap-many-times-none', text: `${row.label}の外来限度額に多数回該当はありません`, source: SOURCES.cap });
    }
    const transition = decision.kouki && decision.ratio === 2 && category === 'o70-general' && within(date, KOUKI_TRANSITION.from, KOUKI_TRANSITION.to);
    if (transition) {
      const [base, threshold, ceiling] = [KOUKI_TRANSITION.baseYen / half, KOUKI_TRANSITION.thresholdYen / half, KOUKI_TRANSITION.ceilingYen / half];
      const over = Math.max(0, monthCostYen - threshold);
      const eased = Math.min(base + roundToYen(over, 10), ceiling);
      capYen = Math.min(capYen, eased);
      rules.push({
        id: 'copay-cap-kouki-transition',
        text: `後期高齢者2割負担の配慮措置: min(${yen(base)} + (${yen(monthCostYen)} − ${yen(threshold)}) × 10%, ${yen(ceiling)}) = ${yen(eased)}円`,
        source: SOURCES.koukiTransition,
      });
    }
  } else {
    rules.push({
      id: 'copay-cap-u70-none',
      text: '70歳未満で限度額適用区分の提示なし: 窓口では高額療養費の限度額を適用しません（後日、保険者に支給申請）',
      source: SOURCES.capWindow,
    });
  }

  const disease = ins.specificDisease;
  const diseaseLimit = disease ? Math.floor(disease.monthlyLimitYen / half) : null;
  if (diseaseLimit !== null && (capYen === null || diseaseLimit < capYen)) {
    capYen = diseaseLimit;
    rules.push({
      id: 'copay-cap-specific-disease',
      text: `特定疾病療養受療証: 自己負担限度額 ${yen(capYen)}円`,
      source: SOURCES.specificDisease,
    });
  }
  return { capYen, category, rules };
}

/** 75歳到達月: the 75th birthday falls in the visit's month on a day other than the 1st. */
export function seventyFifthBirthdayMonth(birthDate: string, date: string): boolean {
  const birthday75 = `${String(Number(birthDate.slice(0, 4)) + 75).padStart(4, '0')}${birthDate.slice(4)}`;
  return monthOf(birthday75) === monthOf(date) && birthDate.slice(8) !== '01';
}

/** A cap row with every amount divided by `by` (1: as is; 2: the 75歳到達月 amounts, all whole yen). */
function halved(row: CapRow, by: number): CapRow {
  if (by === 1) return row;
  return {
    label: `${row.label}・75歳到達月`,
    baseYen: row.baseYen / by,
    ...(row.thresholdYen !== undefined ? { thresholdYen: row.thresholdYen / by } : {}),
    ...(row.manyTimesYen !== undefined ? { manyTimesYen: row.manyTimesYen / by } : {}),
  };
}

/** A 区分 of the other age group is an input error (区分ア～オ are under 70 only; 現役並み・一般・低所得 from 70). */
function checkAgeGroup(category: LimitCategory, over70: boolean): void {
  if (over70 === category.startsWith('o70-')) return;
  const label = CAP_TABLE[category].label;
  throw over70
    ? new CopayInputError(
        `70歳以上（高齢受給者・後期高齢者）の患者に70歳未満の限度額適用区分（${label}）が指定されています`,
        `limit category ${category} is for patients under 70, but the patient is 70 or over`,
        'patient.insurance.limitCategory',
      )
    : new CopayInputError(
        `70歳未満の患者に70歳以上の限度額適用区分（${label}）が指定されています`,
        `limit category ${category} is for patients of 70 and over, but the patient is under 70`,
        'patient.insurance.limitCategory',
      );
}
