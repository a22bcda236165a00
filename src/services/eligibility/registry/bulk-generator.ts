/**
 * Deterministic generator of insurer bulk files (資格情報一括登録ファイル) for tests and benchmarks.
 *
 * The same (n, seed, options) always gives the same bytes. Data look real: valid insurer numbers of several
 * schemes (協会けんぽ, 健保組合, 共済, 国保 6 digits, 後期高齢者医療), households of an insured person and
 * dependants with their own 枝番, names with old-style kanji (髙, 﨑, 邉, 齋, 𠮷) and an ideographic variation
 * sequence (葛󠄀), kana readings, some full-width 記号・番号, elderly recipients, 公費 and 特定疾病, and
 * insurer changes in the middle of a month (loss and acquisition on the same day, same person_link_key).
 * Optionally every k-th data row is broken in one of several ways, and the broken rows are listed.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { makeInsurerNumber, withCheckDigit } from '../model/numbers.ts';
import { addDays } from '../model/calendar-date.ts';

/** Column order written by the generator (the parser accepts any order). */
const HEADER = [
  'insurer_number',
  'symbol',
  'number',
  'branch',
  'relationship',
  'family_name',
  'given_name',
  'family_name_kana',
  'given_name_kana',
  'birth_date',
  'sex',
  'acquired_on',
  'lost_on',
  'copay_ratio',
  'limit_category',
  'elderly_copay_ratio',
  'elderly_valid_from',
  'elderly_valid_to',
  'specific_diseases',
  'public_expenses',
  'person_link_key',
] as const;

type Field = (typeof HEADER)[number];
type Row = Record<Field, string>;

/** Ways a generated row can be broken on purpose. */
export type BadLineKind = 'check-digit' | 'date' | 'missing-number' | 'branch' | 'stray-quote' | 'field-count' | 'lost-before-acquired' | 'kana';

const BAD_KINDS: readonly BadLineKind[] = ['check-digit', 'date', 'missing-number', 'branch', 'stray-quote', 'field-count', 'lost-before-acquired', 'kana'];

export interface BulkGeneratorOptions {
  /** Break every k-th data row (1-based data-row count). */
  badEvery?: number;
  /** Line terminator (default CRLF, as files exported on Windows). */
  lineEnding?: '\r\n' | '\n';
  /** Start with a UTF-8 BOM (default true, as Excel writes). */
  bom?: boolean;
}

export interface GeneratedBulkFile {
  /** Data rows written (excluding the header). */
  rows: number;
  /** Physical line numbers (header = 1) of the broken rows, with how each was broken. */
  badLines: { line: number; kind: BadLineKind }[];
  bytes: number;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY: readonly [string, string][] = [
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['髙橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡邉', 'ワタナベ'],
  ['山本', 'ヤマモト'],
  ['中村', 'ナカムラ'],
  ['小林', 'コバヤシ'],
  ['山﨑', 'ヤマザキ'],
  ['齋藤', 'サイトウ'],
  ['𠮷田', 'ヨシダ'],
  ['葛\u{E0100}城', 'カツラギ'],
  ['加藤', 'カトウ'],
  ['松本', 'マツモト'],
  ['井上', 'イノウエ'],
  ['木村', 'キムラ'],
  ['林', 'ハヤシ'],
  ['清水', 'シミズ'],
  ['長谷川', 'ハセガワ'],
];

const GIVEN_MALE: readonly [string, string][] = [
  ['太郎', 'タロウ'],
  ['翔太', 'ショウタ'],
  ['蓮', 'レン'],
  ['大輔', 'ダイスケ'],
  ['浩', 'ヒロシ'],
  ['髙志', 'タカシ'],
  ['悠真', 'ユウマ'],
  ['健一', 'ケンイチ'],
];

const GIVEN_FEMALE: readonly [string, string][] = [
  ['花子', 'ハナコ'],
  ['陽菜', 'ヒナ'],
  ['結衣', 'ユイ'],
  ['惠子', 'ケイコ'],
  ['美咲', 'ミサキ'],
  ['さくら', 'サクラ'],
  ['裕子', 'ユウコ'],
  ['凜', 'リン'],
];

interface Insurer {
  number: string;
  kind: 'kyokai' | 'kumiai' | 'kyosai' | 'kokuho' | 'koki';
}

function insurers(): Insurer[] {
  const list: Insurer[] = [];
  for (const pref of ['01', '13', '14', '23', '27', '40', '47']) list.push({ number: makeInsurerNumber('01', pref, '001'), kind: 'kyokai' });
  for (const serial of ['012', '345', '678', '901']) list.push({ number: makeInsurerNumber('06', '13', serial), kind: 'kumiai' });
  list.push({ number: makeInsurerNumber('31', '13', '001'), kind: 'kyosai' });
  list.push({ number: makeInsurerNumber('34', '27', '001'), kind: 'kyosai' });
  for (const [pref, serial] of [
    ['13', '101'],
    ['13', '805'],
    ['27', '100'],
    ['01', '003'],
    ['47', '201'],
  ])
    list.push({ number: makeInsurerNumber(null, pref, serial), kind: 'kokuho' });
  for (const pref of ['13', '27', '14']) list.push({ number: makeInsurerNumber('39', pref, '101'), kind: 'koki' });
  return list;
}

const KOKUHO_SYMBOLS = ['世田谷', 'あ１２', '北', '01', 'ﾆｼ3'];

function fullWidthDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function plain(s: string): string {
  return /[",\r\n]/.test(s) ? quote(s) : s;
}

function toLine(row: Row): string {
  return HEADER.map((f) => (f.endsWith('name') || f.endsWith('kana') ? quote(row[f]) : plain(row[f]))).join(',');
}

interface Member {
  relationship: 'insured' | 'dependant';
  family: [string, string];
  given: [string, string];
  sex: '1' | '2';
  birth: string;
  linkKey: string;
}

const VISIT_YEAR_END = '2025-03-31';

/** 高齢受給者証 applies from the first of the month after the 70th birthday (the birthday itself on a 1st). */
function elderlyCertificateStart(birth: string): string {
  const seventieth = `${Number(birth.slice(0, 4)) + 70}${birth.slice(4)}`;
  if (seventieth.endsWith('-01')) return seventieth;
  return `${addDays(`${seventieth.slice(0, 8)}01`, 31).slice(0, 8)}01`;
}

function ageOn(birth: string, date: string): number {
  const a = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) < birth.slice(5) ? a - 1 : a;
}

class HouseholdFactory {
  private readonly rand: () => number;
  private readonly insurers = insurers();
  private serial = 0;

