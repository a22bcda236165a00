/**
 * An outsourced lab's result file (外注検査の結果ファイル, docs/lab-csv.md): bytes → text (UTF-8 with or without BOM,
 * or Shift_JIS — the usual encoding of lab files — decoded with TextDecoder), RFC 4180 CSV (a header row, fields
 * optionally in double quotes with "" for a quote, commas and line breaks inside quotes, CRLF or LF), the columns
 * by their Japanese names, and each row's own checks. The decoding and the CSV records are the platform's reader of
 * the official master files (src/platform/master-files/csv.ts, pure), so the app needs no CSV dependency.
 */
import type { Text } from '../../shared/text.ts';
import type { LabInput, PatientInput } from './api.ts';

/** Bytes to text (UTF-8 with or without BOM, else Shift_JIS) and RFC 4180 records: the platform's reader of master files. */
export {
  type CsvRecord,
  decodeText as decode,
  readCsv as parseCsv,
  type TextEncoding as Encoding,
} from '../../../src/platform/master-files/csv.ts';
import { readCsv as parseCsv } from '../../../src/platform/master-files/csv.ts';

/** A field for a CSV line (quoted when it holds a comma, a quote or a line break). */
export const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The columns of docs/lab-csv.md: key → the header names accepted (NFKC, spaces ignored). */
export const COLUMNS = {
  patientId: ['患者ID'],
  name: ['患者氏名', '氏名'],
  insurer: ['保険者番号'],
  symbol: ['被保険者証記号', '記号'],
  number: ['被保険者証番号', '被保険者番号', '番号'],
  branch: ['枝番'],
  birthDate: ['生年月日'],
  date: ['検査日', '採取日'],
  code: ['JLAC10コード', 'JLAC10'],
  item: ['項目名', '検査項目名'],
  value: ['結果値', '結果'],
  unit: ['単位'],
  low: ['基準値下限'],
  high: ['基準値上限'],
  flag: ['異常フラグ', 'HL区分'],
} as const;
export type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['date', 'code', 'value'];

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

export type RowState = 'ok' | 'refused' | 'registered' | 'failed';

export interface LabRow {
  /** 1-based line of the file. */
  line: number;
  fields: string[];
  patientName: string;
  /** Who, as the server takes it (undefined: the row names nobody). */
  who?: PatientInput;
  /** Groups rows of one patient (the key of `who`). */
  patientKey: string;
  lab: LabInput;
  state: RowState;
  reasons: Text[];
}

export interface ParsedFile {
  header: string[];
  rows: LabRow[];
  /** The whole file is refused (no header, required columns missing, an unterminated quote). */
  error?: Text;
}

/** YYYY-MM-DD from YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (full-width digits too); undefined when not a calendar date. */
export function dateOf(v: string): string | undefined {
  const s = v.normalize('NFKC').trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s) ?? /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

const isNumber = (v: string) => /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v.normalize('NFKC').replace(/,/g, '').trim());

