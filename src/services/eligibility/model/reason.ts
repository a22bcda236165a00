/**
 * Bilingual outcomes shared by the eligibility domain (オンライン資格確認).
 * Every refusal says why, in Japanese for the reception desk and in English for logs and vendors.
 */

/** A machine code plus the same explanation in Japanese and English. */
export interface Reason<C extends string = string> {
  code: C;
  ja: string;
  en: string;
}

/** Success with a value, or a failure carrying one bilingual reason. */
export type Result<T, C extends string = string> = { ok: true; value: T } | ({ ok: false } & Reason<C>);

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<C extends string>(code: C, ja: string, en: string): { ok: false } & Reason<C> {
  return { ok: false, code, ja, en };
}
