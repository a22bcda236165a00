/**
 * The insurer bulk-load file (資格情報一括登録ファイル): format, streaming validation, nothing stored.
 *
 * Format: CSV, UTF-8 (a BOM is allowed), CRLF or LF, one header row then one 資格情報 per row. Header names
 * may be the English column names or their Japanese labels below, in any order; unknown columns are refused
 * (a typo must not silently drop data). Fields may be quoted ("…", with "" for a quote).
 *
 * | column               | 日本語                     | required | content                                             |
 * |----------------------|----------------------------|----------|-----------------------------------------------------|
 * | insurer_number       | 保険者番号                 | yes      | 8 digits, or 6 for 国保; check digit verified        |
 * | symbol               | 記号                       | no       | as printed (full/half width kept, NFKC for matching) |
 * | number               | 番号                       | yes      | as printed                                          |
 * | branch               | 枝番                       | no       | 2 digits (1 digit is zero-padded)                    |
 * | relationship         | 本人家族区分               | yes      | 1 / 本人 / insured, 2 / 家族 / dependant             |
 * | family_name          | 氏名（姓）                 | yes      | exact Unicode (outer spaces trimmed, nothing else)  |
 * | given_name           | 氏名（名）                 | no       | exact Unicode                                       |
 * | family_name_kana     | カナ氏名（姓）             | yes      | katakana (full or half width)                       |
 * | given_name_kana      | カナ氏名（名）             | no       | katakana                                            |
 * | birth_date           | 生年月日                   | yes      | YYYY-MM-DD (YYYYMMDD, YYYY/MM/DD accepted)          |
 * | sex                  | 性別                       | yes      | 1 / 男 / male, 2 / 女 / female, other, unknown      |
 * | acquired_on          | 資格取得年月日             | yes      | date                                                |
 * | lost_on              | 資格喪失年月日             | no       | date, first day not covered; after acquired_on      |
 * | copay_ratio          | 負担割合                   | yes      | 1, 2 or 3 (割)                                      |
 * | limit_category       | 限度額適用区分             | no       | code (u70-a … o70-low1) or label (区分ア, 現役並みⅢ) |
 * | elderly_copay_ratio  | 高齢受給者負担割合         | no       | 2 or 3; needs elderly_valid_from                    |
 * | elderly_valid_from   | 高齢受給者証有効開始日     | no       | date                                                |
 * | elderly_valid_to     | 高齢受給者証有効終了日     | no       | date                                                |
 * | specific_diseases    | 特定疾病                   | no       | `code:limitYen:from:to` items joined by `;`          |
 * | public_expenses      | 公費                       | no       | `payer:recipient:from:to` items joined by `;`        |
 * | person_link_key      | 個人連携キー               | no       | opaque key, same person across insurers (機関別符号相当) |
 * | previous_insured_number | 前被保険者番号          | no       | `保険者番号:記号:番号:枝番` the person was registered under before (insurer change) |
 *
 * specific_diseases codes: dialysis (人工透析), hemophilia (血友病), hiv; dates in list items may be empty.
 * A row's identity is 保険者番号+記号+番号+枝番+資格取得年月日 (`recordKey`): loading the same row twice is an
 * update, so re-running a file is idempotent; the same key twice in one file is reported on the later line.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseCalendarDate } from '../model/calendar-date.ts';
import { readCsvBatches, type CsvErrorKind, type CsvEvent } from './csv-records.ts';
import { checkName } from '../model/names.ts';
import {
  formatInsuredPersonIdentifierValue,
  parseInsuredPersonIdentifierValue,
  parseInsuredPersonNumber,
  parsePublicExpensePayerNumber,
  parsePublicExpenseRecipientNumber,
} from '../model/numbers.ts';
import {
  LIMIT_CATEGORIES,
  SPECIFIC_DISEASES,
  recordKey,
  type CopayRatio,
  type EligibilityRecord,
  type LimitCategory,
  type PublicExpense,
  type Relationship,
  type Sex,
  type SpecificDisease,
  type SpecificDiseaseCode,
} from '../model/record.ts';

export { generateBulkFile, bulkFileLines, type GeneratedBulkFile, type BulkGeneratorOptions } from './bulk-generator.ts';

export const BULK_COLUMNS = [
  { name: 'insurer_number', ja: '保険者番号', required: true },
  { name: 'symbol', ja: '記号', required: false },
  { name: 'number', ja: '番号', required: true },
  { name: 'branch', ja: '枝番', required: false },
  { name: 'relationship', ja: '本人家族区分', required: true },
  { name: 'family_name', ja: '氏名（姓）', required: true },
  { name: 'given_name', ja: '氏名（名）', required: false },
  { name: 'family_name_kana', ja: 'カナ氏名（姓）', required: true },
  { name: 'given_name_kana', ja: 'カナ氏名（名）', required: false },
  { name: 'birth_date', ja: '生年月日', required: true },
  { name: 'sex', ja: '性別', required: true },
  { name: 'acquired_on', ja: '資格取得年月日', required: true },
  { name: 'lost_on', ja: '資格喪失年月日', required: false },
  { name: 'copay_ratio', ja: '負担割合', required: true },
  { name: 'limit_category', ja: '限度額適用区分', required: false },
  { name: 'elderly_copay_ratio', ja: '高齢受給者負担割合', required: false },
  { name: 'elderly_valid_from', ja: '高齢受給者証有効開始日', required: false },
  { name: 'elderly_valid_to', ja: '高齢受給者証有効終了日', required: false },
  { name: 'specific_diseases', ja: '特定疾病', required: false },
  { name: 'public_expenses', ja: '公費', required: false },
  { name: 'person_link_key', ja: '個人連携キー', required: false },
  { name: 'previous_insured_number', ja: '前被保険者番号', required: false },
] as const;

export type BulkColumnName = (typeof BULK_COLUMNS)[number]['name'];

/** One problem in one row. */
export interface LineProblem {
  column?: BulkColumnName;
  ja: string;
  en: string;
}

