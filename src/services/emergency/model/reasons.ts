/**
 * Why the emergency workflow was used (救急時医療情報閲覧の理由), coded: the doctor picks one and may add free text
 * (required for `other`). The code system is Tsunagu's; the cases follow the national service's description of when
 * consent cannot be obtained (意識障害等で本人の同意取得が困難な場合).
 */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';

export const EMERGENCY_REASON_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/emergency-reason`;

export const EMERGENCY_REASONS = {
  unconscious: { ja: '意識障害（意識がない・清明でない）', en: 'impaired consciousness' },
  'cardiac-arrest': { ja: '心肺停止', en: 'cardiopulmonary arrest' },
  'severe-trauma': { ja: '重症外傷', en: 'severe trauma' },
  'cannot-communicate': { ja: '意思疎通が困難（重篤な急病・認知機能の低下など）', en: 'cannot communicate (acute illness, cognitive impairment)' },
  other: { ja: 'その他（理由を記載）', en: 'other (reason stated)' },
} as const;

export type EmergencyReason = keyof typeof EMERGENCY_REASONS;
export const EMERGENCY_REASON_CODES = Object.keys(EMERGENCY_REASONS) as EmergencyReason[];
export const isEmergencyReason = (v: unknown): v is EmergencyReason => typeof v === 'string' && v in EMERGENCY_REASONS;
/** Longest free text kept with a declaration. */
export const REASON_TEXT_MAX = 500;
