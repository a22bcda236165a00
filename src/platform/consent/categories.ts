/**
 * Information categories a patient consents to (閲覧同意区分). Data of a category carry the security label
 * `{ system: CONSENT_CATEGORY_SYSTEM, code }` in meta.security; a Consent names the same label in
 * provision.securityLabel, and a permitting one opens it (an access grant) to the organisation it names.
 *
 * The reader groups of MISSION.md S3 (there is no separate category for the EHR-shared 6 information):
 *   medication  「診療＋お薬＋アレルギー等＋検査」 receipt medication and treatment data, drug and other allergies,
 *               lab results, prescriptions
 *   surgery     「傷病名＋手術情報＋感染症」 surgery, diagnoses and infections
 *   checkup     健診情報 health check-ups
 */
import { TSUNAGU_CANONICAL } from '../fhir/canonical.ts';

export const CONSENT_CATEGORY_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/consent-category`;

export const CONSENT_CATEGORIES = {
  medication: {
    ja: '診療＋お薬＋アレルギー等＋検査',
    en: 'treatment, medication, allergies and lab results',
  },
  surgery: { ja: '傷病名＋手術情報＋感染症', en: 'diagnoses, surgery and infections' },
  checkup: { ja: '健診情報（特定健診等）', en: 'health check-up information (specific health check-ups)' },
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

/** The label a category opens, as stored rows carry it (`system|code`). */
export const categoryLabelKey = (category: ConsentCategory) => `${CONSENT_CATEGORY_SYSTEM}|${category}`;

/** meta.tag on the Consent resources the consent capability writes (clients cannot change them). */
export const CONSENT_MANAGED_TAG = { system: `${TSUNAGU_CANONICAL}/CodeSystem/managed-by`, code: 'consent' } as const;
/** The reception visit a consent was given at (valueIdentifier) and that identifier's system. */
export const VISIT_EXTENSION = `${TSUNAGU_CANONICAL}/StructureDefinition/reception-visit`;
export const VISIT_ID_SYSTEM = `${TSUNAGU_CANONICAL}/IdSystem/reception-visit`;
