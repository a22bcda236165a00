/**
 * Canonical URLs, code systems and codes the eligibility service writes into FHIR resources.
 *
 * JP Core / ePrescriptionData systems are used where they exist (JP_Coverage extensions for 記号・番号・枝番,
 * 保険種別 urn:oid:1.2.392.100495.20.2.61, 本人家族区分 urn:oid:1.2.392.100495.20.2.62, 保険者番号 and 公費負担者番号
 * identifier systems); what JP Core does not define (限度額適用区分, 高齢受給者証, 特定疾病療養受療証, 公費 on the
 * insurance Coverage, consent categories at the reader) uses Tsunagu extensions and code systems under
 * TSUNAGU_CANONICAL, documented in docs/eligibility.md.
 */

/** Base of Tsunagu's own canonical URLs (extensions, code systems, OperationDefinitions). */
export const TSUNAGU_CANONICAL = 'https://tsunagu.dev/fhir';

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
  visit: `${TSUNAGU_CANONICAL}/StructureDefinition/reception-visit`,
} as const;

export const LIMIT_CATEGORY_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/limit-category`;
export const SPECIFIC_DISEASE_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/specific-disease`;
export const PUBLIC_RECIPIENT_SYSTEM = `${TSUNAGU_CANONICAL}/IdSystem/public-expense-recipient`;
/** Identifier system of a reception visit (the id in the visit token). */
export const VISIT_ID_SYSTEM = `${TSUNAGU_CANONICAL}/IdSystem/reception-visit`;
/** Why a verification failed (card, link, eligibility or input reasons). */
export const ELIGIBILITY_REASON_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/eligibility-reason`;

/** meta.tag on every resource the eligibility registry owns (generic writes to them are refused). */
export const MANAGED_TAG = { system: `${TSUNAGU_CANONICAL}/CodeSystem/managed-by`, code: 'eligibility' } as const;
/** meta.tag naming where shared information came from (receipt / check-up import). */
export const SOURCE_TAG_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/information-source`;

/**
 * Information categories the patient consents to at the reader (閲覧同意区分). Data of a category carry the
 * security label `{ system: CONSENT_CATEGORY_SYSTEM, code }` in meta.security; the Consent names the same label
 * in provision.securityLabel.
 */
export const CONSENT_CATEGORY_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/consent-category`;

export const CONSENT_CATEGORIES = {
  medication: { ja: '薬剤情報・診療情報（手術以外）', en: 'medication and treatment information (except surgery)' },
  surgery: { ja: '手術情報', en: 'surgery information' },
  checkup: { ja: '健診情報（特定健診等）', en: 'health check-up information (specific health check-ups)' },
  ehr6: { ja: '電子カルテ情報（6情報）', en: 'EHR-shared information (the 6 information)' },
} as const;

export type ConsentCategory = keyof typeof CONSENT_CATEGORIES;
export const CONSENT_CATEGORY_CODES = Object.keys(CONSENT_CATEGORIES) as ConsentCategory[];

export function isConsentCategory(v: unknown): v is ConsentCategory {
  return typeof v === 'string' && v in CONSENT_CATEGORIES;
}

export const securityLabel = (category: ConsentCategory) => ({
  system: CONSENT_CATEGORY_SYSTEM,
  code: category,
  display: CONSENT_CATEGORIES[category].ja,
});

/** SNOMED CT "Surgical procedure": a Procedure with this category is surgery information. */
export const SURGICAL_PROCEDURE = { system: 'http://snomed.info/sct', code: '387713003' } as const;