export function readLabFile(text: string): ParsedFile {
  const { records, unterminated } = parseCsv(text);
  if (unterminated)
    return {
      header: [],
      rows: [],
      error: { ja: `${unterminated}行目の引用符（"）が閉じられていません`, en: `the quote (") opened on line ${unterminated} is never closed` },
    };
  const [head, ...body] = records;
  if (!head) return { header: [], rows: [], error: { ja: 'ファイルが空です', en: 'the file is empty' } };
  const header = head.fields.map((h) => h.trim());
  const index = new Map<Column, number>();
  header.forEach((h, i) => {
    const n = norm(h);
    for (const [key, names] of Object.entries(COLUMNS) as [Column, readonly string[]][])
      if (!index.has(key) && names.some((x) => norm(x) === n)) index.set(key, i);
  });
  const missing = REQUIRED.filter((c) => !index.has(c));
  const hasPatient = index.has('patientId') || (index.has('insurer') && index.has('number') && index.has('birthDate'));
  if (missing.length || !hasPatient) {
    const names = [...missing.map((c) => COLUMNS[c][0]), ...(hasPatient ? [] : ['患者ID（または 保険者番号・被保険者証番号・生年月日）'])];
    return {
      header,
      rows: [],
      error: {
        ja: `1行目（見出し）に必要な列がありません: ${names.join('、')}。列の名前は説明書（docs/lab-csv.md）のとおりにしてください`,
        en: `the header row lacks required columns: ${names.join(', ')} (see docs/lab-csv.md)`,
      },
    };
  }
  const seen = new Map<string, number>();
  const rows = body.map((r): LabRow => {
    const get = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : (r.fields[i] ?? '').trim();
    };
    const reasons: Text[] = [];
    if (r.fields.length !== header.length)
      reasons.push({
        ja: `列の数（${r.fields.length}）が見出し（${header.length}）と違います`,
        en: `${r.fields.length} fields where the header has ${header.length}`,
      });
    let who: PatientInput | undefined;
    let patientKey = '';
    const id = get('patientId');
    if (id) {
      if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) reasons.push({ ja: `患者ID「${id}」が正しくありません`, en: `patient id "${id}" is not valid` });
      else {
        who = { patient: id };
        patientKey = `id:${id}`;
      }
    } else {
      const insurer = get('insurer').normalize('NFKC');
      const number = get('number').normalize('NFKC');
      const birth = get('birthDate');
      const birthDate = birth ? dateOf(birth) : undefined;
      if (!insurer || !number || !birth)
        reasons.push({
          ja: '患者の指定がありません（患者ID、または保険者番号・被保険者証番号・生年月日）',
          en: 'no patient (患者ID, or insurer number, insured number and birth date)',
        });
      else if (!birthDate) reasons.push({ ja: `生年月日「${birth}」が日付ではありません`, en: `birth date "${birth}" is not a date` });
      else {
        const symbol = get('symbol').normalize('NFKC');
        const branch = get('branch').normalize('NFKC');
        who = { insuredPerson: { insurer, number, birthDate, ...(symbol ? { symbol } : {}), ...(branch ? { branch } : {}) } };
        patientKey = `ins:${insurer}:${symbol}:${number}:${branch}:${birthDate}`;
      }
    }
    const rawDate = get('date');
    const date = dateOf(rawDate);
    if (!rawDate) reasons.push({ ja: '検査日がありません', en: 'no test date' });
    else if (!date) reasons.push({ ja: `検査日「${rawDate}」が日付ではありません`, en: `test date "${rawDate}" is not a date` });
    const code = get('code').normalize('NFKC').toUpperCase();
    if (!code) reasons.push({ ja: 'JLAC10コードがありません', en: 'no JLAC10 code' });
    else if (code.length !== 17)
      reasons.push({ ja: `JLAC10コード「${code}」は17桁ではありません（${code.length}桁）`, en: `JLAC10 code "${code}" is not 17 characters` });
    const value = get('value');
    if (!value) reasons.push({ ja: '結果値がありません', en: 'no result value' });
    else if (!isNumber(value)) reasons.push({ ja: `結果値「${value}」が数値ではありません`, en: `result "${value}" is not a number` });
    for (const [c, label] of [
      ['low', '基準値下限'],
      ['high', '基準値上限'],
    ] as const)
      if (get(c) && !isNumber(get(c))) reasons.push({ ja: `${label}「${get(c)}」が数値ではありません`, en: `${c} "${get(c)}" is not a number` });
    const flag = get('flag').normalize('NFKC').toUpperCase();
    if (flag && !['H', 'L', 'N', '高', '低'].includes(flag))
      reasons.push({ ja: `異常フラグ「${get('flag')}」は H・L・N のいずれかです`, en: `flag "${get('flag')}" must be H, L or N` });
    if (patientKey && date && code) {
      const key = `${patientKey}|${date}|${code}`;
      const earlier = seen.get(key);
      if (earlier) reasons.push({ ja: `同じ患者・検査日・検査項目の行が${earlier}行目にもあります`, en: `the same patient, date and test as line ${earlier}` });
      else seen.set(key, r.line);
    }
    return {
      line: r.line,
      fields: r.fields,
      patientName: get('name'),
      who,
      patientKey,
      lab: {
        code,
        date: date ?? rawDate,
        value: value.normalize('NFKC').replace(/,/g, ''),
        ...(get('item') ? { name: get('item') } : {}),
        ...(get('unit') ? { unit: get('unit') } : {}),
        ...(get('low') ? { low: get('low').normalize('NFKC') } : {}),
        ...(get('high') ? { high: get('high').normalize('NFKC') } : {}),
        ...(flag ? { flag } : {}),
      },
      state: reasons.length ? 'refused' : 'ok',
      reasons,
    };
  });
  if (rows.length === 0) return { header, rows, error: { ja: '見出しの行のほかにデータの行がありません', en: 'there are no rows after the header' } };
  return { header, rows };
}

/** The refused rows as a CSV file (UTF-8 with BOM, as spreadsheet programs read it): the original columns and 理由. */
export function refusedCsv(file: ParsedFile, rows: LabRow[]): string {
  const lines = [[...file.header, '行', '理由'], ...rows.map((r) => [...r.fields, String(r.line), r.reasons.map((x) => x.ja).join(' / ')])];
  return `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}
