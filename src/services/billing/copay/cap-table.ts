/**
 * 高額療養費の自己負担限度額 (外来, per person, per facility, per month) by 限度額適用区分, from August 2018
 * (健康保険法施行令42条; 厚生労働省「高額療養費制度を利用される皆さまへ（平成30年8月診療分から）」).
 */
import type { LimitCategory } from '../model/types.ts';

export interface CapRow {
  /** 区分の名称. */
  label: string;
  /** 定額部分 (or the whole cap when there is no threshold). */
  baseYen: number;
  /** 医療費 above which 1% is added (ア・イ・ウ and 現役並み). */
  thresholdYen?: number;
  /** 多数回該当の限度額 (none for 一般・低所得の外来). */
  manyTimesYen?: number;
}

const A: Omit<CapRow, 'label'> = { baseYen: 252_600, thresholdYen: 842_000, manyTimesYen: 140_100 };
const I: Omit<CapRow, 'label'> = { baseYen: 167_400, thresholdYen: 558_000, manyTimesYen: 93_000 };
const U: Omit<CapRow, 'label'> = { baseYen: 80_100, thresholdYen: 267_000, manyTimesYen: 44_400 };

export const CAP_TABLE: Readonly<Record<LimitCategory, CapRow>> = {
  'u70-a': { label: '区分ア', ...A },
  'u70-i': { label: '区分イ', ...I },
  'u70-u': { label: '区分ウ', ...U },
  'u70-e': { label: '区分エ', baseYen: 57_600, manyTimesYen: 44_400 },
  'u70-o': { label: '区分オ', baseYen: 35_400, manyTimesYen: 24_600 },
  'o70-active3': { label: '現役並みⅢ', ...A },
  'o70-active2': { label: '現役並みⅡ', ...I },
  'o70-active1': { label: '現役並みⅠ', ...U },
  // 外来（個人ごと）; the yearly 144,000 (一般) is settled by the insurer afterwards, not at the window.
  'o70-general': { label: '一般（外来・個人ごと）', baseYen: 18_000 },
  'o70-low2': { label: '低所得Ⅱ（外来・個人ごと）', baseYen: 8_000 },
  'o70-low1': { label: '低所得Ⅰ（外来・個人ごと）', baseYen: 8_000 },
};

export function isLimitCategory(s: unknown): s is LimitCategory {
  return typeof s === 'string' && Object.hasOwn(CAP_TABLE, s);
}

/** 後期高齢者 2割負担の外来配慮措置: in force for visits from 2022-10-01 to 2025-09-30. */
export const KOUKI_TRANSITION = { from: '2022-10-01', to: '2025-09-30', baseYen: 6_000, thresholdYen: 30_000, ceilingYen: 18_000 } as const;
