/**
 * 会計 (window payment): the fee calculation service's operations the screen calls (src/services/billing/http/specs.ts)
 * — $calculate, $billing-visits, $billing-receipt, $billing-cancel, $billing-claim — and their Parameters read into
 * plain objects. Pure apart from the requests.
 */
import { fhir } from '../../shared/api.ts';
import { type Param, param, params, paramValue } from '../reception/parameters.ts';

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const one = (list: Param[] | undefined, name: string) => paramValue(param(list, name));

const post = async (op: string, parameter: Json[]): Promise<Param[]> => {
  const body = await fhir<{ parameter?: Param[] }>(`$${op}`, { method: 'POST', body: { resourceType: 'Parameters', parameter } });
  return Array.isArray(body?.parameter) ? body.parameter : [];
};

/** 初診・再診の指定: 自動 (the service decides from the last visit), or as the doctor says. */
export type EncounterChoice = 'auto' | 'first' | 'revisit' | 'none';

/** 公費 the reception answered, with what the desk reads off the recipient certificate / 上限額管理票. */
export interface PublicExpenseCap {
  payerNumber: string;
  monthlyCapYen?: number;
  alreadyPaidYen?: number;
}

/** 傷病名 of the visit. */
export interface DiagnosisInput {
  name: string;
  code?: string;
  main: boolean;
}

/** The visit as the desk entered it. */
export interface VisitEntry {
  patientId: string;
  items: { code: string; count: number }[];
  /** HH:MM. */
  time: string;
  holiday: boolean;
  encounter: EncounterChoice;
  diagnoses: DiagnosisInput[];
  publicExpenses: PublicExpenseCap[];
  /** 多数回該当. */
  manyTimes: boolean;
}

/** 算定行 (a billed line). */
export interface FeeLine {
  code: string;
  name: string;
  /** 診療識別. */
  section: string;
  points: number;
  count: number;
  total: number;
  /** entered | added (自動算定). */
  origin: string;
  rule?: string;
}

/** 算定されなかった項目 and why. */
export interface RemovedItem {
  code: string;
  name: string;
  rule: string;
  text: string;
}

/** 負担の内訳: insurer | public | local | patient. */
export interface Share {
  payer: string;
  number?: string;
  name: string;
  yen: number;
  rule: string;
  text: string;
}

/** 適用した規則 with its source (告示・通知 or programme rule). */
export interface AppliedRule {
  id: string;
  text: string;
  source: string;
}

export interface Calculation {
  /** The recorded visit's id (会計した時だけ). */
  visit?: string;
  encounter: string;
  totalPoints: number;
  totalYen: number;
  /** 窓口負担額. */
  patientYen: number;
  insuranceCopayYen: number;
  capYen?: number;
  age: number;
  lines: FeeLine[];
  removed: RemovedItem[];
  shares: Share[];
  rules: AppliedRule[];
  master: string;
}

function calculateBody(v: VisitEntry, record: boolean): Json[] {
  return [
    { name: 'patient', valueString: `Patient/${v.patientId}` },
    ...v.items.map((i) => ({
      name: 'item',
      part: [
        { name: 'code', valueString: i.code },
        { name: 'count', valueInteger: i.count },
      ],
    })),
    ...(v.time ? [{ name: 'time', valueString: v.time }] : []),
    { name: 'holiday', valueBoolean: v.holiday },
    { name: 'encounter', valueCode: v.encounter },
    ...v.diagnoses.map((d) => ({
      name: 'diagnosis',
      part: [...(d.code ? [{ name: 'code', valueString: d.code }] : []), { name: 'name', valueString: d.name }, { name: 'main', valueBoolean: d.main }],
    })),
    ...v.publicExpenses.map((p) => ({
      name: 'publicExpense',
      part: [
        { name: 'payerNumber', valueString: p.payerNumber },
        ...(p.monthlyCapYen !== undefined ? [{ name: 'monthlyCapYen', valueInteger: p.monthlyCapYen }] : []),
        ...(p.alreadyPaidYen !== undefined ? [{ name: 'alreadyPaidYen', valueInteger: p.alreadyPaidYen }] : []),
      ],
    })),
    ...(v.manyTimes ? [{ name: 'manyTimes', valueBoolean: true }] : []),
    { name: 'record', valueBoolean: record },
  ];
}