/** What the parser yields for each data row: the record, or every reason the row is bad. */
export type BulkLine =
  | { kind: 'record'; line: number; record: EligibilityRecord; previousInsuredKey?: string }
  | { kind: 'error'; line: number; reason_ja: string; reason_en: string; problems: LineProblem[]; fatal?: boolean };

export interface BulkParseOptions {
  /**
   * Report a second row with the same record key as an error (default true). Holds one key per row
   * (about 140 bytes each); turn off for files of millions of rows and let the store's unique key decide.
   */
  detectDuplicates?: boolean;
  /** Progress callback: bytes consumed so far. */
  onBytes?: (bytesRead: number) => void;
  maxRecordChars?: number;
}

const CSV_ERRORS: Record<CsvErrorKind, { ja: string; en: string }> = {
  'unterminated-quote': { ja: '引用符（"）が閉じられていません', en: 'a quoted field is never closed' },
  'text-after-quote': { ja: '引用符で囲んだ項目の後に余分な文字があります', en: 'characters follow a closing quote' },
  'unbalanced-quote': { ja: '引用符（"）の対応が取れていません', en: 'a quote is not balanced' },
  'record-too-long': { ja: '行が長すぎます', en: 'the row is too long' },
  encoding: { ja: 'UTF-8 として読めない文字があります', en: 'the row is not valid UTF-8' },
};

function errorLine(line: number, problems: LineProblem[], fatal = false): BulkLine {
  return {
    kind: 'error',
    line,
    reason_ja: problems.map((p) => p.ja).join('；'),
    reason_en: problems.map((p) => p.en).join('; '),
    problems,
    ...(fatal ? { fatal: true } : {}),
  };
}

function headerKey(cell: string): string {
  return cell.normalize('NFKC').trim().toLowerCase();
}

