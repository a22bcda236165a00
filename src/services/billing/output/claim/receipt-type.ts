/**
 * レセプト種別 (別表5 レセプト種別コード) and 負担区分 (別表21 負担区分コード) of an outpatient 医科 receipt —
 * 「オンライン又は光ディスク等による請求に係る記録条件仕様（医科用）」.
 *
 * レセプト種別: 1 医科; then 1 医保（社保・国保）, 2 公費, 3 後期高齢者; then 1 単独, 2–5 with 1–4 公費 (公費だけなら 1
 * 単独, 2–4 = 2–4種の公費併用); then the 入院外 kind: 2 本人, 4 未就学者, 6 家族, 8 高齢受給者一般・低所得者, 0 高齢受給者7割
 * (公費単独: 2 入院外). E.g. 1112 医保単独・本人, 1114 未就学者, 1116 家族, 1118 / 1110 高齢受給者, 1122 医保と1種の公費併用,
 * 1318 後期高齢者単独 一般, 1310 後期高齢者 7割, 1212 公費単独, 1222 2種の公費併用.
 */
import type { PatientInput } from '../../model/types.ts';
import { OutputError } from '../errors.ts';

/** 後期高齢者医療の保険者番号 (法別番号 39). */
export const isLateElderly = (insurerNumber: string) => insurerNumber.startsWith('39');

/** 国民健康保険 (市町村・国保組合): a 6-digit 保険者番号, or the platform's canonical 8 digits (left-padded with 00). */
export const isNationalHealthInsurance = (insurerNumber: string) => /^(00)?\d{6}$/.test(insurerNumber);

/** Before the first 31 March after the 6th birthday (未就学者, 6歳に達する日以後の最初の3月31日以前). */
export function isPreschool(birthDate: string, date: string): boolean {
  const [y, m, d] = birthDate.split('-').map(Number);
  const reached = new Date(Date.UTC(y + 6, m - 1, d - 1)).toISOString().slice(0, 10);
  const endYear = reached.slice(5) <= '03-31' ? Number(reached.slice(0, 4)) : Number(reached.slice(0, 4)) + 1;
  return date <= `${endYear}-03-31`;
}

/** The 4-digit レセプト種別 of the month's outpatient receipt (`date`: the first visit, for the age). */
export function receiptType(patient: PatientInput, publicCount: number, date: string, path: string): string {
  const ins = patient.insurance;
  if (!ins) {
    if (publicCount < 1 || publicCount > 4) {
      throw new OutputError(
        `公費単独のレセプトには1〜4種の公費が必要です（${publicCount}種）`,
        'public-only receipt needs 1–4 programmes',
        `${path}.publicExpenses`,
      );
    }
    return `12${publicCount}2`;
  }
  if (publicCount > 4) {
    throw new OutputError(`医保と併用できる公費は4種までです（${publicCount}種）`, 'at most 4 programmes with insurance', `${path}.publicExpenses`);
  }
  const elderlyRatio = ins.elderly?.copayRatio;
  if (isLateElderly(ins.insurerNumber)) return `13${publicCount + 1}${ins.copayRatio === 3 ? 0 : 8}`;
  let kind: number;
  if (elderlyRatio !== undefined) kind = elderlyRatio === 3 ? 0 : 8;
  else if (isPreschool(patient.birthDate, date)) kind = 4;
  else if (ins.relationship === 'insured') kind = 2;
  else if (ins.relationship === 'dependant') kind = 6;
  else {
    throw new OutputError(
      '本人・家族の別（relationship）がないため、レセプト種別を決められません',
      'relationship is needed for the receipt type',
      `${path}.insurance.relationship`,
    );
  }
  return `11${publicCount + 1}${kind}`;
}

/**
 * 負担区分 of every line when all of them are covered by the insurance and each 公費 (this output's assumption):
 * 1 医保, 2 医保・公費1, 4 医保・公費1・公費2, V 医保と公費1〜3, 9 医保と公費1〜4; without insurance 5 公費1, 7 公費1・2,
 * R 公費1〜3, Z 公費1〜4.
 */
export function burdenCode(hasInsurance: boolean, publicCount: number): string {
  return (hasInsurance ? ['1', '2', '4', 'V', '9'] : ['', '5', '7', 'R', 'Z'])[publicCount];
}
