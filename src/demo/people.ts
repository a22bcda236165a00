/**
 * The demo's patients (20): children to 90-year-olds, insured by 協会けんぽ, 市町村国保 or the 後期高齢者医療広域連合,
 * with their copay class (負担割合), some with a 限度額適用区分, a 高齢受給者証 or a 公費 (指定難病, マル乳, マル子),
 * and names as their insurer registered them — old-style kanji (髙, 𠮷 outside the BMP, 齋, 邊, 﨑) and a variation
 * sequence (葛󠄀 = 葛 + VS17) among them. Ages and dates are counted from the demo's today.
 */
import type { DemoCalendar } from './calendar.ts';
import { INSURER_NUMBERS, PUBLIC_EXPENSE_PAYERS, recipientNumber, type DemoInsurerKey } from './codes.ts';

export interface PatientDefinition {
  /** Short key (history, prescriptions and letters name the patient by it). */
  key: string;
  familyName: string;
  givenName: string;
  familyKana: string;
  givenKana: string;
  sex: 'male' | 'female';
  /** Age today, and how many days after the birthday today is. */
  age: number;
  birthdayDaysAgo: number;
  insurer: DemoInsurerKey;
  symbol: string;
  number: string;
  branch: string;
  relationship: 'insured' | 'dependant';
  /** Years ago the current eligibility began (for children: at birth). */
  acquiredYearsAgo?: number;
  copayRatio: 1 | 2 | 3;
  limitCategory?: string;
  /** 高齢受給者証 (70–74): its copay ratio. */
  elderlyCopayRatio?: 2 | 3;
  publicExpense?: { payer: keyof typeof PUBLIC_EXPENSE_PAYERS; recipient: string };
  /** An earlier eligibility at another insurer (an insurer change), lost the day the current one began. */
  previous?: { insurer: DemoInsurerKey; symbol: string; number: string; acquiredYearsAgo: number };
  /** Reader consent at the clinic (false: the clinic app shows "no consent"). */
  clinicConsent: boolean;
  /** 訪問診療: the consent at the clinic is for home care (valid a year). */
  homeCare?: boolean;
  address: string;
}

