/**
 * Code system URLs the code checks read. Source: the JP-CLINS 1.5.2 package (jp-eCSCLINS.r4-1.5.2-snap.tgz) —
 * the StructureDefinitions JP_Condition_eCS (code.coding slices), JP_Observation_LabResult_eCS (code.coding slices),
 * JP_AllergyIntolerance_eCS (code definition), JP_MedicationRequest_eCS (medication[x] slices, invariant R3010) and
 * the CodeSystems of the package; J-FAGY URLs also from the J-FAGY guide (github.com/jami-fhir-jp-wg/JFAGY, index.md).
 */

/** 病名管理番号 (MEDIS 標準病名マスター, 8 digits): the slice medisRecordNo (1..*) of JP_Condition_eCS. */
export const DISEASE_KEY_NUMBER = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';
/** レセプト電算処理用傷病名コード (7 digits): the slice receipt of JP_Condition_eCS. */
export const DISEASE_RECEIPT = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterB-disease';

/** 臨床検査項目基本コードセット (the core lab items), JLAC10 17 digits: slices coreLaboJLAC10/* . */
export const JLAC10_CORE = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS';
/** 感染症検査項目リスト, JLAC10 17 digits: slices infectionLaboJLAC10/* . */
export const JLAC10_INFECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS';
/** The same lists in JLAC11 (no JLAC11 CodeSystem in the package: codes under these cannot be verified here). */
export const JLAC11_CORE = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC11/JP_CLINS_ObsLabResult_CoreLabo_CS';
export const JLAC11_INFECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC11/JP_CLINS_ObsLabResult_InfectionLabo_CS';
/** 一般項目JLACコード: any JLAC10 17-digit code (slice jlac10LaboCode), and its OID form (IG lab coding rule (3)). */
export const JLAC10_GENERAL = ['http://medis.or.jp/CodeSystem/master-JLAC10-17digits', 'urn:oid:1.2.392.200119.4.504'];
/** 未標準化コード: the one code 99999999999999999, display 未標準化コード項目(JLAC) (slice unCoded). */
export const LAB_UNCODED = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_Uncoded_CS';
export const LAB_UNCODED_CODE = '99999999999999999';
/** 施設固有コード: the facility's local item code, required on every lab result (slice localLaboCode). */
export const LAB_LOCAL = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS';
/** Observation.category of a lab result (JP_Observation_LabResult_eCS, slice laboratory). */
export const OBSERVATION_CATEGORY = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS';

/** J-FAGY food (J9F…), non-food non-medicine (J9N…) and medicine allergen codes; codes carry their 3-letter meta code. */
export const JFAGY_FOOD = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS';
export const JFAGY_NON_FOOD = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyNonFoodNonMedicationAllergen_CS';
export const JFAGY_MEDICATION = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyMedicationAllergen_CS';
/** The two medicine forms JP_AllergyIntolerance_eCS names: YCM + YJ code, GCM + YJ with its last 3 as ZZZ. */
export const JFAGY_MEDICATION_YCM = 'http://jpfhir.jp/fhir/core/CodeSystem/YCM/JP_JfagyMedicationAllergen_CS';
export const JFAGY_MEDICATION_GCM = 'http://jpfhir.jp/fhir/core/CodeSystem/GCM/JP_JfagyMedicationAllergen_CS';
export const JFAGY_MEDICATION_SYSTEMS = [JFAGY_MEDICATION, JFAGY_MEDICATION_YCM, JFAGY_MEDICATION_GCM];
/**
 * J-FAGY dummy codes (コード化不可コード: the allergen is named in code.text only). The codes as the J-FAGY list for
 * CLINS carries them (JFAGY csv_files_forCLINS/JFAGY_J9FN_20240709_1107CLINS.csv, rows 1–3).
 */
export const JFAGY_DUMMY = { food: 'D9F000000000', medication: 'D9M000000000', nonFood: 'D9N000000000' } as const;

/** 個別医薬品コード (YJ code, 12 characters): slice codingYJ of JP_MedicationRequest_eCS (NamingSystem JP_MedicationCodeYJ). */
export const YJ = 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code';
/** 厚生労働省 一般名処方マスタ code (YJ's first 9 + ZZZ): slice codingGeneralName. */
export const MEDICATION_GENERAL_NAME = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode';
/** 標準コードなし: the code NOCODED (slice nocoded), the drug named in text only. */
export const MEDICATION_NOCODED = 'http://jpfhir.jp/fhir/eCS/CodeSystem/MedicationCodeNocoded_CS';
export const MEDICATION_NOCODED_CODE = 'NOCODED';
