/**
 * The records of a 医科 claim file, field by field, after 「オンライン又は光ディスク等による請求に係る記録条件仕様（医科用）」
 * (社会保険診療報酬支払基金 / 厚生労働省): IR 医療機関情報, RE レセプト共通, HO 保険者, KO 公費, SY 傷病名, SI 診療行為,
 * IY 医薬品, GO 診療報酬請求書. Fields this service does not know are left empty (the commas stay).
 */
import { OutputError } from '../errors.ts';
import { toWareki } from '../wareki.ts';
import { alnum, alnumOrKanji, amount, digits, kanji } from './fields.ts';
import type { MonthLine } from './gather.ts';
import type { DrugLine } from './types.ts';
import { isNationalHealthInsurance } from './receipt-type.ts';

const record = (fields: string[]) => fields.join(',');
const empty = (n: number) => Array<string>(n).fill('');

/** IR: 審査支払機関 (1 社保, 2 国保), 都道府県, 点数表 1 医科, 医療機関コード, 予備, 名称, 請求年月, マルチボリューム 00, 電話番号. */
export function irRecord(r: { payer: '1' | '2'; prefecture: string; code: string; name: string; claimMonth: string; phone?: string }): string {
  return record([
    'IR',
    r.payer,
    digits(r.prefecture, 'facility.prefecture', 2),
    '1',
    digits(r.code, 'facility.code', 7),
    '',
    kanji(r.name, 'facility.name', 40),
    toWareki(r.claimMonth, 'claimMonth'),
    '00',
    alnum(r.phone ?? '', 'facility.phone', 15),
  ]);
}

/**
 * RE (38 fields): レセプト番号, レセプト種別, 診療年月, 氏名, 男女区分, 生年月日, 給付割合 (国保のみ), 入院年月日・病棟区分・
 * 一部負担金等区分 (empty), レセプト特記事項, 病床数 (empty), カルテ番号等, 割引点数単価・予備×3・検索番号・記録条件仕様
 * 年月情報・請求情報・診療科×3 (empty), カタカナ（氏名）, 患者の状態 (empty).
 */
export function reRecord(r: {
  number: number;
  type: string;
  month: string;
  name: string;
  sex: '1' | '2';
  birthDate: string;
  benefitRatio: string;
  specialNote: string;
  chartNumber: string;
  nameKana: string;
  path: string;
}): string {
  return record([
    'RE',
    amount(r.number, 'レセプト番号', 6),
    r.type,
    toWareki(r.month, 'month'),
    kanji(r.name, `${r.path}.patient.name`, 40),
    r.sex,
    toWareki(r.birthDate, `${r.path}.patient.birthDate`),
    r.benefitRatio,
    '',
    '',
    '',
    r.specialNote,
    '',
    alnum(r.chartNumber, `${r.path}.patient.id`, 20),
    ...empty(22),
    r.nameKana ? kanji(r.nameKana, `${r.path}.patient.nameKana`, 100) : '',
    '',
  ]);
}

/**
 * HO (15 fields): 保険者番号 (6-digit 国保 numbers right-aligned after two spaces), 記号, 番号, 診療実日数, 合計点数, 予備,
 * 食事療養×2, 職務上の事由, 証明書番号, 負担金額 医療保険 (null: not recorded), 減免×3.
 */
export function hoRecord(r: { insurer: string; symbol: string; number: string; days: number; points: number; copayYen: number | null; path: string }): string {
  const kokuho = isNationalHealthInsurance(r.insurer) ? r.insurer.slice(-6) : undefined;
  const insurer = kokuho ? kokuho.padStart(8, ' ') : digits(r.insurer, `${r.path}.patient.insurance.insurerNumber`, 8);
  return record([
    'HO',
    insurer,
    alnumOrKanji(r.symbol, `${r.path}.patient.insurance.symbol`, 38),
    alnumOrKanji(r.number, `${r.path}.patient.insurance.number`, 38),
    amount(r.days, '診療実日数', 2),
    amount(r.points, '合計点数', 8),
    '',
    '',
    '',
    '',
    '',
    r.copayYen === null ? '' : amount(r.copayYen, '負担金額（医療保険）', 8),
    '',
    '',
    '',
  ]);
}

