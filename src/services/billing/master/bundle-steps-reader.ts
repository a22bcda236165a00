/**
 * Our own file of 包括検査のまるめ steps (the count → points table of e.g. D007 生化学的検査（１）注 is in the fee schedule
 * text, not in any master). CSV, UTF-8 or Shift_JIS, a header line, then per step:
 *   group, name, min_items, points, valid_from (YYYYMMDD), valid_to (YYYYMMDD, 99999999 = none), source
 * `group` is the FeeItem.bundleGroup it prices (e.g. 生化学１, as read from 包括対象検査 1).
 */
import type { BundleStep } from '../model/types.ts';
import { decodeMasterText, parseCsv } from './csv.ts';
import type { ReadOptions, ReadResult } from './read-result.ts';
import { validity } from './read-result.ts';

export const BUNDLE_STEP_HEADER = ['group', 'name', 'min_items', 'points', 'valid_from', 'valid_to', 'source'] as const;

export function readBundleStepsCsv(input: Uint8Array | string, options: ReadOptions = {}): ReadResult<BundleStep> {
  const result: ReadResult<BundleStep> = { rows: [], erased: [], refused: [], skipped: [] };
  for (const { line, fields } of parseCsv(decodeMasterText(input, options.encoding))) {
    const f = fields.map((v) => v.trim());
    if (f[0] === BUNDLE_STEP_HEADER[0]) continue;
    const refuse = (reason: string) => result.refused.push({ line, reason });
    if (f.length < 6) {
      refuse(`項目数が不足しています（${f.length} 項目、6 項目以上が必要です）`);
      continue;
    }
    const [group, name, minItems, points, from, to, source] = f;
    if (!group || !name) {
      refuse('グループまたは名称がありません');
      continue;
    }
    if (!/^\d+$/.test(minItems) || Number(minItems) < 1) {
      refuse(`項目数の下限「${minItems}」が正の整数ではありません`);
      continue;
    }
    if (!/^\d+$/.test(points)) {
      refuse(`点数「${points}」が整数ではありません`);
      continue;
    }
    const period = validity(from, to, '開始日');
    if ('reason' in period) {
      refuse(period.reason);
      continue;
    }
    result.rows.push({ group, name, minItems: Number(minItems), points: Number(points), ...period, ...(source ? { source } : {}) });
  }
  return result;
}
