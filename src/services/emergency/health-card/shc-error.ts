/**
 * Why a SMART Health Card (救急用サマリーの電子署名付きQR) was refused or could not be made: a code for programs and a
 * Japanese and an English sentence for people. Free of node: modules (the clinic web app imports it).
 */
export type HealthCardErrorCode = 'format' | 'signature' | 'unknown-key' | 'issuer' | 'payload' | 'not-yet-valid' | 'expired' | 'too-large';

export class HealthCardError extends Error {
  override readonly name = 'HealthCardError';
  constructor(
    readonly code: HealthCardErrorCode,
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
  }
}