/**
 * KO (13 fields): 公費負担者番号, 受給者番号, 任意給付区分, 実日数, 合計点数, 公費負担金額 (what the patient pays under the
 * programme; empty when nothing), 外来・入院一部負担金, 予備, 食事療養×3.
 */
export function koRecord(r: { payer: string; recipient: string; days: number; points: number; patientYen: number; path: string }): string {
  const recipient = r.recipient === '' ? '' : /^\d{7}$/.test(r.recipient) ? r.recipient : digits(r.recipient, `${r.path}.recipientNumber`, 7);
  return record([
    'KO',
    digits(r.payer, `${r.path}.payerNumber`, 8),
    recipient,
    '',
    amount(r.days, '診療実日数', 2),
    amount(r.points, '合計点数', 8),
    r.patientYen > 0 ? amount(r.patientYen, '公費負担金額', 8) : '',
    '',
    '',
    '',
    '',
    '',
    '',
  ]);
}

/** 未コード化傷病名 (傷病名コード 0000999: the name is written out). */
export const UNCODED_DIAGNOSIS = '0000999';

/** SY (8 fields): 傷病名コード, 診療開始日, 転帰区分 (1 継続), 修飾語コード, 傷病名称 (未コード化のみ), 主傷病 (01), 補足コメント. */
export function syRecord(d: { code?: string; name: string; startDate: string; main: boolean }, path: string): string {
  const code = d.code ? digits(d.code, `${path}.code`, 7) : UNCODED_DIAGNOSIS;
  return record([
    'SY',
    code,
    toWareki(d.startDate, `${path}.startDate`),
    '1',
    '',
    code === UNCODED_DIAGNOSIS ? kanji(d.name, `${path}.name`, 40) : '',
    d.main ? '01' : '',
    '',
  ]);
}

/** The 31 算定日情報 columns: the count on each day, empty on days without. */
const dayColumns = (days: Int32Array) => Array.from({ length: 31 }, (_, i) => (days[i + 1] ? amount(days[i + 1], `${i + 1}日の情報`, 3) : ''));

/**
 * SI (44 fields) or, for a drug (医薬品コード 6…), IY (44 fields): 診療識別 (only on the first record of a 診療識別), 負担区分,
 * code, 数量データ / 使用量, 点数, 回数, コメント×3 (empty), 1日〜31日の情報. The parts of a 包括 bundle come first without
 * 点数; the bundle's own line closes it with the points.
 */
export function lineRecords(m: MonthLine, showSection: boolean, burden: string, path: string): string[] {
  const l = m.line as DrugLine;
  const days = dayColumns(m.days);
  const section = showSection ? digits(l.section, `${path}.section`, 2) : '';
  const out: string[] = [];
  (l.bundledCodes ?? []).forEach((code, i) => {
    out.push(
      record(['SI', i === 0 ? section : '', burden, digits(code, `${path}.bundledCodes[${i}]`, 9), '', '', amount(m.count, '回数', 3), ...empty(6), ...days]),
    );
  });
  const first = out.length === 0 ? section : '';
  const count = amount(m.count, '回数', 3);
  if (l.code.startsWith('6')) {
    if (l.quantity === undefined || !(l.quantity > 0)) {
      throw new OutputError(
        `医薬品「${l.name}」の使用量がありません（IYレコードに必要です）`,
        'a drug line needs its quantity for the IY record',
        `${path}.quantity`,
      );
    }
    out.push(record(['IY', first, burden, digits(l.code, `${path}.code`, 9), String(l.quantity), amount(l.points, '点数', 7), count, ...empty(6), ...days]));
  } else {
    out.push(record(['SI', first, burden, digits(l.code, `${path}.code`, 9), '', amount(l.points, '点数', 7), count, ...empty(6), ...days]));
  }
  return out;
}

/** GO: 総件数, 総合計点数, マルチボリューム識別情報 99 (the last volume). */
export const goRecord = (receipts: number, points: number) => record(['GO', amount(receipts, '総件数', 6), amount(points, '総合計点数', 9), '99']);
