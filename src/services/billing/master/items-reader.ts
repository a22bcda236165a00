/**
 * Reader of the 医科診療行為マスター (社会保険診療報酬支払基金 基本マスター, s_ALL*.csv): one FeeItem version per row.
 * Columns read (1-based, from the official ファイルレイアウト; see COLUMNS) — every other column is ignored.
 */
import type { FeeItem } from '../model/types.ts';
import { ADDITION_ITEM_KINDS, BUNDLE_GROUP_NAMES, bareCode, JUDGEMENT_GROUP_NAMES, SPECIAL_AGE_CODES, timeAdditionOf } from './codes.ts';
import { isProcedureCode, notProcedureCode, type ReadOptions, type ReadResult, readRecords, type RowOutcome, validity } from './read-result.ts';

/** The columns read (1-based item numbers of the layout). */
export const ITEM_COLUMNS = {
  change: 1, // 変更区分
  code: 3, // 診療行為コード
  name: 5, // 省略漢字名称
  pointKind: 11, // 点数識別 (1 金額, 3 点数)
  value: 12, // 新又は現点数
  section: 15, // 点数欄集計先識別（入院外）
  bundle: 16, // 包括対象検査
  maxCount: 36, // 上限回数
  ageFrom: 41, // 下限年齢
  ageTo: 42, // 上限年齢
  timeAddition: 43, // 時間加算区分
  judgement: 50, // 検査等実施判断区分
  judgementGroup: 51, // 検査等実施判断グループ区分
  outpatientManagement: 56, // 外来管理加算区分
  noticeKind: 68, // 告示等識別区分（１）: 7/9 = an addition item (時間加算区分 reads differently)
  validFrom: 87, // 変更年月日
  validTo: 88, // 廃止年月日
} as const;

/** The fewest fields a row may have (the layout has more: 公表順序番号 … follow 廃止年月日). */
export const ITEM_MIN_FIELDS = 88;

const col = (f: string[], n: number) => f[n - 1] ?? '';

/** 下限年齢・上限年齢: "00" none, two digits = years; special codes (AA 生後28日 …) cannot be read as years. */
function age(v: string, what: string): { years?: number } | { reason: string } {
  if (v === '' || v === '00') return {};
  if (/^\d{2}$/.test(v)) return { years: Number(v) };
  const meaning = SPECIAL_AGE_CODES[v];
  return {
    reason: meaning ? `${what}「${v}」（${meaning}）は年単位の年齢ではないため読めません` : `${what}「${v}」が読めません（00 または2桁の年数）`,
  };
}

function itemOf(f: string[], source: string | undefined): RowOutcome<FeeItem> {
  const code = col(f, ITEM_COLUMNS.code);
  if (!isProcedureCode(code)) return { refused: notProcedureCode(code), code: code || undefined };
  const refuse = (reason: string): RowOutcome<FeeItem> => ({ refused: reason, code });
  const name = col(f, ITEM_COLUMNS.name);
  if (!name) return refuse('省略漢字名称がありません');
  const pointKind = col(f, ITEM_COLUMNS.pointKind);
  if (pointKind !== '1' && pointKind !== '3') return refuse(`点数識別「${pointKind}」は扱えません（1 金額・3 点数のみ）`);
  const rawValue = col(f, ITEM_COLUMNS.value);
  if (!/^\d+(\.\d+)?$/.test(rawValue)) return refuse(`新又は現点数「${rawValue}」が数値ではありません`);
  const section = col(f, ITEM_COLUMNS.section);
  if (!/^\d{1,3}$/.test(section)) return refuse(`点数欄集計先識別（入院外）「${section}」が数字ではありません`);
  const maxCount = col(f, ITEM_COLUMNS.maxCount) || '0';
  if (!/^\d+$/.test(maxCount)) return refuse(`上限回数「${maxCount}」が数値ではありません`);
  const from = age(col(f, ITEM_COLUMNS.ageFrom), '下限年齢');
  if ('reason' in from) return refuse(from.reason);
  const to = age(col(f, ITEM_COLUMNS.ageTo), '上限年齢');
  if ('reason' in to) return refuse(to.reason);
  const judgement = bareCode(col(f, ITEM_COLUMNS.judgement));
  if (!['', '0', '1', '2'].includes(judgement)) return refuse(`検査等実施判断区分「${judgement}」が不明です（0・1・2）`);
  const period = validity(col(f, ITEM_COLUMNS.validFrom), col(f, ITEM_COLUMNS.validTo));
  if ('reason' in period) return refuse(period.reason);

  const item: FeeItem = {
    code,
    name,
    kind: pointKind === '1' ? 'yen' : 'points',
    value: Number(rawValue),
    // 点数欄集計先識別 is three digits whose first two are the レセ電 診療識別 (110 → 11 初診, 122 → 12 再診 …);
    // 0 = not billable outpatient: no section.
    section: section === '0' ? '' : section.padStart(3, '0').slice(0, 2),
    validFrom: period.validFrom,
    validTo: period.validTo,
  };
  if (Number(maxCount) > 0) item.maxPerMonth = Number(maxCount);
  if (from.years !== undefined) item.ageFrom = from.years;
  if (to.years !== undefined) item.ageTo = to.years;
  const time = timeAdditionOf(col(f, ITEM_COLUMNS.timeAddition), ADDITION_ITEM_KINDS.has(bareCode(col(f, ITEM_COLUMNS.noticeKind))));
  if (time && time !== 'none') item.timeAddition = time;
  if (judgement === '1') item.judgement = 'test';
  if (judgement === '2') item.judgement = 'judgement';
  const group = bareCode(col(f, ITEM_COLUMNS.judgementGroup));
  if (group && group !== '0') item.judgementGroup = JUDGEMENT_GROUP_NAMES[group] ?? group;
  const bundle = bareCode(col(f, ITEM_COLUMNS.bundle));
  if (bundle && bundle !== '0') item.bundleGroup = BUNDLE_GROUP_NAMES[bundle] ?? bundle;
  if (bareCode(col(f, ITEM_COLUMNS.outpatientManagement)) === '1') item.blocksOutpatientManagement = true;
  if (source) item.source = source;
  return { row: item };
}

/** Reads a 医科診療行為マスター file (Shift_JIS or UTF-8; see decodeMasterText). */
export function readFeeMasterCsv(input: Uint8Array | string, options: ReadOptions = {}): ReadResult<FeeItem> {
  return readRecords(input, options, ITEM_MIN_FIELDS, (f) => itemOf(f, options.source));
}
