/**
 * Person names (氏名・カナ氏名) in full Unicode.
 *
 * Names are stored and compared exactly as registered: old-style kanji (髙, 﨑, 𠮷), characters outside the
 * BMP and ideographic variation sequences (葛󠄀 = 葛 U+845B + VS17 U+E0100) are never normalised away.
 * The real オンライン資格確認 shows ● for a character its character set lacks; Tsunagu keeps the character
 * and offers ● only as an output option (`toDisplayable`) for a client that cannot draw it.
 */
import { fail, ok, type Result } from './reason.ts';

const segmenter = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** Splits into user-perceived characters: a base plus its variation selector is one unit. */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) out.push(s.segment);
  return out;
}

/** Variation selectors: VS1–16 (U+FE00–FE0F) and the ideographic VS17–256 (U+E0100–E01EF). */
export function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

export type NameProblemCode = 'empty' | 'control-character' | 'lone-surrogate' | 'too-long';

/** Longest name we accept, in code points (a sanity bound, not a display limit). */
export const MAX_NAME_LENGTH = 100;

/**
 * Checks that a name can be stored as is. It is never rewritten: the value returned is the input.
 * Refused: empty, unpaired surrogates (broken UTF-16), control characters, absurd length.
 */
export function checkName(name: string): Result<string, NameProblemCode> {
  if (name.trim() === '') return fail('empty', '氏名が空です', 'the name is empty');
  const bad = /[\p{Cs}\p{Cc}]/u.exec(name);
  if (bad && /\p{Cs}/u.test(bad[0]))
    return fail('lone-surrogate', '氏名に壊れた文字（対になっていないサロゲート）があります', 'the name contains an unpaired surrogate');
  if (bad) return fail('control-character', '氏名に制御文字があります', 'the name contains a control character');
  if (name.length > MAX_NAME_LENGTH && [...name].length > MAX_NAME_LENGTH)
    return fail('too-long', `氏名が長すぎます（${MAX_NAME_LENGTH}文字まで）`, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  return ok(name);
}

/** Exact equality of two names: same code points, variation selectors included. */
export function sameName(a: string, b: string): boolean {
  return a === b;
}

/**
 * A key for loose search only (never stored as the name, never shown): NFKC, variation selectors removed,
 * whitespace removed. Lets 「山﨑　太郎」 be found by 「山﨑太郎」 and half-width kana by full-width kana.
 * Note NFKC does not fold old-style kanji into new-style ones (髙 stays 髙), by design.
 */
export function nameSearchKey(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFKC')) {
    const cp = ch.codePointAt(0)!;
    if (isVariationSelector(cp) || /\s/u.test(ch)) continue;
    out += ch;
  }
  return out;
}

/**
 * A key for comparing カナ氏名 (never stored, never shown): NFKC (half-width kana become full-width), whitespace
 * removed, hiragana folded to katakana (ぁ–ゖ → ァ–ヶ, ゝゞ → ヽヾ). 「ヤマザキ　ハナコ」, 「ﾔﾏｻﾞｷﾊﾅｺ」 and 「やまざき はなこ」
 * give the same key.
 */
export function kanaMatchKey(kana: string): string {
  let out = '';
  for (const ch of kana.normalize('NFKC')) {
    if (/\s/u.test(ch)) continue;
    const cp = ch.codePointAt(0)!;
    out += (cp >= 0x3041 && cp <= 0x3096) || cp === 0x309d || cp === 0x309e ? String.fromCodePoint(cp + 0x60) : ch;
  }
  return out;
}

export interface DisplayOptions {
  /** Replacement for one undisplayable character. Default ● (U+25CF), as the national system shows. */
  placeholder?: string;
  /**
   * When the base character is displayable but its variation selector is not: `'placeholder'` (default)
   * replaces the whole sequence; `'base'` shows the base character without the selector.
   */
  variationFallback?: 'placeholder' | 'base';
}

/**
 * OUTPUT OPTION for clients that cannot display a character: returns a copy of `name` in which each
 * grapheme cluster containing a code point the client cannot draw becomes one ● (a variation sequence,
 * a surrogate pair or a combining sequence counts as one character). The stored name is unchanged;
 * call this only when rendering for such a client.
 */
export function toDisplayable(name: string, canDisplay: (cp: number) => boolean, options: DisplayOptions = {}): string {
  const placeholder = options.placeholder ?? '●';
  let out = '';
  for (const cluster of graphemes(name)) {
    let allShown = true;
    let baseShown = true;
    let base = '';
    for (const ch of cluster) {
      const cp = ch.codePointAt(0)!;
      const shown = canDisplay(cp);
      if (!shown) allShown = false;
      if (isVariationSelector(cp)) continue;
      base += ch;
      if (!shown) baseShown = false;
    }
    if (allShown) out += cluster;
    else if (options.variationFallback === 'base' && baseShown && base !== '') out += base;
    else out += placeholder;
  }
  return out;
}

/** Number of undisplayable characters `toDisplayable` would replace (e.g. to warn the desk). */
export function countUndisplayable(name: string, canDisplay: (cp: number) => boolean): number {
  let n = 0;
  for (const cluster of graphemes(name)) {
    for (const ch of cluster) {
      if (!canDisplay(ch.codePointAt(0)!)) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** A simple capability: Basic Multilingual Plane characters only, no variation selectors. */
export function bmpWithoutVariationSelectors(cp: number): boolean {
  return cp <= 0xffff && !isVariationSelector(cp);
}
