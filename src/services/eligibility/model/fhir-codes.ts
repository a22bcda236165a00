/**
 * Canonical URLs, code systems and codes the eligibility service writes into FHIR resources.
 *
 * JP Core / ePrescriptionData systems are used where they exist (JP_Coverage extensions for 記号・番号・枝番,
 * 保険種別 urn:oid:1.2.392.100495.20.2.61, 本人家族区分 urn:oid:1.2.392.100495.20.2.62, 保険者番号 and 公費負担者番号
 * identifier systems); what JP Core does not define (限度額適用区分, 高齢受給者証, 特定疾病療養受療証, 公費 on the
 * insurance Coverage, consent categories at the reader) uses Tsunagu extensions and code systems under
 * TSUNAGU_CANONICAL, documented in docs/eligibility.md.
 */

import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import { VISIT_EXTENSION } from '../../../platform/consent/categories.ts';

export { TSUNAGU_CANONICAL };
export {
  CONSENT_CATEGORIES,
  CONSENT_CATEGORY_CODES,
  CONSENT_CATEGORY_SYSTEM,
  isConsentCategory,
  securityLabel,
  VISIT_ID_SYSTEM,
  type ConsentCategory,
} from '../../../platform/consent/categories.ts';

export const JP_PROFILE = {
  patient: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient',
  coverage: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage',
  organization: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
  consent: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Consent',
} as const;

export const JP_COVERAGE_EXT = {
  symbol: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
  number: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
  subNumber: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber',
} as const;

/** 保険種別 (ePrescriptionData, 別表11): 1 医保, 2 国保, 7 後期高齢者, 8 公費. */
export const INSURANCE_CATEGORY_SYSTEM = 'urn:oid:1.2.392.100495.20.2.61';
/** 被保険者/被扶養者 (ePrescriptionData, 別表12): 1 被保険者, 2 被扶養者. */
export const INSURED_RELATIONSHIP_SYSTEM = 'urn:oid:1.2.392.100495.20.2.62';
/** 保険者番号 as an identifier system in ePrescriptionData (JP Core uses INSURER_NUMBER_SYSTEM; we write both). */
export const INSURER_NUMBER_OID = 'urn:oid:1.2.392.100495.20.3.61';
/** 公費負担者番号 as an identifier system in ePrescriptionData. */
export const PUBLIC_PAYER_NUMBER_OID = 'urn:oid:1.2.392.100495.20.3.71';

export const COPAY_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/coverage-copay-type';
export const ISO21090_EN_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/** Tsunagu extensions on JP_Coverage for what JP Core does not model. */
export const ELIGIBILITY_EXT = {
  /** 資格喪失年月日 (the first day not covered; Coverage.period.end is the last covered day). */
  lossDate: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-loss-date`,
  /** 限度額適用区分 (valueCoding in LIMIT_CATEGORY_SYSTEM). */
  limitCategory: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-limit-category`,
  /** 高齢受給者証: complex — copayRatio (valueInteger, 割), period (valuePeriod). */
  elderly: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-elderly-recipient`,
  /** 特定疾病療養受療証: complex — disease (valueCoding), monthlyLimit (valueMoney JPY), period (valuePeriod). */
  specificDisease: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-specific-disease`,
  /** 公費: complex — payer (valueIdentifier 公費負担者番号), recipient (valueIdentifier 受給者番号), period. */
  publicExpense: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-public-expense`,
  /** The reader visit a Consent was given at (valueIdentifier). */
  visit: VISIT_EXTENSION,
} as const;

export const LIMIT_CATEGORY_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/limit-category`;
export const SPECIFIC_DISEASE_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/specific-disease`;
export const PUBLIC_RECIPIENT_SYSTEM = `${TSUNAGU_CANONICAL}/IdSystem/public-expense-recipient`;
/** Why a verification failed (card, link, eligibility or input reasons). */
export const ELIGIBILITY_REASON_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/eligibility-reason`;

/** meta.tag on every resource the eligibility registry owns (generic writes to them are refused). */
export const MANAGED_TAG = { system: `${TSUNAGU_CANONICAL}/CodeSystem/managed-by`, code: 'eligibility' } as const;
/** meta.tag naming where shared information came from (receipt / check-up import). */
export const SOURCE_TAG_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/information-source`;

/** SNOMED CT "Surgical procedure": a Procedure with this category is surgery information. */
export const SURGICAL_PROCEDURE = { system: 'http://snomed.info/sct', code: '387713003' } as const;
