/**
 * The 部 (sections) of the 領収証 (「医療費の内容の分かる領収証」, 様式第1号 医科 入院外), and which fee line goes to
 * which: by the line's 診療識別 (FeeLine.section), except 投薬 codes (区分番号 F, 診療行為コード 120…) — 処方箋料 is
 * recorded under 80 その他 on the レセプト but printed under 投薬 on the 領収証.
 */
import type { FeeLine } from '../../model/types.ts';
import { OutputError } from '../errors.ts';

/** The rows of the 領収証, in the 様式's order. */
export const RECEIPT_SECTIONS = [
  '初・再診料',
  '医学管理等',
  '在宅医療',
  '検査',
  '画像診断',
  '投薬',
  '注射',
  'リハビリテーション',
  '精神科専門療法',
  '処置',
  '手術',
  '麻酔',
  '放射線治療',
  '病理診断',
  '診断群分類',
  '食事療養',
  'その他',
] as const;

export type ReceiptSection = (typeof RECEIPT_SECTIONS)[number];

/**
 * 診療識別 (別表20) → 領収証の部. 80 その他 also holds リハビリテーション, 精神科専門療法 and 放射線治療 in the
 * 点数欄集計先識別 of an outpatient line; those rows stay 0 until the master gives a finer 集計先.
 */
function bySection(section: string): ReceiptSection {
  const s = Number(section);
  if (s === 11 || s === 12) return '初・再診料';
  if (s === 13) return '医学管理等';
  if (s === 14) return '在宅医療';
  if (s >= 20 && s <= 29) return '投薬';
  if (s >= 30 && s <= 39) return '注射';
  if (s === 40) return '処置';
  if (s === 50) return '手術';
  if (s === 54) return '麻酔';
  if (s === 64) return '病理診断';
  if (s >= 60 && s <= 69) return '検査';
  if (s === 70) return '画像診断';
  if (s === 97) return '食事療養';
  return 'その他';
}

/** The 領収証 row of a fee line. */
export function receiptSection(line: FeeLine, path: string): ReceiptSection {
  if (!/^\d{2}$/.test(line.section)) {
    throw new OutputError(`診療識別「${line.section}」は2桁の数字ではありません`, `section is not two digits: ${line.section}`, `${path}.section`);
  }
  if (line.code.startsWith('120')) return '投薬';
  return bySection(line.section);
}
