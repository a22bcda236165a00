/**
 * 初診 or 再診 (告示 A000・A001): the clinic's own choice wins (the code it entered, or `encounter`), except that a
 * second visit on the same day is always a 同日再診; 'auto' takes 再診 when the patient was seen earlier this month or
 * treatment continues, and 初診 for a first visit or when the patient stopped coming for a month or more (留意事項通知 A000).
 */
import type { AppliedRule, VisitInput } from '../model/types.ts';
import { caseInvalid } from '../model/errors.ts';
import { addMonths } from './dates.ts';
import type { MonthLedger } from './month-ledger.ts';
import { applied } from './rules.ts';

export type Encounter = 'first' | 'revisit' | 'same-day-revisit' | 'none';

/** 初診料, 再診料, 同日再診料 (医科診療行為マスター). */
export const BASIC_FEE_CODES: Record<Exclude<Encounter, 'none'>, string> = {
  first: '111000110',
  revisit: '112007410',
  'same-day-revisit': '112008350',
};
const BASIC = new Set(Object.values(BASIC_FEE_CODES));

export const isBasicFee = (code: string) => BASIC.has(code);

export function decideEncounter(visit: VisitInput, entered: string[], ledger: MonthLedger, path: string): { encounter: Encounter; rule: AppliedRule } {
  const basic = entered.filter(isBasicFee);
  if (visit.encounter === 'none') {
    if (basic.length)
      throw caseInvalid(
        '診察なし（encounter: none）の受診に初診料・再診料は入力できません',
        'a visit without consultation cannot bill 初診料 or 再診料',
        `${path}.encounter`,
      );
    return { encounter: 'none', rule: applied('noBasicFee') };
  }
  if (ledger.visitsOn(visit.date) > 0) return { encounter: 'same-day-revisit', rule: applied('sameDayRevisit') };
  if (new Set(basic).size > 1) throw caseInvalid('初診料と再診料を同時に入力することはできません', 'enter either 初診料 or 再診料, not both', `${path}.items`);
  if (basic[0] === BASIC_FEE_CODES.first || visit.encounter === 'first') return { encounter: 'first', rule: applied('firstVisit') };
  if (basic[0] || visit.encounter === 'revisit') return { encounter: 'revisit', rule: applied('revisit') };
  if (ledger.monthVisits(visit.date.slice(0, 7)) > 0) return { encounter: 'revisit', rule: applied('revisit') };
  const last = visit.lastVisitDate;
  if (!last) return { encounter: 'first', rule: applied('firstVisit') };
  if (visit.continuingTreatment === false && addMonths(last, 1) <= visit.date) return { encounter: 'first', rule: applied('firstAfterPause', last) };
  return { encounter: 'revisit', rule: applied('revisit') };
}
