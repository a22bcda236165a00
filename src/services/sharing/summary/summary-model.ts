/**
 * The patient summary (患者サマリー, JP_Bundle_ePCS, MISSION.md S3 ❹): a facility registers, per person, its main and
 * secondary diagnoses (主病名・副病名, Condition) and the care plan / advice (療養上の計画・アドバイス, CarePlan); the
 * person sees them with their allergies, infections, labs and prescriptions of the 6 information.
 *
 * Storage: the summary's Composition, Conditions and CarePlan are kept in the store labelled SHARED_ITEM_LABEL (no
 * grant opens it: through the generic API only the registering facility and the person read them) and tagged
 * SUMMARY_TAG. The Conditions are NOT diagnosis items of the 6 information: a summary is written for the person, and
 * turning it into items would share its diagnoses with every consented facility (❸) without the facility asking for
 * it, and tie the summary's replacement to the items' registration and withdrawal. A facility shares diagnoses through
 * `$register-clinical-information`. One summary per person and facility: a new registration is a new version.
 */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import { PROFILES } from '../model/fhir-codes.ts';
import type { ItemKind } from '../model/kinds.ts';

export const SUMMARY_PROFILE = PROFILES.patientSummary;
export const SUMMARY_BUNDLE_NAME = 'JP_Bundle_ePCS';
export const SUMMARY_TYPES = new Set(['Composition', 'Condition', 'CarePlan']);

/** meta.tag on the stored resources of a summary. */
export const SUMMARY_TAG = { system: `${TSUNAGU_CANONICAL}/CodeSystem/sharing-document`, code: 'patient-summary', display: '患者サマリー' } as const;

/** Condition extension saying 主病名 (code principal of ex-diagnosistype). */
export const DIAGNOSIS_TYPE_EXTENSION = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_DiagnosisType';

/** What each entry of the `$patient-summary` answer is (Bundle.entry.extension, valueCode). */
export const PART_EXTENSION = `${TSUNAGU_CANONICAL}/StructureDefinition/patient-summary-part`;
export type SummaryPart = 'summary' | 'main-diagnosis' | 'secondary-diagnosis' | 'care-plan' | ItemKind;

/** The 6 information shown with the summaries (the person's own diagnoses come from the summaries). */
export const SUMMARY_ITEM_KINDS: ItemKind[] = ['drug-allergy', 'other-allergy', 'infection', 'lab', 'prescription'];

/** Is a Condition a main diagnosis (主病名)? */
export function isMainDiagnosis(condition: Record<string, unknown>): boolean {
  const ext = (condition.extension as { url?: string; valueCodeableConcept?: { coding?: { code?: string }[] } }[] | undefined) ?? [];
  return ext.some((e) => e?.url === DIAGNOSIS_TYPE_EXTENSION && (e.valueCodeableConcept?.coding ?? []).some((c) => c?.code === 'principal'));
}

/** A row of sharing_summaries. */
export interface SummaryRow {
  summary_id: string;
  patient_key: string;
  facility: string;
  document_id: string;
  resources: string[];
  version: number;
  registered_at: Date;
}
