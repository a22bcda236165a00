/**
 * Parsers for the official code files the operator imports (code-store.ts saves their entries). Each takes the
 * file's bytes (Shift_JIS or UTF-8, detected) or text, never throws on a bad row — the row is refused with its line
 * number and the reason — and reports progress as (records done, records in the file).
 */
import type { CodeEntry, ListName } from './code-lists.ts';
import { isJlac10, isYj } from '../../../platform/master-files/code-format.ts';
import { type CsvRecord, decodeText, masterDate, parseCsv, type TextEncoding } from '../../../platform/master-files/csv.ts';
import { DRUG_MASTER_COLUMNS, type DrugMasterColumns } from '../../../platform/master-files/drug-master-layout.ts';

export interface ImportResult {
  entries: CodeEntry[];
  refused: { line: number; reason: string }[];
}

export interface ImportOptions {
  /** The entries' source name (an import replaces the earlier rows of the same source). */
  source: string;
  encoding?: TextEncoding;
  onProgress?: (done: number, total: number) => void;
}

type Row = (r: CsvRecord, out: CodeEntry[]) => string | undefined;

/** Runs `row` over the records (after `skip` header records); a returned string refuses the record with that reason. */
function run(data: Uint8Array | string, opts: ImportOptions, row: Row, skip = (_r: CsvRecord) => false): ImportResult {
  const records = parseCsv(decodeText(data, opts.encoding));
  const result: ImportResult = { entries: [], refused: [] };
  records.forEach((r, i) => {
    if (i === 0 && skip(r)) return;
    const reason = row(r, result.entries);
    if (reason) result.refused.push({ line: r.line, reason });
    if ((i + 1) % 1000 === 0) opts.onProgress?.(i + 1, records.length);
  });
  opts.onProgress?.(records.length, records.length);
  return result;
}

const field = (r: CsvRecord, i: number) => (r.fields[i] ?? '').trim();
const headerIndex = (r: CsvRecord, name: string) => r.fields.findIndex((f) => f.trim() === name);

/**
 * MEDIS ICD10対応標準病名マスター, main file (病名基本テーブル, `nmain*.txt`, no header). Columns read (1-based, the
 * field order of the 病名基本テーブル as listed on byomei.org/dispack/disEXPANDER.html; the MEDIS layout document
 * itself was not available to check — pass `columns` if a release differs): 2 病名管理番号 (8 digits) →
 * a `disease` entry; 3 病名表記 → its display; 11 レセ電算コード (傷病名コード, 7 digits, may be empty) → a second
 * `disease` entry. A file with a header row naming 病名管理番号 is read by those names instead.
 */
export function parseDiseaseMaster(
  data: Uint8Array | string,
  opts: ImportOptions & { columns?: { keyNumber: number; name: number; receiptCode: number } },
): ImportResult {
  let col = opts.columns ?? { keyNumber: 1, name: 2, receiptCode: 10 };
  const isHeader = (r: CsvRecord) => {
    if (headerIndex(r, '病名管理番号') < 0) return false;
    col = { keyNumber: headerIndex(r, '病名管理番号'), name: headerIndex(r, '病名表記'), receiptCode: headerIndex(r, 'レセ電算コード') };
    return true;
  };
  return run(
    data,
    opts,
    (r, out) => {
      const key = field(r, col.keyNumber);
      const name = field(r, col.name) || undefined;
      const receipt = col.receiptCode >= 0 ? field(r, col.receiptCode) : '';
      if (!/^\d{8}$/.test(key)) return `病名管理番号 "${key}" is not 8 digits`;
      if (receipt && !/^\d{7}$/.test(receipt)) return `レセ電算コード "${receipt}" is not 7 digits`;
      out.push({ list: 'disease', code: key, display: name, source: opts.source });
      if (receipt) out.push({ list: 'disease', code: receipt, display: name, source: opts.source });
      return undefined;
    },
    isHeader,
  );
}

/**
 * 診療報酬情報提供サービス 医薬品マスター (`y.csv`, Shift_JIS, no header, 42 columns in the 2024 layout). Columns
 * read (1-based; the layout of the 基本マスター 医薬品マスター, as its column names are reproduced in
 * github.com/shiro46mt/jp-medicine-master-data data/y/*.csv — pass `columns` for another release): 1 変更区分
 * (1 = 抹消: skipped), 2 マスター種別 (`Y`), 3 医薬品コード (レセ電算, 9 digits), 5 漢字名称, 31 廃止年月日,
 * 32 薬価基準収載医薬品コード (12 characters) → a `yj` entry, 34 経過措置年月日 (last day of use), 36 薬価基準収載年月日,
 * 37 一般名コード (…ZZZ) and 38 一般名処方の標準的な記載 → a `yj` entry for the general-name code, valid while one
 * of its brands is. The 薬価基準収載医薬品コード equals the YJ code except for products listed under a unified
 * name (統一名収載品), whose brand YJ codes are not in this file. Dates: the last valid day is the earlier of
 * 廃止年月日 and 経過措置年月日 (99999999 / 0 = none).
 */
