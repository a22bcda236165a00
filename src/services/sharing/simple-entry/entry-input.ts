/**
 * The small input of simple entry (簡易登録): the patient, and diagnoses and lab results as a clinic writes them on
 * paper or an outsourced lab reports them. Every bad field is collected (its path in the input, `lab[1].value`), so
 * one answer names all of them; nothing is looked up here except the code lists (simple-entry.ts resolves the
 * patient and builds the Bundle).
 */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import { notDigits, notJlac10, placeholder } from '../../../platform/master-files/code-format.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import type { CodeLists } from '../codes/index.ts';
import { DEPARTMENTS, type Department } from './clins-builders.ts';
import { commonLab } from './common-labs.ts';

/** The uncoded diagnosis (病名管理番号 all nines, the name in code.text: JP_Condition_eCS Condition.code). */
export const UNCODED_DIAGNOSIS = '99999999';
/** At most this many items in one call (a day's lab report of one patient is a few dozen). */
export const MAX_ITEMS = 200;

export type PatientRef = { id: string } | { insuredId: string; birthDate: string };

export interface DiagnosisEntry {
  /** Its path in the input (`diagnosis[0]`). */
  at: string;
  name: string;
  /** 病名管理番号, or UNCODED_DIAGNOSIS. */
  code: string;
  onset: string;
  primary: boolean;
  suspected: boolean;
}

export interface LabEntry {
  at: string;
  jlac10: string;
  name: string;
  display: string;
  /** Coded under the CoreLabo system too (an item of the 臨床検査項目基本コードセット). */
  core: boolean;
  value: number;
  unit: string;
  low?: number;
  high?: number;
  flag?: 'H' | 'L' | 'N';
  date: string;
}

export interface EntryInput {
  patient: PatientRef;
  department: Department;
  diagnoses: DiagnosisEntry[];
  labs: LabEntry[];
  /** Check only: store nothing. */
  check: boolean;
}

type Reader = Pick<ParamReader, 'all' | 'names'>;

/** The raw value of a (part) parameter: valueString / valueDecimal / …, or the plain JSON value. */
const raw = (r: Reader, name: string): unknown => r.all(name)[0]?.value;

class Problems {
  readonly list: Issue[] = [];
  add(at: string, ja: string, en: string, code: Issue['code'] = 'invalid'): void {
    this.list.push({ severity: 'error', code, ja, en, expression: [at] });
  }
}

const nfkc = (v: string) => v.normalize('NFKC').trim();

function text(p: Problems, r: Reader, name: string, at: string, label: string, required: boolean, max = 200): string | undefined {
  const v = raw(r, name);
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) p.add(at, `${label}がありません`, `${at} is missing`, 'required');
    return undefined;
  }
  if (typeof v !== 'string') {
    p.add(at, `${label}は文字列です`, `${at} must be a string`);
    return undefined;
  }
  const s = v.trim();
  if (s.length > max) {
    p.add(at, `${label}は${max}文字までです（${s.length}文字）`, `${at} is longer than ${max} characters`);
    return undefined;
  }
  if (/[\u0000-\u001f\u007f]/.test(s)) {
    p.add(at, `${label}に制御文字が含まれています`, `${at} holds control characters`);
    return undefined;
  }
  return s;
}

function bool(p: Problems, r: Reader, name: string, at: string, label: string): boolean {
  const v = raw(r, name);
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  p.add(at, `${label}は true か false です`, `${at} must be true or false`);
  return false;
}

/** A calendar date YYYY-MM-DD from 1900 up to today (Japan). */
function date(p: Problems, r: Reader, name: string, at: string, label: string, today: string): string | undefined {
  const v = raw(r, name);
  if (v === undefined || v === null || v === '') {
    p.add(at, `${label}がありません`, `${at} is missing`, 'required');
    return undefined;
  }
  const s = typeof v === 'string' ? nfkc(v) : '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== s) {
    p.add(at, `${label}は YYYY-MM-DD の正しい日付です（${String(v)}）`, `${at} must be a date YYYY-MM-DD (got ${JSON.stringify(v)})`);
    return undefined;
  }
  if (s < '1900-01-01') {
    p.add(at, `${label}が古すぎます（${s}）`, `${at} is before 1900 (${s})`);
    return undefined;
  }
  if (s > today) {
    p.add(at, `${label}が未来の日付です（${s}、今日は ${today}）`, `${at} is in the future (${s}, today is ${today})`);
    return undefined;
  }
  return s;
}

/** A finite decimal: a JSON number or a string of one (full-width digits accepted). */
function decimal(p: Problems, r: Reader, name: string, at: string, label: string, required: boolean): number | undefined {
  const v = raw(r, name);
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) p.add(at, `${label}がありません`, `${at} is missing`, 'required');
    return undefined;
  }
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? nfkc(v).replace(/,/g, '') : '';
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) || !Number.isFinite(Number(s))) {
    p.add(at, `${label}が数値ではありません（${String(v)}）`, `${at} must be a number (got ${JSON.stringify(v)})`);
    return undefined;
  }
  return Number(s);
}