  constructor(seed: number) {
    this.rand = prng(seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)];
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  private date(fromYear: number, toYear: number): string {
    const y = this.int(fromYear, toYear);
    const m = this.int(1, 12);
    const d = this.int(1, 28);
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }

  private linkKey(): string {
    let s = '';
    for (let i = 0; i < 4; i++)
      s += Math.floor(this.rand() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s;
  }

  private member(relationship: Member['relationship'], family: [string, string], birthFrom: number, birthTo: number): Member {
    const sex = this.rand() < 0.5 ? '1' : '2';
    return {
      relationship,
      family,
      given: this.pick(sex === '1' ? GIVEN_MALE : GIVEN_FEMALE),
      sex,
      birth: this.date(birthFrom, birthTo),
      linkKey: this.linkKey(),
    };
  }

  /** One household's rows: same 記号・番号, one 枝番 per person; sometimes a mid-month insurer change. */
  household(): Row[] {
    const family = this.pick(FAMILY);
    const elderlyAlone = this.rand() < 0.12;
    const members: Member[] = [];
    if (elderlyAlone) {
      members.push(this.member('insured', family, 1935, 1949));
    } else {
      const head = this.member('insured', family, 1951, 1999);
      members.push(head);
      const headYear = Number(head.birth.slice(0, 4));
      if (this.rand() < 0.6) members.push(this.member('dependant', family, headYear - 5, Math.min(headYear + 5, 2002)));
      const children = this.int(0, 3);
      for (let c = 0; c < children; c++) members.push(this.member('dependant', family, Math.max(headYear + 22, 2003), 2023));
    }
    const oldest = members[0];
    const insurerPool = this.insurers.filter((i) => (ageOn(oldest.birth, VISIT_YEAR_END) >= 75 ? i.kind === 'koki' : i.kind !== 'koki'));
    const first = this.pick(insurerPool);
    const acquired = this.date(2016, 2023);
    const rows: Row[] = [];
    const changes = this.rand() < 0.04 && first.kind !== 'koki';
    if (changes) {
      const moveOn = this.date(2024, 2024);
      const second = this.pick(insurerPool.filter((i) => i.number !== first.number));
      rows.push(...this.rows(first, members, acquired, moveOn));
      rows.push(...this.rows(second, members, moveOn, null));
    } else {
      const lost = this.rand() < 0.05 ? this.date(2024, 2024) : null;
      rows.push(...this.rows(first, members, acquired, lost && lost > acquired ? lost : null));
    }
    return rows;
  }

  private rows(insurer: Insurer, members: Member[], acquiredOn: string, lostOn: string | null): Row[] {
    this.serial++;
    const koki = insurer.kind === 'koki';
    let symbol = '';
    let number = '';
    // The running serial keeps 記号・番号 unique per household within an insurer.
    if (insurer.kind === 'kyokai') {
      symbol = String(this.int(1000000, 9999999));
      number = String(this.serial);
    } else if (insurer.kind === 'kumiai' || insurer.kind === 'kyosai') {
      symbol = String(1 + (this.serial % 99));
      number = String(this.serial);
    } else if (insurer.kind === 'kokuho') {
      symbol = this.pick(KOKUHO_SYMBOLS);
      number = String(100000 + this.serial);
      if (this.rand() < 0.3) number = fullWidthDigits(number);
    } else {
      number = String(10000000 + this.serial).slice(-8);
    }
    return members.map((m, i) => {
      const age = ageOn(m.birth, VISIT_YEAR_END);
      const personAcquired = m.birth > acquiredOn ? m.birth : acquiredOn;
      const copay = koki ? (this.rand() < 0.1 ? '3' : '1') : age < 6 ? '2' : age >= 70 ? '2' : '3';
      const elderly = !koki && age >= 70;
      const limit =
        this.rand() < 0.15 ? (age >= 70 ? this.pick(['現役並みⅢ', '一般', '低所得Ⅱ', 'o70-low1']) : this.pick(['区分ア', 'イ', 'u70-u', '区分エ', 'オ'])) : '';
      const publicExpenses =
        this.rand() < 0.03
          ? `${withCheckDigit(`54${this.pick(['13', '27', '01'])}${this.pick(['602', '501'])}`)}:${withCheckDigit(String(this.int(100000, 999999)))}:2024-04-01:2025-03-31`
          : '';
      const specific = this.rand() < 0.005 ? `dialysis:${this.rand() < 0.8 ? 10000 : 20000}:${acquiredOn}:` : '';
      return {
        insurer_number: insurer.number,
        symbol,
        number,
        branch: koki ? '' : String(i).padStart(2, '0'),
        relationship: m.relationship === 'insured' ? '1' : '2',
        family_name: m.family[0],
        given_name: m.given[0],
        family_name_kana: m.family[1],
        given_name_kana: m.given[1],
        birth_date: m.birth,
        sex: m.sex,
        acquired_on: personAcquired,
        lost_on: lostOn && lostOn > personAcquired ? lostOn : '',
        copay_ratio: copay,
        limit_category: limit,
        elderly_copay_ratio: elderly ? copay : '',
        elderly_valid_from: elderly ? elderlyCertificateStart(m.birth) : '',
        elderly_valid_to: '',
        specific_diseases: specific,
        public_expenses: publicExpenses,
        person_link_key: m.linkKey,
      };
    });
  }
}

function breakRow(row: Row, kind: BadLineKind): string {
  const r = { ...row };
  switch (kind) {
    case 'check-digit': {
      const last = Number(r.insurer_number.slice(-1));
      r.insurer_number = r.insurer_number.slice(0, -1) + String((last + 1) % 10);
      return toLine(r);
    }
    case 'date':
      r.birth_date = `${r.birth_date.slice(0, 4)}-02-30`;
      return toLine(r);
    case 'missing-number':
      r.number = '';
      return toLine(r);
    case 'branch':
      r.branch = '1A';
      return toLine(r);
    case 'stray-quote':
      return toLine(r).replace(/,([^,]*),/, ',"$1,');
    case 'field-count':
      return `${toLine(r)},extra`;
    case 'lost-before-acquired':
      r.lost_on = r.acquired_on;
      return toLine(r);
    case 'kana':
      r.family_name_kana = 'たなか';
      return toLine(r);
  }
}

/** The file's lines (header first), without line terminators. */
export function* bulkFileLines(n: number, seed: number, options: BulkGeneratorOptions = {}): Generator<{ text: string; bad?: BadLineKind }> {
  yield { text: HEADER.join(',') };
  const gen = new HouseholdFactory(seed);
  let written = 0;
  let badIndex = 0;
  while (written < n) {
    for (const row of gen.household()) {
      if (written >= n) break;
      written++;
      if (options.badEvery && written % options.badEvery === 0) {
        const kind = BAD_KINDS[badIndex++ % BAD_KINDS.length];
        yield { text: breakRow(row, kind), bad: kind };
      } else {
        yield { text: toLine(row) };
      }
    }
  }
}

/** Writes `n` data rows to a path or stream (deterministic for a given seed). */
export async function generateBulkFile(n: number, seed: number, out: string | Writable, options: BulkGeneratorOptions = {}): Promise<GeneratedBulkFile> {
  const eol = options.lineEnding ?? '\r\n';
  const stream = typeof out === 'string' ? createWriteStream(out) : out;
  const badLines: GeneratedBulkFile['badLines'] = [];
  let bytes = 0;
  let pending = options.bom === false ? '' : '\uFEFF';
  let line = 0;
  const flush = async () => {
    bytes += Buffer.byteLength(pending);
    if (!stream.write(pending)) await once(stream, 'drain');
    pending = '';
  };
  for (const l of bulkFileLines(n, seed, options)) {
    line++;
    if (l.bad) badLines.push({ line, kind: l.bad });
    pending += l.text + eol;
    if (pending.length > 64 * 1024) await flush();
  }
  await flush();
  if (typeof out === 'string') {
    stream.end();
    await once(stream, 'finish');
  }
  return { rows: line - 1, badLines, bytes };
}