export const PATIENTS: readonly PatientDefinition[] = [
  {
    key: 'takahashi',
    familyName: '髙橋',
    givenName: '一郎',
    familyKana: 'タカハシ',
    givenKana: 'イチロウ',
    sex: 'male',
    age: 68,
    birthdayDaysAgo: 41,
    insurer: 'kokuho',
    symbol: '千代01',
    number: '104512',
    branch: '01',
    relationship: 'insured',
    acquiredYearsAgo: 3,
    copayRatio: 3,
    limitCategory: 'u70-u',
    previous: { insurer: 'kyokai', symbol: '31020417', number: '5521', acquiredYearsAgo: 40 },
    clinicConsent: true,
    address: '東京都千代田区神田須田町二丁目3番5号',
  },
  {
    key: 'yoshida',
    familyName: '𠮷田',
    givenName: '花子',
    familyKana: 'ヨシダ',
    givenKana: 'ハナコ',
    sex: 'female',
    age: 45,
    birthdayDaysAgo: 120,
    insurer: 'kyokai',
    symbol: '31020418',
    number: '1203',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 12,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区神田淡路町一丁目5番2号',
  },
  {
    key: 'saito',
    familyName: '齋藤',
    givenName: '健太',
    familyKana: 'サイトウ',
    givenKana: 'ケンタ',
    sex: 'male',
    age: 8,
    birthdayDaysAgo: 200,
    insurer: 'kyokai',
    symbol: '31020419',
    number: '877',
    branch: '02',
    relationship: 'dependant',
    copayRatio: 3,
    publicExpense: { payer: 'child', recipient: '300412' },
    clinicConsent: true,
    address: '東京都千代田区外神田四丁目7番1号',
  },
  {
    key: 'watanabe',
    familyName: '渡邊',
    givenName: '清',
    familyKana: 'ワタナベ',
    givenKana: 'キヨシ',
    sex: 'male',
    age: 90,
    birthdayDaysAgo: 75,
    insurer: 'koki',
    symbol: '',
    number: '10234561',
    branch: '',
    relationship: 'insured',
    copayRatio: 1,
    limitCategory: 'o70-low2',
    clinicConsent: true,
    homeCare: true,
    address: '東京都千代田区岩本町二丁目1番8号',
  },
  {
    key: 'sasaki',
    familyName: '佐々木',
    givenName: '美代子',
    familyKana: 'ササキ',
    givenKana: 'ミヨコ',
    sex: 'female',
    age: 78,
    birthdayDaysAgo: 300,
    insurer: 'koki',
    symbol: '',
    number: '10234578',
    branch: '',
    relationship: 'insured',
    copayRatio: 2,
    clinicConsent: true,
    address: '東京都文京区湯島三丁目10番4号',
  },
  {
    key: 'yamazaki',
    familyName: '山﨑',
    givenName: '真由美',
    familyKana: 'ヤマザキ',
    givenKana: 'マユミ',
    sex: 'female',
    age: 52,
    birthdayDaysAgo: 15,
    insurer: 'kyokai',
    symbol: '31020420',
    number: '3306',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 20,
    copayRatio: 3,
    clinicConsent: false,
    address: '東京都文京区本郷三丁目22番6号',
  },
  {
    key: 'nakajima',
    familyName: '中島',
    givenName: '翔太',
    familyKana: 'ナカジマ',
    givenKana: 'ショウタ',
    sex: 'male',
    age: 34,
    birthdayDaysAgo: 160,
    insurer: 'kyokai',
    symbol: '31020421',
    number: '612',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 6,
    copayRatio: 3,
    clinicConsent: false,
    address: '東京都台東区上野二丁目9番3号',
  },
  {
    key: 'kobayashi',
    familyName: '小林',
    givenName: 'さくら',
    familyKana: 'コバヤシ',
    givenKana: 'サクラ',
    sex: 'female',
    age: 4,
    birthdayDaysAgo: 90,
    insurer: 'kokuho',
    symbol: '千代02',
    number: '220871',
    branch: '03',
    relationship: 'insured',
    copayRatio: 2,
    publicExpense: { payer: 'infant', recipient: '210337' },
    clinicConsent: true,
    address: '東京都千代田区神田司町二丁目4番9号',
  },
  {
    key: 'ito',
    familyName: '伊藤',
    givenName: '正',
    familyKana: 'イトウ',
    givenKana: 'タダシ',
    sex: 'male',
    age: 72,
    birthdayDaysAgo: 250,
    insurer: 'kokuho',
    symbol: '千代01',
    number: '093377',
    branch: '01',
    relationship: 'insured',
    acquiredYearsAgo: 7,
    copayRatio: 3,
    elderlyCopayRatio: 2,
    clinicConsent: true,
    address: '東京都千代田区神田小川町三丁目6番1号',
  },
  {
    key: 'kato',
    familyName: '加藤',
    givenName: '恵子',
    familyKana: 'カトウ',
    givenKana: 'ケイコ',
    sex: 'female',
    age: 61,
    birthdayDaysAgo: 33,
    insurer: 'kokuho',
    symbol: '千代03',
    number: '155002',
    branch: '01',
    relationship: 'insured',
    acquiredYearsAgo: 9,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区神田錦町一丁目14番7号',
  },
  {
    key: 'matsumoto',
    familyName: '松本',
    givenName: '大輔',
    familyKana: 'マツモト',
    givenKana: 'ダイスケ',
    sex: 'male',
    age: 47,
    birthdayDaysAgo: 180,
    insurer: 'kyokai',
    symbol: '31020422',
    number: '4410',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 22,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区内神田二丁目8番3号',
  },
  {
    key: 'inoue',
    familyName: '井上',
    givenName: '由美',
    familyKana: 'イノウエ',
    givenKana: 'ユミ',
    sex: 'female',
    age: 39,
    birthdayDaysAgo: 60,
    insurer: 'kyokai',
    symbol: '31020423',
    number: '2087',
    branch: '01',
    relationship: 'dependant',
    acquiredYearsAgo: 10,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区神田佐久間町三丁目2番11号',
  },
  {
    key: 'kimura',
    familyName: '木村',
    givenName: '拓也',
    familyKana: 'キムラ',
    givenKana: 'タクヤ',
    sex: 'male',
    age: 29,
    birthdayDaysAgo: 10,
    insurer: 'kyokai',
    symbol: '31020424',
    number: '98',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 7,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都文京区千石一丁目3番15号',
  },
  {
    key: 'hayashi',
    familyName: '林',
    givenName: '和子',
    familyKana: 'ハヤシ',
    givenKana: 'カズコ',
    sex: 'female',
    age: 85,
    birthdayDaysAgo: 140,
    insurer: 'koki',
    symbol: '',
    number: '10234585',
    branch: '',
    relationship: 'insured',
    copayRatio: 1,
    clinicConsent: true,
    homeCare: true,
    address: '東京都千代田区神田多町二丁目5番4号',
  },
  {
    key: 'shimizu',
    familyName: '清水',
    givenName: '浩',
    familyKana: 'シミズ',
    givenKana: 'ヒロシ',
    sex: 'male',
    age: 58,
    birthdayDaysAgo: 222,
    insurer: 'kyokai',
    symbol: '31020425',
    number: '1576',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 30,
    copayRatio: 3,
    limitCategory: 'u70-i',
    publicExpense: { payer: 'nanbyo', recipient: '104455' },
    clinicConsent: true,
    address: '東京都千代田区鍛冶町一丁目9番2号',
  },
  {
    key: 'yamaguchi',
    familyName: '山口',
    givenName: '陽子',
    familyKana: 'ヤマグチ',
    givenKana: 'ヨウコ',
    sex: 'female',
    age: 66,
    birthdayDaysAgo: 100,
    insurer: 'kokuho',
    symbol: '千代04',
    number: '071249',
    branch: '01',
    relationship: 'insured',
    acquiredYearsAgo: 5,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区東神田一丁目11番3号',
  },
  {
    key: 'mori',
    familyName: '森',
    givenName: '勇気',
    familyKana: 'モリ',
    givenKana: 'ユウキ',
    sex: 'male',
    age: 14,
    birthdayDaysAgo: 45,
    insurer: 'kyokai',
    symbol: '31020426',
    number: '733',
    branch: '02',
    relationship: 'dependant',
    copayRatio: 3,
    publicExpense: { payer: 'child', recipient: '300429' },
    clinicConsent: true,
    address: '東京都千代田区神田和泉町1番6号',
  },
  {
    key: 'ikeda',
    familyName: '池田',
    givenName: '千尋',
    familyKana: 'イケダ',
    givenKana: 'チヒロ',
    sex: 'female',
    age: 25,
    birthdayDaysAgo: 280,
    insurer: 'kyokai',
    symbol: '31020427',
    number: '45',
    branch: '00',
    relationship: 'insured',
    acquiredYearsAgo: 3,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区神田美土代町7番10号',
  },
  {
    key: 'hashimoto',
    familyName: '橋本',
    givenName: '茂',
    familyKana: 'ハシモト',
    givenKana: 'シゲル',
    sex: 'male',
    age: 80,
    birthdayDaysAgo: 5,
    insurer: 'koki',
    symbol: '',
    number: '10234592',
    branch: '',
    relationship: 'insured',
    copayRatio: 3,
    limitCategory: 'o70-active1',
    clinicConsent: true,
    address: '東京都千代田区神田紺屋町2番3号',
  },
  {
    key: 'kasai',
    familyName: '葛\u{E0100}西',
    givenName: '美和',
    familyKana: 'カサイ',
    givenKana: 'ミワ',
    sex: 'female',
    age: 55,
    birthdayDaysAgo: 190,
    insurer: 'kokuho',
    symbol: '千代05',
    number: '188420',
    branch: '01',
    relationship: 'insured',
    acquiredYearsAgo: 4,
    copayRatio: 3,
    clinicConsent: true,
    address: '東京都千代田区神田東松下町4番12号',
  },
];

