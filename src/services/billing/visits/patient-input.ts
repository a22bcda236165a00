/**
 * The patient part of a case from the facility's reception (資格確認 as the desk was answered — never from the
 * browser): insurance, 限度額適用区分, 高齢受給者, 特定疾病, 公費 with their recipient numbers. What the reception does
 * not know is given by the desk: the monthly caps on the 公費 recipient certificates, the amounts already paid
 * elsewhere (上限額管理票), 多数回該当 and local subsidies.
 */
import type { FacilityReception } from '../../eligibility/index.ts';
import type { LocalSubsidyInput, PatientInput } from '../model/types.ts';

/** What the desk adds to a 公費 the reception answered. */
export interface PublicExpenseCap {
  payerNumber: string;
  monthlyCapYen?: number;
  alreadyPaidYen?: number;
}

export interface DeskInput {
  caps: PublicExpenseCap[];
  localSubsidies: LocalSubsidyInput[];
  manyTimes: boolean;
}

export function patientFromReception(reception: FacilityReception, desk: DeskInput): PatientInput {
  const { record: r, copayRatio, elderly, specificDiseases, publicExpenses } = reception.eligibility;
  const disease = specificDiseases[0];
  return {
    id: reception.patientId,
    name: `${r.familyName} ${r.givenName}`.trim(),
    ...(r.familyNameKana || r.givenNameKana ? { nameKana: `${r.familyNameKana} ${r.givenNameKana}`.trim() } : {}),
    birthDate: r.birthDate,
    sex: r.sex,
    insurance: {
      insurerNumber: r.insurerNumber,
      symbol: r.symbol,
      number: r.number,
      branch: r.branch,
      relationship: r.relationship,
      copayRatio,
      limitCategory: r.limitCategory,
      elderly: elderly ? { copayRatio: elderly.copayRatio, validFrom: elderly.validFrom, validTo: elderly.validTo } : null,
      manyTimes: desk.manyTimes,
      specificDisease: disease ? { code: disease.code, monthlyLimitYen: disease.monthlyLimitYen } : null,
      acquiredOn: r.acquiredOn,
      lostOn: r.lostOn,
    },
    publicExpenses: publicExpenses.map((p) => {
      const cap = desk.caps.find((c) => c.payerNumber === p.payerNumber);
      return {
        payerNumber: p.payerNumber,
        recipientNumber: p.recipientNumber,
        ...(cap?.monthlyCapYen !== undefined ? { monthlyCapYen: cap.monthlyCapYen } : {}),
        ...(cap?.alreadyPaidYen !== undefined ? { alreadyPaidYen: cap.alreadyPaidYen } : {}),
        validFrom: p.validFrom,
        validTo: p.validTo,
      };
    }),
    localSubsidies: desk.localSubsidies,
  };
}
