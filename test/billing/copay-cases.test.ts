/**
 * 窓口負担の計算 (computeCopay): table-driven cases, each citing its rule and checked by hand in its comment.
 * Every case also checks that the shares add up to the visit's cost and that every share and rule is named.
 */
import { describe, expect, it } from 'vitest';
import { CopayInputError, computeCopay } from '../../src/services/billing/copay/index.ts';
import type { CopayInput, CopayResult, InsuranceInput, LocalSubsidyInput, PatientInput, PublicExpenseInput } from '../../src/services/billing/model/types.ts';

const FACILITY = { code: '1310001', prefecture: '13' };
/** 保険者番号: 協会けんぽ (01…), 国保 (00…), 後期高齢者医療 (39…). */
const SHAHO = '01130012';
const KOKUHO = '00138016';
const KOUKI = '39131005';

function insurance(over: Partial<InsuranceInput> = {}): InsuranceInput {
  return { insurerNumber: SHAHO, copayRatio: 3, ...over };
}

function publicExpense(payerNumber: string, over: Partial<PublicExpenseInput> = {}): PublicExpenseInput {
  return { payerNumber, recipientNumber: '1234566', ...over };
}

function localSubsidy(over: Partial<LocalSubsidyInput> = {}): LocalSubsidyInput {
  return { payerNumber: '88135013', recipientNumber: '7654321', name: '子ども医療費助成', ...over };
}

interface CaseOptions {
  birthDate: string;
  insurance?: InsuranceInput | null;
  publicExpenses?: PublicExpenseInput[];
  localSubsidies?: LocalSubsidyInput[];
}

/** A case: the patient and the month's visits as [date, costYen] pairs, oldest first. */
function copayCase(o: CaseOptions, ...visits: [string, number][]): CopayInput {
  const patient: PatientInput = {
    birthDate: o.birthDate,
    sex: 'unknown',
    insurance: o.insurance === undefined ? insurance() : o.insurance,
    ...(o.publicExpenses ? { publicExpenses: o.publicExpenses } : {}),
    ...(o.localSubsidies ? { localSubsidies: o.localSubsidies } : {}),
  };
  return { facility: FACILITY, patient, visits: visits.map(([date, costYen]) => ({ date, costYen })) };
}

/** The shares keyed 'insurer', 'public:<法別>', 'local', 'patient' (a key seen twice is a test error). */
function sharesOf(r: CopayResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of r.shares) {
    const key = s.payer === 'public' ? `public:${s.number!.slice(0, 2)}` : s.payer;
    if (key in out) throw new Error(`two shares keyed ${key}`);
    out[key] = s.yen;
  }
  return out;
}

// ───────────────────────────── sources cited by the cases ─────────────────────────────
const ROUNDING = '健康保険法75条（一部負担金の10円未満の端数は四捨五入）';
const PRESCHOOL = '健康保険法110条2項・国民健康保険法42条1項2号（6歳に達する日以後の最初の3月31日以前: 2割）';
const ELDERLY = '健康保険法74条1項2号・3号（70歳に達する日の属する月の翌月以後: 2割／現役並み 3割）';
const KOUKI_RATIO = '高齢者の医療の確保に関する法律67条（後期高齢者 1割・2割・3割）';
const MHLW = '健康保険法施行令42条; 厚生労働省「高額療養費制度を利用される皆さまへ（平成30年8月診療分から）」';
const TRANSITION = '後期高齢者2割負担の外来配慮措置（令和4年10月1日～令和7年9月30日: 6,000円+(医療費−30,000円)×10% か 18,000円の低い方）';
const BIRTHDAY75 = '健康保険法施行令41条4項（75歳到達月の自己負担限度額の特例: 本来額の2分の1、1日生まれは対象外）';
const SPECIFIC = '健康保険法施行令42条9項（特定疾病療養受療証 10,000円／20,000円）';
const WELFARE = '生活保護法15条（医療扶助: 本人負担なし）';
const SUPPORT = '障害者総合支援法58条（自立支援医療: 1割、自己負担上限月額・上限額管理票）';
const NANBYO = '難病法（特定医療費: 2割（保険1割は1割）、自己負担上限月額）';
const PRIORITY = '診療報酬請求書等の記載要領（公費の適用順 13, 10, 21, 15, 16, 51, 52, 54, 12）';

// 公費負担者番号 (法別番号 + 都道府県 + 実施機関 + 検証番号)
const NANBYO_NO = '54136015';
const WELFARE_NO = '12130014';
const TB_NO = '10131010';
const SEISHIN_NO = '21136017';
const KOSEI_NO = '15131011';
const IKUSEI_NO = '16131019';
const SHOMAN_NO = '52136018';
const SENSHO_NO = '13130011';
const TOKUTEI_NO = '51136013';
const KOGAI_NO = '97130015';

interface Case {
  name: string;
  source: string;
  input: CopayInput;
  expect: { patientYen: number; shares?: Record<string, number>; capYen?: number | null; ratio?: number | null; age?: number; rules?: string[] };
}

const ADULT = '1980-07-15'; // 45 in May 2026
const CHILD8 = '2017-09-09'; // 8 in May 2026

