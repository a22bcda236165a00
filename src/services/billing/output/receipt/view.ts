/**
 * What a 領収証・明細書 shows, computed once for both the HTML page and the PDF: the 部 totals, the payers' shares
 * and the 明細 lines, as the calculation result gives them (no rounding here).
 */
import type { CalculationResult, VisitCase } from '../../model/types.ts';
import { OutputError } from '../errors.ts';
import { warekiText } from '../wareki.ts';
import { RECEIPT_SECTIONS, type ReceiptSection, receiptSection } from './sections.ts';

/** Options of the receipt (発行の情報). */
export interface ReceiptOptions {
  /** 発行日 YYYY-MM-DD (default: today, Japan time). */
  issuedOn?: string;
  /** 領収書番号 / 受付番号. */
  receiptNumber?: string;
  /** 医療機関の所在地・電話番号 (printed under the name). */
  facilityAddress?: string;
  facilityPhone?: string;
  /** 領収額 when it differs from what the result says the patient pays (e.g. a rounding the desk applied). */
  receivedYen?: number;
}

/** One 明細書 row. */
export interface StatementRow {
  section: ReceiptSection;
  code: string;
  name: string;
  points: number;
  count: number;
  total: number;
}

/** A 公費 or 地方単独 row of the receipt. */
export interface ShareRow {
  kind: 'public' | 'local';
  name: string;
  number?: string;
  yen: number;
}

export interface ReceiptView {
  patientName: string;
  patientId?: string;
  visitDate: string;
  visitDateText: string;
  issuedOn: string;
  issuedOnText: string;
  receiptNumber?: string;
  facilityName: string;
  facilityCode: string;
  facilityAddress?: string;
  facilityPhone?: string;
  sections: { name: ReceiptSection; points: number }[];
  totalPoints: number;
  totalYen: number;
  /** 負担割合 as printed: 「3割」, or 「公費」 without insurance. */
  ratioText: string;
  insurerYen: number;
  /** 一部負担金 under the insurance (before 公費・地単). */
  insuranceCopayYen: number;
  shares: ShareRow[];
  patientYen: number;
  receivedYen: number;
  rows: StatementRow[];
  /** The master's description; a sample master is called out. */
  masterNote: string;
  sampleMaster: boolean;
}

const todayInJapan = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

/** The receipt's content; throws an OutputError when the result does not belong to the case. */
export function receiptView(visitCase: VisitCase, result: CalculationResult, options: ReceiptOptions = {}): ReceiptView {
  if (result.visitDate !== visitCase.visit.date) {
    throw new OutputError(
      `算定結果の診療日（${result.visitDate}）が受診日（${visitCase.visit.date}）と一致しません`,
      'result.visitDate differs from the visit date',
      'result.visitDate',
    );
  }
  const rows = result.lines.map((l, i) => ({
    section: receiptSection(l, `result.lines[${i}]`),
    code: l.code,
    name: l.name,
    points: l.points,
    count: l.count,
    total: l.total,
  }));
  const bySection = new Map<ReceiptSection, number>();
  for (const r of rows) bySection.set(r.section, (bySection.get(r.section) ?? 0) + r.total);
  const issuedOn = options.issuedOn ?? todayInJapan();
  const shares: ShareRow[] = result.copay.shares
    .filter((s) => s.payer === 'public' || s.payer === 'local')
    .map((s) => ({ kind: s.payer as 'public' | 'local', name: s.name, number: s.number, yen: s.yen }));
  const sampleMaster = /sample|サンプル/i.test(result.master);
  return {
    patientName: visitCase.patient.name ?? '',
    patientId: visitCase.patient.id,
    visitDate: result.visitDate,
    visitDateText: warekiText(result.visitDate, 'result.visitDate'),
    issuedOn,
    issuedOnText: warekiText(issuedOn, 'options.issuedOn'),
    receiptNumber: options.receiptNumber,
    facilityName: visitCase.facility.name ?? '',
    facilityCode: visitCase.facility.code,
    facilityAddress: options.facilityAddress,
    facilityPhone: options.facilityPhone,
    sections: RECEIPT_SECTIONS.map((name) => ({ name, points: bySection.get(name) ?? 0 })),
    totalPoints: result.totalPoints,
    totalYen: result.totalYen,
    ratioText: result.copay.ratio === null ? '公費' : `${result.copay.ratio}割`,
    insurerYen: result.copay.shares.filter((s) => s.payer === 'insurer').reduce((a, s) => a + s.yen, 0),
    insuranceCopayYen: result.copay.insuranceCopayYen,
    shares,
    patientYen: result.copay.patientYen,
    receivedYen: options.receivedYen ?? result.copay.patientYen,
    rows,
    masterNote: sampleMaster ? `サンプルマスターによる試算（請求には使えません）: ${result.master}` : result.master,
    sampleMaster,
  };
}

/** 1,234 (thousands separators, as the 様式 prints amounts). */
export const grouped = (n: number) => n.toLocaleString('ja-JP');

/** The notice under the 明細書 (in our own words, after the 通知's intent). */
export const STATEMENT_NOTICE =
  'この明細書は、今回の診療で算定した診療報酬の項目と点数を示したものです。' +
  '個人の医療に関する情報が含まれますので、保管や破棄の際はご注意ください。' +
  '点数は1点10円で計算しています。ご不明な点は受付でお尋ねください。';
