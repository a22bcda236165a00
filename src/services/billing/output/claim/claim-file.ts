/**
 * The month's claim file of a clinic (レセ電 請求ファイル, 医科 入院外): IR, then per receipt RE, HO (with insurance),
 * KO per 公費, SY per diagnosis, SI / IY per merged line, and GO — comma-separated, each record ending CRLF, in
 * Shift_JIS with the EOF mark 0x1A (「オンライン又は光ディスク等による請求に係る記録条件仕様（医科用）」).
 */
import type { InsuranceInput } from '../../model/types.ts';
import { OutputError } from '../errors.ts';
import { encodeShiftJis } from '../shift-jis.ts';
import { eraOf } from '../wareki.ts';
import { claimName } from './claim-name.ts';
import { gatherReceipts, type MonthReceipt } from './gather.ts';
import { goRecord, hoRecord, irRecord, koRecord, lineRecords, reRecord, syRecord } from './records.ts';
import { burdenCode, isLateElderly, isNationalHealthInsurance, receiptType } from './receipt-type.ts';
import type { ClaimFile, ClaimInput, ClaimPayer } from './types.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month after `YYYY-MM`. */
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/**
 * 国保 (市町村・国保組合: 6-digit numbers, 退職者 67…, 後期高齢者 39…) goes to the 国保連合会, the rest (被用者保険) to
 * the 支払基金.
 */
export const payerOfInsurance = (ins: InsuranceInput): ClaimPayer =>
  isNationalHealthInsurance(ins.insurerNumber) || isLateElderly(ins.insurerNumber) || ins.insurerNumber.startsWith('67') ? 'kokuho' : 'shaho';

/** The 審査支払機関 a visit's claim goes to (公費単独: the 支払基金). */
export const claimPayerOf = (insurance: InsuranceInput | null): ClaimPayer => (insurance ? payerOfInsurance(insurance) : 'shaho');

/** 限度額適用区分 → レセプト特記事項 (別表6: 26 区ア … 30 区オ) when the month's copay reached the cap. */
const LIMIT_NOTES: Record<string, string> = { 'u70-a': '26', 'u70-i': '27', 'u70-u': '28', 'u70-e': '29', 'u70-o': '30' };

function specialNote(r: MonthReceipt, capReached: boolean): string {
  const cat = r.patient.insurance?.limitCategory;
  return capReached && cat ? (LIMIT_NOTES[cat] ?? '') : '';
}

/** The records of one receipt. */
function receiptRecords(r: MonthReceipt, number: number, input: ClaimInput, capReached: boolean): { records: string[]; points: number; note?: string } {
  const p = r.patient;
  const ins = p.insurance;
  if (ins && payerOfInsurance(ins) !== input.payer) {
    throw new OutputError(
      `保険者番号「${ins.insurerNumber}」は${input.payer === 'shaho' ? '社保（支払基金）' : '国保（国保連）'}の請求に入りません`,
      'the insurer belongs to the other payer',
      `${r.path}.patient.insurance.insurerNumber`,
    );
  }
  if (!p.name) throw new OutputError('患者の氏名がありません（レセプトに必要です）', 'the patient name is required', `${r.path}.patient.name`);
  if (p.sex !== 'male' && p.sex !== 'female') {
    throw new OutputError('男女区分は男・女のどちらかで記録します（性別が不明です）', 'sex must be male or female for the claim', `${r.path}.patient.sex`);
  }
  if (r.diagnoses.size === 0)
    throw new OutputError('傷病名がありません（レセプトに必要です）', 'a receipt needs at least one diagnosis', `${r.path}.visit.diagnoses`);
  const n = r.programmes.length;
  const lines = [...r.lines.values()].sort((a, b) => Number(a.line.section) - Number(b.line.section) || a.order - b.order);
  const points = lines.reduce((a, m) => a + m.line.points * m.count, 0);
  if (points !== r.resultPoints) {
    throw new OutputError('月の合計点数が算定結果と一致しません', 'merged lines differ from the results', `${r.path}`);
  }
  const days = r.dates.size;
  const name = claimName(p.name);
  const records = [
    reRecord({
      number,
      type: receiptType(p, n, r.firstDate, `${r.path}.patient`),
      month: input.month,
      name: name.text,
      sex: p.sex === 'male' ? '1' : '2',
      birthDate: p.birthDate,
      // 給付割合: recorded for 国保 (not 後期高齢者) — 10 minus the copay ratio, in percent.
      benefitRatio: ins && input.payer === 'kokuho' && !isLateElderly(ins.insurerNumber) ? String((10 - (ins.elderly?.copayRatio ?? ins.copayRatio)) * 10) : '',
      specialNote: specialNote(r, capReached),
      chartNumber: p.id && /^[0-9A-Za-z-]{1,20}$/.test(p.id) ? p.id : '',
      nameKana: p.nameKana ?? '',
      path: r.path,
    }),
  ];
  if (ins) {
    records.push(
      hoRecord({
        insurer: ins.insurerNumber,
        symbol: ins.symbol ?? '',
        number: ins.number ?? '',
        days,
        points,
        // 一部負担金額: for an outpatient month only for 高齢受給者・後期高齢者 or when 高額療養費 was paid in kind (記載要領).
        copayYen: ins.elderly || isLateElderly(ins.insurerNumber) || capReached ? r.insuranceCopayYen : null,
        path: r.path,
      }),
    );
  }
  for (const prog of r.programmes) {
    records.push(koRecord({ payer: prog.payerNumber, recipient: prog.recipientNumber, days, points, patientYen: prog.patientYen, path: prog.path }));
  }
  let i = 0;
  for (const d of r.diagnoses.values()) records.push(syRecord(d, `${r.path}.visit.diagnoses[${i++}]`));
  const burden = burdenCode(ins !== null, n);
  let section = '';
  for (const m of lines) {
    records.push(...lineRecords(m, m.line.section !== section, burden, `${r.path}.lines[${m.order}]`));
    section = m.line.section;
  }
  const note = name.changed
    ? `${p.id ? `Patient/${p.id} ` : ''}氏名「${p.name}」は JIS X 0208 にない文字を含むため、レセプトには「${name.text}」と記録しました`
    : undefined;
  return { records, points, ...(note ? { note } : {}) };
}

