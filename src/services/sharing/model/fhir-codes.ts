/** Code systems, identifier systems, extensions and profiles of JP-CLINS the sharing service reads and writes. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';

/** meta.tag flags of an item (JP_ehrshrs_indication): 未告知 UNINFORMED, 未提供 UNDELIVERED, 長期保存 LTS. */
export const INDICATION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication';
/** Bundle.meta.tag of a JP_Bundle_CLINS: the resource category it carries. */
export const BUNDLE_RESOURCE_TYPE_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS';
/** The registering facility on every item (医療機関コード, 10 digits). */
export const INSTITUTION_NUMBER_EXTENSION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
export const INSTITUTION_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
/** The business identifier of an item (re-registration with the same one replaces the item). */
export const RESOURCE_INSTANCE_IDENTIFIER = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';

export const PROFILES = {
  clins: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS',
  referral: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral',
  dischargeSummary: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eDischargeSummary',
  patientSummary: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_ePCS',
} as const;

/**
 * The access label the service puts on every item it stores (meta.security): a controlled label no grant opens, so
 * through the generic FHIR API an item is read only by its registrant (and the person) — other facilities see items
 * through the service's views alone, where consent groups, 未提供, holds and retention are applied.
 */
export const SHARING_LABEL_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/sharing-access`;
export const SHARED_ITEM_LABEL = { system: SHARING_LABEL_SYSTEM, code: 'shared-item', display: '電子カルテ情報共有サービスの登録情報' } as const;
/** Items (and documents) the person they are about does not see: 未告知 diagnoses, referral letters. */
export const PERSON_WITHHELD_LABEL = { system: SHARING_LABEL_SYSTEM, code: 'withheld-from-person', display: '本人非表示' } as const;
export const labelKeyOf = (l: { system: string; code: string }) => `${l.system}|${l.code}`;

/** Subscription topic: a new or changed item of the 6 information about the subscriber (the patient; not 未告知 items). */
export const CLINICAL_INFORMATION_TOPIC = `${TSUNAGU_CANONICAL}/SubscriptionTopic/clinical-information-registered`;
