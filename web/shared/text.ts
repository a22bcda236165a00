/** A text in both languages (the i18n mechanism's unit; i18n.tsx picks one). */
export interface Text {
  ja: string;
  en: string;
}

export type Lang = 'ja' | 'en';

/** Names a group of texts (typed, nothing more): `const T = texts({ title: { ja: '…', en: '…' } })`. */
export const texts = <T extends Record<string, Text>>(dict: T): T => dict;