/** Maps header cells to column names; returns problems for unknown, duplicate or missing columns. */
function readHeader(cells: string[]): { order: (BulkColumnName | null)[]; problems: LineProblem[] } {
  const byLabel = new Map<string, BulkColumnName>();
  for (const c of BULK_COLUMNS) {
    byLabel.set(headerKey(c.name), c.name);
    byLabel.set(headerKey(c.ja), c.name);
  }
  const problems: LineProblem[] = [];
  const seen = new Set<BulkColumnName>();
  const order = cells.map((cell) => {
    const name = byLabel.get(headerKey(cell));
    if (!name) {
      problems.push({ ja: `不明な列「${cell}」があります`, en: `unknown column "${cell}"` });
      return null;
    }
    if (seen.has(name)) problems.push({ column: name, ja: `列「${cell}」が重複しています`, en: `column "${cell}" appears twice` });
    seen.add(name);
    return name;
  });
  for (const c of BULK_COLUMNS) {
    if (c.required && !seen.has(c.name))
      problems.push({ column: c.name, ja: `必須の列「${c.ja}」(${c.name}) がありません`, en: `required column ${c.name} (${c.ja}) is missing` });
  }
  return { order, problems };
}

/** One data row by column name (also what the registry API accepts as JSON). */
export type BulkRow = Partial<Record<BulkColumnName, string>>;
type Row = BulkRow;

const LIMIT_BY_LABEL: ReadonlyMap<string, LimitCategory> = (() => {
  const m = new Map<string, LimitCategory>();
  for (const [code, label] of Object.entries(LIMIT_CATEGORIES) as [LimitCategory, { ja: string }][]) {
    m.set(code, code);
    m.set(label.ja.normalize('NFKC'), code);
    m.set(label.ja.replace(/^区分/, '').normalize('NFKC'), code);
  }
  return m;
})();

const RELATIONSHIPS: Readonly<Record<string, Relationship>> = {
  '1': 'insured',
  本人: 'insured',
  insured: 'insured',
  '2': 'dependant',
  家族: 'dependant',
  dependant: 'dependant',
  dependent: 'dependant',
};

const SEXES: Readonly<Record<string, Sex>> = {
  '1': 'male',
  男: 'male',
  male: 'male',
  '2': 'female',
  女: 'female',
  female: 'female',
  other: 'other',
  unknown: 'unknown',
};

/** Katakana (full or half width), prolonged sound mark, middle dot and spaces. */
const KANA = /^[\p{Script=Katakana}ー・ｰ･\s]+$/u;

class RowReader {
  readonly problems: LineProblem[] = [];
  constructor(private readonly row: Row) {}

  text(col: BulkColumnName): string {
    return (this.row[col] ?? '').trim();
  }

  problem(column: BulkColumnName, ja: string, en: string): void {
    const label = BULK_COLUMNS.find((c) => c.name === column)!.ja;
    this.problems.push({ column, ja: `${label}: ${ja}`, en: `${column}: ${en}` });
  }

  required(col: BulkColumnName): string | undefined {
    const v = this.text(col);
    if (v === '') {
      this.problem(col, '必須項目が空です', 'required value is empty');
      return undefined;
    }
    return v;
  }

  date(col: BulkColumnName, required: boolean): string | null {
    const v = this.text(col);
    if (v === '') {
      if (required) this.problem(col, '必須項目が空です', 'required value is empty');
      return null;
    }
    const d = parseCalendarDate(v);
    if (!d.ok) {
      this.problem(col, d.ja, d.en);
      return null;
    }
    return d.value;
  }

  ratio(col: BulkColumnName, required: boolean): CopayRatio | null {
    const v = this.text(col).normalize('NFKC').replace(/割$/, '');
    if (v === '') {
      if (required) this.problem(col, '必須項目が空です', 'required value is empty');
      return null;
    }
    if (v === '1' || v === '2' || v === '3') return Number(v) as CopayRatio;
    this.problem(col, `「${this.text(col)}」は 1・2・3（割）のいずれでもありません`, `"${this.text(col)}" is not 1, 2 or 3`);
    return null;
  }

