/**
 * Readers of the official drug files into master rows (store.ts saves them). Each takes the file's bytes (Shift_JIS
 * or UTF-8, detected — src/platform/master-files/csv.ts) or text, never throws on a bad row — the row is refused with
 * its line number and the reason — and reports progress as (records done, records in the file).
 */
import { decodeText, type TextEncoding } from '../../../platform/master-files/csv.ts';
import { DRUG_MASTER_COLUMNS, type DrugMasterColumns } from '../../../platform/master-files/drug-master-layout.ts';
import { type CsvRecord, masterDate, parseCsv } from '../../../platform/master-files/csv.ts';
import { isYj } from '../../../platform/master-files/code-format.ts';
import { dummyReason, malformedReason } from './code-shape.ts';
import type { DrugEntry } from './drug-entry.ts';

export interface DrugImportResult {
  entries: DrugEntry[];
  refused: { line: number; reason: string }[];
}

export interface DrugImportOptions {
  /** The rows' source name (store.ts: an import with `replace` drops the earlier rows of the same source). */
  source: string;
  encoding?: TextEncoding;
  onProgress?: (done: number, total: number) => void;
}

type Row = (r: CsvRecord, out: DrugEntry[]) => string | undefined;

const field = (r: CsvRecord, i: number) => (i >= 0 ? (r.fields[i] ?? '').trim() : '');

/** Runs `row` over the records after the first `skip` ones; a returned string refuses the record with that reason. */
function run(records: CsvRecord[], skip: number, opts: DrugImportOptions, row: Row): DrugImportResult {
  const result: DrugImportResult = { entries: [], refused: [] };
  const total = records.length - skip;
  records.slice(skip).forEach((r, i) => {
    let reason: string | undefined;
    try {
      reason = row(r, result.entries);
    } catch (e) {
      reason = `unreadable row: ${(e as Error).message}`;
    }
    if (reason) result.refused.push({ line: r.line, reason });
    if ((i + 1) % 1000 === 0) opts.onProgress?.(i + 1, total);
  });
  opts.onProgress?.(total, total);
  return result;
}

/** Column positions (0-based) of the 医薬品マスター read here: DRUG_MASTER_COLUMNS (src/platform/master-files) and three more. */
export interface ReceiptMasterColumns extends DrugMasterColumns {
  unit: number;
  related: number;
  revised: number;
}
export const RECEIPT_MASTER_COLUMNS: ReceiptMasterColumns = { ...DRUG_MASTER_COLUMNS, unit: 9, related: 22, revised: 29 };

/**
 * 診療報酬情報提供サービス 医薬品マスター (`y.csv`, Shift_JIS, no header, 42 columns in the layout since the July 2024
 * change; the column names as reproduced in github.com/shiro46mt/jp-medicine-master-data data/y/*.csv, whose copies
 * carry a header row — a first row naming 医薬品コード is skipped). Columns read (1-based):
 *   1 変更区分 (1 = 抹消: refused, not imported)   2 マスター種別 (must be Y)   3 医薬品コード (receipt code)
 *   5 医薬品名・規格名 漢字名称 → name   10 単位 漢字名称 → unit   23 商品名等関連 (a brand listed under a unified name
 *   points to the unified row: its 薬価基準 code is then not its own YJ code)   30 変更年月日 → revisedOn
 *   31 廃止年月日   32 薬価基準収載医薬品コード → priceCode (and yjCode when 商品名等関連 is 0)   34 経過措置年月日
 *   36 薬価基準収載年月日 → validFrom   37 一般名コード   38 一般名処方の標準的な記載 → generalName
 * validTo is the earlier of 廃止年月日 and 経過措置年月日 (0 / 99999999 = none), as the sharing service's parseDrugMaster
 * reads them. Pass `columns` for a release with another layout.
 */
