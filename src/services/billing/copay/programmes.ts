/**
 * 公費 (national public-expense programmes, 法別番号): what each leaves the patient to pay of the remaining share,
 * and the order they apply in (併用レセプト).
 */
import type { CopayRatio, ProgrammeLaw, PublicExpenseInput } from '../model/types.ts';
import { yen } from './format.ts';
import { shareOfCost, roundTo10Yen } from './rounding.ts';
import { SOURCES } from './sources.ts';

/** How a programme sets the patient's share: nothing, a fixed part of the cost, or a part limited by a monthly cap. */
type ShareRule = { kind: 'none' } | { kind: 'percent'; percent: number } | { kind: 'capped'; tenths: (insuranceRatio: CopayRatio | null) => number };

interface Programme {
  /** 公費の名称. */
  name: string;
  source: string;
  share: ShareRule;
}

export const PROGRAMMES: Readonly<Record<ProgrammeLaw, Programme>> = {
  '13': { name: '戦傷病者特別援護法（療養の給付）', source: SOURCES.warInjury, share: { kind: 'none' } },
  '10': { name: '感染症法（結核患者の適正医療）', source: SOURCES.tuberculosis, share: { kind: 'percent', percent: 5 } },
  '21': { name: '自立支援医療（精神通院医療）', source: SOURCES.support, share: { kind: 'capped', tenths: () => 1 } },
  '15': { name: '自立支援医療（更生医療）', source: SOURCES.support, share: { kind: 'capped', tenths: () => 1 } },
  '16': { name: '自立支援医療（育成医療）', source: SOURCES.support, share: { kind: 'capped', tenths: () => 1 } },
  '51': { name: '特定疾患治療研究事業', source: SOURCES.specifiedDiseaseResearch, share: { kind: 'none' } },
  '52': { name: '小児慢性特定疾病医療支援', source: SOURCES.childChronic, share: { kind: 'capped', tenths: () => 2 } },
  '54': { name: '難病（特定医療費）', source: SOURCES.intractable, share: { kind: 'capped', tenths: (r) => (r === 1 ? 1 : 2) } },
  '12': { name: '生活保護（医療扶助）', source: SOURCES.welfare, share: { kind: 'none' } },
};

const FULL: Programme = { name: '全額公費（公害健康被害の補償等）', source: SOURCES.full, share: { kind: 'none' } };

/** 公費の適用順 (記載要領): 法別番号 13, 10, 21, 15, 16, 51, 52, 54, then 12 生活保護 last. */
export const PRIORITY: readonly ProgrammeLaw[] = ['13', '10', '21', '15', '16', '51', '52', '54', '12'];

export function isProgrammeLaw(s: string): s is ProgrammeLaw {
  return Object.hasOwn(PROGRAMMES, s);
}

/** 法別番号: the first two digits of the 公費負担者番号. */
export function lawOf(p: PublicExpenseInput): string {
  return p.payerNumber.slice(0, 2);
}

/** The programme of an entry: its 法別番号's, or the all-paying one for kind 'full' of another 法別. */
export function programmeOf(p: PublicExpenseInput): Programme {
  const law = lawOf(p);
  const known = isProgrammeLaw(law) ? PROGRAMMES[law] : undefined;
  if (p.kind === 'full') return known ? { ...known, share: { kind: 'none' } } : FULL;
  return known!;
}

/** Indexes of `list` in the order of application (ties keep the input order; 'full' of another 法別 comes first). */
export function applicationOrder(list: readonly PublicExpenseInput[]): number[] {
  const rank = (p: PublicExpenseInput): number => {
    const law = lawOf(p);
    return isProgrammeLaw(law) ? PRIORITY.indexOf(law) : -1;
  };
  return list.map((_, i) => i).sort((a, b) => rank(list[a]) - rank(list[b]) || a - b);
}

export interface ProgrammeStep {
  /** The patient's share left after the programme (≤ the remaining share). */
  patientYen: number;
  /** Whether the monthly cap limited it. */
  capped: boolean;
  text: string;
}

/**
 * One programme on one visit: the remaining share `remainingYen` becomes the patient's share.
 * `capLeftYen`: 自己負担上限月額 − 上限額管理票の既払 − this month's earlier payments under it (null: no cap).
 */
export function programmeStep(
  p: PublicExpenseInput,
  costYen: number,
  remainingYen: number,
  insuranceRatio: CopayRatio | null,
  capLeftYen: number | null,
): ProgrammeStep {
  const programme = programmeOf(p);
  const share = programme.share;
  if (share.kind === 'none') return { patientYen: 0, capped: false, text: `${programme.name}: 患者負担なし（全額公費）` };
  if (share.kind === 'percent') {
    const own = roundTo10Yen(costYen * share.percent, 100);
    const patientYen = Math.min(remainingYen, own);
    return { patientYen, capped: false, text: `${programme.name}: 自己負担 ${yen(costYen)} × ${share.percent}% = ${yen(own)}円（10円未満四捨五入）` };
  }
  const tenths = share.tenths(insuranceRatio);
  const own = Math.min(remainingYen, shareOfCost(costYen, tenths));
  const left = Math.max(0, capLeftYen ?? Number.POSITIVE_INFINITY);
  const patientYen = Math.min(own, left);
  const capped = patientYen < own;
  const capText = capLeftYen === null ? '' : `、当月の上限残額 ${yen(left)}円`;
  return {
    patientYen,
    capped,
    text: `${programme.name}: 自己負担 ${tenths}割 ${yen(own)}円${capText} → ${yen(patientYen)}円`,
  };
}

/** Whether the programme's share depends on its monthly cap (自己負担上限月額 required). */
export function needsMonthlyCap(p: PublicExpenseInput): boolean {
  return programmeOf(p).share.kind === 'capped';
}

export function programmeName(p: PublicExpenseInput): string {
  return programmeOf(p).name;
}

export function programmeSource(p: PublicExpenseInput): string {
  return programmeOf(p).source;
}