/** A patient as seeded: the definition plus what the registry answered and the card. */
export interface DemoPatient extends PatientDefinition {
  birthDate: string;
  /** 被保険者個人識別子 `保険者番号:記号:番号:枝番` of the current eligibility. */
  memberId: string;
  insurerNumber: string;
  patientId: string;
  card: { cardId: string; path: string; pin: string };
}

/** 後期高齢者医療: from the 75th birthday; 国保 and 被扶養者 children: from birth; others: their stated years. */
function acquiredOn(p: PatientDefinition, birthDate: string, cal: DemoCalendar): string {
  if (p.insurer === 'koki') {
    const [y, m, d] = birthDate.split('-').map(Number);
    return new Date(Date.UTC(y + 75, m - 1, d)).toISOString().slice(0, 10);
  }
  if (p.acquiredYearsAgo === undefined) return birthDate;
  return `${Number(cal.today.slice(0, 4)) - p.acquiredYearsAgo}-04-01`;
}

/** The first day of the month after the 70th birthday (高齢受給者証). */
function elderlyFrom(birthDate: string): string {
  const [y, m] = birthDate.split('-').map(Number);
  return new Date(Date.UTC(y + 70, m, 1)).toISOString().slice(0, 10);
}

export const birthDateOf = (p: PatientDefinition, cal: DemoCalendar) => cal.bornYearsAgo(p.age, p.birthdayDaysAgo);