  name(col: BulkColumnName, required: boolean, kana: boolean): string {
    // Only surrounding whitespace (CSV padding) is dropped; the name itself is never rewritten.
    const raw = (this.row[col] ?? '').trim();
    if (raw === '') {
      if (required) this.problem(col, '必須項目が空です', 'required value is empty');
      return '';
    }
    const checked = checkName(raw);
    if (!checked.ok) this.problem(col, checked.ja, checked.en);
    else if (kana && !KANA.test(raw)) this.problem(col, `「${raw}」はカタカナではありません`, `"${raw}" is not katakana`);
    return raw;
  }
}

interface ItemProblem {
  problem: { ja: string; en: string };
}

function itemProblem(ja: string, en: string): ItemProblem {
  return { problem: { ja, en } };
}

/** Reads a `;`-separated list whose items are `:`-separated parts. */
function parseList<T extends object>(reader: RowReader, col: BulkColumnName, item: (parts: string[], text: string) => T | ItemProblem): T[] {
  const v = reader.text(col);
  if (v === '') return [];
  const out: T[] = [];
  for (const text of v.split(';')) {
    if (text.trim() === '') continue;
    const r = item(
      text.split(':').map((p) => p.trim()),
      text,
    );
    if ('problem' in r) reader.problem(col, r.problem.ja, r.problem.en);
    else out.push(r);
  }
  return out;
}

function listDate(s: string | undefined): string | null | undefined {
  if (!s) return null;
  const d = parseCalendarDate(s);
  return d.ok ? d.value : undefined;
}