function checkDiagnosis(p: Problems, r: Reader, i: number, lists: CodeLists, now: Date, today: string): DiagnosisEntry | undefined {
  const at = `diagnosis[${i}]`;
  const before = p.list.length;
  let name = text(p, r, 'name', `${at}.name`, '病名', false);
  const given = text(p, r, 'code', `${at}.code`, '病名管理番号', false, 20);
  let code = UNCODED_DIAGNOSIS;
  if (given !== undefined && nfkc(given) !== UNCODED_DIAGNOSIS) {
    const c = nfkc(given);
    const why = placeholder(c) ?? notDigits(c, 8);
    if (why) p.add(`${at}.code`, `病名管理番号 ${c} は使えません: ${why.ja}`, `disease code ${c}: ${why.en}`);
    else if (!lists.has('disease', c, now))
      p.add(
        `${at}.code`,
        `病名管理番号 ${c} は病名マスター（サービスのコード一覧）にないか、有効期間外です。コード化できない病名は病名だけを入力してください`,
        `disease code ${c} is not in the disease master (the service's code list) or not valid today; enter an uncodable diagnosis by name only`,
        'code-invalid',
      );
    else {
      code = c;
      name ??= lists.display('disease', c);
    }
  }
  if (name === undefined && p.list.length === before) p.add(`${at}.name`, '病名がありません', `${at}.name is missing`, 'required');
  const onset = date(p, r, 'onset', `${at}.onset`, '発症日（病名開始日）', today);
  const primary = bool(p, r, 'primary', `${at}.primary`, '主病名');
  const suspected = bool(p, r, 'suspected', `${at}.suspected`, '疑い');
  unknownParts(p, r, at, ['name', 'code', 'onset', 'primary', 'suspected']);
  if (p.list.length > before || !name || !onset) return undefined;
  return { at, name, code, onset, primary, suspected };
}

function checkLab(p: Problems, r: Reader, i: number, lists: CodeLists, now: Date, today: string): LabEntry | undefined {
  const at = `lab[${i}]`;
  const before = p.list.length;
  const given = text(p, r, 'code', `${at}.code`, 'JLAC10コード', true, 40);
  let jlac10: string | undefined;
  let display: string | undefined;
  let core = false;
  const common = given ? commonLab(nfkc(given).toUpperCase()) : undefined;
  if (given !== undefined) {
    const c = nfkc(given).toUpperCase();
    const why = placeholder(c) ?? notJlac10(c);
    if (why) p.add(`${at}.code`, `JLAC10コード ${c} は使えません: ${why.ja}`, `JLAC10 code ${c}: ${why.en}`);
    else if (lists.has('jlac10-core', c, now)) {
      jlac10 = c;
      core = true;
      display = lists.itemOf('jlac10-core', c) ?? lists.display('jlac10-core', c) ?? common?.display;
    } else if (common && !common.core) {
      jlac10 = c;
      display = common.display;
    } else if (lists.has('jlac10-infection', c))
      p.add(
        `${at}.code`,
        `${c} は感染症検査項目のコードです。感染症の結果（陽性・陰性）はこの登録では受け付けません`,
        `${c} is an infection test code; infection results are not taken by simple entry`,
        'not-supported',
      );
    else
      p.add(
        `${at}.code`,
        `JLAC10コード ${c} はサービスのコード一覧（臨床検査項目基本コードセット）にないか、有効期間外です`,
        `JLAC10 code ${c} is not in the service's code list (the core lab code set) or not valid today`,
        'code-invalid',
      );
  }
  const name = text(p, r, 'name', `${at}.name`, '検査項目名', false) ?? common?.name ?? display;
  const value = decimal(p, r, 'value', `${at}.value`, '結果値', true);
  const unit = text(p, r, 'unit', `${at}.unit`, '単位', false, 40) ?? common?.unit;
  if (unit === undefined && jlac10) p.add(`${at}.unit`, '単位がありません', `${at}.unit is missing`, 'required');
  const low = decimal(p, r, 'low', `${at}.low`, '基準値下限', false);
  const high = decimal(p, r, 'high', `${at}.high`, '基準値上限', false);
  if (low !== undefined && high !== undefined && low > high)
    p.add(`${at}.low`, `基準値下限（${low}）が上限（${high}）より大きい値です`, `${at}.low (${low}) is above ${at}.high (${high})`);
  const flagRaw = text(p, r, 'flag', `${at}.flag`, '異常フラグ', false, 4);
  let flag: LabEntry['flag'];
  if (flagRaw !== undefined) {
    const f = nfkc(flagRaw).toUpperCase();
    const mapped = ({ H: 'H', L: 'L', N: 'N', 高: 'H', 低: 'L' } as Record<string, 'H' | 'L' | 'N'>)[f];
    if (!mapped) p.add(`${at}.flag`, `異常フラグは H（高）・L（低）・N（基準値内）のいずれかです（${flagRaw}）`, `${at}.flag must be H, L or N`);
    else flag = mapped;
  }
  const day = date(p, r, 'date', `${at}.date`, '検査日', today);
  unknownParts(p, r, at, ['code', 'name', 'value', 'unit', 'low', 'high', 'flag', 'date']);
  if (p.list.length > before || !jlac10 || value === undefined || !unit || !day || !name) return undefined;
  return { at, jlac10, name, display: display ?? name, core, value, unit, low, high, flag, date: day };
}