export function parseDrugMaster(data: Uint8Array | string, opts: ImportOptions & { columns?: Partial<DrugMasterColumns> }): ImportResult {
  const c = { ...DRUG_MASTER_COLUMNS, ...opts.columns };
  const general = new Map<string, CodeEntry & { open: boolean }>();
  const result = run(data, opts, (r, out) => {
    if (field(r, 0) === '1') return '変更区分 1 (抹消): not imported';
    if (field(r, c.masterType) !== 'Y') return `マスター種別 "${field(r, c.masterType)}" is not Y (not a 医薬品マスター row)`;
    const receipt = field(r, c.receiptCode);
    const yj = field(r, c.yj);
    if (!/^\d{9}$/.test(receipt)) return `医薬品コード "${receipt}" is not 9 digits`;
    if (!isYj(yj)) return `薬価基準収載医薬品コード "${yj}" is not a 12-character YJ code`;
    const dates = [masterDate(field(r, c.abolished)), masterDate(field(r, c.transitional)), masterDate(field(r, c.listed))];
    if (dates.includes(null)) return 'a date column (廃止年月日, 経過措置年月日, 薬価基準収載年月日) is not YYYYMMDD';
    const g = field(r, c.generalCode);
    if (g && (!isYj(g) || !g.endsWith('ZZZ'))) return `一般名コード "${g}" is not a 12-character code ending ZZZ`;
    const validTo = [dates[0], dates[1]].filter((d): d is string => !!d).sort()[0];
    out.push({ list: 'yj', code: yj, display: field(r, c.name) || undefined, validFrom: dates[2] ?? undefined, validTo, source: opts.source });
    if (g) {
      const seen = general.get(g);
      const open = !validTo;
      if (!seen) general.set(g, { list: 'yj', code: g, display: field(r, c.generalName) || undefined, validTo, source: opts.source, open });
      else if (open || (seen.validTo && validTo && validTo > seen.validTo)) Object.assign(seen, { validTo, open: seen.open || open });
    }
    return undefined;
  });
  for (const { open, ...g } of general.values()) result.entries.push(open ? { ...g, validTo: undefined } : g);
  return result;
}

/**
 * A JLAC10 code list (the 臨床検査項目基本コードセット or the 感染症検査項目リスト, as published in Excel by MHLW and
 * saved as CSV): columns code (17 characters), item key (e.g. `K`), display, and optionally valid_from, valid_to
 * (YYYYMMDD or YYYY-MM-DD). A first row that is not a code is taken as a header.
 */
export function parseJlac10List(
  data: Uint8Array | string,
  opts: ImportOptions & { list: Extract<ListName, 'jlac10-core' | 'jlac10-infection'> },
): ImportResult {
  return run(
    data,
    opts,
    (r, out) => {
      const [code, item, display, from, to] = [0, 1, 2, 3, 4].map((i) => field(r, i));
      if (!isJlac10(code)) return `"${code}" is not a 17-character JLAC10 code`;
      if (!item) return `${code}: no item key (検査項目) in column 2`;
      const [validFrom, validTo] = [masterDate(from), masterDate(to)];
      if (validFrom === null || validTo === null) return `${code}: valid_from / valid_to is not a date`;
      out.push({ list: opts.list, code, item, display: display || undefined, validFrom, validTo, source: opts.source });
      return undefined;
    },
    (r) => !isJlac10(field(r, 0)),
  );
}

const JFAGY_CODE = /^(J9[FN][0-9A-Z]{9}|YCM[0-9A-Z]{12}|GCM[0-9A-Z]{9}ZZZ|D9[FMN]000000000|00[FMN0])$/;

/**
 * A J-FAGY list: either the CLINS distribution (github.com/jami-fhir-jp-wg/JFAGY csv_files_forCLINS/*.csv: a header
 * row, columns read by name — `JFAGY code`, `Allergen Term（JP）`, `収載日`, `終了日` (YYYYMMDD; 00000000 and
 * 99999999 = none)), or a plain two-column CSV: code, display. Codes carry their 3-letter meta code (J9F, J9N,
 * YCM, GCM, D9x, 00x).
 */
export function parseJfagyList(data: Uint8Array | string, opts: ImportOptions): ImportResult {
  let col = { code: 0, display: 1, from: -1, to: -1 };
  const isHeader = (r: CsvRecord) => {
    if (headerIndex(r, 'JFAGY code') >= 0) {
      const display = r.fields.findIndex((f) => /^Allergen Term[（(]JP[)）]$/.test(f.trim()));
      col = { code: headerIndex(r, 'JFAGY code'), display, from: headerIndex(r, '収載日'), to: headerIndex(r, '終了日') };
      return true;
    }
    return !JFAGY_CODE.test(field(r, 0)) && /code/i.test(field(r, 0));
  };
  return run(
    data,
    opts,
    (r, out) => {
      const code = field(r, col.code);
      if (!JFAGY_CODE.test(code)) return `"${code}" is not a J-FAGY code (meta code J9F, J9N, YCM, GCM, D9x or 00x and its core code)`;
      const [validFrom, validTo] = [col.from >= 0 ? masterDate(field(r, col.from)) : undefined, col.to >= 0 ? masterDate(field(r, col.to)) : undefined];
      if (validFrom === null || validTo === null) return `${code}: 収載日 / 終了日 is not YYYYMMDD`;
      out.push({ list: 'jfagy', code, display: (col.display >= 0 && field(r, col.display)) || undefined, validFrom, validTo, source: opts.source });
      return undefined;
    },
    isHeader,
  );
}