const cases: Case[] = [
  // ── age and ratio ──
  {
    name: '3歳（未就学）: 2割',
    source: PRESCHOOL,
    // 2,345 × 2割 = 469 → 470 (…9 up)
    input: copayCase({ birthDate: '2022-10-10' }, ['2026-05-11', 2345]),
    expect: { patientYen: 470, shares: { insurer: 1875, patient: 470 }, ratio: 2, age: 3, capYen: null },
  },
  {
    name: '4月1日生まれ、6歳の誕生日の前日（3月31日）: まだ未就学 2割',
    source: `${PRESCHOOL}; 年齢計算ニ関スル法律（4月1日生まれは3月31日に6歳に達する）`,
    // born 2020-04-01 → school from 2026-04-01; 2026-03-31: age 5, 10,000 × 2割 = 2,000
    input: copayCase({ birthDate: '2020-04-01' }, ['2026-03-31', 10000]),
    expect: { patientYen: 2000, shares: { insurer: 8000, patient: 2000 }, ratio: 2, age: 5 },
  },
  {
    name: '4月1日生まれ、6歳の誕生日（4月1日）: 就学 3割',
    source: PRESCHOOL,
    // born 2020-04-01 → school from 2026-04-01 (same year as the 6th birthday): 10,000 × 3割 = 3,000
    input: copayCase({ birthDate: '2020-04-01' }, ['2026-04-01', 10000]),
    expect: { patientYen: 3000, shares: { insurer: 7000, patient: 3000 }, ratio: 3, age: 6 },
  },
  {
    name: '4月2日生まれ、6歳を過ぎた3月: 未就学 2割',
    source: PRESCHOOL,
    // born 2020-04-02 → 6 on 2026-04-02, school from 2027-04-01; 2027-03-15: age 6, 10,000 × 2割 = 2,000
    input: copayCase({ birthDate: '2020-04-02' }, ['2027-03-15', 10000]),
    expect: { patientYen: 2000, ratio: 2, age: 6 },
  },
  {
    name: '4月2日生まれ、翌年度の4月1日: 就学 3割',
    source: PRESCHOOL,
    // born 2020-04-02 → school from 2027-04-01: 10,000 × 3割 = 3,000
    input: copayCase({ birthDate: '2020-04-02' }, ['2027-04-01', 10000]),
    expect: { patientYen: 3000, ratio: 3, age: 6 },
  },
  {
    name: '45歳 3割、703.5円 → 700円',
    source: ROUNDING,
    // 2,345 × 3割 = 703.5 → 700 (units 3: down)
    input: copayCase({ birthDate: ADULT }, ['2026-05-11', 2345]),
    expect: {
      patientYen: 700,
      shares: { insurer: 1645, patient: 700 },
      ratio: 3,
      age: 45,
      rules: ['copay-ratio-recorded', 'copay-rounding', 'copay-cap-u70-none'],
    },
  },
  {
    name: '端数 …4 は切り捨て: 704.4円 → 700円',
    source: ROUNDING,
    // 2,348 × 3割 = 704.4 → 700
    input: copayCase({ birthDate: ADULT }, ['2026-05-11', 2348]),
    expect: { patientYen: 700, shares: { insurer: 1648, patient: 700 } },
  },
  {
    name: '端数 …5 は切り上げ: 705円 → 710円',
    source: ROUNDING,
    // 2,350 × 3割 = 705 → 710
    input: copayCase({ birthDate: ADULT }, ['2026-05-11', 2350]),
    expect: { patientYen: 710, shares: { insurer: 1640, patient: 710 } },
  },
  {
    name: '70歳（誕生月の翌月以後）: 2割、外来上限 一般 18,000',
    source: `${ELDERLY}; ${MHLW}`,
    // born 1955-06-15 → 70 on 2025-06-15, 高齢受給者 from 2025-07-01; 10,000 × 2割 = 2,000; no 区分 → 一般 18,000
    input: copayCase({ birthDate: '1955-06-15', insurance: insurance({ insurerNumber: KOKUHO }) }, ['2026-05-20', 10000]),
    expect: { patientYen: 2000, ratio: 2, age: 70, capYen: 18000, rules: ['copay-ratio-elderly', 'copay-cap-o70-default'] },
  },
  {
    name: '70歳の誕生月: まだ3割（70歳未満の扱い）',
    source: ELDERLY,
    // born 1956-05-10 → 70 on 2026-05-10, 高齢受給者 only from 2026-06-01; 10,000 × 3割 = 3,000; no cap at the window
    input: copayCase({ birthDate: '1956-05-10' }, ['2026-05-20', 10000]),
    expect: { patientYen: 3000, ratio: 3, age: 70, capYen: null },
  },
  {
    name: '1日生まれ: 70歳の誕生月から2割',
    source: `${ELDERLY}（1日生まれは前月末日に70歳に達する）`,
    // born 1956-05-01 → reaches 70 on 2026-04-30, 高齢受給者 from 2026-05-01; 10,000 × 2割 = 2,000
    input: copayCase({ birthDate: '1956-05-01' }, ['2026-05-20', 10000]),
    expect: { patientYen: 2000, ratio: 2, age: 70, capYen: 18000 },
  },
  {
    name: '72歳 現役並みⅠ: 3割、上限 80,100 + 1%',
    source: `${ELDERLY}; ${MHLW}`,
    // 10,000 × 3割 = 3,000; cap 80,100 + (10,000 − 267,000 → 0) × 1% = 80,100
    input: copayCase({ birthDate: '1953-11-20', insurance: insurance({ limitCategory: 'o70-active1', elderly: { copayRatio: 3 } }) }, ['2026-05-20', 10000]),
    expect: { patientYen: 3000, ratio: 3, age: 72, capYen: 80100 },
  },
  {
    name: '72歳 低所得Ⅱ: 外来上限 8,000',
    source: MHLW,
    // 50,000 × 2割 = 10,000 > 8,000 → 8,000; insurer 42,000
    input: copayCase({ birthDate: '1953-11-20', insurance: insurance({ limitCategory: 'o70-low2', elderly: { copayRatio: 2 } }) }, ['2026-05-20', 50000]),
    expect: { patientYen: 8000, shares: { insurer: 42000, patient: 8000 }, capYen: 8000 },
  },
  {
    name: '73歳 低所得Ⅰ: 外来上限 8,000',
    source: MHLW,
    // 100,000 × 2割 = 20,000 > 8,000 → 8,000
    input: copayCase({ birthDate: '1952-08-08', insurance: insurance({ limitCategory: 'o70-low1' }) }, ['2026-05-20', 100000]),
    expect: { patientYen: 8000, shares: { insurer: 92000, patient: 8000 }, capYen: 8000 },
  },
  {
    name: '71歳 現役並みⅡ: 167,400 + (医療費 − 558,000) × 1%',
    source: MHLW,
    // 800,000 × 3割 = 240,000; cap 167,400 + 242,000 × 1% = 169,820
    input: copayCase({ birthDate: '1954-09-30', insurance: insurance({ limitCategory: 'o70-active2' }) }, ['2026-05-20', 800000]),
    expect: { patientYen: 169820, shares: { insurer: 630180, patient: 169820 }, ratio: 3, capYen: 169820 },
  },
  {
    name: '74歳 現役並みⅢ: 252,600 + (医療費 − 842,000) × 1%',
    source: MHLW,
    // 1,000,000 × 3割 = 300,000; cap 252,600 + 158,000 × 1% = 254,180
    input: copayCase({ birthDate: '1951-12-01', insurance: insurance({ limitCategory: 'o70-active3', elderly: { copayRatio: 3 } }) }, ['2026-05-20', 1000000]),
    expect: { patientYen: 254180, capYen: 254180 },
  },
  {
    name: '後期高齢者 1割',
    source: KOUKI_RATIO,
    // 12,345 × 1割 = 1,234.5 → 1,230; no 区分 → 一般 18,000
    input: copayCase({ birthDate: '1945-03-03', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 1 }) }, ['2026-05-20', 12345]),
    expect: { patientYen: 1230, shares: { insurer: 11115, patient: 1230 }, ratio: 1, age: 81, capYen: 18000, rules: ['copay-ratio-kouki'] },
  },
  {
    name: '後期高齢者 3割（区分なし → 現役並みⅢ）',
    source: `${KOUKI_RATIO}; ${MHLW}`,
    // 100,000 × 3割 = 30,000; cap 252,600 (C below 842,000)
    input: copayCase({ birthDate: '1948-02-02', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 3 }) }, ['2026-05-20', 100000]),
    expect: { patientYen: 30000, ratio: 3, capYen: 252600, rules: ['copay-cap-o70-default'] },
  },
  {
    name: '後期高齢者 2割 配慮措置（令和7年9月まで）',
    source: TRANSITION,
    // 100,000 × 2割 = 20,000; cap min(6,000 + 70,000 × 10% = 13,000, 18,000) = 13,000
    input: copayCase({ birthDate: '1948-02-02', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 2 }) }, ['2025-09-10', 100000]),
    expect: { patientYen: 13000, shares: { insurer: 87000, patient: 13000 }, capYen: 13000, rules: ['copay-cap-kouki-transition'] },
  },
  {
    name: '後期高齢者 2割 配慮措置: 月の途中で上限に達する',
    source: TRANSITION,
    // visit 1: 20,000 × 2割 = 4,000 (cap at 20,000: 6,000). visit 2: 40,000 × 2割 = 8,000;
    // C = 60,000 → cap 6,000 + 30,000 × 10% = 9,000; 9,000 − 4,000 = 5,000
    input: copayCase({ birthDate: '1948-02-02', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 2 }) }, ['2025-09-01', 20000], ['2025-09-15', 40000]),
    expect: { patientYen: 5000, shares: { insurer: 35000, patient: 5000 }, capYen: 9000 },
  },
  {
    name: '後期高齢者 2割: 配慮措置の終了後（令和7年10月から）は 18,000',
    source: `${TRANSITION}; ${MHLW}`,
    // 100,000 × 2割 = 20,000 > 18,000 → 18,000
    input: copayCase({ birthDate: '1948-02-02', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 2 }) }, ['2025-10-01', 100000]),
    expect: { patientYen: 18000, capYen: 18000 },
  },

  {
    name: '75歳到達月（誕生日の後、後期）: 外来上限 18,000 の2分の1 = 9,000',
    source: BIRTHDAY75,
    // born 1951-05-20 → 75 on 2026-05-20 (後期 from then); 200,000 × 1割 = 20,000 > 18,000 / 2 = 9,000
    input: copayCase({ birthDate: '1951-05-20', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 1 }) }, ['2026-05-25', 200000]),
    expect: { patientYen: 9000, shares: { insurer: 191000, patient: 9000 }, capYen: 9000, age: 75, rules: ['copay-cap-75th-birthday-month'] },
  },
  {
    name: '75歳到達月（誕生日の前、元の保険の高齢受給者）: 2分の1 = 9,000',
    source: BIRTHDAY75,
    // born 1951-05-20, visit 2026-05-10 (74, 高齢受給者 2割): 100,000 × 2割 = 20,000 > 9,000
    input: copayCase({ birthDate: '1951-05-20', insurance: insurance({ elderly: { copayRatio: 2 } }) }, ['2026-05-10', 100000]),
    expect: { patientYen: 9000, capYen: 9000, age: 74 },
  },
  {
    name: '75歳到達月の現役並みⅠ: 40,050 + (医療費 − 133,500) × 1%',
    source: BIRTHDAY75,
    // 500,000 × 3割 = 150,000 > 40,050 + 366,500 × 1% = 43,715
    input: copayCase({ birthDate: '1951-05-20', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 3, limitCategory: 'o70-active1' }) }, [
      '2026-05-25',
      500000,
    ]),
    expect: { patientYen: 43715, capYen: 43715 },
  },
  {
    name: '1日生まれの75歳到達月: 特例なし（18,000）',
    source: BIRTHDAY75,
    // born 1951-05-01 → 後期 from 2026-05-01, the whole month: 200,000 × 1割 = 20,000 > 18,000
    input: copayCase({ birthDate: '1951-05-01', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 1 }) }, ['2026-05-25', 200000]),
    expect: { patientYen: 18000, capYen: 18000 },
  },
  {
    name: '75歳到達月の特定疾病: 10,000 の2分の1 = 5,000',
    source: `${BIRTHDAY75}; ${SPECIFIC}; 福井県後期高齢者医療広域連合（月の途中で75歳の誕生日を迎えるときは5,000円）`,
    // 100,000 × 1割 = 10,000 > 5,000
    input: copayCase(
      { birthDate: '1951-05-20', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 1, specificDisease: { code: 'dialysis', monthlyLimitYen: 10000 } }) },
      ['2026-05-25', 100000],
    ),
    expect: { patientYen: 5000, capYen: 5000 },
  },

  // ── 高額療養費 under 70 ──
  {
    name: '区分ア: 252,600 + (医療費 − 842,000) × 1%',
    source: MHLW,
    // 1,000,000 × 3割 = 300,000 > 252,600 + 158,000 × 1% = 254,180
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-a' }) }, ['2026-05-11', 1000000]),
    expect: { patientYen: 254180, shares: { insurer: 745820, patient: 254180 }, capYen: 254180, rules: ['copay-cap-u70-a', 'copay-cap-reached'] },
  },
  {
    name: '区分イ: 167,400 + (医療費 − 558,000) × 1%',
    source: MHLW,
    // 1,000,000 × 3割 = 300,000 > 167,400 + 442,000 × 1% = 171,820
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-i' }) }, ['2026-05-11', 1000000]),
    expect: { patientYen: 171820, capYen: 171820 },
  },
  {
    name: '区分ウ: 医療費100万円 → 87,430円',
    source: `${MHLW}: 区分ウ 医療費100万円 → 87,430円`,
    // 1,000,000 × 3割 = 300,000 > 80,100 + (1,000,000 − 267,000) × 1% = 87,430
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u' }) }, ['2026-05-11', 1000000]),
    expect: { patientYen: 87430, shares: { insurer: 912570, patient: 87430 }, capYen: 87430 },
  },
  {
    name: '区分エ: 57,600',
    source: MHLW,
    // 1,000,000 × 3割 = 300,000 > 57,600
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-e' }) }, ['2026-05-11', 1000000]),
    expect: { patientYen: 57600, capYen: 57600 },
  },
  {
    name: '区分オ: 35,400',
    source: MHLW,
    // 200,000 × 3割 = 60,000 > 35,400
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-o' }) }, ['2026-05-11', 200000]),
    expect: { patientYen: 35400, shares: { insurer: 164600, patient: 35400 }, capYen: 35400 },
  },
  {
    name: '区分ウ: 1%の項は1円未満四捨五入（330.05 → 330）',
    source: MHLW,
    // 300,005 × 3割 = 90,001.5 → 90,000; cap 80,100 + 33,005 × 1% (330.05 → 330) = 80,430
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u' }) }, ['2026-05-11', 300005]),
    expect: { patientYen: 80430, capYen: 80430 },
  },
  {
    name: '区分ウ: 1%の項は1円未満四捨五入（330.5 → 331）',
    source: MHLW,
    // 300,050 × 3割 = 90,015 → 90,020; cap 80,100 + 33,050 × 1% (330.5 → 331) = 80,431 — charged to the yen
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u' }) }, ['2026-05-11', 300050]),
    expect: { patientYen: 80431, shares: { insurer: 219619, patient: 80431 }, capYen: 80431 },
  },
  {
    name: '区分エ 月の途中: 1回目は通常の3割',
    source: MHLW,
    // 100,000 × 3割 = 30,000 ≤ 57,600
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-e' }) }, ['2026-05-07', 100000]),
    expect: { patientYen: 30000, shares: { insurer: 70000, patient: 30000 }, capYen: 57600 },
  },
  {
    name: '区分エ 月の途中: 2回目で上限に達する（一部減額）',
    source: MHLW,
    // visit 1: 30,000; visit 2: 100,000 × 3割 = 30,000 > 57,600 − 30,000 = 27,600
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-e' }) }, ['2026-05-07', 100000], ['2026-05-14', 100000]),
    expect: { patientYen: 27600, shares: { insurer: 72400, patient: 27600 }, capYen: 57600, rules: ['copay-cap-reached'] },
  },
  {
    name: '区分エ 月の途中: 3回目は0円',
    source: MHLW,
    // visits 1–2 paid 30,000 + 27,600 = 57,600 = cap; visit 3: 50,000 × 3割 = 15,000 → 0
    input: copayCase(
      { birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-e' }) },
      ['2026-05-07', 100000],
      ['2026-05-14', 100000],
      ['2026-05-21', 50000],
    ),
    expect: { patientYen: 0, shares: { insurer: 50000, patient: 0 }, capYen: 57600 },
  },
  {
    name: '区分ウ 月の途中: 上限到達後も1%分だけ負担',
    source: MHLW,
    // visit 1: 200,000 → 60,000 (cap 80,100). visit 2: 60,000 vs 80,100 + 133,000 × 1% = 81,430 − 60,000 = 21,430.
    // visit 3: 15,000 vs 80,100 + 183,000 × 1% = 81,930 − 81,430 = 500
    input: copayCase(
      { birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u' }) },
      ['2026-05-07', 200000],
      ['2026-05-14', 200000],
      ['2026-05-21', 50000],
    ),
    expect: { patientYen: 500, shares: { insurer: 49500, patient: 500 }, capYen: 81930 },
  },
  {
    name: '区分ウ 多数回該当: 44,400',
    source: MHLW,
    // 1,000,000 × 3割 = 300,000 > 44,400
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u', manyTimes: true }) }, ['2026-05-11', 1000000]),
    expect: { patientYen: 44400, capYen: 44400, rules: ['copay-cap-many-times'] },
  },
  {
    name: '区分ア 多数回該当: 140,100',
    source: MHLW,
    // 1,000,000 × 3割 = 300,000 > 140,100
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-a', manyTimes: true }) }, ['2026-05-11', 1000000]),
    expect: { patientYen: 140100, capYen: 140100 },
  },
  {
    name: '区分オ 多数回該当: 24,600',
    source: MHLW,
    // 100,000 × 3割 = 30,000 > 24,600
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-o', manyTimes: true }) }, ['2026-05-11', 100000]),
    expect: { patientYen: 24600, capYen: 24600 },
  },
  {
    name: '70歳以上 一般: 外来に多数回該当はない（18,000のまま）',
    source: MHLW,
    // 200,000 × 2割 = 40,000 > 18,000 (no 多数回 for the outpatient individual cap)
    input: copayCase({ birthDate: '1953-11-20', insurance: insurance({ limitCategory: 'o70-general', manyTimes: true }) }, ['2026-05-20', 200000]),
    expect: { patientYen: 18000, capYen: 18000, rules: ['copay-cap-many-times-none'] },
  },
  {
    name: '70歳未満 区分なし: 窓口では上限なし',
    source: '健康保険法施行令43条（限度額適用の現物給付は区分の確認が前提）',
    // 1,000,000 × 3割 = 300,000 (the patient claims 高額療養費 later)
    input: copayCase({ birthDate: ADULT }, ['2026-05-11', 1000000]),
    expect: { patientYen: 300000, shares: { insurer: 700000, patient: 300000 }, capYen: null, rules: ['copay-cap-u70-none'] },
  },
  {
    name: '特定疾病（人工透析）10,000: 区分なしでも上限',
    source: SPECIFIC,
    // visit 1: 400,000 × 3割 = 120,000 → 10,000; visit 2: 30,000 × 3割 = 9,000 → 10,000 − 10,000 = 0
    input: copayCase(
      { birthDate: ADULT, insurance: insurance({ specificDisease: { code: 'dialysis', monthlyLimitYen: 10000 } }) },
      ['2026-05-07', 400000],
      ['2026-05-09', 30000],
    ),
    expect: { patientYen: 0, shares: { insurer: 30000, patient: 0 }, capYen: 10000, rules: ['copay-cap-specific-disease'] },
  },
  {
    name: '特定疾病 20,000（区分アの上位所得者の透析）',
    source: SPECIFIC,
    // 400,000 × 3割 = 120,000; cap min(252,600, 20,000) = 20,000
    input: copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-a', specificDisease: { code: 'dialysis', monthlyLimitYen: 20000 } }) }, [
      '2026-05-07',
      400000,
    ]),
    expect: { patientYen: 20000, shares: { insurer: 380000, patient: 20000 }, capYen: 20000 },
  },

  // ── national programmes ──
  {
    name: '生活保護（被用者保険あり）: 保険7割、残りを医療扶助',
    source: WELFARE,
    // 10,000 × 3割 = 3,000 → 生活保護 pays 3,000
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(WELFARE_NO)] }, ['2026-05-11', 10000]),
    expect: { patientYen: 0, shares: { insurer: 7000, 'public:12': 3000, patient: 0 } },
  },
  {
    name: '生活保護単独（保険なし）: 医療扶助が全額',
    source: WELFARE,
    // 10,000 all to 生活保護
    input: copayCase({ birthDate: ADULT, insurance: null, publicExpenses: [publicExpense(WELFARE_NO)] }, ['2026-05-11', 10000]),
    expect: { patientYen: 0, shares: { 'public:12': 10000, patient: 0 }, ratio: null, capYen: null, rules: ['copay-ratio-public-only', 'copay-public-12'] },
  },
  {
    name: '保険なし・公費は有効期間外: 全額自己負担',
    source: '公費受給者証の有効期間; 保険資格なし（自費）',
    // 生活保護 valid from 2026-05-15; the visit of 2026-05-11: 10,000 paid by the patient
    input: copayCase({ birthDate: ADULT, insurance: null, publicExpenses: [publicExpense(WELFARE_NO, { validFrom: '2026-05-15' })] }, ['2026-05-11', 10000]),
    expect: { patientYen: 10000, shares: { patient: 10000 }, ratio: null, rules: ['copay-public-out-of-validity', 'copay-self-pay'] },
  },
  {
    name: '結核（感染症法37条の2）: 自己負担 5%',
    source: '感染症法37条の2（一般患者: 医療費の5%を自己負担）',
    // 12,345 × 3割 = 3,703.5 → 3,700; 12,345 × 5% = 617.25 → 620; 結核 pays 3,080
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(TB_NO)] }, ['2026-05-11', 12345]),
    expect: { patientYen: 620, shares: { insurer: 8645, 'public:10': 3080, patient: 620 } },
  },
  {
    name: '精神通院: 1割、上限 5,000 のうち上限額管理票で 3,000 既払、当月2回目で上限',
    source: SUPPORT,
    // visit 1: 8,000 × 3割 = 2,400; 1割 800 ≤ 5,000 − 3,000 = 2,000 → 800.
    // visit 2: 20,000 × 3割 = 6,000; 1割 2,000 > 2,000 − 800 = 1,200 → 1,200; 精神通院 pays 4,800
    input: copayCase(
      { birthDate: ADULT, publicExpenses: [publicExpense(SEISHIN_NO, { monthlyCapYen: 5000, alreadyPaidYen: 3000 })] },
      ['2026-05-08', 8000],
      ['2026-05-22', 20000],
    ),
    expect: { patientYen: 1200, shares: { insurer: 14000, 'public:21': 4800, patient: 1200 } },
  },
  {
    name: '更生医療: 1割が上限 2,500 を超える',
    source: SUPPORT,
    // 30,000 × 3割 = 9,000; 1割 3,000 > 2,500 → 2,500; 更生医療 pays 6,500
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(KOSEI_NO, { monthlyCapYen: 2500 })] }, ['2026-05-11', 30000]),
    expect: { patientYen: 2500, shares: { insurer: 21000, 'public:15': 6500, patient: 2500 } },
  },
  {
    name: '育成医療（3歳、保険2割）: 1割',
    source: `${SUPPORT}; ${PRESCHOOL}`,
    // 12,340 × 2割 = 2,468 → 2,470; 1割 1,234 → 1,230 ≤ 5,000; 育成医療 pays 1,240
    input: copayCase({ birthDate: '2022-10-10', publicExpenses: [publicExpense(IKUSEI_NO, { monthlyCapYen: 5000 })] }, ['2026-05-11', 12340]),
    expect: { patientYen: 1230, shares: { insurer: 9870, 'public:16': 1240, patient: 1230 } },
  },
  {
    name: '難病（特定医療費）2割、上限 10,000 に当月2回目で到達',
    source: NANBYO,
    // visit 1: 40,000 × 3割 = 12,000; 2割 8,000. visit 2: 20,000 × 3割 = 6,000; 2割 4,000 > 10,000 − 8,000 = 2,000 → 2,000
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 10000 })] }, ['2026-05-08', 40000], ['2026-05-22', 20000]),
    expect: { patientYen: 2000, shares: { insurer: 14000, 'public:54': 4000, patient: 2000 } },
  },
  {
    name: '難病: 保険1割（後期高齢者）の患者は1割、上限 2,000',
    source: NANBYO,
    // 30,000 × 1割 = 3,000; 難病 1割 3,000 > 2,000 → 2,000; 難病 pays 1,000
    input: copayCase(
      {
        birthDate: '1945-03-03',
        insurance: insurance({ insurerNumber: KOUKI, copayRatio: 1 }),
        publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 2000 })],
      },
      ['2026-05-11', 30000],
    ),
    expect: { patientYen: 2000, shares: { insurer: 27000, 'public:54': 1000, patient: 2000 } },
  },
  {
    name: '小児慢性特定疾病: 2割、上限 2,500',
    source: '児童福祉法19条の2（小児慢性特定疾病医療費: 2割、自己負担上限月額）',
    // 20,000 × 3割 = 6,000; 2割 4,000 > 2,500 → 2,500; 小慢 pays 3,500
    input: copayCase({ birthDate: CHILD8, publicExpenses: [publicExpense(SHOMAN_NO, { monthlyCapYen: 2500 })] }, ['2026-05-11', 20000]),
    expect: { patientYen: 2500, shares: { insurer: 14000, 'public:52': 3500, patient: 2500 } },
  },
  {
    name: '公害健康被害（全額公費）',
    source: '公害健康被害の補償等に関する法律19条（療養の給付: 本人負担なし）',
    // 10,000 × 3割 = 3,000 all to the programme
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(KOGAI_NO, { kind: 'full' })] }, ['2026-05-11', 10000]),
    expect: { patientYen: 0, shares: { insurer: 7000, 'public:97': 3000, patient: 0 }, rules: ['copay-public-full'] },
  },
  {
    name: '戦傷病者（法別13）: 本人負担なし',
    source: '戦傷病者特別援護法10条（療養の給付）',
    // 後期 1割: 10,000 × 1割 = 1,000, all to the programme
    input: copayCase({ birthDate: '1925-01-01', insurance: insurance({ insurerNumber: KOUKI, copayRatio: 1 }), publicExpenses: [publicExpense(SENSHO_NO)] }, [
      '2026-05-11',
      10000,
    ]),
    expect: { patientYen: 0, shares: { insurer: 9000, 'public:13': 1000, patient: 0 } },
  },
  {
    name: '特定疾患治療研究（法別51）: 本人負担なし',
    source: '特定疾患治療研究事業（スモン等: 自己負担なし）',
    // 10,000 × 3割 = 3,000 all to the programme
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(TOKUTEI_NO)] }, ['2026-05-11', 10000]),
    expect: { patientYen: 0, shares: { insurer: 7000, 'public:51': 3000, patient: 0 } },
  },
  {
    name: '難病 + 生活保護: 入力順によらず 54 → 12 の順',
    source: `${PRIORITY}; ${NANBYO}; ${WELFARE}`,
    // 40,000 × 3割 = 12,000; 難病 2割 8,000 (cap 10,000) → pays 4,000; 生活保護 pays the remaining 8,000
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(WELFARE_NO), publicExpense(NANBYO_NO, { monthlyCapYen: 10000 })] }, [
      '2026-05-11',
      40000,
    ]),
    expect: { patientYen: 0, shares: { insurer: 28000, 'public:54': 4000, 'public:12': 8000, patient: 0 }, rules: ['copay-public-priority'] },
  },
  {
    name: '精神通院 + 難病: 21 が先、難病は残りに適用',
    source: `${PRIORITY}; ${SUPPORT}; ${NANBYO}`,
    // 50,000 × 3割 = 15,000; 精神通院 1割 5,000 ≤ 10,000 → pays 10,000, leaves 5,000;
    // 難病 2割 10,000 → min(5,000, 10,000) = 5,000 > cap 3,000 → 3,000, pays 2,000
    input: copayCase(
      {
        birthDate: ADULT,
        publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 3000 }), publicExpense(SEISHIN_NO, { monthlyCapYen: 10000 })],
      },
      ['2026-05-11', 50000],
    ),
    expect: { patientYen: 3000, shares: { insurer: 35000, 'public:21': 10000, 'public:54': 2000, patient: 3000 } },
  },
  {
    name: '公費の有効期間外（前月末で終了）: 適用しない',
    source: '公費受給者証の有効期間',
    // 難病 valid to 2026-04-30, visit 2026-05-11: 10,000 × 3割 = 3,000 paid by the patient
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 5000, validTo: '2026-04-30' })] }, ['2026-05-11', 10000]),
    expect: { patientYen: 3000, shares: { insurer: 7000, patient: 3000 }, rules: ['copay-public-out-of-validity'] },
  },
  {
    name: '上限 0 円の難病受給者（生活保護世帯）: 負担なし',
    source: NANBYO,
    // 10,000 × 3割 = 3,000; cap 0 → 難病 pays 3,000
    input: copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 0 })] }, ['2026-05-11', 10000]),
    expect: { patientYen: 0, shares: { insurer: 7000, 'public:54': 3000, patient: 0 } },
  },

  // ── local subsidies ──
  {
    name: '子ども医療費助成: 1回 500円',
    source: '地方単独事業（子ども医療費助成: 1回500円）',
    // 5,000 × 3割 = 1,500; patient 500, the subsidy 1,000
    input: copayCase({ birthDate: CHILD8, localSubsidies: [localSubsidy({ perVisitYen: 500 })] }, ['2026-05-11', 5000]),
    expect: { patientYen: 500, shares: { insurer: 3500, local: 1000, patient: 500 }, rules: ['copay-local-subsidy'] },
  },
  {
    name: '子ども医療費助成: 負担が500円未満ならその額',
    source: '地方単独事業（子ども医療費助成: 1回500円を限度）',
    // 1,000 × 3割 = 300 < 500 → 300; subsidy 0
    input: copayCase({ birthDate: CHILD8, localSubsidies: [localSubsidy({ perVisitYen: 500 })] }, ['2026-05-11', 1000]),
    expect: { patientYen: 300, shares: { insurer: 700, local: 0, patient: 300 } },
  },
  {
    name: '子ども医療費助成: 月額上限 800円（2回目は残り300円）',
    source: '地方単独事業（1回500円、月額上限）',
    // visit 1: 500; visit 2: 1,500 → 500 > 800 − 500 = 300 → 300; subsidy 1,200
    input: copayCase(
      { birthDate: CHILD8, localSubsidies: [localSubsidy({ perVisitYen: 500, monthlyCapYen: 800 })] },
      ['2026-05-11', 5000],
      ['2026-05-18', 5000],
    ),
    expect: { patientYen: 300, shares: { insurer: 3500, local: 1200, patient: 300 } },
  },
  {
    name: '子ども医療費助成: 月2回まで負担、3回目から0円',
    source: '地方単独事業（1回500円、月2回まで）',
    // visits 1–2: 500 each; visit 3: free, the subsidy pays 1,500
    input: copayCase(
      { birthDate: CHILD8, localSubsidies: [localSubsidy({ perVisitYen: 500, maxChargedVisits: 2 })] },
      ['2026-05-11', 5000],
      ['2026-05-18', 5000],
      ['2026-05-25', 5000],
    ),
    expect: { patientYen: 0, shares: { insurer: 3500, local: 1500, patient: 0 } },
  },
  {
    name: 'ひとり親家庭等医療費助成: 1割',
    source: '地方単独事業（ひとり親家庭等医療費助成: 1割負担）',
    // 12,345 × 3割 = 3,703.5 → 3,700; 1割 1,234.5 → 1,230; subsidy 2,470
    input: copayCase({ birthDate: ADULT, localSubsidies: [localSubsidy({ name: 'ひとり親家庭等医療費助成', ratio: 1 })] }, ['2026-05-11', 12345]),
    expect: { patientYen: 1230, shares: { insurer: 8645, local: 2470, patient: 1230 } },
  },
  {
    name: '小児慢性 + 子ども医療費助成: 国の公費の後に地単',
    source: `${PRIORITY}; 地方単独事業は国の公費の後`,
    // 20,000 × 3割 = 6,000; 小慢 2割 4,000 ≤ 5,000 → pays 2,000; local 500 → pays 3,500
    input: copayCase(
      { birthDate: CHILD8, publicExpenses: [publicExpense(SHOMAN_NO, { monthlyCapYen: 5000 })], localSubsidies: [localSubsidy({ perVisitYen: 500 })] },
      ['2026-05-11', 20000],
    ),
    expect: { patientYen: 500, shares: { insurer: 14000, 'public:52': 2000, local: 3500, patient: 500 } },
  },
];

