/**
 * 地方単独事業 (地単公費: 子ども医療費助成, ひとり親家庭等医療費助成 …): applied after the national programmes, each
 * leaves the patient a fixed amount per visit (or a part of the cost), up to a monthly cap, on a limited number of
 * visits a month.
 */
import type { LocalSubsidyInput } from '../model/types.ts';
import { yen } from './format.ts';
import { shareOfCost } from './rounding.ts';

export interface LocalHistory {
  /** What the patient paid under the subsidy at earlier visits this month. */
  paidYen: number;
  /** Earlier visits this month on which the patient was charged under it. */
  chargedVisits: number;
}

export interface LocalStep {
  patientYen: number;
  text: string;
}

/** 地単公費の名称 (as given, or a generic one). */
export function localName(s: LocalSubsidyInput): string {
  return s.name ?? '地方単独医療費助成';
}

/** One local subsidy on one visit: the remaining share `remainingYen` becomes the patient's share. */
export function localStep(s: LocalSubsidyInput, costYen: number, remainingYen: number, history: LocalHistory): LocalStep {
  const name = localName(s);
  if (s.maxChargedVisits !== undefined && history.chargedVisits >= s.maxChargedVisits) {
    return { patientYen: 0, text: `${name}: 月${s.maxChargedVisits}回を超える受診のため自己負担なし` };
  }
  const own = s.ratio !== undefined ? shareOfCost(costYen, s.ratio) : (s.perVisitYen ?? 0);
  const basis = s.ratio !== undefined ? `${s.ratio}割 ${yen(own)}円` : `1回 ${yen(own)}円`;
  let patientYen = Math.min(remainingYen, own);
  let capText = '';
  if (s.monthlyCapYen !== undefined) {
    const left = Math.max(0, s.monthlyCapYen - history.paidYen);
    if (left < patientYen) {
      patientYen = left;
      capText = `、月額上限 ${yen(s.monthlyCapYen)}円（残り ${yen(left)}円）`;
    }
  }
  return { patientYen, text: `${name}: 自己負担 ${basis}${capText} → ${yen(patientYen)}円` };
}
