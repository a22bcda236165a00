/**
 * The JP-CLINS builders the demo world seeds with: the sharing service's (src/services/sharing/simple-entry/
 * clins-builders.ts, also what the clinic's simple entry writes), so the demo's items are written like a clinic's.
 */
export {
  type AllergyItem,
  type ClinsCalendar,
  type ClinsPerson,
  DEPARTMENTS,
  type Department,
  type DiagnosisItem,
  INSTITUTION_SYSTEM,
  type InfectionItem,
  type LabItem,
  type LabTest,
  MEMBER_ID_SYSTEM,
  allergy,
  businessId,
  clinsBundle,
  clinsPatient,
  condition,
  infectionObservation,
  labObservation,
  uuidOf,
} from '../services/sharing/index.ts';
