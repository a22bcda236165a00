/**
 * A visit calculated in full: the month's earlier visits are priced first (in order: counting limits, 背反 and 包括
 * look at them), then this visit; the window payment comes from the month's costs (caps are reduced by what the
 * earlier visits charged).
 */
import { computeCopay, CopayInputError } from '../copay/index.ts';
import { caseInvalid, notCalculable } from '../model/errors.ts';
import type { CalculationResult, CopayResult, FeeMaster, MonthVisitCost, VisitCase, VisitInput } from '../model/types.ts';
import { MonthLedger } from './month-ledger.ts';
import { type PricedVisit, priceVisit } from './price-visit.ts';
import { applied } from './rules.ts';

export function calculateVisit(master: FeeMaster, c: VisitCase): CalculationResult {
  return calculateMonth(master, c).at(-1)?.result as CalculationResult;
}

/** Every visit of the case (the history, then the visit), each with its result as the window computed it that day. */
export function calculateMonth(master: FeeMaster, c: VisitCase): { visit: VisitInput; result: CalculationResult }[] {
  const history = c.history ?? [];
  const visits: [VisitInput, string][] = [...history.map((h, i): [VisitInput, string] => [h, `history[${i}]`]), [c.visit, 'visit']];
  for (const [v, path] of visits) checkCovered(c, v, path);
  const ledger = new MonthLedger();
  const costs: MonthVisitCost[] = [];
  return visits.map(([v, path]) => {
    const priced = priceVisit({ master, facility: c.facility, birthDate: c.patient.birthDate, ledger }, v, path);
    ledger.record(v.date, priced.lines);
    costs.push({ date: v.date, costYen: priced.totalPoints * 10 });
    return { visit: v, result: resultOf(master, v, priced, copayOf(c, costs)) };
  });
}

function resultOf(master: FeeMaster, v: VisitInput, priced: PricedVisit, copay: CopayResult): CalculationResult {
  return {
    visitDate: v.date,
    encounter: priced.encounter,
    lines: priced.lines,
    removed: priced.removed,
    totalPoints: priced.totalPoints,
    totalYen: priced.totalPoints * 10,
    copay,
    rules: [...priced.rules, applied('pointValue'), ...copay.rules],
    master: master.description,
  };
}

/** A visit outside the insurance's 資格取得日 … 資格喪失日 cannot be billed to it. */
function checkCovered(c: VisitCase, v: VisitInput, path: string): void {
  const ins = c.patient.insurance;
  if (!ins) return;
  if (ins.acquiredOn && v.date < ins.acquiredOn)
    throw notCalculable(
      `受診日 ${v.date} は資格取得日 ${ins.acquiredOn} より前です（保険者番号 ${ins.insurerNumber} の資格では算定できません）`,
      `the visit on ${v.date} is before the eligibility starts (${ins.acquiredOn})`,
      `${path}.date`,
    );
  if (ins.lostOn && v.date >= ins.lostOn)
    throw notCalculable(
      `受診日 ${v.date} は資格喪失日 ${ins.lostOn} 以後です（保険者番号 ${ins.insurerNumber} の資格では算定できません）`,
      `the visit on ${v.date} is on or after the eligibility ended (${ins.lostOn})`,
      `${path}.date`,
    );
}

function copayOf(c: VisitCase, visits: MonthVisitCost[]) {
  try {
    return computeCopay({ facility: c.facility, patient: c.patient, visits });
  } catch (e) {
    if (e instanceof CopayInputError) throw caseInvalid(e.message, e.en ?? e.message, e.path ?? 'patient');
    throw e;
  }
}
