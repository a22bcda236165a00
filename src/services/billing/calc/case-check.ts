/**
 * Checks a case given as JSON (the CLI's file, the operation's `case` parameter) and returns it typed. Every field
 * the calculation reads is checked here, so the rules can trust their input; the first problem answers with its path.
 */
import type { ItemInput, LimitCategory, PatientInput, VisitCase, VisitInput } from '../model/types.ts';
import { caseInvalid } from '../model/errors.ts';
import { isIsoDate as isCalendarDate } from '../copay/dates.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(ok: boolean, path: string, ja: string, en: string): void {
  if (!ok) throw caseInvalid(`${path}: ${ja}`, `${path}: ${en}`, path);
}

function object(v: unknown, path: string): Json {
  need(isObject(v), path, 'オブジェクトが必要です', 'an object is required');
  return v as Json;
}

function optionalString(o: Json, key: string, path: string, pattern?: RegExp, what = ''): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  need(typeof v === 'string', `${path}.${key}`, '文字列が必要です', 'a string is required');
  if (pattern) need(pattern.test(v as string), `${path}.${key}`, `${what}の形式が正しくありません`, `not a valid ${what || 'value'}`);
  return v as string;
}

function requiredString(o: Json, key: string, path: string, pattern?: RegExp, what = ''): string {
  const v = optionalString(o, key, path, pattern, what);
  need(v !== undefined, `${path}.${key}`, `${what || key}がありません`, `${key} is required`);
  return v as string;
}

function date(o: Json, key: string, path: string, required: true): string;
function date(o: Json, key: string, path: string, required?: false): string | undefined;
function date(o: Json, key: string, path: string, required = false): string | undefined {
  const v = required ? requiredString(o, key, path) : optionalString(o, key, path);
  if (v !== undefined) need(isCalendarDate(v), `${path}.${key}`, '日付は YYYY-MM-DD で指定してください', 'dates are YYYY-MM-DD');
  return v;
}

function optionalNumber(o: Json, key: string, path: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  need(
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
    `${path}.${key}`,
    `${min}〜${max} の整数が必要です`,
    `an integer ${min}–${max} is required`,
  );
  return v as number;
}

function optionalBoolean(o: Json, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  need(typeof v === 'boolean', `${path}.${key}`, 'true または false が必要です', 'a boolean is required');
  return v as boolean;
}

function list(o: Json, key: string, path: string, required = false): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) {
    need(!required, `${path}.${key}`, 'がありません', 'is required');
    return [];
  }
  need(Array.isArray(v), `${path}.${key}`, '配列が必要です', 'an array is required');
  return v as unknown[];
}

/** `{ key: value }` when the value is given (a non-empty string), else nothing — for optional fields. */
const present = <K extends string>(key: K, value: string | undefined): { [k in K]?: string } => (value ? ({ [key]: value } as { [k in K]?: string }) : {});

const DIGITS = (n: number) => new RegExp(`^\\d{${n}}$`);
const RATIO = [1, 2, 3];
const LIMIT_CATEGORIES = ['u70-a', 'u70-i', 'u70-u', 'u70-e', 'u70-o', 'o70-active3', 'o70-active2', 'o70-active1', 'o70-general', 'o70-low2', 'o70-low1'];
const SEXES = ['male', 'female', 'other', 'unknown'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function ratio(o: Json, key: string, path: string): 1 | 2 | 3 {
  need(RATIO.includes(o[key] as number), `${path}.${key}`, '負担割合は 1・2・3（割）のいずれかです', 'the copay ratio is 1, 2 or 3 (tenths)');
  return o[key] as 1 | 2 | 3;
}

function oneOf<T extends string>(o: Json, key: string, path: string, values: readonly T[], what: string): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  need(values.includes(v as T), `${path}.${key}`, `${what}は ${values.join('・')} のいずれかです`, `${key} is one of ${values.join(', ')}`);
  return v as T;
}

function checkItems(v: Json, path: string): ItemInput[] {
  return list(v, 'items', path, true).map((raw, i) => {
    const p = `${path}.items[${i}]`;
    const item = object(raw, p);
    const code = requiredString(item, 'code', p, DIGITS(9), '診療行為コード（9桁）');
    const count = optionalNumber(item, 'count', p, 1, 99) ?? 1;
    return { code, count };
  });
}

