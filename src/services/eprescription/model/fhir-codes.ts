/** The FHIR systems and codes the e-prescription service reads and writes (JP_Bundle_ePrescriptionData, JP Core). */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';

export const PRESCRIPTION_PROFILE = 'http://jpfhir.jp/fhir/ePrescription/StructureDefinition/JP_Bundle_ePrescriptionData';

export const PROFILES = {
  prescription: PRESCRIPTION_PROFILE,
  dispense: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationDispense',
} as const;

/** 保険種別 (Coverage.type): 1 医療保険, 8 公費 (MHLW CDA 別表11). */
export const COVERAGE_TYPE_SYSTEM = 'urn:oid:1.2.392.100495.20.2.61';
/** 保険者番号 (Organization.identifier of the payer). */
export const INSURER_NUMBER_SYSTEM = 'urn:oid:1.2.392.100495.20.3.61';
const CORE_EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition';
export const INSURED_SYMBOL_EXTENSION = `${CORE_EXT}/JP_Coverage_InsuredPersonSymbol`;
export const INSURED_NUMBER_EXTENSION = `${CORE_EXT}/JP_Coverage_InsuredPersonNumber`;
export const INSURED_BRANCH_EXTENSION = `${CORE_EXT}/JP_Coverage_InsuredPersonSubNumber`;
/** 後発品変更不可コード (MHLW CDA 別表8): 0 変更可, 1 後発品変更不可, 2 剤形変更不可, 3 含量規格変更不可. */
export const SUBSTITUTION_SYSTEM = 'urn:oid:1.2.392.100495.20.2.41';
/** 処方箋区分: 01 一般処方箋, 02 麻薬処方箋, 03 分割一般処方. */
export const PRESCRIPTION_CATEGORY_SYSTEM = 'http://jpfhir.jp/fhir/ePrescription/CodeSystem/prescription-category';
export const SPLIT_CATEGORY = '03';
/** 医療機関コード (10 digits), both spellings seen in the JP FHIR packages. */
export const FACILITY_CODE_SYSTEMS = [
  'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no',
  'http://jpfhir.jp/fhir/Common/IdSystem/insurance-medical-institution-no',
];

/** Prescriptions and dispensings are named in audit records and events as Basic/<id> (they are not store resources). */
export const REFERENCE_TYPE = 'Basic';
export const prescriptionRef = (id: string) => `${REFERENCE_TYPE}/${id}`;
export const dispensingRef = (id: string) => `${REFERENCE_TYPE}/${id}`;

/** The receipt the service signs for a registered dispensing result (調剤結果登録の受付証). */
export const RECEIPT_TYPE = `${TSUNAGU_CANONICAL}/eprescription/dispensing-receipt`;
/** The topic pharmacies and patients may subscribe to. */
export const PRESCRIPTION_TOPIC = `${TSUNAGU_CANONICAL}/SubscriptionTopic/prescription-registered`;