/** Reads a $calculate answer. */
export function readCalculation(list: Param[]): Calculation {
  const cap = one(list, 'capYen');
  const visit = str(one(list, 'visit'));
  return {
    ...(visit ? { visit } : {}),
    encounter: str(one(list, 'encounter')) ?? '',
    totalPoints: num(one(list, 'totalPoints')),
    totalYen: num(one(list, 'totalYen')),
    patientYen: num(one(list, 'patientYen')),
    insuranceCopayYen: num(one(list, 'insuranceCopayYen')),
    ...(typeof cap === 'number' ? { capYen: cap } : {}),
    age: num(one(list, 'age')),
    lines: params(list, 'line').map((l) => ({
      code: str(one(l.part, 'code')) ?? '',
      name: str(one(l.part, 'name')) ?? '',
      section: str(one(l.part, 'section')) ?? '',
      points: num(one(l.part, 'points')),
      count: num(one(l.part, 'count')),
      total: num(one(l.part, 'total')),
      origin: str(one(l.part, 'origin')) ?? 'entered',
      rule: str(one(l.part, 'rule')),
    })),
    removed: params(list, 'removed').map((r) => ({
      code: str(one(r.part, 'code')) ?? '',
      name: str(one(r.part, 'name')) ?? '',
      rule: str(one(r.part, 'rule')) ?? '',
      text: str(one(r.part, 'text')) ?? '',
    })),
    shares: params(list, 'share').map((s) => ({
      payer: str(one(s.part, 'payer')) ?? '',
      number: str(one(s.part, 'number')),
      name: str(one(s.part, 'name')) ?? '',
      yen: num(one(s.part, 'yen')),
      rule: str(one(s.part, 'rule')) ?? '',
      text: str(one(s.part, 'text')) ?? '',
    })),
    rules: params(list, 'rule').map((r) => ({
      id: str(one(r.part, 'id')) ?? '',
      text: str(one(r.part, 'text')) ?? '',
      source: str(one(r.part, 'source')) ?? '',
    })),
    master: str(one(list, 'master')) ?? '',
  };
}

/** 計算する (record = false: an estimate) / 会計する (record = true: the visit is stored and charged). */
export async function calculate(v: VisitEntry, record: boolean): Promise<Calculation> {
  return readCalculation(await post('calculate', calculateBody(v, record)));
}

/** A recorded visit (会計済みの受診). */
export interface RecordedVisit {
  id: string;
  patient: string;
  patientName: string;
  date: string;
  encounter: string;
  totalPoints: number;
  patientYen: number;
  cancelled: boolean;
  cancelReason?: string;
}

/** This clinic's recorded visits of `month` (YYYY-MM), of one patient. */
export async function monthVisits(month: string, patientId: string): Promise<RecordedVisit[]> {
  const list = await post('billing-visits', [
    { name: 'month', valueString: month },
    { name: 'patient', valueString: `Patient/${patientId}` },
  ]);
  return params(list, 'visit').map((v) => {
    const ref = one(v.part, 'patient') as { reference?: unknown; display?: unknown } | undefined;
    return {
      id: str(one(v.part, 'id')) ?? '',
      patient: str(ref?.reference) ?? '',
      patientName: str(ref?.display) ?? '',
      date: str(one(v.part, 'date')) ?? '',
      encounter: str(one(v.part, 'encounter')) ?? '',
      totalPoints: num(one(v.part, 'totalPoints')),
      patientYen: num(one(v.part, 'patientYen')),
      cancelled: one(v.part, 'cancelled') === true,
      cancelReason: str(one(v.part, 'cancelReason')),
    };
  });
}

/** A document the service answered (FHIR Attachment). */
export interface Document {
  contentType: string;
  /** base64. */
  data: string;
  title: string;
}

const documentOf = (v: unknown): Document => {
  const a = (v ?? {}) as { contentType?: unknown; data?: unknown; title?: unknown };
  return { contentType: str(a.contentType) ?? 'application/octet-stream', data: str(a.data) ?? '', title: str(a.title) ?? '' };
};

/** 領収証・明細書 of a recorded visit. */
export async function visitReceipt(visit: string, format: 'html' | 'pdf'): Promise<Document> {
  const list = await post('billing-receipt', [
    { name: 'visit', valueString: visit },
    { name: 'format', valueCode: format },
  ]);
  return documentOf(one(list, 'receipt'));
}

/** 取消 of a recorded visit (the patient's latest of its month). */
export async function cancelVisit(visit: string, reason: string): Promise<void> {
  await post('billing-cancel', [
    { name: 'visit', valueString: visit },
    { name: 'reason', valueString: reason },
  ]);
}

/** 審査支払機関: 社会保険診療報酬支払基金 or 国民健康保険団体連合会. */
export type ClaimPayer = 'shaho' | 'kokuho';

export interface MonthClaim {
  file: Document;
  receipts: number;
  totalPoints: number;
  notes: string[];
}

/** The month's claim file (レセ電, Shift_JIS). */
export async function monthClaim(month: string, payer: ClaimPayer): Promise<MonthClaim> {
  const list = await post('billing-claim', [
    { name: 'month', valueString: month },
    { name: 'payer', valueCode: payer },
  ]);
  return {
    file: documentOf(one(list, 'claim')),
    receipts: num(one(list, 'receipts')),
    totalPoints: num(one(list, 'totalPoints')),
    notes: params(list, 'note')
      .map((n) => str(paramValue(n)) ?? '')
      .filter(Boolean),
  };
}