export function parseReceiptDrugMaster(data: Uint8Array | string, opts: DrugImportOptions & { columns?: Partial<ReceiptMasterColumns> }): DrugImportResult {
  const c = { ...RECEIPT_MASTER_COLUMNS, ...opts.columns };
  const records = parseCsv(decodeText(data, opts.encoding));
  const skip = records.length > 0 && field(records[0], c.receiptCode) === '医薬品コード' ? 1 : 0;
  return run(records, skip, opts, (r, out) => {
    if (field(r, 0) === '1') return '変更区分 1 (抹消): not imported';
    if (field(r, c.masterType) !== 'Y') return `マスター種別 "${field(r, c.masterType)}" is not Y (not a 医薬品マスター row)`;
    const receipt = field(r, c.receiptCode);
    const bad = dummyReason('receipt', receipt) ?? malformedReason('receipt', receipt);
    if (bad) return `医薬品コード "${receipt}": ${bad.en}`;
    const price = field(r, c.yj);
    if (!isYj(price)) return `${receipt}: 薬価基準収載医薬品コード "${price}" is not a 12-character code`;
    const name = field(r, c.name);
    if (!name) return `${receipt}: no 漢字名称`;
    const [abolished, transitional, listed, revised] = [c.abolished, c.transitional, c.listed, c.revised].map((i) => masterDate(field(r, i)));
    if ([abolished, transitional, listed, revised].includes(null))
      return `${receipt}: a date column (変更年月日, 廃止年月日, 経過措置年月日, 薬価基準収載年月日) is not YYYYMMDD`;
    const general = field(r, c.generalCode);
    if (general && !isYj(general)) return `${receipt}: 一般名コード "${general}" is not a 12-character code`;
    const related = field(r, c.related);
    const validTo = [abolished, transitional].filter((d): d is string => !!d).sort()[0];
    out.push({
      receiptCode: receipt,
      priceCode: price,
      yjCode: related === '' || /^0+$/.test(related) ? price : undefined,
      generalCode: general || undefined,
      name,
      generalName: field(r, c.generalName) || undefined,
      unit: field(r, c.unit) || undefined,
      validFrom: listed ?? undefined,
      validTo,
      revisedOn: revised ?? undefined,
      source: opts.source,
    });
    return undefined;
  });
}

/** Column positions (0-based) of a 一般名処方マスタ saved as CSV; -1 = absent. */
export interface GeneralNameColumns {
  code: number;
  name: number;
  ingredient: number;
  strength: number;
}

/**
 * The column order assumed when the file has no header row: 区分, 一般名コード, 一般名処方の標準的な記載, 成分名, 規格.
 * NOT verified against a release of the MHLW file (none was available); files with a header are read by its names.
 */
export const GENERAL_NAME_COLUMNS: GeneralNameColumns = { code: 1, name: 2, ingredient: 3, strength: 4 };

const headerColumns = (r: CsvRecord): GeneralNameColumns | undefined => {
  const find = (...names: string[]) => r.fields.findIndex((f) => names.some((n) => f.replace(/\s/g, '').includes(n)));
  const code = find('一般名コード');
  const name = find('標準的な記載');
  if (code < 0 || name < 0) return undefined;
  return { code, name, ingredient: find('成分名', '一般的名称'), strength: find('規格') };
};

/**
 * 一般名処方マスタ (「処方箋に記載する一般名処方の標準的な記載（一般名処方マスタ）」, MHLW 保険局, published as Excel at
 * www.mhlw.go.jp/seisakunitsuite/bunya/kenkou_iryou/iryouhoken/shohosen_*.html; save the sheet as CSV). Title rows above
 * the header are skipped: the first record (of the first 20) naming 一般名コード and 標準的な記載 is the header and its
 * names give the columns — 一般名コード → generalCode, 一般名処方の標準的な記載 (【般】+一般的名称+剤形+含量) → name,
 * 成分名 / 一般的名称 → generalName, 規格 → unit (the unit after the count, e.g. 錠 of ５ｍｇ１錠). Without a header the
 * positions of `columns` (default GENERAL_NAME_COLUMNS) are used. The file states no dates: pass `validFrom` / `validTo`
 * (YYYY-MM-DD) for the release's period; its rows supersede earlier ones of the same code from that day (revisedOn).
 */
export function parseGeneralNameMaster(
  data: Uint8Array | string,
  opts: DrugImportOptions & { columns?: Partial<GeneralNameColumns>; validFrom?: string; validTo?: string },
): DrugImportResult {
  const records = parseCsv(decodeText(data, opts.encoding));
  const headerAt = records.slice(0, 20).findIndex((r) => headerColumns(r) !== undefined);
  const c = headerAt >= 0 ? headerColumns(records[headerAt])! : { ...GENERAL_NAME_COLUMNS, ...opts.columns };
  const [validFrom, validTo] = [masterDate(opts.validFrom), masterDate(opts.validTo)];
  return run(records, headerAt + 1, opts, (r, out) => {
    if (validFrom === null || validTo === null) return 'validFrom / validTo of the import is not a date';
    const code = field(r, c.code);
    if (!code && r.fields.every((f) => f.trim() === '')) return undefined;
    const bad = dummyReason('general', code) ?? malformedReason('general', code);
    if (bad) return `一般名コード "${code}": ${bad.en}`;
    const name = field(r, c.name);
    if (!name) return `${code}: no 一般名処方の標準的な記載`;
    const strength = field(r, c.strength).normalize('NFKC');
    out.push({
      generalCode: code,
      name,
      generalName: field(r, c.ingredient) || undefined,
      unit: /1([^\d.]+)$/.exec(strength)?.[1],
      validFrom,
      validTo,
      revisedOn: validFrom,
      source: opts.source,
    });
    return undefined;
  });
}
