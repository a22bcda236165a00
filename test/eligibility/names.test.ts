/** Names: exact Unicode is kept; ● is only an output option, one per undisplayable character. */
import { describe, expect, it } from 'vitest';
import {
  bmpWithoutVariationSelectors,
  checkName,
  countUndisplayable,
  graphemes,
  nameSearchKey,
  sameName,
  toDisplayable,
} from '../../src/services/eligibility/model/names.ts';

const KATSURAGI_IVS = '葛\u{E0100}城'; // 葛 + VS17 (ideographic variation sequence)
const YOSHIDA = '𠮷田'; // U+20BB7, outside the BMP

describe('names are kept exactly', () => {
  it('accepts old-style kanji, non-BMP characters and variation sequences without changing them', () => {
    for (const n of ['髙橋', '山﨑', '渡邉', '齋藤', YOSHIDA, KATSURAGI_IVS]) {
      const r = checkName(n);
      expect(r.ok && r.value).toBe(n);
    }
  });
  it('compares exactly: the variation sequence is a different spelling', () => {
    expect(sameName(KATSURAGI_IVS, '葛城')).toBe(false);
    expect(sameName('髙橋', '高橋')).toBe(false);
    expect(sameName(KATSURAGI_IVS, '葛\u{E0100}城')).toBe(true);
  });
  it('refuses empty names, unpaired surrogates and control characters', () => {
    expect(checkName('  ').ok).toBe(false);
    const lone = checkName('\uD842田');
    expect(!lone.ok && lone.code).toBe('lone-surrogate');
    const ctl = checkName('田\u0000中');
    expect(!ctl.ok && ctl.code).toBe('control-character');
    expect(checkName('あ'.repeat(101)).ok).toBe(false);
  });
  it('counts a base character and its variation selector as one character', () => {
    expect(graphemes(KATSURAGI_IVS)).toEqual(['葛\u{E0100}', '城']);
    expect(graphemes(YOSHIDA)).toHaveLength(2);
  });
  it('builds a loose search key without touching the stored name', () => {
    expect(nameSearchKey(`${KATSURAGI_IVS}　太郎`)).toBe('葛城太郎');
    expect(nameSearchKey('ﾀﾅｶ ﾀﾛｳ')).toBe('タナカタロウ');
    expect(nameSearchKey('髙橋')).toBe('髙橋'); // old-style kanji are not folded
  });
});

describe('toDisplayable (output option)', () => {
  it('replaces each undisplayable character with one ●, a variation sequence counting once', () => {
    expect(toDisplayable(KATSURAGI_IVS, bmpWithoutVariationSelectors)).toBe('●城');
    expect(toDisplayable(`${YOSHIDA}花子`, bmpWithoutVariationSelectors)).toBe('●田花子');
    expect(countUndisplayable(`${YOSHIDA}${KATSURAGI_IVS}`, bmpWithoutVariationSelectors)).toBe(2);
  });
  it('leaves displayable names unchanged and can fall back to the base character', () => {
    expect(toDisplayable('髙橋', bmpWithoutVariationSelectors)).toBe('髙橋');
    expect(toDisplayable(KATSURAGI_IVS, bmpWithoutVariationSelectors, { variationFallback: 'base' })).toBe('葛城');
    const noTaka = (cp: number) => cp !== 0x9ad9; // a client without 髙
    expect(toDisplayable('髙橋', noTaka)).toBe('●橋');
    expect(toDisplayable('髙橋', noTaka, { placeholder: '〓' })).toBe('〓橋');
  });
});
