/** What a master file reader gives back: the rows, the rows it refused (never dropped silently), and why. */
import { decodeMasterText, type MasterEncoding, parseCsv, type CsvRecord } from './csv.ts';
import { CHANGE_KINDS, ERASED, masterDate, OPEN_END } from './codes.ts';

/** A row not taken: its line (1-based), the code when one was read, and the reason in Japanese. */
export interface MasterRowReport {
  line: number;
  code?: string;
  reason: string;
}

export interface ReadResult<T> {
  /** Rows to store (変更区分 0/3/5/9). */
  rows: T[];
  /** Rows whose 変更区分 is 1 (抹消): the stored version with the same key is erased. */
  erased: T[];
  /** Rows that cannot be read (wrong field count, bad code, bad value, bad dates …). */
  refused: MasterRowReport[];
  /** Well-formed rows of a kind the fee calculation does not use (e.g. 算定単位 一連), listed so nothing is silent. */
  skipped: MasterRowReport[];
}

export interface ReadOptions {
  /** Overrides the auto-detection (UTF-8 BOM or valid UTF-8, else Shift_JIS). */
  encoding?: MasterEncoding;
  /** Recorded on each item as its source (e.g. the file name). */
  source?: string;
}

/** A row's outcome: a value, a refusal reason, or a skip reason. */
export type RowOutcome<T> = { row: T } | { refused: string; code?: string } | { skipped: string; code?: string };

/**
 * Runs `readRow` over every record of a file with at least `minFields` fields (fewer: refused) and sorts the
 * outcomes; the record's 変更区分 (field 1) decides between stored and erased.
 */
export function readRecords<T>(
  input: Uint8Array | string,
  options: ReadOptions,
  minFields: number,
  readRow: (f: string[], record: CsvRecord) => RowOutcome<T>,
): ReadResult<T> {
  const result: ReadResult<T> = { rows: [], erased: [], refused: [], skipped: [] };
  for (const record of parseCsv(decodeMasterText(input, options.encoding))) {
    const f = record.fields.map((v) => v.trim());
    if (f.length < minFields) {
      result.refused.push({ line: record.line, reason: `項目数が不足しています（${f.length} 項目、${minFields} 項目以上が必要です）` });
      continue;
    }
    const change = f[0] === '' ? '0' : f[0];
    if (!CHANGE_KINDS.has(change)) {
      result.refused.push({ line: record.line, reason: `変更区分「${f[0]}」が不明です（0・1・3・5・9 のいずれか）` });
      continue;
    }
    const outcome = readRow(f, record);
    if ('row' in outcome) (change === ERASED ? result.erased : result.rows).push(outcome.row);
    else if ('refused' in outcome) result.refused.push({ line: record.line, code: outcome.code, reason: outcome.refused });
    else result.skipped.push({ line: record.line, code: outcome.code, reason: outcome.skipped });
  }
  return result;
}

/** 新設（変更）年月日 and 廃止年月日 as a validity period, or the reason they cannot be read. */
export function validity(from: string, to: string, fromName = '変更年月日'): { validFrom: string; validTo: string | null } | { reason: string } {
  const validFrom = masterDate(from);
  if (!validFrom) return { reason: `${fromName}「${from}」が日付（YYYYMMDD）ではありません` };
  if (to === '' || to === OPEN_END) return { validFrom, validTo: null };
  const validTo = masterDate(to);
  if (!validTo) return { reason: `廃止年月日「${to}」が日付（YYYYMMDD、なしは 99999999）ではありません` };
  if (validFrom > validTo) return { reason: `${fromName}（${validFrom}）が廃止年月日（${validTo}）より後です` };
  return { validFrom, validTo };
}

export const isProcedureCode = (v: string): boolean => /^\d{9}$/.test(v);
export const notProcedureCode = (v: string, what = '診療行為コード'): string => `${what}「${v}」が9桁の数字ではありません`;