function checkVisit(raw: unknown, path: string): VisitInput {
  const v = object(raw, path);
  const time = optionalString(v, 'time', path, TIME, '時刻（HH:MM）');
  return {
    date: date(v, 'date', path, true),
    ...(time ? { time } : {}),
    holiday: optionalBoolean(v, 'holiday', path) ?? false,
    encounter: oneOf(v, 'encounter', path, ['auto', 'first', 'revisit', 'none'] as const, '初診・再診の別') ?? 'auto',
    lastVisitDate: date(v, 'lastVisitDate', path) ?? null,
    firstVisitDate: date(v, 'firstVisitDate', path) ?? null,
    continuingTreatment: optionalBoolean(v, 'continuingTreatment', path) ?? true,
    items: checkItems(v, path),
    prescriptions: list(v, 'prescriptions', path).map((raw, i) => {
      const p = `${path}.prescriptions[${i}]`;
      const o = object(raw, p);
      const kind = oneOf(o, 'kind', p, ['outpatient', 'in-house'] as const, '処方の種類');
      need(kind !== undefined, `${p}.kind`, '処方の種類（outpatient・in-house）がありません', 'kind is required');
      const id = optionalString(o, 'id', p);
      return {
        ...(id ? { id } : {}),
        kind: kind as 'outpatient' | 'in-house',
        lines: list(o, 'lines', p, true).map((l, j) => {
          const lp = `${p}.lines[${j}]`;
          const line = object(l, lp);
          return { name: requiredString(line, 'name', lp, undefined, '薬剤名'), generic: optionalBoolean(line, 'generic', lp) ?? false };
        }),
      };
    }),
    diagnoses: list(v, 'diagnoses', path).map((d, i) => {
      const p = `${path}.diagnoses[${i}]`;
      const o = object(d, p);
      const code = optionalString(o, 'code', p, DIGITS(7), '傷病名コード（7桁）');
      const startDate = date(o, 'startDate', p);
      return {
        name: requiredString(o, 'name', p, undefined, '傷病名'),
        ...(code ? { code } : {}),
        ...(startDate ? { startDate } : {}),
        main: optionalBoolean(o, 'main', p) ?? false,
      };
    }),
  };
}

function checkPatient(raw: unknown): PatientInput {
  const path = 'patient';
  const p = object(raw, path);
  const sex = oneOf(p, 'sex', path, SEXES, '性別');
  need(sex !== undefined, `${path}.sex`, '性別がありません', 'sex is required');
  let insurance: PatientInput['insurance'] = null;
  if (p.insurance !== null && p.insurance !== undefined) {
    const ip = `${path}.insurance`;
    const i = object(p.insurance, ip);
    const elderly = i.elderly === undefined || i.elderly === null ? null : object(i.elderly, `${ip}.elderly`);
    const disease = i.specificDisease === undefined || i.specificDisease === null ? null : object(i.specificDisease, `${ip}.specificDisease`);
    insurance = {
      insurerNumber: requiredString(i, 'insurerNumber', ip, /^(\d{6}|\d{8})$/, '保険者番号（6桁または8桁）').padStart(8, '0'),
      symbol: optionalString(i, 'symbol', ip) ?? '',
      number: optionalString(i, 'number', ip) ?? '',
      branch: optionalString(i, 'branch', ip, /^\d{2}$/, '枝番（2桁）') ?? '',
      relationship: oneOf(i, 'relationship', ip, ['insured', 'dependant'] as const, '本人・家族の別') ?? 'insured',
      copayRatio: ratio(i, 'copayRatio', ip),
      limitCategory: (oneOf(i, 'limitCategory', ip, LIMIT_CATEGORIES, '限度額適用区分') ?? null) as LimitCategory | null,
      elderly: elderly ? { copayRatio: ratio(elderly, 'copayRatio', `${ip}.elderly`) } : null,
      manyTimes: optionalBoolean(i, 'manyTimes', ip) ?? false,
      specificDisease: disease
        ? {
            code: oneOf(disease, 'code', `${ip}.specificDisease`, ['dialysis', 'hemophilia', 'hiv'] as const, '特定疾病') ?? 'dialysis',
            monthlyLimitYen: optionalNumber(disease, 'monthlyLimitYen', `${ip}.specificDisease`, 0, 1_000_000) ?? 10_000,
          }
        : null,
      ...present('acquiredOn', date(i, 'acquiredOn', ip)),
      lostOn: date(i, 'lostOn', ip) ?? null,
    };
  }
  return {
    ...present('id', optionalString(p, 'id', path)),
    ...present('name', optionalString(p, 'name', path)),
    ...present('nameKana', optionalString(p, 'nameKana', path)),
    birthDate: date(p, 'birthDate', path, true),
    sex: sex as PatientInput['sex'],
    insurance,
    publicExpenses: list(p, 'publicExpenses', path).map((raw, i) => {
      const pp = `${path}.publicExpenses[${i}]`;
      const o = object(raw, pp);
      const kind = oneOf(o, 'kind', pp, ['full'] as const, '種別');
      return {
        payerNumber: requiredString(o, 'payerNumber', pp, DIGITS(8), '公費負担者番号（8桁）'),
        recipientNumber: optionalString(o, 'recipientNumber', pp, DIGITS(7), '公費受給者番号（7桁）') ?? '',
        ...(o.monthlyCapYen !== undefined ? { monthlyCapYen: optionalNumber(o, 'monthlyCapYen', pp, 0, 10_000_000) } : {}),
        ...(o.alreadyPaidYen !== undefined ? { alreadyPaidYen: optionalNumber(o, 'alreadyPaidYen', pp, 0, 10_000_000) } : {}),
        ...(kind ? { kind } : {}),
        validFrom: date(o, 'validFrom', pp) ?? null,
        validTo: date(o, 'validTo', pp) ?? null,
      };
    }),
    localSubsidies: list(p, 'localSubsidies', path).map((raw, i) => {
      const lp = `${path}.localSubsidies[${i}]`;
      const o = object(raw, lp);
      const name = optionalString(o, 'name', lp);
      const fields = {
        perVisitYen: optionalNumber(o, 'perVisitYen', lp, 0, 1_000_000),
        ratio: optionalNumber(o, 'ratio', lp, 0, 3),
        monthlyCapYen: optionalNumber(o, 'monthlyCapYen', lp, 0, 10_000_000),
        maxChargedVisits: optionalNumber(o, 'maxChargedVisits', lp, 0, 31),
      };
      return {
        payerNumber: requiredString(o, 'payerNumber', lp, DIGITS(8), '公費負担者番号（8桁）'),
        recipientNumber: optionalString(o, 'recipientNumber', lp, DIGITS(7), '公費受給者番号（7桁）') ?? '',
        ...(name ? { name } : {}),
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      };
    }),
  };
}

