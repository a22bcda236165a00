/**
 * Fee calculation cases, table-driven: each names its rule source and the exact figures (sample master = 令和6年度
 * values for dates up to 2026-05-31, 令和8年度 values of the rows that have them from 2026-06-01). Figures are worked
 * out by hand in the comments.
 */
import type { VisitCase, VisitInput } from '../../src/services/billing/model/types.ts';

export const KOKUJI = '診療報酬の算定方法（平成20年厚生労働省告示第59号）別表第一';

export interface FeeCase {
  name: string;
  source: string;
  case: VisitCase;
  expect:
    | { totalPoints: number; codes?: string[]; removed?: string[]; patientYen?: number; encounter?: string; rules?: string[] }
    | { status: number; code: string; expression: string; text: RegExp };
}

/** 2025-04-14 is a Monday. */
export const MONDAY = '2025-04-14';

export function baseCase(visit: Partial<VisitInput> = {}, patient: Partial<VisitCase['patient']> = {}, history: VisitInput[] = []): VisitCase {
  return {
    facility: { code: '1312345', prefecture: '13', name: 'つなぐ内科クリニック' },
    patient: {
      name: '山田 太郎',
      birthDate: '1980-05-10',
      sex: 'male',
      insurance: { insurerNumber: '06132013', symbol: '12', number: '345', copayRatio: 3, limitCategory: null },
      ...patient,
    },
    visit: { date: MONDAY, time: '10:00', lastVisitDate: '2025-03-20', items: [], ...visit },
    history,
  };
}

const visit = (date: string, items: string[], extra: Partial<VisitInput> = {}): VisitInput => ({
  date,
  time: '10:00',
  lastVisitDate: '2025-03-20',
  items: items.map((code) => ({ code })),
  ...extra,
});
const items = (...codes: string[]) => codes.map((code) => ({ code }));

const BIOCHEM = ['160017410', '160019010', '160019210', '160019310', '160019410', '160020910', '160022510', '160022610', '160020410', '160023410'];

