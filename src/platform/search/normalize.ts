/**
 * String search normalisation (index side and query side use the same function).
 * NFKC folds full-width / half-width forms (ＡＢＣ → abc, ｶﾅ → カナ); case-folded; Latin accents removed;
 * katakana folded to hiragana so やまだ finds ヤマダ; runs of white space (including 全角スペース) become one space.
 * Kana voicing marks are kept: ガ and カ stay different. The original text is always stored unchanged.
 */
export function normalizeForSearch(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/\s+/g, ' ')
    .trim();
}
