/**
 * 一部負担金割合 on a visit date: 未就学 2割, 後期高齢者 as recorded, 高齢受給者 (70–74) 2割 or 3割, otherwise as
 * recorded (normally 3割); null for 公費単独 (no insurance).
 */
import type { AppliedRule, CopayRatio, PatientInput } from '../model/types.ts';
import { ageOn, elderlyFrom, isPreschool } from './age.ts';
import { within } from './dates.ts';
import { SOURCES } from './sources.ts';

export interface RatioDecision {
  /** 年齢 on the visit date. */
  age: number;
  /** 一部負担金割合 in tenths; null for 公費単独. */
  ratio: CopayRatio | null;
  /** 70歳以上の高額療養費区分 apply (高齢受給者, or 後期高齢者 at any age). */
  over70: boolean;
  /** 後期高齢者医療 (保険者番号 39…). */
  kouki: boolean;
  rule: AppliedRule;
}

/** 後期高齢者医療の保険者番号 (法別番号 39). */
export function isKoukiInsurer(insurerNumber: string): boolean {
  return insurerNumber.startsWith('39');
}

/** The patient's ratio under the insurance on `date` (the input is assumed validated by computeCopay). */
export function copayRatioOn(patient: PatientInput, date: string): RatioDecision {
  const age = ageOn(patient.birthDate, date);
  const ins = patient.insurance;
  if (!ins) {
    return {
      age,
      ratio: null,
      over70: false,
      kouki: false,
      rule: { id: 'copay-ratio-public-only', text: '保険なし（公費単独）: 保険者負担なし、公費が医療費の全額に適用', source: SOURCES.publicOnly },
    };
  }
  if (isPreschool(patient.birthDate, date)) {
    return {
      age,
      ratio: 2,
      over70: false,
      kouki: false,
      rule: { id: 'copay-ratio-preschool', text: `未就学児（${age}歳）: 2割`, source: SOURCES.preschool },
    };
  }
  if (isKoukiInsurer(ins.insurerNumber)) {
    return {
      age,
      ratio: ins.copayRatio,
      over70: true,
      kouki: true,
      rule: { id: 'copay-ratio-kouki', text: `後期高齢者医療（${age}歳）: ${ins.copayRatio}割`, source: SOURCES.kouki },
    };
  }
  if (date >= elderlyFrom(patient.birthDate)) {
    const elderly = ins.elderly && within(date, ins.elderly.validFrom, ins.elderly.validTo) ? ins.elderly : null;
    const active = ins.limitCategory?.startsWith('o70-active') ?? false;
    const ratio: CopayRatio = elderly ? elderly.copayRatio : active ? 3 : 2;
    const why = elderly ? '高齢受給者証の割合' : active ? '現役並み所得（限度額適用区分）' : '一般・低所得';
    return {
      age,
      ratio,
      over70: true,
      kouki: false,
      rule: { id: 'copay-ratio-elderly', text: `高齢受給者（70～74歳、${age}歳）: ${ratio}割（${why}）`, source: SOURCES.elderly },
    };
  }
  return {
    age,
    ratio: ins.copayRatio,
    over70: false,
    kouki: false,
    rule: { id: 'copay-ratio-recorded', text: `${age}歳: ${ins.copayRatio}割（保険証の割合）`, source: SOURCES.recorded },
  };
}
