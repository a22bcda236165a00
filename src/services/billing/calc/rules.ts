/**
 * The fee rules the calculation applies, each with its source. Texts are Japanese (they reach the receipt screen);
 * sources name the notice: 告示 = 「診療報酬の算定方法」(平成20年厚生労働省告示第59号) 別表第一 医科診療報酬点数表;
 * 留意事項通知 = 「診療報酬の算定方法の一部改正に伴う実施上の留意事項について」(the notice of each revision).
 */
import type { AppliedRule } from '../model/types.ts';

const KOKUJI = '診療報酬の算定方法（平成20年厚生労働省告示第59号）別表第一';
const RYUI = '留意事項通知（診療報酬の算定方法の一部改正に伴う実施上の留意事項について）';

type RuleTemplate = Omit<AppliedRule, 'text'> & { text: (...args: string[]) => string };

const rule = (id: string, source: string, text: (...args: string[]) => string): RuleTemplate => ({ id, source, text });

export const FEE_RULES = {
  pointValue: rule('point-10-yen', '診療報酬の算定方法 第一号（1点の単価は10円）', () => '1点を10円として総医療費を計算しました'),
  firstVisit: rule('A000-first', `${KOKUJI} A000 初診料`, () => '初診料を算定しました'),
  firstAfterPause: rule(
    'A000-after-a-month',
    `${RYUI} A000（任意に診療を中止し1月以上経過した後の受診は初診）`,
    (last) => `前回の受診（${last}）から1月以上経過し治療が継続していないため初診としました`,
  ),
  revisit: rule('A001-revisit', `${KOKUJI} A001 再診料`, () => '再診料を算定しました'),
  sameDayRevisit: rule('A001-same-day', `${RYUI} A001（同一日に2回以上の再診はその都度算定）`, () => '同じ日の2回目以降の受診のため同日再診料を算定しました'),
  noBasicFee: rule('no-basic-fee', `${KOKUJI} 第1章第1部 初・再診料`, () => '診察を伴わない受診のため初診料・再診料を算定しません'),
  timeAddition: rule(
    'A000-A001-time',
    `${KOKUJI} A000 注7・A001 注5（時間外・休日・深夜加算）; ${RYUI} A000（時間外・休日・深夜の定義）`,
    (band) => `${band}の受診のため加算しました`,
  ),
  infantAddition: rule('A000-A001-infant', `${KOKUJI} A000 注6・A001 注4（乳幼児加算: 6歳未満）`, (age) => `${age}歳（6歳未満）のため乳幼児加算を算定しました`),
  infantTimeAddition: rule(
    'A000-A001-infant-time',
    `${KOKUJI} A000 注7・A001 注5 括弧書き（6歳未満の時間外・休日・深夜加算）`,
    (band) => `6歳未満の${band}の受診のため乳幼児${band}加算を算定しました`,
  ),
  ageLimit: rule('master-age-limit', '医科診療行為マスター 下限年齢・上限年齢', (name, age) => `${name} は ${age}歳では算定できません（年齢制限）`),
  managementNotOnFirst: rule('A001-management-revisit-only', `${KOKUJI} A001 注8（外来管理加算は再診時）`, () => '外来管理加算は初診時には算定できません'),
  managementBlocked: rule(
    'A001-management-blocked',
    `${KOKUJI} A001 注8; 医科診療行為マスター 外来管理加算区分`,
    (other) => `同じ日に ${other} を行ったため外来管理加算は算定できません`,
  ),
  managementAfterFirst: rule(
    'B000-after-first-visit',
    `${KOKUJI} B000 注（初診の日から1月以内の管理は初診料に含まれる）`,
    (first) => `初診日（${first}）から1月以内のため特定疾患療養管理料は算定できません`,
  ),
  countLimit: rule(
    'count-limit',
    '電子点数表 算定回数テーブル; 医科診療行為マスター 上限回数',
    (name, limit) => `${name} は${limit}までのため算定回数を超える分を算定しません`,
  ),
  inclusion: rule('inclusion', '電子点数表 包括テーブル', (name, including) => `${name} は ${including} に包括されるため算定しません`),
  exclusion: rule('exclusion', '電子点数表 背反テーブル（併算定不可）', (name, other, scope) => `${name} は${scope} ${other} と併せて算定できません`),
  prescriptionFee: rule('F400-prescription', `${KOKUJI} F400 処方箋料（処方箋の交付1回につき）`, (n) => `院外処方箋を${n}回交付したため処方箋料を算定しました`),
  genericName1: rule(
    'F400-generic-name-1',
    `${KOKUJI} F400 注 一般名処方加算１; ${RYUI} F400`,
    () => '処方箋のすべての薬剤（2品目以上）が一般名処方のため一般名処方加算１を算定しました',
  ),
  genericName2: rule(
    'F400-generic-name-2',
    `${KOKUJI} F400 注 一般名処方加算２; ${RYUI} F400`,
    () => '一般名処方の薬剤を含むため一般名処方加算２を算定しました',
  ),
  inHouseNotPriced: rule(
    'F-in-house-not-priced',
    `${KOKUJI} 第2章第5部 投薬`,
    (id) => `院内処方${id ? `（${id}）` : ''}の処方料・調剤料・薬剤料は自動では算定しません（薬価の点数マスターがありません）。必要なら入力してください`,
  ),
  judgementFee: rule('D026-judgement', `${KOKUJI} D026 検体検査判断料（月1回）`, (name) => `${name} を算定しました（その月の最初の検査）`),
  judgementBilled: rule('D026-once-a-month', `${KOKUJI} D026（月1回に限り算定）`, (name) => `${name} はこの月に算定済みです`),
  bundle: rule(
    'D007-bundle',
    `${KOKUJI} D007 注（包括して算定する項目数に応じた所定点数）`,
    (name, n, points) => `${name} を${n}項目行ったため包括して${points}点としました`,
  ),
} as const;

export type FeeRuleName = keyof typeof FEE_RULES;

/** An applied rule: the template's id and source with its text filled in. */
export function applied(name: FeeRuleName, ...args: string[]): AppliedRule {
  const r = FEE_RULES[name];
  return { id: r.id, source: r.source, text: r.text(...args) };
}