describe('computeCopay — cases', () => {
  it('has at least 30 cases, each with a source', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const c of cases) expect(c.source.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = computeCopay(c.input);
    const cost = c.input.visits[c.input.visits.length - 1].costYen;
    expect(r.patientYen).toBe(c.expect.patientYen);
    // The shares of the visit add up exactly to its cost, each a named, non-negative whole amount.
    expect(r.shares.reduce((sum, s) => sum + s.yen, 0)).toBe(cost);
    for (const s of r.shares) {
      expect(Number.isSafeInteger(s.yen) && s.yen >= 0).toBe(true);
      expect(s.rule).toMatch(/^copay-/);
      expect(s.text.length).toBeGreaterThan(0);
    }
    expect(r.shares.at(-1)).toMatchObject({ payer: 'patient', yen: r.patientYen });
    // every share's rule is among the applied rules (with its source)
    for (const s of r.shares) expect(r.rules.map((x) => x.id)).toContain(s.rule);
    for (const rule of r.rules) {
      expect(rule.id).toMatch(/^copay-/);
      expect(rule.text.length).toBeGreaterThan(0);
      expect(rule.source.length).toBeGreaterThan(0);
    }
    if (c.expect.shares) expect(sharesOf(r)).toEqual(c.expect.shares);
    if (c.expect.capYen !== undefined) expect(r.capYen).toBe(c.expect.capYen);
    if (c.expect.ratio !== undefined) expect(r.ratio).toBe(c.expect.ratio);
    if (c.expect.age !== undefined) expect(r.age).toBe(c.expect.age);
    for (const id of c.expect.rules ?? []) expect(r.rules.map((x) => x.id)).toContain(id);
  });
});