export const memberIdOf = (insurer: DemoInsurerKey, symbol: string, number: string, branch: string) =>
  `${INSURER_NUMBERS[insurer].padStart(8, '0')}:${symbol}:${number}:${branch}`;

/** The eligibility records of a patient (bulk-file column names), the earlier insurer's first. */
export function eligibilityRecords(p: PatientDefinition, cal: DemoCalendar): { insurer: DemoInsurerKey; record: Record<string, string | number> }[] {
  const birthDate = birthDateOf(p, cal);
  const person = {
    family_name: p.familyName,
    given_name: p.givenName,
    family_name_kana: p.familyKana,
    given_name_kana: p.givenKana,
    birth_date: birthDate,
    sex: p.sex === 'male' ? 1 : 2,
  };
  const current: Record<string, string | number> = {
    insurer_number: INSURER_NUMBERS[p.insurer],
    ...(p.symbol ? { symbol: p.symbol } : {}),
    number: p.number,
    ...(p.branch ? { branch: p.branch } : {}),
    relationship: p.relationship === 'insured' ? 1 : 2,
    ...person,
    acquired_on: acquiredOn(p, birthDate, cal),
    copay_ratio: p.copayRatio,
    ...(p.limitCategory ? { limit_category: p.limitCategory } : {}),
    ...(p.elderlyCopayRatio ? { elderly_copay_ratio: p.elderlyCopayRatio, elderly_valid_from: elderlyFrom(birthDate) } : {}),
    ...(p.publicExpense
      ? { public_expenses: `${PUBLIC_EXPENSE_PAYERS[p.publicExpense.payer]}:${recipientNumber(p.publicExpense.recipient)}:${acquiredOn(p, birthDate, cal)}:` }
      : {}),
  };
  if (!p.previous) return [{ insurer: p.insurer, record: current }];
  const prev = p.previous;
  const previousRecord: Record<string, string | number> = {
    insurer_number: INSURER_NUMBERS[prev.insurer],
    symbol: prev.symbol,
    number: prev.number,
    branch: '00',
    relationship: 1,
    ...person,
    acquired_on: `${Number(cal.today.slice(0, 4)) - prev.acquiredYearsAgo}-04-01`,
    lost_on: current.acquired_on,
    copay_ratio: 3,
  };
  return [
    { insurer: prev.insurer, record: previousRecord },
    { insurer: p.insurer, record: { ...current, previous_insured_number: memberIdOf(prev.insurer, prev.symbol, prev.number, '00') } },
  ];
}
