/**
 * The demo world's numbers: 医療機関コード of the clinic, hospital, the two pharmacies and the check-up provider, 保険者番号 of
 * the insurers, 公費負担者番号 of the public-expense programmes. Fictional numbers in the real formats — the 検証番号
 * (check digit) computed by the platform's rule (src/platform/identity/check-digit.ts), so every API accepts them.
 */
import { mod10Weight21 } from '../platform/identity/check-digit.ts';

const withCheckDigit = (body: string) => `${body}${mod10Weight21(body)}`;

/** 医療機関コード: 都道府県 13 (東京都) + 点数表 (1 医科, 4 調剤) + 郡市区 + 医療機関番号 + 検証番号. */
export const FACILITY_CODES = {
  clinic: withCheckDigit('131012345'),
  hospital: withCheckDigit('131020012'),
  pharmacy: withCheckDigit('134012346'),
  /** あおぞら薬局: a second pharmacy (a prescription it accepted is locked against みどり薬局). */
  otherPharmacy: withCheckDigit('134056781'),
  /** 健診機関番号 (10 digits); also its 医療機関コード, under which its system registers reports. */
  checkup: withCheckDigit('131095678'),
} as const;

export type DemoFacilityKey = keyof typeof FACILITY_CODES;

/** 保険者番号: 法別番号 + 都道府県 + 保険者別番号 + 検証番号 (国民健康保険: 6 digits, no 法別番号). */
export const INSURER_NUMBERS = {
  /** 全国健康保険協会 東京支部 (協会けんぽ): 法別 01. */
  kyokai: '01130012',
  /** 市町村国保: 6 digits. */
  kokuho: withCheckDigit('13801'),
  /** 後期高齢者医療広域連合: 法別 39. */
  koki: withCheckDigit('3913001'),
} as const;

export type DemoInsurerKey = keyof typeof INSURER_NUMBERS;

/** 公費負担者番号 (法別 + 都道府県 + 実施機関 + 検証番号) and how a 受給者番号 is made (6 digits + 検証番号). */
export const PUBLIC_EXPENSE_PAYERS = {
  /** 指定難病 (難病法, 法別 54). */
  nanbyo: withCheckDigit('5413601'),
  /** 乳幼児医療費助成（マル乳, 地方単独事業 法別 88）. */
  infant: withCheckDigit('8813201'),
  /** 義務教育就学児医療費助成（マル子, 地方単独事業 法別 88）. */
  child: withCheckDigit('8813202'),
} as const;

export const recipientNumber = (body6: string) => withCheckDigit(body6);