/** The case, checked: a 400 OperationOutcome naming the first bad field otherwise. */
export function checkCase(raw: unknown): VisitCase {
  const c = object(raw, 'case');
  const f = object(c.facility, 'facility');
  const visit = checkVisit(c.visit, 'visit');
  const history = list(c, 'history', 'case').map((h, i) => checkVisit(h, `history[${i}]`));
  const month = visit.date.slice(0, 7);
  history.forEach((h, i) => {
    need(h.date.slice(0, 7) === month, `history[${i}].date`, `同じ月（${month}）の受診のみ指定できます`, `history holds visits of ${month} only`);
    need(h.date <= visit.date, `history[${i}].date`, '今回の受診より後の受診は指定できません', 'history visits come before this visit');
    need(i === 0 || history[i - 1].date <= h.date, `history[${i}].date`, '受診は古い順に並べてください', 'history must be in date order');
  });
  const { code, prefecture } = facilityCode(f);
  return {
    facility: {
      code,
      prefecture,
      ...present('name', optionalString(f, 'name', 'facility')),
      ...(isObject(f.hours) ? { hours: checkHours(f.hours) } : {}),
    },
    patient: checkPatient(c.patient),
    visit,
    history,
  };
}

const PREFECTURE = /^(0[1-9]|[1-3]\d|4[0-7])$/;

/**
 * 医療機関コード: 7 digits with the 都道府県番号, or the platform's 10-digit form (都道府県 2 + 点数表 1 (1 = 医科) + 7),
 * from which the prefecture follows.
 */
function facilityCode(f: Json): { code: string; prefecture: string } {
  const full = requiredString(f, 'code', 'facility', /^(\d{7}|\d{10})$/, '医療機関コード（7桁または10桁）');
  if (full.length === 7) return { code: full, prefecture: requiredString(f, 'prefecture', 'facility', PREFECTURE, '都道府県番号（01〜47）') };
  const prefecture = optionalString(f, 'prefecture', 'facility', PREFECTURE, '都道府県番号（01〜47）') ?? full.slice(0, 2);
  need(
    PREFECTURE.test(full.slice(0, 2)) && prefecture === full.slice(0, 2),
    'facility.code',
    '医療機関コードの都道府県番号が prefecture と合いません',
    'the code’s prefecture differs',
  );
  need(full[2] === '1', 'facility.code', '医科の医療機関コード（3桁目が1）ではありません', 'not a medical (医科) facility code');
  return { code: full.slice(3), prefecture };
}

function checkHours(h: Json): NonNullable<VisitCase['facility']['hours']> {
  const band = (key: string): [string, string] | null | undefined => {
    const v = h[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    need(
      Array.isArray(v) && v.length === 2 && v.every((t) => typeof t === 'string' && TIME.test(t)) && v[0] < v[1],
      `facility.hours.${key}`,
      '診療時間は ["09:00", "18:00"] の形で指定してください',
      'hours are ["HH:MM", "HH:MM"]',
    );
    return v as [string, string];
  };
  const weekday = band('weekday');
  const saturday = band('saturday');
  return { ...(weekday ? { weekday } : {}), ...(saturday !== undefined ? { saturday } : {}) };
}
