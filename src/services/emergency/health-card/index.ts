/** SMART Health Cards for the offline emergency summary (救急用サマリーの署名付きQR): issue, encode, verify. */
export { emergencySummaryBundle, type EmergencySummary, type SummaryCoding } from './shc-bundle.ts';
export { SHC_PREFIX, fromNumericQr, toNumericQr } from './shc-codec.ts';
export { HealthCardError, type HealthCardErrorCode } from './shc-error.ts';
export { healthCardQrPng, issueHealthCard, type IssuedHealthCard } from './shc-issue.ts';
export { healthCardKeysMigration, loadHealthCardSigner, type HealthCardSigner } from './shc-keys.ts';
export { summarizeBundle, type HealthCardSummary } from './shc-summary.ts';
export { EMERGENCY_SUMMARY_TYPE, HEALTH_CARD_TYPE } from './shc-types.ts';
export { verifyHealthCard, type VerifiedHealthCard } from './shc-verify.ts';