/** Builds the claim file of one 審査支払機関 for one month; bad input throws an OutputError (Japanese message). */
export function claimFile(input: ClaimInput): ClaimFile {
  if (!MONTH.test(input.month)) throw new OutputError(`診療年月「${input.month}」は YYYY-MM ではありません`, 'month must be YYYY-MM', 'month');
  if (input.payer !== 'shaho' && input.payer !== 'kokuho')
    throw new OutputError('審査支払機関は shaho か kokuho です', 'payer must be shaho or kokuho', 'payer');
  const claimMonth = input.claimMonth ?? nextMonth(input.month);
  if (!MONTH.test(claimMonth) || claimMonth < input.month) {
    throw new OutputError(`請求年月「${claimMonth}」は診療年月以後の YYYY-MM です`, 'claimMonth must be YYYY-MM, not before month', 'claimMonth');
  }
  eraOf(input.month, 'month');
  if (!input.facility.name) throw new OutputError('医療機関名称がありません', 'facility.name is required', 'facility.name');
  input.visits.forEach((v, i) => {
    const date = v.result.visitDate;
    if (date !== v.visitCase.visit.date) {
      throw new OutputError('算定結果の診療日が受診日と一致しません', 'result.visitDate differs from the visit date', `visits[${i}].result.visitDate`);
    }
    if (date.slice(0, 7) !== input.month) {
      throw new OutputError(`診療日「${date}」は診療年月 ${input.month} のものではありません`, 'visit outside the month', `visits[${i}].visitCase.visit.date`);
    }
    if (v.visitCase.facility.code !== input.facility.code) {
      throw new OutputError('他の医療機関の受診が含まれています', 'visit of another facility', `visits[${i}].visitCase.facility.code`);
    }
  });
  const receipts = gatherReceipts(input.visits);
  const records = [
    irRecord({
      payer: input.payer === 'shaho' ? '1' : '2',
      prefecture: input.facility.prefecture,
      code: input.facility.code,
      name: input.facility.name,
      claimMonth,
      phone: input.facility.phone,
    }),
  ];
  let total = 0;
  const notes: string[] = [];
  receipts.forEach((r, i) => {
    const capReached = r.capYen !== null && r.insuranceCopayYen >= r.capYen;
    const out = receiptRecords(r, i + 1, input, capReached);
    for (const line of out.records) records.push(line);
    total += out.points;
    if (out.note) notes.push(out.note);
  });
  records.push(goRecord(receipts.length, total));
  const text = `${records.join('\r\n')}\r\n`;
  const body = encodeShiftJis(text, 'claim');
  const bytes = new Uint8Array(body.length + 1);
  bytes.set(body);
  bytes[body.length] = 0x1a;
  return { text, bytes, receipts: receipts.length, totalPoints: total, notes };
}