export const FEE_CASES: FeeCase[] = [
  {
    name: '初診（平日・診療時間内）',
    source: `${KOKUJI} A000 初診料 291点; 健康保険法75条（10円未満四捨五入）`,
    // 291点 = 2,910円 × 3割 = 873 → 870円
    case: baseCase({ lastVisitDate: null }),
    expect: { totalPoints: 291, codes: ['111000110'], encounter: 'first', patientYen: 870 },
  },
  {
    name: '再診 + 外来管理加算',
    source: `${KOKUJI} A001 再診料 75点・注8 外来管理加算 52点`,
    // 127点 = 1,270円 × 3割 = 381 → 380円
    case: baseCase({ items: items('112011010') }),
    expect: { totalPoints: 127, codes: ['112007410', '112011010'], encounter: 'revisit', patientYen: 380 },
  },
  {
    name: '同日再診（同じ日の2回目）',
    source: '留意事項通知 A001（同一日に2回以上の再診はその都度算定）; 健康保険法75条',
    // 1回目 初診 2,910円 → 870円; 2回目 同日再診 75点 = 750 × 3割 = 225 → 230円（…5 は切り上げ）
    case: baseCase({ time: '16:00' }, {}, [visit(MONDAY, [], { lastVisitDate: null })]),
    expect: { totalPoints: 75, codes: ['112008350'], encounter: 'same-day-revisit', patientYen: 230 },
  },
  {
    name: '1月以上中断後の受診は初診',
    source: '留意事項通知 A000（任意に診療を中止し1月以上経過した後の受診は初診）',
    case: baseCase({ lastVisitDate: '2025-02-10', continuingTreatment: false }),
    expect: { totalPoints: 291, encounter: 'first', rules: ['A000-after-a-month'] },
  },
  {
    name: '治療継続中なら2か月ぶりでも再診',
    source: `${KOKUJI} A001 再診料`,
    case: baseCase({ lastVisitDate: '2025-02-10', continuingTreatment: true }),
    expect: { totalPoints: 75, encounter: 'revisit' },
  },
  {
    name: '時間外加算（初診・平日19:30）',
    source: `${KOKUJI} A000 注7 時間外加算 85点`,
    // 376点 = 3,760円 × 3割 = 1,128 → 1,130円
    case: baseCase({ time: '19:30', lastVisitDate: null }),
    expect: { totalPoints: 376, codes: ['111000110', '111000570'], patientYen: 1130 },
  },
  {
    name: '休日加算（再診・日曜日）',
    source: `${KOKUJI} A001 注5 休日加算 190点; 留意事項通知 A000（休日の定義）`,
    case: baseCase({ date: '2025-04-13' }),
    expect: { totalPoints: 265, codes: ['112007410', '112001210'] },
  },
  {
    name: '休日加算（祝日と申告された平日）',
    source: `${KOKUJI} A001 注5 休日加算 190点`,
    case: baseCase({ date: '2025-04-29', holiday: true }),
    expect: { totalPoints: 265, codes: ['112007410', '112001210'] },
  },
  {
    name: '深夜加算（再診・23:00）',
    source: `${KOKUJI} A001 注5 深夜加算 420点`,
    case: baseCase({ time: '23:00' }),
    expect: { totalPoints: 495, codes: ['112007410', '112001310'] },
  },
  {
    name: '土曜12時以降は時間外（標榜時間の既定）',
    source: `${KOKUJI} A001 注5 時間外加算 65点; 留意事項通知 A000（時間外の定義）`,
    case: baseCase({ date: '2025-04-19', time: '13:00' }),
    expect: { totalPoints: 140, codes: ['112007410', '112001110'] },
  },
  {
    name: '標榜時間内（夜間診療の診療所・19:00）は加算なし',
    source: '留意事項通知 A000（時間外は保険医療機関が表示する診療時間以外の時間）',
    case: { ...baseCase({ time: '19:00' }), facility: { code: '1312345', prefecture: '13', hours: { weekday: ['09:00', '20:00'] } } },
    expect: { totalPoints: 75, codes: ['112007410'] },
  },
  {
    name: '乳幼児加算（初診・2歳）',
    source: `${KOKUJI} A000 注6 乳幼児加算 75点; 健康保険法74条（未就学 2割）`,
    // 366点 = 3,660円 × 2割 = 732 → 730円
    case: baseCase({ lastVisitDate: null }, { birthDate: '2023-01-01' }),
    expect: { totalPoints: 366, codes: ['111000110', '111000370'], patientYen: 730 },
  },
  {
    name: '乳幼児深夜加算（再診・3歳・23:30）',
    source: `${KOKUJI} A001 注5 括弧書き（6歳未満の深夜 590点）`,
    case: baseCase({ time: '23:30' }, { birthDate: '2021-09-30' }),
    expect: { totalPoints: 665, codes: ['112007410', '112014970'] },
  },
  {
    name: '成人に入力された乳幼児加算は算定しない',
    source: `${KOKUJI} A000 注6（6歳未満の乳幼児に限る）`,
    case: baseCase({ lastVisitDate: null, items: items('111000370') }),
    expect: { totalPoints: 291, codes: ['111000110'], removed: ['111000370'] },
  },
  {
    name: '外来管理加算は初診では算定しない',
    source: `${KOKUJI} A001 注8（再診時の加算）`,
    case: baseCase({ lastVisitDate: null, items: items('112011010') }),
    expect: { totalPoints: 291, removed: ['112011010'] },
  },
  {
    name: '特定疾患療養管理料は月2回まで',
    source: `${KOKUJI} B000 特定疾患療養管理料（月2回に限り算定）`,
    case: baseCase({ date: '2025-04-24', items: items('113001810') }, {}, [visit('2025-04-03', ['113001810']), visit('2025-04-14', ['113001810'])]),
    expect: { totalPoints: 75, removed: ['113001810'], rules: ['count-limit'] },
  },
  {
    name: '初診の日の特定疾患療養管理料は算定しない',
    source: `${KOKUJI} B000 注（初診の日から1月以内の管理の費用は初診料に含まれる）`,
    case: baseCase({ lastVisitDate: null, items: items('113001810') }),
    expect: { totalPoints: 291, removed: ['113001810'], rules: ['B000-after-first-visit'] },
  },
  {
    name: '同じ月の初診から1月以内の特定疾患療養管理料は算定しない',
    source: `${KOKUJI} B000 注`,
    case: baseCase({ date: '2025-04-21', items: items('113001810') }, {}, [visit('2025-04-01', [], { lastVisitDate: null })]),
    expect: { totalPoints: 75, removed: ['113001810'] },
  },
  {
    name: '前月の初診日から1月を過ぎれば特定疾患療養管理料を算定',
    source: `${KOKUJI} B000 特定疾患療養管理料（診療所）225点`,
    case: baseCase({ firstVisitDate: '2025-03-10', items: items('113001810') }),
    expect: { totalPoints: 300 },
  },
  {
    name: '前月の初診日から1月以内（3/20 初診 → 4/14）は算定しない',
    source: `${KOKUJI} B000 注`,
    case: baseCase({ firstVisitDate: '2025-03-20', items: items('113001810') }),
    expect: { totalPoints: 75, removed: ['113001810'] },
  },
  {
    name: '血液学的検査判断料を自動算定（末梢血液一般・HbA1c・採血料）',
    source: `${KOKUJI} D005・D026 血液学的検査判断料 125点・D400 静脈採血料 40点`,
    // 75 + 21 + 49 + 40 + 125 = 310点
    case: baseCase({ items: items('160008010', '160010010', '160095710') }),
    expect: { totalPoints: 310, codes: ['112007410', '160008010', '160010010', '160095710', '160061810'] },
  },
  {
    name: '判断料は月1回（同じ月の2回目の検査では算定しない）',
    source: `${KOKUJI} D026（月1回に限り算定）`,
    case: baseCase({ date: '2025-04-21', items: items('160008010') }, {}, [visit('2025-04-07', ['160008010'])]),
    expect: { totalPoints: 96, codes: ['112007410', '160008010'], rules: ['D026-once-a-month'] },
  },
  {
    name: '生化学的検査（１）4項目は個別に算定',
    source: `${KOKUJI} D007 注（5項目以上で包括）`,
    // 11 × 4 = 44 + 判断料 144 + 再診 75 = 263点
    case: baseCase({ items: items(...BIOCHEM.slice(0, 4)) }),
    expect: { totalPoints: 263 },
  },
  {
    name: '生化学的検査（１）5項目 → 93点',
    source: `${KOKUJI} D007 注 イ（5項目以上7項目以下 93点）`,
    // 93 + 144 + 75 = 312点（個別なら 55点）
    case: baseCase({ items: items(...BIOCHEM.slice(0, 5)) }),
    expect: { totalPoints: 312, rules: ['D007-bundle'] },
  },
  {
    name: '生化学的検査（１）8項目 → 99点',
    source: `${KOKUJI} D007 注 ロ（8項目又は9項目 99点）`,
    case: baseCase({ items: items(...BIOCHEM.slice(0, 8)) }),
    expect: { totalPoints: 318 },
  },
  {
    name: '生化学的検査（１）10項目 → 103点',
    source: `${KOKUJI} D007 注 ハ（10項目以上 103点）`,
    // 103 + 144 + 75 = 322点
    case: baseCase({ items: items(...BIOCHEM) }),
    expect: { totalPoints: 322 },
  },
  {
    name: '一般名処方加算１と２は併算定不可（点数の高い１を算定）',
    source: `${KOKUJI} F400 注7（一般名処方加算１又は２のいずれか）; 電子点数表 背反テーブル`,
    // 再診 75 + 処方箋料 60 + 一般名処方加算１ 10 = 145点
    case: baseCase({ items: items('120002910', '120004270', '120003570') }),
    expect: { totalPoints: 145, removed: ['120003570'], rules: ['exclusion'] },
  },
  {
    name: '生活習慣病管理料１に包括される検査・判断料・特定疾患療養管理料',
    source: `${KOKUJI} B001-3 生活習慣病管理料（Ⅰ）（検査等の費用は所定点数に含まれる）; 電子点数表 包括テーブル`,
    // 再診 75 + 生活習慣病管理料１ 660 = 735点
    case: baseCase({ items: items('113041810', '113001810', '160010010') }),
    expect: { totalPoints: 735, codes: ['112007410', '113041810'], removed: ['113001810', '160010010', '160061810'] },
  },
  {
    name: '同じ月に生活習慣病管理料１を算定済みなら特定疾患療養管理料は算定しない',
    source: `${KOKUJI} B001-3; 電子点数表 包括テーブル（同一月）`,
    case: baseCase({ date: '2025-04-21', items: items('113001810') }, {}, [visit('2025-04-07', ['113041810'])]),
    expect: { totalPoints: 75, removed: ['113001810'] },
  },
  {
    name: '静脈採血料は1日1回',
    source: `${KOKUJI} D400 静脈採血料（1日につき）`,
    case: baseCase({ time: '16:00', items: items('160095710') }, {}, [visit(MONDAY, ['160095710'])]),
    expect: { totalPoints: 75, removed: ['160095710'] },
  },
  {
    name: '改定前日の再診料は75点',
    source: `${KOKUJI}（令和6年厚生労働省告示第57号）A001 再診料 75点`,
    case: baseCase({ date: '2026-05-29' }),
    expect: { totalPoints: 75 },
  },
  {
    name: '改定後（令和8年6月1日）の再診料は76点',
    source: '令和8年度診療報酬改定 A001 再診料 76点（医科診療行為マスター 令和8年度版）',
    case: baseCase({ date: '2026-06-01', lastVisitDate: '2026-05-20' }),
    expect: { totalPoints: 76 },
  },
  {
    name: '高齢受給者 2割（72歳・初診）',
    source: '健康保険法74条1項2号（70歳以上 2割）; 健康保険法75条',
    // 2,910円 × 2割 = 582 → 580円
    case: baseCase({ lastVisitDate: null }, { birthDate: '1953-01-15', insurance: { insurerNumber: '06132013', copayRatio: 3, elderly: { copayRatio: 2 } } }),
    expect: { totalPoints: 291, patientYen: 580 },
  },
  {
    name: '院外処方箋（すべて一般名処方・2品目）→ 処方箋料 + 一般名処方加算１',
    source: `${KOKUJI} F400 処方箋料 60点・注 一般名処方加算１ 10点`,
    // 再診 75 + 60 + 10 = 145点
    case: baseCase({
      prescriptions: [
        {
          kind: 'outpatient',
          lines: [
            { name: '【般】アムロジピン錠5mg', generic: true },
            { name: '【般】ロサルタンK錠50mg', generic: true },
          ],
        },
      ],
    }),
    expect: { totalPoints: 145, codes: ['112007410', '120002910', '120004270'], rules: ['F400-prescription', 'F400-generic-name-1'] },
  },
  {
    name: '院外処方箋（一般名処方と銘柄名の混在）→ 一般名処方加算２',
    source: `${KOKUJI} F400 注 一般名処方加算２ 8点（1品目でも一般名処方）`,
    case: baseCase({
      prescriptions: [
        {
          kind: 'outpatient',
          lines: [
            { name: '【般】アムロジピン錠5mg', generic: true },
            { name: 'ノルバスク錠5mg', generic: false },
          ],
        },
      ],
    }),
    expect: { totalPoints: 143, codes: ['112007410', '120002910', '120003570'] },
  },
  {
    name: '院外処方箋（銘柄名のみ）→ 処方箋料のみ; 入力した処方箋料は重ねない',
    source: `${KOKUJI} F400 処方箋料（交付1回につき）`,
    case: baseCase({ items: items('120002910'), prescriptions: [{ kind: 'outpatient', lines: [{ name: 'ノルバスク錠5mg', generic: false }] }] }),
    expect: { totalPoints: 135, codes: ['112007410', '120002910'] },
  },
  {
    name: '院内処方は自動算定しない（規則で知らせる）',
    source: `${KOKUJI} 第2章第5部 投薬`,
    case: baseCase({ prescriptions: [{ kind: 'in-house', lines: [{ name: 'カロナール錠200', generic: false }] }] }),
    expect: { totalPoints: 75, rules: ['F-in-house-not-priced'] },
  },
  // ── bad input: precise OperationOutcomes ──
  {
    name: '点数マスターにないコード',
    source: '医科診療行為マスター',
    case: baseCase({ items: items('199999999') }),
    expect: { status: 422, code: 'code-invalid', expression: 'visit.items[0].code', text: /199999999 は点数マスターにありません/ },
  },
  {
    name: '廃止されたコード（令和6年改定で廃止された特定疾患処方管理加算１）',
    source: '医科診療行為マスター 廃止年月日; 令和6年度改定（特定疾患処方管理加算１の廃止）',
    case: baseCase({ items: items('120002910', '120002570') }),
    expect: {
      status: 422,
      code: 'business-rule',
      expression: 'visit.items[1].code',
      text: /特定疾患処方管理加算１（処方箋料）（120002570） は 2025-04-14 には算定できません（2024-05-31 で廃止/,
    },
  },
  {
    name: '改定後（令和8年6月）の処方箋料と一般名処方加算',
    source: '令和8年度診療報酬改定 F400 処方箋料・注6 一般名処方加算（サンプル: 公開資料の値）',
    // 再診 76 + 処方箋料 68 + 一般名処方加算１ 8 = 152点
    case: baseCase({ date: '2026-06-15', lastVisitDate: '2026-06-01', items: items('120002910', '120004270') }),
    expect: { totalPoints: 152 },
  },
  {
    name: 'まだ算定できない日付（マスターの版が始まる前）',
    source: '医科診療行為マスター 変更年月日',
    case: baseCase({ date: '2024-05-20', lastVisitDate: '2024-05-01' }),
    expect: { status: 422, code: 'business-rule', expression: 'visit.date', text: /まだ算定できません/ },
  },
  {
    name: '資格取得日より前の受診',
    source: '健康保険法（資格取得日から保険給付）',
    case: baseCase({}, { insurance: { insurerNumber: '06132013', copayRatio: 3, acquiredOn: '2025-05-01' } }),
    expect: { status: 422, code: 'business-rule', expression: 'visit.date', text: /資格取得日 2025-05-01 より前/ },
  },
  {
    name: '資格喪失日以後の受診',
    source: '健康保険法（資格喪失後は給付なし）',
    case: baseCase({}, { insurance: { insurerNumber: '06132013', copayRatio: 3, lostOn: '2025-04-01' } }),
    expect: { status: 422, code: 'business-rule', expression: 'visit.date', text: /資格喪失日 2025-04-01 以後/ },
  },
];