function unknownParts(p: Problems, r: Reader, at: string, known: string[]): void {
  for (const n of r.names())
    if (!known.includes(n)) p.add(`${at}.${n}`, `${at} に項目 ${n} はありません（${known.join(', ')}）`, `${at} has no field ${n} (${known.join(', ')})`);
}

/** The checked input, or every problem (400). */
export function readEntryInput(input: ParamReader, lists: CodeLists, now: Date, today: string): { entry?: EntryInput; problems: Issue[] } {
  const p = new Problems();
  let patient: PatientRef | undefined;
  const id = raw(input, 'patient');
  const insured = input.all('insuredPerson')[0]?.part;
  if (id !== undefined && insured)
    p.add('patient', '患者は patient（患者ID）か insuredPerson のどちらか一方で指定します', 'name the patient by patient or by insuredPerson, not both');
  else if (id !== undefined) {
    if (typeof id !== 'string' || !isValidId(id))
      p.add('patient', `患者ID が正しくありません（${String(id)}）`, `patient must be a Patient id (got ${JSON.stringify(id)})`);
    else patient = { id };
  } else if (insured) {
    const insurer = text(p, insured, 'insurer', 'insuredPerson.insurer', '保険者番号', true, 8);
    const symbol = text(p, insured, 'symbol', 'insuredPerson.symbol', '被保険者証記号', false, 40) ?? '';
    const number = text(p, insured, 'number', 'insuredPerson.number', '被保険者証番号', true, 40);
    const branch = text(p, insured, 'branch', 'insuredPerson.branch', '枝番', false, 2) ?? '00';
    const birthDate = date(p, insured, 'birthDate', 'insuredPerson.birthDate', '生年月日', today);
    unknownParts(p, insured, 'insuredPerson', ['insurer', 'symbol', 'number', 'branch', 'birthDate']);
    if (insurer && number && birthDate) {
      const ins = nfkc(insurer);
      if (!/^(\d{6}|\d{8})$/.test(ins)) p.add('insuredPerson.insurer', `保険者番号は6桁か8桁の数字です（${insurer}）`, 'insurer must be 6 or 8 digits');
      else patient = { insuredId: [ins.length === 6 ? `00${ins}` : ins, nfkc(symbol), nfkc(number), nfkc(branch).padStart(2, '0')].join(':'), birthDate };
    }
  } else
    p.add(
      'patient',
      '患者（patient：患者ID、または insuredPerson：被保険者番号と生年月日）がありません',
      'patient (a Patient id) or insuredPerson is required',
      'required',
    );

  const dep = raw(input, 'department');
  let department: Department = 'internal';
  if (dep !== undefined) {
    const found = (Object.keys(DEPARTMENTS) as Department[]).find((k) => DEPARTMENTS[k].code === dep || k === dep);
    if (!found)
      p.add(
        'department',
        `診療科コード ${String(dep)} はありません（${Object.values(DEPARTMENTS)
          .map((d) => `${d.code} ${d.display}`)
          .join('、')}）`,
        `unknown department ${String(dep)}`,
      );
    else department = found;
  }
  const check = bool(p, input, 'check', 'check', '確認のみ（check）');
  const diagnosisParts = input.all('diagnosis');
  const labParts = input.all('lab');
  if (diagnosisParts.length + labParts.length === 0)
    p.add('lab', '登録する病名・検査結果がありません', 'there is no diagnosis or lab result to register', 'required');
  if (diagnosisParts.length + labParts.length > MAX_ITEMS)
    p.add('lab', `一度に登録できるのは ${MAX_ITEMS} 件までです（${diagnosisParts.length + labParts.length} 件）`, `at most ${MAX_ITEMS} items per call`);
  const diagnoses: DiagnosisEntry[] = [];
  const labs: LabEntry[] = [];
  diagnosisParts.forEach((v, i) => {
    if (!v.part) p.add(`diagnosis[${i}]`, '病名の記載が正しくありません', `diagnosis[${i}] must be an object of parts`);
    const d = v.part && checkDiagnosis(p, v.part, i, lists, now, today);
    if (d) diagnoses.push(d);
  });
  labParts.forEach((v, i) => {
    if (!v.part) p.add(`lab[${i}]`, '検査結果の記載が正しくありません', `lab[${i}] must be an object of parts`);
    const l = v.part && checkLab(p, v.part, i, lists, now, today);
    if (l) labs.push(l);
  });
  const seen = new Map<string, string>();
  for (const l of labs) {
    const key = `${l.jlac10}|${l.date}`;
    const earlier = seen.get(key);
    if (earlier)
      p.add(`${l.at}.code`, `同じ日の同じ検査（${l.name}、${l.date}）が ${earlier} にもあります`, `the same test on the same day as ${earlier}`, 'duplicate');
    seen.set(key, l.at);
  }
  if (p.list.length > 0 || !patient) return { problems: p.list };
  return { entry: { patient, department, diagnoses, labs, check }, problems: [] };
}
