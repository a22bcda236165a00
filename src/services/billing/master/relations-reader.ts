/**
 * Readers of the 医科電子点数表 tables (厚生労働省, CSV) the calculation uses, columns 1-based as in the published
 * layout (only the columns listed are read):
 *   01 補助マスターテーブル  1 変更区分, 2 診療行為コード, 4/6/8 包括単位①②③, 5/7/9 グループ番号①②③, 26 新設年月日, 27 廃止年月日
 *   02 包括テーブル          1 変更区分, 2 グループ番号, 3 診療行為コード, 6 新設年月日, 7 廃止年月日
 *   03-1…03-4 背反テーブル   1 変更区分, 2 診療行為コード①, 4 診療行為コード②, 6 背反区分, 9 新設年月日, 10 廃止年月日
 *   05 算定回数テーブル      1 変更区分, 2 診療行為コード, 4 算定単位コード, 6 算定回数, 13 新設年月日, 14 廃止年月日
 * The including item of a 包括 is the 補助マスター row's code; the included items are the 包括テーブル rows of its group
 * (包括単位 01 1日につき → 'day', 02 同一月内 → 'month'). The 特例条件 columns are not read.
 */
import type { CountLimit, Exclusion, Inclusion } from '../model/types.ts';
import { bareCode, COUNT_UNITS, EXCLUSION_KEEP, EXCLUSION_SCOPE_NAMES, INCLUSION_SCOPES, INCLUSION_UNIT_NAMES } from './codes.ts';
import { isProcedureCode, notProcedureCode, type ReadOptions, type ReadResult, readRecords, type RowOutcome, validity } from './read-result.ts';

/** 補助マスターテーブル: `code` includes the items of `group` within `scope`. */
export interface InclusionLink {
  code: string;
  group: string;
  scope: Inclusion['scope'];
  validFrom: string;
  validTo: string | null;
}

/** 包括テーブル: `code` is a member of `group`. */
export interface InclusionMember {
  group: string;
  code: string;
  validFrom: string;
  validTo: string | null;
}

const FROM = '新設年月日';

/** Reads 01 補助マスターテーブル: up to three (包括単位, グループ番号) links per row. */
export function readSupportTableCsv(input: Uint8Array | string, options: ReadOptions = {}): ReadResult<InclusionLink> {
  const result: ReadResult<InclusionLink> = { rows: [], erased: [], refused: [], skipped: [] };
  const perRow = readRecords<InclusionLink[]>(input, options, 27, (f) => {
    const code = f[1];
    if (!isProcedureCode(code)) return { refused: notProcedureCode(code), code: code || undefined };
    const period = validity(f[25], f[26], FROM);
    if ('reason' in period) return { refused: period.reason, code };
    const links: InclusionLink[] = [];
    const notRead: string[] = [];
    for (const i of [3, 5, 7]) {
      const unit = bareCode(f[i]);
      const group = f[i + 1];
      if (unit === '' || unit === '0') continue;
      const scope = INCLUSION_SCOPES[unit];
      if (!scope) {
        if (INCLUSION_UNIT_NAMES[unit]) notRead.push(`包括単位 ${f[i]}（${INCLUSION_UNIT_NAMES[unit]}）`);
        else return { refused: `包括単位「${f[i]}」が不明です`, code };
        continue;
      }
      if (!group || /^0+$/.test(group)) return { refused: `包括単位 ${f[i]} のグループ番号がありません`, code };
      links.push({ code, group, scope, ...period });
    }
    if (links.length === 0 && notRead.length > 0) return { skipped: `${notRead.join('・')}は算定で使いません`, code };
    return { row: links };
  });
  result.rows = perRow.rows.flat();
  result.erased = perRow.erased.flat();
  result.refused = perRow.refused;
  result.skipped = perRow.skipped;
  return result;
}

/** Reads 02 包括テーブル: the members of each 包括 group. */
export function readInclusionTableCsv(input: Uint8Array | string, options: ReadOptions = {}): ReadResult<InclusionMember> {
  return readRecords(input, options, 7, (f): RowOutcome<InclusionMember> => {
    const group = f[1];
    const code = f[2];
    if (!isProcedureCode(code)) return { refused: notProcedureCode(code), code: code || undefined };
    if (!group) return { refused: 'グループ番号がありません', code };
    const period = validity(f[5], f[6], FROM);
    if ('reason' in period) return { refused: period.reason, code };
    return { row: { group, code, ...period } };
  });
}

/** Reads one 背反テーブル (03-1 1日につき, 03-2 同一月内, 03-3 同時, 03-4 1週間につき: one file each, same layout). */
export function readExclusionTableCsv(input: Uint8Array | string, scope: Exclusion['scope'], options: ReadOptions = {}): ReadResult<Exclusion> {
  return readRecords(input, options, 10, (f): RowOutcome<Exclusion> => {
    const [code1, code2] = [f[1], f[3]];
    if (!isProcedureCode(code1)) return { refused: notProcedureCode(code1, '診療行為コード①'), code: code1 || undefined };
    if (!isProcedureCode(code2)) return { refused: notProcedureCode(code2, '診療行為コード②'), code: code1 };
    const keep = EXCLUSION_KEEP[bareCode(f[5])];
    if (!keep) return { refused: `背反区分「${f[5]}」が不明です（1・2・3）`, code: code1 };
    const period = validity(f[8], f[9], FROM);
    if ('reason' in period) return { refused: period.reason, code: code1 };
    return { row: { code1, code2, scope, keep, ...period } };
  });
}

/** Reads 05 算定回数テーブル (算定単位 日・週・月; other units are skipped with their name). */
export function readCountLimitTableCsv(input: Uint8Array | string, options: ReadOptions = {}): ReadResult<CountLimit> {
  return readRecords(input, options, 14, (f): RowOutcome<CountLimit> => {
    const code = f[1];
    if (!isProcedureCode(code)) return { refused: notProcedureCode(code), code: code || undefined };
    if (!/^\d+$/.test(f[5]) || Number(f[5]) <= 0) return { refused: `算定回数「${f[5]}」が正の整数ではありません`, code };
    const period = validity(f[12], f[13], FROM);
    if ('reason' in period) return { refused: period.reason, code };
    if (!/^\d+$/.test(f[3])) return { refused: `算定単位コード「${f[3]}」が数字ではありません`, code };
    const unit = COUNT_UNITS[bareCode(f[3])];
    if (!unit) return { skipped: `算定単位 ${f[3]}（${f[4] || '名称なし'}）は日・週・月以外のため使いません`, code };
    return { row: { code, unit, count: Number(f[5]), ...period } };
  });
}

export { EXCLUSION_SCOPE_NAMES };
