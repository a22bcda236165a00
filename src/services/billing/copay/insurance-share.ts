/**
 * The patient's share under the insurance for one visit (一部負担金, 10円未満四捨五入) limited by the month's
 * 高額療養費 cap at the window: min(一部負担金, max(0, cap(month cost so far) − shares paid before)).
 */
import type { AppliedRule, PatientInput } from '../model/types.ts';
import { capOf } from './caps.ts';
import { yen, yenTenths } from './format.ts';
import type { RatioDecision } from './ratio.ts';
import { shareOfCost } from './rounding.ts';
import { SOURCES } from './sources.ts';

export interface InsuranceShare {
  /** 一部負担金 after the cap (to the yen when capped). */
  shareYen: number;
  /** 一部負担金 before the cap (cost × ratio, to 10 yen). */
  uncappedYen: number;
  capYen: number | null;
  rules: AppliedRule[];
}

export function insuranceShare(
  patient: PatientInput,
  date: string,
  costYen: number,
  ratio: RatioDecision,
  monthCostYen: number,
  paidBeforeYen: number,
): InsuranceShare {
  const tenths = ratio.ratio!;
  const uncappedYen = shareOfCost(costYen, tenths);
  const rules: AppliedRule[] = [
    {
      id: 'copay-rounding',
      text: `一部負担金: ${yen(costYen)}円 × ${tenths}割 = ${yenTenths(costYen * tenths)}円 → ${yen(uncappedYen)}円（10円未満四捨五入）`,
      source: SOURCES.rounding,
    },
  ];
  const cap = capOf(patient, date, monthCostYen);
  rules.push(...cap.rules);
  if (cap.capYen === null) return { shareYen: uncappedYen, uncappedYen, capYen: null, rules };
  const left = Math.max(0, cap.capYen - paidBeforeYen);
  const shareYen = Math.min(uncappedYen, left);
  if (shareYen < uncappedYen) {
    rules.push({
      id: 'copay-cap-reached',
      text: `限度額到達: 限度額 ${yen(cap.capYen)}円 − 当月既払 ${yen(paidBeforeYen)}円 = ${yen(left)}円（一部負担金 ${yen(uncappedYen)}円を1円単位で減額）`,
      source: SOURCES.capWindow,
    });
  }
  return { shareYen, uncappedYen, capYen: cap.capYen, rules };
}