/** Validates one data row; returns the record or the list of problems. */
export function parseBulkRow(row: Row): { record: EligibilityRecord; previousInsuredKey?: string } | { problems: LineProblem[] } {
  const r = new RowReader(row);
  const person = parseInsuredPersonNumber({
    insurerNumber: r.text('insurer_number'),
    symbol: r.text('symbol'),
    number: r.text('number'),
    branch: r.text('branch'),
  });
  if (!person.ok) {
    const column = { insurerNumber: 'insurer_number', symbol: 'symbol', number: 'number', branch: 'branch' } as const;
    for (const p of person.problems) r.problem(column[p.field], p.ja, p.en);
  }
  const relText = r.required('relationship');
  const relationship = relText === undefined ? undefined : RELATIONSHIPS[relText.normalize('NFKC').toLowerCase()];
  if (relText !== undefined && !relationship)
    r.problem('relationship', `「${relText}」は 1（本人）・2（家族）のいずれでもありません`, `"${relText}" is neither 1 (insured) nor 2 (dependant)`);
  const familyName = r.name('family_name', true, false);
  const givenName = r.name('given_name', false, false);
  const familyNameKana = r.name('family_name_kana', true, true);
  const givenNameKana = r.name('given_name_kana', false, true);
  const birthDate = r.date('birth_date', true);
  const sexText = r.required('sex');
  const sex = sexText === undefined ? undefined : SEXES[sexText.normalize('NFKC').toLowerCase()];
  if (sexText !== undefined && !sex)
    r.problem('sex', `「${sexText}」は 1（男）・2（女）などの性別コードではありません`, `"${sexText}" is not a sex code (1 male, 2 female, other, unknown)`);
  const acquiredOn = r.date('acquired_on', true);
  const lostOn = r.date('lost_on', false);
  if (acquiredOn && lostOn && lostOn <= acquiredOn)
    r.problem(
      'lost_on',
      `資格喪失年月日 ${lostOn} が資格取得年月日 ${acquiredOn} より後ではありません`,
      `loss date ${lostOn} is not after acquisition date ${acquiredOn}`,
    );
  if (acquiredOn && birthDate && acquiredOn < birthDate)
    r.problem(
      'acquired_on',
      `資格取得年月日 ${acquiredOn} が生年月日 ${birthDate} より前です`,
      `acquisition date ${acquiredOn} is before birth date ${birthDate}`,
    );
  const copayRatio = r.ratio('copay_ratio', true);

  let limitCategory: LimitCategory | null = null;
  const limitText = r.text('limit_category');
  if (limitText !== '') {
    limitCategory = LIMIT_BY_LABEL.get(limitText.normalize('NFKC')) ?? null;
    if (!limitCategory) r.problem('limit_category', `「${limitText}」は限度額適用区分ではありません`, `"${limitText}" is not a limit category`);
  }

  const elderlyRatio = r.ratio('elderly_copay_ratio', false);
  const elderlyFrom = r.date('elderly_valid_from', elderlyRatio !== null);
  const elderlyTo = r.date('elderly_valid_to', false);
  if (elderlyRatio === null && (elderlyFrom || elderlyTo))
    r.problem('elderly_copay_ratio', '有効期間があるのに負担割合がありません', 'validity dates are given without a ratio');

  const specificDiseases = parseList<SpecificDisease>(r, 'specific_diseases', ([code, limit, from, to], text) => {
    if (!(code in SPECIFIC_DISEASES))
      return itemProblem(
        `「${text}」の疾病コード「${code}」が不明です（dialysis・hemophilia・hiv）`,
        `unknown disease code "${code}" in "${text}" (dialysis, hemophilia, hiv)`,
      );
    const yen = Number(limit);
    if (!/^\d+$/.test(limit ?? '') || yen <= 0)
      return itemProblem(`「${text}」の自己負担限度額が数値ではありません`, `the monthly limit in "${text}" is not a number`);
    const validFrom = listDate(from);
    const validTo = listDate(to);
    if (validFrom === undefined || validTo === undefined) return itemProblem(`「${text}」の日付が正しくありません`, `a date in "${text}" is invalid`);
    return { code: code as SpecificDiseaseCode, monthlyLimitYen: yen, validFrom, validTo };
  });

  const publicExpenses = parseList<PublicExpense>(r, 'public_expenses', ([payer, recipient, from, to], text) => {
    const p = parsePublicExpensePayerNumber(payer ?? '');
    if (!p.ok) return itemProblem(p.ja, p.en);
    const q = parsePublicExpenseRecipientNumber(recipient ?? '');
    if (!q.ok) return itemProblem(q.ja, q.en);
    const validFrom = listDate(from);
    const validTo = listDate(to);
    if (validFrom === undefined || validTo === undefined) return itemProblem(`「${text}」の日付が正しくありません`, `a date in "${text}" is invalid`);
    return { payerNumber: p.value.value, recipientNumber: q.value.value, validFrom, validTo };
  });

  const personLinkKey = r.text('person_link_key');
  if (personLinkKey !== '' && !/^[A-Za-z0-9_-]{8,128}$/.test(personLinkKey))
    r.problem('person_link_key', '英数字・「-」「_」8〜128文字で指定してください', 'must be 8–128 letters, digits, "-" or "_"');

  // 前被保険者番号: where the same person was registered before (an insurer change without a link key).
  let previousInsuredKey: string | undefined;
  const previousText = r.text('previous_insured_number');
  if (previousText !== '') {
    const prev = parseInsuredPersonIdentifierValue(previousText.normalize('NFKC'));
    if (!prev.ok) r.problem('previous_insured_number', prev.problems.map((p) => p.ja).join('、'), prev.problems.map((p) => p.en).join('; '));
    else previousInsuredKey = formatInsuredPersonIdentifierValue(prev.value);
  }

  if (r.problems.length > 0 || !person.ok || !relationship || !sex || !birthDate || !acquiredOn || copayRatio === null) return { problems: r.problems };
  const p = person.value;
  return {
    record: {
      insurerNumber: p.insurer.value,
      symbol: p.symbol?.normalized ?? '',
      symbolOriginal: p.symbol?.original ?? '',
      number: p.number.normalized,
      numberOriginal: p.number.original,
      branch: p.branch?.value ?? '',
      relationship,
      familyName,
      givenName,
      familyNameKana,
      givenNameKana,
      birthDate,
      sex,
      acquiredOn,
      lostOn,
      copayRatio,
      limitCategory,
      elderly: elderlyRatio !== null && elderlyFrom ? { copayRatio: elderlyRatio, validFrom: elderlyFrom, validTo: elderlyTo } : null,
      specificDiseases,
      publicExpenses,
      personLinkKey: personLinkKey === '' ? null : personLinkKey,
    },
    ...(previousInsuredKey ? { previousInsuredKey } : {}),
  };
}

