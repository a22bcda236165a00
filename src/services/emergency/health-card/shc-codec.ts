/**
 * The numeric QR content of a SMART Health Card (`shc:/` + two digits per JWS character, Ord(c) − 45).
 * Source: SMART Health Cards Framework, "Encoding QRs" (https://spec.smarthealth.cards/#encoding-qrs). Chunked codes
 * (`shc:/C/N/…`) are deprecated by the same spec and refused here. Browser-safe (no node: modules).
 */
import { HealthCardError } from './shc-error.ts';

export const SHC_PREFIX = 'shc:/';
/** 'z' (122) − 45: the highest pair a base64url JWS character can give. */
const MAX_PAIR = 77;
const JWS_CHARS = /^[A-Za-z0-9_.-]*$/;

/** `shc:/` followed by each JWS character as Ord(c) − 45, two digits. */
export function toNumericQr(jws: string): string {
  if (!JWS_CHARS.test(jws)) {
    throw new HealthCardError('format', 'JWS に使えない文字が含まれています', 'the JWS contains characters outside base64url and "."');
  }
  let digits = '';
  for (let i = 0; i < jws.length; i++) digits += String(jws.charCodeAt(i) - 45).padStart(2, '0');
  return SHC_PREFIX + digits;
}

/** The compact JWS of a numeric `shc:/…` text; a HealthCardError 'format' says what is wrong with it. */
export function fromNumericQr(text: string): string {
  if (text.slice(0, SHC_PREFIX.length).toLowerCase() !== SHC_PREFIX) {
    throw new HealthCardError(
      'format',
      'SMART Health Card ではありません(先頭が shc:/ ではありません)',
      'not a SMART Health Card: the text does not start with shc:/',
    );
  }
  const digits = text.slice(SHC_PREFIX.length);
  if (digits.includes('/')) {
    throw new HealthCardError(
      'format',
      '分割QR(shc:/n/m/…)には対応していません(仕様で非推奨)',
      'chunked health cards (shc:/n/m/…) are deprecated and not supported',
    );
  }
  if (!/^[0-9]+$/.test(digits)) {
    throw new HealthCardError('format', 'shc:/ の後に数字以外の文字があります', 'the text after shc:/ must contain digits only');
  }
  if (digits.length % 2 !== 0) {
    throw new HealthCardError('format', `数字の桁数が奇数です(${digits.length}桁)`, `odd number of digits (${digits.length}): each JWS character takes two`);
  }
  let jws = '';
  for (let i = 0; i < digits.length; i += 2) {
    const pair = Number(digits.slice(i, i + 2));
    if (pair > MAX_PAIR) {
      throw new HealthCardError(
        'format',
        `${i / 2 + 1}文字目の数字の組 ${digits.slice(i, i + 2)} が範囲外です(00〜77)`,
        `digit pair ${i / 2 + 1} is ${digits.slice(i, i + 2)}, outside 00–77`,
      );
    }
    jws += String.fromCharCode(pair + 45);
  }
  return jws;
}
