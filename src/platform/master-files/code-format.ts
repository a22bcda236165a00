/**
 * The shapes of the codes, checked before any list is asked, so a malformed or placeholder code gets a reason that
 * says what is wrong with it.
 *   JLAC10  17 characters: analyte 5 (digit, letter, 3 digits), identification 4, material 3, method 3, result 2
 *           digits (JSLM 臨床検査項目分類コード JLAC10; every code of the JP-CLINS 1.5.2 CoreLabo / InfectionLabo CS fits)
 *   YJ      12 characters: 4-digit 薬効分類, 3 characters, a letter (剤形), 4 characters (規格, 銘柄, check digit);
 *           the general-name form (一般名コード) ends ZZZ
 */

export const isJlac10 = (code: string) => /^[0-9][A-Z][0-9]{15}$/.test(code);
export const isYj = (code: string) => /^[0-9]{4}[0-9A-Z]{3}[A-Z][0-9A-Z]{4}$/.test(code);

export interface Reason {
  ja: string;
  en: string;
}

/** Why `code` is a placeholder (one character repeated: all zeros, all nines …), or undefined. */
export function placeholder(code: string): Reason | undefined {
  if (code.length < 2 || !/^(.)\1+$/.test(code)) return undefined;
  if (code[0] === '0') return { ja: 'すべて0のダミーコード', en: 'a dummy code (all zeros)' };
  if (code[0] === '9') return { ja: 'すべて9のダミーコード', en: 'a dummy code (all nines)' };
  return { ja: `同じ文字（${code[0]}）を並べたダミーコード`, en: `a dummy code (${code[0]} repeated)` };
}

/** Why `code` is not `length` digits (wrong length, other characters), or undefined. */
export function notDigits(code: string, length: number): Reason | undefined {
  if (!/^\d*$/.test(code))
    return { ja: `数字以外の文字を含みます（${length}桁の数字が必要）`, en: `it has characters other than digits (${length} digits expected)` };
  if (code.length !== length) return { ja: `${code.length}桁です（${length}桁が必要）`, en: `it has ${code.length} digits (${length} expected)` };
  return undefined;
}

/** Why `code` is not a JLAC10 17-character code, or undefined. */
export function notJlac10(code: string): Reason | undefined {
  if (code.length !== 17) return { ja: `${code.length}文字です（JLAC10は17桁）`, en: `it has ${code.length} characters (JLAC10 has 17)` };
  if (!isJlac10(code))
    return {
      ja: 'JLAC10の形式（分析物5・識別4・材料3・測定法3・結果識別2桁）ではありません',
      en: 'it is not in the JLAC10 form (analyte 5, identification 4, material 3, method 3, result 2)',
    };
  return undefined;
}

/** Why `code` is not a 12-character YJ code (or general-name code), or undefined. */
export function notYj(code: string): Reason | undefined {
  if (code.length !== 12) return { ja: `${code.length}文字です（YJコードは12桁）`, en: `it has ${code.length} characters (a YJ code has 12)` };
  if (/zzz$/.test(code)) return { ja: '末尾は大文字の ZZZ です', en: 'the general-name form ends with upper-case ZZZ' };
  if (!isYj(code))
    return {
      ja: 'YJコードの形式（薬効分類4桁の数字で始まり、8桁目が剤形の英字）ではありません',
      en: 'it is not in the YJ form (4-digit 薬効分類, the 8th character a letter for the dosage form)',
    };
  return undefined;
}