/**
 * Parses an insurer bulk file from a byte or text stream, yielding one BulkLine per data row in order.
 * Every good row is yielded as a record; every bad row as an error with its line number and all reasons.
 * A bad header is fatal: one error for line 1 is yielded and nothing else.
 */
export async function* parseBulkFile(source: AsyncIterable<Buffer | Uint8Array | string>, options: BulkParseOptions = {}): AsyncGenerator<BulkLine> {
  for await (const batch of parseBulkBatches(source, options)) yield* batch;
}

/** As parseBulkFile, in batches (one per input chunk) — what a loader inserting many rows at once wants. */
export async function* parseBulkBatches(source: AsyncIterable<Buffer | Uint8Array | string>, options: BulkParseOptions = {}): AsyncGenerator<BulkLine[]> {
  const detectDuplicates = options.detectDuplicates ?? true;
  const seen = new Map<string, number>();
  let order: (BulkColumnName | null)[] | null = null;
  const csv = readCsvBatches(source, {
    onBytes: options.onBytes,
    maxRecordChars: options.maxRecordChars,
    // A quoted line break is legitimate only if it yields a well-formed row.
    acceptMultiline: (fields) => order !== null && fields.length === order.length,
  });

  const rowOf = (ev: CsvEvent, columns: (BulkColumnName | null)[]): BulkLine => {
    if (ev.error !== undefined) return errorLine(ev.line, [CSV_ERRORS[ev.error]]);
    if (ev.fields.length !== columns.length) {
      return errorLine(ev.line, [
        {
          ja: `項目数が ${ev.fields.length} です（見出し行は ${columns.length} 項目）`,
          en: `the row has ${ev.fields.length} fields but the header has ${columns.length}`,
        },
      ]);
    }
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) {
      const name = columns[i];
      if (name) row[name] = ev.fields[i];
    }
    const parsed = parseBulkRow(row);
    if ('problems' in parsed) return errorLine(ev.line, parsed.problems);
    if (detectDuplicates) {
      const key = recordKey(parsed.record);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        return errorLine(ev.line, [{ ja: `${earlier} 行目と同じ資格情報（${key}）です`, en: `same eligibility record (${key}) as line ${earlier}` }]);
      }
      seen.set(key, ev.line);
    }
    return { kind: 'record', line: ev.line, record: parsed.record, ...(parsed.previousInsuredKey ? { previousInsuredKey: parsed.previousInsuredKey } : {}) };
  };

  for await (const events of csv) {
    const out: BulkLine[] = [];
    for (const ev of events) {
      if (order === null) {
        if (ev.error !== undefined) {
          yield [errorLine(ev.line, [CSV_ERRORS[ev.error]], true)];
          return;
        }
        const header = readHeader(ev.fields);
        if (header.problems.length > 0) {
          yield [errorLine(ev.line, header.problems, true)];
          return;
        }
        order = header.order;
        continue;
      }
      out.push(rowOf(ev, order));
    }
    if (out.length > 0) yield out;
  }
  if (order === null) yield [errorLine(1, [{ ja: '見出し行がありません（空のファイル）', en: 'the file is empty (no header row)' }], true)];
}

/** Opens a bulk file by path; `onProgress(bytesRead, totalBytes)` drives a progress bar. */
export async function* readBulkFile(path: string, options: ReadBulkFileOptions = {}): AsyncGenerator<BulkLine> {
  for await (const batch of readBulkFileBatches(path, options)) yield* batch;
}

export type ReadBulkFileOptions = Omit<BulkParseOptions, 'onBytes'> & {
  onProgress?: (bytesRead: number, totalBytes: number) => void;
};

/** Batched variant of readBulkFile. */
export async function* readBulkFileBatches(path: string, options: ReadBulkFileOptions = {}): AsyncGenerator<BulkLine[]> {
  const total = (await stat(path)).size;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    yield* parseBulkBatches(stream, { ...options, onBytes: options.onProgress ? (n) => options.onProgress!(n, total) : undefined });
  } finally {
    stream.destroy();
  }
}
