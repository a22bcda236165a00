/** The credential types of an emergency summary card (SMART Health Cards Framework: `vc.type` SHALL include health-card). */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';

export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card';
/** Tsunagu's own type for the offline emergency summary (救急用サマリー). */
export const EMERGENCY_SUMMARY_TYPE = `${TSUNAGU_CANONICAL}/shc#emergency-summary`;
export const SHC_FHIR_VERSION = '4.0.1';
