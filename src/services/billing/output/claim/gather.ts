/**
 * Gathers a month's visits into receipts: one per patient and insurance (the same 保険者番号・記号・番号 and the same
 * 公費), with the fee lines merged across visits — one line per 診療識別, code and points, counted per day of the
 * month (算定日情報) — and the month's diagnoses and amounts. Linear in the number of lines.
 */
import { applicationOrder } from '../../copay/index.ts';
import type { CalculationResult, FeeLine, LocalSubsidyInput, PatientInput, PublicExpenseInput, VisitCase } from '../../model/types.ts';
import { OutputError } from '../errors.ts';

/** A 公費 (national or local) in the order of the receipt (第1公費, 第2公費 …). */
export interface ReceiptProgramme {
  payerNumber: string;
  recipientNumber: string;
  /** Where it sits in the input (for error messages). */
  path: string;
  /** The patient's remaining copay after this programme (公費負担金額), summed over the month. */
  patientYen: number;
}

/** One merged line of the month (SI / IY). */
export interface MonthLine {
  line: FeeLine;
  /** Count on each day: index 1–31. */
  days: Int32Array;
  count: number;
  order: number;
}

export interface MonthReceipt {
  key: string;
  patient: PatientInput;
  /** Path of the first visit (for error messages). */
  path: string;
  firstDate: string;
  dates: Set<string>;
  programmes: ReceiptProgramme[];
  lines: Map<string, MonthLine>;
  diagnoses: Map<string, { code?: string; name: string; startDate: string; main: boolean }>;
  /** Σ result.totalPoints. */
  resultPoints: number;
  /** Σ 一部負担金 under the insurance. */
  insuranceCopayYen: number;
  /** The 高額療養費 cap in force after the month's latest visit (null: none). */
  capYen: number | null;
  latestDate: string;
}

/** The 公費 of a receipt: national programmes in the order the copay applies them (生活保護 12 last — 他法優先), then local subsidies. */
function programmesOf(patient: PatientInput, path: string): ReceiptProgramme[] {
  const list = patient.publicExpenses ?? [];
  const nat = applicationOrder(list).map((i) => ({ p: list[i] as PublicExpenseInput, path: `${path}.patient.publicExpenses[${i}]` }));
  const loc = (patient.localSubsidies ?? []).map((p: LocalSubsidyInput, i) => ({ p, path: `${path}.patient.localSubsidies[${i}]` }));
  return [...nat, ...loc].map(({ p, path }) => ({ payerNumber: p.payerNumber, recipientNumber: p.recipientNumber, path, patientYen: 0 }));
}

function receiptKey(patient: PatientInput, programmes: ReceiptProgramme[]): string {
  const ins = patient.insurance;
  return [
    patient.id ?? `${patient.name ?? ''}\u0000${patient.birthDate}`,
    ins ? `${ins.insurerNumber}\u0000${ins.symbol ?? ''}\u0000${ins.number ?? ''}` : '-',
    ...programmes.map((p) => `${p.payerNumber}:${p.recipientNumber}`),
  ].join('\u0001');
}

/** Adds one visit to its receipt (creating it), merging the lines by 診療識別, code and points. */
function addVisit(receipts: Map<string, MonthReceipt>, visitCase: VisitCase, result: CalculationResult, path: string): void {
  const programmes = programmesOf(visitCase.patient, `${path}.visitCase`);
  const key = receiptKey(visitCase.patient, programmes);
  let r = receipts.get(key);
  if (!r) {
    r = {
      key,
      patient: visitCase.patient,
      path: `${path}.visitCase`,
      firstDate: result.visitDate,
      dates: new Set(),
      programmes,
      lines: new Map(),
      diagnoses: new Map(),
      resultPoints: 0,
      insuranceCopayYen: 0,
      capYen: null,
      latestDate: '',
    };
    receipts.set(key, r);
  }
  const date = result.visitDate;
  if (date < r.firstDate) r.firstDate = date;
  r.dates.add(date);
  const day = Number(date.slice(8, 10));
  let linePoints = 0;
  result.lines.forEach((l, i) => {
    if (!Number.isInteger(l.count) || l.count < 1 || !Number.isInteger(l.points) || l.points < 0) {
      throw new OutputError('明細の点数・回数が正しくありません', 'line points/count must be whole numbers (count ≥ 1)', `${path}.result.lines[${i}]`);
    }
    linePoints += l.points * l.count;
    const k = `${l.section}|${l.code}|${l.points}|${(l.bundledCodes ?? []).join(' ')}`;
    let m = r.lines.get(k);
    if (!m) {
      m = { line: l, days: new Int32Array(32), count: 0, order: r.lines.size };
      r.lines.set(k, m);
    }
    m.days[day] += l.count;
    m.count += l.count;
  });
  if (linePoints !== result.totalPoints) {
    throw new OutputError(
      `算定結果の合計点数（${result.totalPoints}点）が明細の合計（${linePoints}点）と一致しません`,
      'result.totalPoints differs from the sum of its lines',
      `${path}.result.totalPoints`,
    );
  }
  r.resultPoints += result.totalPoints;
  const copay = result.copay;
  r.insuranceCopayYen += copay.insuranceCopayYen;
  if (date >= r.latestDate) {
    r.latestDate = date;
    r.capYen = copay.capYen;
  }
  // The patient's remaining share after each 公費 in turn (base: the insurance copay, or the whole cost without
  // insurance). A share is matched by its number, else by its place among the programme shares.
  let remaining = visitCase.patient.insurance ? copay.insuranceCopayYen : result.totalYen;
  const programmeShares = copay.shares.filter((s) => s.payer === 'public' || s.payer === 'local');
  const numbered = programmeShares.some((s) => s.number !== undefined);
  r.programmes.forEach((p, i) => {
    remaining -= numbered ? programmeShares.filter((s) => s.number === p.payerNumber).reduce((a, s) => a + s.yen, 0) : (programmeShares[i]?.yen ?? 0);
    p.patientYen += Math.max(0, remaining);
  });
  for (const d of visitCase.visit.diagnoses ?? []) {
    const dk = d.code ?? `\u0000${d.name}`;
    const have = r.diagnoses.get(dk);
    const start = d.startDate ?? date;
    if (!have) r.diagnoses.set(dk, { code: d.code, name: d.name, startDate: start, main: d.main === true });
    else {
      if (start < have.startDate) have.startDate = start;
      have.main ||= d.main === true;
    }
  }
}

/** The month's receipts in the order their patients first appear. */
export function gatherReceipts(visits: { visitCase: VisitCase; result: CalculationResult }[]): MonthReceipt[] {
  const receipts = new Map<string, MonthReceipt>();
  for (let i = 0; i < visits.length; i++) addVisit(receipts, visits[i].visitCase, visits[i].result, `visits[${i}]`);
  return [...receipts.values()];
}