describe('computeCopay — the month', () => {
  it('is deterministic and leaves its input untouched', () => {
    const input = copayCase(
      { birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u' }), publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 10000 })] },
      ['2026-05-07', 200000],
      ['2026-05-14', 200000],
    );
    const before = structuredClone(input);
    expect(computeCopay(input)).toEqual(computeCopay(input));
    expect(input).toEqual(before);
  });

  it('counts the earlier visits: the same visit alone costs the patient more', () => {
    const alone = computeCopay(copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-e' }) }, ['2026-05-14', 100000]));
    const second = computeCopay(
      copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-e' }) }, ['2026-05-07', 100000], ['2026-05-14', 100000]),
    );
    // alone: 30,000; after a first visit of 30,000: 57,600 − 30,000 = 27,600
    expect(alone.patientYen).toBe(30000);
    expect(second.patientYen).toBe(27600);
    expect(second.insuranceCopayYen).toBe(27600);
  });

  it('reports the insurance share before the programmes and the cap text with its figures', () => {
    const r = computeCopay(copayCase({ birthDate: ADULT, insurance: insurance({ limitCategory: 'u70-u' }) }, ['2026-05-11', 1000000]));
    expect(r.insuranceCopayYen).toBe(87430);
    expect(r.rules.find((x) => x.id === 'copay-cap-u70-u')?.text).toContain('87,430');
    const withNanbyo = computeCopay(
      copayCase({ birthDate: ADULT, publicExpenses: [publicExpense(NANBYO_NO, { monthlyCapYen: 5000 })] }, ['2026-05-11', 100000]),
    );
    // 100,000 × 3割 = 30,000 before the programme; 難病 2割 20,000 > cap 5,000 → 5,000
    expect(withNanbyo.insuranceCopayYen).toBe(30000);
    expect(withNanbyo.patientYen).toBe(5000);
  });
});

// ───────────────────────────── bad input ─────────────────────────────

interface BadCase {
  name: string;
  input: CopayInput;
  path: string;
  /** A part of the Japanese message. */
  ja?: string;
}

const base = (over: Partial<CaseOptions> = {}, ...visits: [string, number][]): CopayInput =>
  copayCase({ birthDate: ADULT, ...over }, ...(visits.length > 0 ? visits : ([['2026-05-11', 1000]] as [string, number][])));

const badCases: BadCase[] = [
  { name: 'negative cost', input: base({}, ['2026-05-11', -10]), path: 'visits[0].costYen', ja: '総医療費' },
  { name: 'non-integer cost', input: base({}, ['2026-05-07', 1000], ['2026-05-11', 100.5]), path: 'visits[1].costYen' },
  { name: 'no visits', input: { ...base(), visits: [] }, path: 'visits' },
  { name: 'ratio 4', input: base({ insurance: insurance({ copayRatio: 4 as never }) }), path: 'patient.insurance.copayRatio', ja: '1割・2割・3割' },
  { name: 'ratio 0', input: base({ insurance: insurance({ copayRatio: 0 as never }) }), path: 'patient.insurance.copayRatio' },
  {
    name: 'unknown limit category',
    input: base({ insurance: insurance({ limitCategory: 'u70-z' as never }) }),
    path: 'patient.insurance.limitCategory',
    ja: 'u70-z',
  },
  {
    name: 'an under-70 category for a 72-year-old',
    input: copayCase({ birthDate: '1953-11-20', insurance: insurance({ limitCategory: 'u70-u' }) }, ['2026-05-11', 1000]),
    path: 'patient.insurance.limitCategory',
    ja: '区分ウ',
  },
  {
    name: 'a 70+ category for a 45-year-old',
    input: base({ insurance: insurance({ limitCategory: 'o70-general' }) }),
    path: 'patient.insurance.limitCategory',
  },
  { name: 'a visit of another month', input: base({}, ['2026-04-30', 1000], ['2026-05-11', 1000]), path: 'visits[0].date', ja: '同じ月' },
  { name: 'date not YYYY-MM-DD', input: base({}, ['2026/05/11', 1000]), path: 'visits[0].date', ja: 'YYYY-MM-DD' },
  { name: 'a day that does not exist', input: base({}, ['2026-02-30', 1000]), path: 'visits[0].date' },
  { name: 'visits not oldest first', input: base({}, ['2026-05-11', 1000], ['2026-05-07', 1000]), path: 'visits[1].date' },
  { name: 'bad birth date', input: copayCase({ birthDate: '1980-13-01' }, ['2026-05-11', 1000]), path: 'patient.birthDate' },
  {
    name: 'insurer number of 6 digits',
    input: base({ insurance: insurance({ insurerNumber: '138016' }) }),
    path: 'patient.insurance.insurerNumber',
    ja: '8桁',
  },
  {
    name: 'public payer number of 7 digits',
    input: base({ publicExpenses: [publicExpense('5413601')] }),
    path: 'patient.publicExpenses[0].payerNumber',
    ja: '5413601',
  },
  {
    name: 'unknown 法別番号',
    input: base({ publicExpenses: [publicExpense(WELFARE_NO), publicExpense('88136015')] }),
    path: 'patient.publicExpenses[1].payerNumber',
    ja: '88136015',
  },
  { name: '難病 without its monthly cap', input: base({ publicExpenses: [publicExpense(NANBYO_NO)] }), path: 'patient.publicExpenses[0].monthlyCapYen' },
  {
    name: 'negative monthly cap',
    input: base({ publicExpenses: [publicExpense(SEISHIN_NO, { monthlyCapYen: -1 })] }),
    path: 'patient.publicExpenses[0].monthlyCapYen',
  },
  {
    name: 'fractional already-paid amount',
    input: base({ publicExpenses: [publicExpense(SEISHIN_NO, { monthlyCapYen: 5000, alreadyPaidYen: 10.5 })] }),
    path: 'patient.publicExpenses[0].alreadyPaidYen',
  },
  {
    name: 'bad programme validity date',
    input: base({ publicExpenses: [publicExpense(WELFARE_NO, { validTo: '2026-5-31' })] }),
    path: 'patient.publicExpenses[0].validTo',
  },
  {
    name: 'local payer number of 9 digits',
    input: base({ localSubsidies: [localSubsidy({ payerNumber: '881350131' })] }),
    path: 'patient.localSubsidies[0].payerNumber',
  },
  { name: 'local ratio 1.5', input: base({ localSubsidies: [localSubsidy({ ratio: 1.5 })] }), path: 'patient.localSubsidies[0].ratio' },
  { name: 'elderly ratio 1', input: base({ insurance: insurance({ elderly: { copayRatio: 1 } }) }), path: 'patient.insurance.elderly.copayRatio' },
  {
    name: 'specific disease limit 0',
    input: base({ insurance: insurance({ specificDisease: { code: 'dialysis', monthlyLimitYen: 0 } }) }),
    path: 'patient.insurance.specificDisease.monthlyLimitYen',
  },
  { name: 'a visit after the insurance was lost', input: base({ insurance: insurance({ lostOn: '2026-05-01' }) }), path: 'patient.insurance.lostOn' },
];

describe('computeCopay — bad input', () => {
  it.each(badCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let error: unknown;
    try {
      computeCopay(c.input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CopayInputError);
    const e = error as CopayInputError;
    expect(e.path).toBe(c.path);
    expect(e.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    expect(e.en.length).toBeGreaterThan(0);
    if (c.ja) expect(e.message).toContain(c.ja);
  });
});
