/**
 * 窓口負担の計算 (computeCopay): the month's visits at this facility in order — insurance share with the 高額療養費
 * cap, then the national programmes in priority order, then local subsidies — and the split of the last visit.
 * Pure: no I/O, no clock; the same input always gives the same result.
 */
import type { AppliedRule, CopayInput, CopayResult, PatientInput, PayerShare } from '../model/types.ts';
import { within } from './dates.ts';
import { yen } from './format.ts';
import { insuranceShare } from './insurance-share.ts';
import { type LocalHistory, localName, localStep } from './local-subsidies.ts';
import { applicationOrder, lawOf, programmeName, programmeSource, programmeStep } from './programmes.ts';
import { copayRatioOn, isKoukiInsurer } from './ratio.ts';
import { SOURCES } from './sources.ts';
import { validateCopayInput } from './validate.ts';

/** What the month has used up so far (carried from visit to visit). */
interface MonthState {
  costYen: number;
  /** Insurance shares (一部負担金 after the cap) of earlier visits. */
  insurancePaidYen: number;
  /** Per publicExpenses index: the patient's share under the programme at earlier visits. */
  programmePaidYen: number[];
  local: LocalHistory[];
}

/** The window payment of the last visit of `input.visits`, the earlier ones counted towards the month's caps. */
export function computeCopay(input: CopayInput): CopayResult {
  validateCopayInput(input);
  const { patient, visits } = input;
  const state: MonthState = {
    costYen: 0,
    insurancePaidYen: 0,
    programmePaidYen: (patient.publicExpenses ?? []).map(() => 0),
    local: (patient.localSubsidies ?? []).map(() => ({ paidYen: 0, chargedVisits: 0 })),
  };
  let result: CopayResult | undefined;
  for (const visit of visits) result = splitVisit(patient, visit.date, visit.costYen, state);
  return result!;
}

function splitVisit(patient: PatientInput, date: string, costYen: number, state: MonthState): CopayResult {
  const ratio = copayRatioOn(patient, date);
  const rules: AppliedRule[] = [ratio.rule];
  const shares: PayerShare[] = [];
  state.costYen += costYen;

  // 保険: the insurer pays the cost less the patient's (capped) share; the programmes pay out of that share.
  let remaining = costYen;
  let capYen: number | null = null;
  const ins = patient.insurance;
  if (ins) {
    const share = insuranceShare(patient, date, costYen, ratio, state.costYen, state.insurancePaidYen);
    rules.push(...share.rules);
    state.insurancePaidYen += share.shareYen;
    capYen = share.capYen;
    remaining = share.shareYen;
    const highCost = share.uncappedYen - share.shareYen;
    const text = `保険者負担: ${yen(costYen)} − 一部負担金 ${yen(share.shareYen)} = ${yen(costYen - share.shareYen)}円${highCost > 0 ? `（高額療養費の現物給付 ${yen(highCost)}円を含む）` : ''}`;
    rules.push({ id: 'copay-insurer', text, source: SOURCES.insurer });
    shares.push({
      payer: 'insurer',
      number: ins.insurerNumber,
      name: isKoukiInsurer(ins.insurerNumber) ? '後期高齢者医療広域連合' : '保険者',
      yen: costYen - share.shareYen,
      rule: 'copay-insurer',
      text,
    });
  }
  const insuranceCopayYen = remaining;

  const programmes = patient.publicExpenses ?? [];
  let anyProgramme = false;
  for (const i of applicationOrder(programmes)) {
    const p = programmes[i];
    const id = p.kind === 'full' ? 'copay-public-full' : `copay-public-${lawOf(p)}`;
    if (!within(date, p.validFrom, p.validTo)) {
      rules.push({
        id: 'copay-public-out-of-validity',
        text: `${programmeName(p)}（${p.payerNumber}）: 診療日 ${date} は有効期間（${p.validFrom ?? '—'}～${p.validTo ?? '—'}）外のため適用しません`,
        source: programmeSource(p),
      });
      continue;
    }
    anyProgramme = true;
    const capLeft = p.monthlyCapYen === undefined ? null : p.monthlyCapYen - (p.alreadyPaidYen ?? 0) - state.programmePaidYen[i];
    const step = programmeStep(p, costYen, remaining, ratio.ratio, capLeft);
    state.programmePaidYen[i] += step.patientYen;
    rules.push({ id, text: step.text, source: programmeSource(p) });
    shares.push({ payer: 'public', number: p.payerNumber, name: programmeName(p), yen: remaining - step.patientYen, rule: id, text: step.text });
    remaining = step.patientYen;
  }
  if (programmes.length > 1) rules.push({ id: 'copay-public-priority', text: '公費は法別番号の適用順に、残る患者負担に適用', source: SOURCES.priority });
  if (!ins && !anyProgramme) {
    rules.push({ id: 'copay-self-pay', text: '保険・公費とも適用なし: 全額自己負担', source: SOURCES.selfPay });
  }

  (patient.localSubsidies ?? []).forEach((s, i) => {
    const step = localStep(s, costYen, remaining, state.local[i]);
    state.local[i].paidYen += step.patientYen;
    if (step.patientYen > 0) state.local[i].chargedVisits += 1;
    const id = 'copay-local-subsidy';
    rules.push({ id, text: step.text, source: SOURCES.local });
    shares.push({ payer: 'local', number: s.payerNumber, name: localName(s), yen: remaining - step.patientYen, rule: id, text: step.text });
    remaining = step.patientYen;
  });

  const patientText = `窓口負担: ${yen(remaining)}円`;
  rules.push({ id: 'copay-patient', text: patientText, source: SOURCES.patient });
  shares.push({ payer: 'patient', name: '患者', yen: remaining, rule: 'copay-patient', text: patientText });
  return { age: ratio.age, ratio: ratio.ratio, capYen, insuranceCopayYen, shares, patientYen: remaining, rules };
}
