/** Insurance identifiers: every rule, with real-looking valid numbers and each way a number can be wrong. */
import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit, mod10Weight21 } from '../../src/platform/identity/check-digit.ts';
import {
  INSURED_PERSON_IDENTIFIER_SYSTEM,
  formatInsuredPersonIdentifierValue,
  insuredPersonIdentifier,
  jpCoreCoverageIdentifierValue,
  makeInsurerNumber,
  parseBranch,
  parseFacilityCode,
  parseInsuredPersonIdentifierValue,
  parseInsuredPersonNumber,
  parseInsurerNumber,
  parseNumber,
  parsePublicExpensePayerNumber,
  parsePublicExpenseRecipientNumber,
  parseSymbol,
  sameInsuredPerson,
  toFullWidth,
  withCheckDigit,
} from '../../src/services/eligibility/model/numbers.ts';

function value<T>(r: { ok: true; value: T } | { ok: false; ja: string; en: string }): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.en}`);
  return r.value;
}

function failure(r: { ok: boolean; code?: string; ja?: string; en?: string }) {
  expect(r.ok).toBe(false);
  return r as { ok: false; code: string; ja: string; en: string };
}

describe('check digit (mod 10, weights 2-1 from the right)', () => {
  it('matches published examples', () => {
    expect(mod10Weight21('0113001')).toBe(2); // 協会けんぽ東京支部 01130012
    expect(mod10Weight21('3312001')).toBe(5); // 千葉県警察 33120015
    expect(mod10Weight21('5401602')).toBe(7); // 難病 54016027
    expect(mod10Weight21('8813445')).toBe(7); // 東京都 マル子, corrected from 88134458
    expect(mod10Weight21('011011371')).toBe(9); // 医療機関コード 0110113719
  });
  it('gives 0 when the sum ends in 0', () => {
    // 9×2 = 18 counts 1+8 = 9, plus 1×1 = 1: the sum 10 ends in 0, so the check digit is 0 (not 10).
    expect(mod10Weight21('19')).toBe(0);
  });
  it('rejects non-digits', () => {
    expect(() => mod10Weight21('12a')).toThrow(RangeError);
    expect(hasValidCheckDigit('01130012')).toBe(true);
    expect(hasValidCheckDigit('01130013')).toBe(false);
    expect(hasValidCheckDigit('x')).toBe(false);
  });
});

describe('保険者番号 (insurer number)', () => {
  it('accepts 8-digit numbers of each scheme and splits them', () => {
    const kyokai = value(parseInsurerNumber('01130012'));
    expect(kyokai).toMatchObject({ value: '01130012', printed: '01130012', lawCode: '01', prefecture: '13', insurerSerial: '001', checkDigit: '2' });
    expect(kyokai.scheme.ja).toContain('協会けんぽ');
    expect(value(parseInsurerNumber('33120015')).scheme.ja).toBe('警察共済組合');
    expect(value(parseInsurerNumber(makeInsurerNumber('39', '13', '101'))).scheme.ja).toBe('後期高齢者医療');
    expect(value(parseInsurerNumber(makeInsurerNumber('06', '27', '345'))).lawCode).toBe('06');
  });
  it('accepts 6-digit 国民健康保険 numbers and pads them to 8 digits', () => {
    const nhi = value(parseInsurerNumber(makeInsurerNumber(null, '13', '805')));
    expect(nhi.printed).toHaveLength(6);
    expect(nhi.value).toBe(`00${nhi.printed}`);
    expect(nhi.lawCode).toBeNull();
    expect(nhi.scheme.ja).toBe('国民健康保険');
    // The padded form (as in JP-CLINS identifiers) is the same insurer.
    expect(value(parseInsurerNumber(nhi.value)).printed).toBe(nhi.printed);
  });
  it('accepts full-width digits and keeps the original', () => {
    const r = value(parseInsurerNumber(' ０１１３００１２ '));
    expect(r.value).toBe('01130012');
    expect(r.original).toBe(' ０１１３００１２ ');
  });
  it('refuses a wrong check digit, saying which digit is expected', () => {
    const r = failure(parseInsurerNumber('01130013'));
    expect(r.code).toBe('check-digit');
    expect(r.ja).toContain('末尾は 2');
    expect(r.en).toContain('should be 2');
    expect(failure(parseInsurerNumber('33120016')).code).toBe('check-digit');
  });
  it('refuses wrong lengths, non-digits, empty input, bad prefectures and non-insurance law codes', () => {
    expect(failure(parseInsurerNumber('0113001')).code).toBe('length');
    expect(failure(parseInsurerNumber('011300122')).code).toBe('length');
    expect(failure(parseInsurerNumber('0113-0012')).code).toBe('not-digits');
    expect(failure(parseInsurerNumber('')).code).toBe('empty');
    expect(failure(parseInsurerNumber(withCheckDigit('0148001'))).code).toBe('prefecture');
    expect(failure(parseInsurerNumber(withCheckDigit('0100001'))).code).toBe('prefecture');
    expect(failure(parseInsurerNumber(withCheckDigit('48001'))).code).toBe('prefecture');
    const law = failure(parseInsurerNumber(withCheckDigit('1213001')));
    expect(law.code).toBe('law-code');
    expect(law.ja).toContain('法別番号「12」');
  });
  it('makeInsurerNumber refuses malformed parts', () => {
    expect(() => makeInsurerNumber('1', '13', '001')).toThrow(RangeError);
  });
});

describe('公費負担者番号 and 公費受給者番号 (public expense)', () => {
  it('accepts published examples and labels the programme', () => {
    const nanbyo = value(parsePublicExpensePayerNumber('54016027'));
    expect(nanbyo).toMatchObject({ lawCode: '54', prefecture: '01', agency: '602', checkDigit: '7' });
    expect(nanbyo.program?.ja).toContain('難病');
    expect(value(parsePublicExpensePayerNumber('88134457')).program?.ja).toContain('地方単独');
    expect(value(parsePublicExpensePayerNumber(withCheckDigit('1213000'))).program?.ja).toContain('生活保護');
  });
  it('refuses the misnumbered 88134458 and other faults', () => {
    expect(failure(parsePublicExpensePayerNumber('88134458')).code).toBe('check-digit');
    expect(failure(parsePublicExpensePayerNumber('5401602')).code).toBe('length');
    expect(failure(parsePublicExpensePayerNumber(withCheckDigit('0113001'))).code).toBe('law-code'); // insurance, not 公費
    expect(failure(parsePublicExpensePayerNumber(withCheckDigit('3913101'))).code).toBe('law-code');
    expect(failure(parsePublicExpensePayerNumber(withCheckDigit('5450602'))).code).toBe('prefecture');
  });
  it('checks the 7-digit recipient number', () => {
    const good = withCheckDigit('123456');
    expect(value(parsePublicExpenseRecipientNumber(good)).value).toBe(good);
    const wrong = good.slice(0, 6) + String((Number(good[6]) + 1) % 10);
    expect(failure(parsePublicExpenseRecipientNumber(wrong)).code).toBe('check-digit');
    expect(failure(parsePublicExpenseRecipientNumber('123456')).code).toBe('length');
    expect(failure(parsePublicExpenseRecipientNumber('12345a7')).code).toBe('not-digits');
  });
});

describe('記号・番号・枝番 (card symbol, number, branch)', () => {
  it('normalises full-/half-width for matching and keeps the original', () => {
    expect(value(parseSymbol('ｱｲｳ１２'))).toEqual({ original: 'ｱｲｳ１２', normalized: 'アイウ12' });
    expect(value(parseNumber('３８７４７６'))).toEqual({ original: '３８７４７６', normalized: '387476' });
    expect(value(parseSymbol('世田谷'))).toEqual({ original: '世田谷', normalized: '世田谷' });
  });
  it('allows an empty 記号 but not an empty 番号', () => {
    expect(value(parseSymbol(''))).toBeNull();
    expect(value(parseSymbol(undefined))).toBeNull();
    expect(failure(parseNumber('  ')).code).toBe('empty');
  });
  it('refuses colons, inner spaces (half or full width), control characters and overlong text', () => {
    expect(failure(parseSymbol('12:34')).code).toBe('characters');
    expect(failure(parseNumber('12 34')).code).toBe('characters');
    expect(failure(parseNumber('12\u300034')).code).toBe('characters');
    expect(failure(parseNumber('12\u000734')).code).toBe('characters');
    expect(failure(parseNumber('1'.repeat(21))).code).toBe('too-long');
  });
  it('accepts a 2-digit branch, pads a 1-digit one, refuses anything else', () => {
    expect(value(parseBranch('01'))).toEqual({ value: '01', original: '01' });
    expect(value(parseBranch('1'))).toEqual({ value: '01', original: '1' });
    expect(value(parseBranch('０２'))).toEqual({ value: '02', original: '０２' });
    expect(value(parseBranch(''))).toBeNull();
    expect(failure(parseBranch('100')).code).toBe('format');
    expect(failure(parseBranch('1A')).code).toBe('format');
  });
});

describe('個人単位被保険者番号 and its FHIR identifiers', () => {
  const person = () => {
    const r = parseInsuredPersonNumber({ insurerNumber: '01130012', symbol: '１２３４５６７', number: '８９', branch: '01' });
    if (!r.ok) throw new Error('fixture');
    return r.value;
  };

  it('formats the JP-CLINS 被保険者個人識別子 (insurer:symbol:number:branch) under its system', () => {
    expect(formatInsuredPersonIdentifierValue(person())).toBe('01130012:1234567:89:01');
    expect(formatInsuredPersonIdentifierValue(person(), 'original')).toBe('01130012:１２３４５６７:８９:01');
    expect(insuredPersonIdentifier(person())).toEqual({ system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: '01130012:1234567:89:01' });
    expect(INSURED_PERSON_IDENTIFIER_SYSTEM).toBe('http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID');
  });
  it('matches the JP-CLINS invariant R1013 pattern', () => {
    const r1013 = /^[0-9]{8}:[^:\s　]*:[^:\s　]*:(.{0}|[0-9][0-9])$/;
    expect(formatInsuredPersonIdentifierValue(person())).toMatch(r1013);
    const koki = parseInsuredPersonNumber({ insurerNumber: makeInsurerNumber('39', '13', '101'), number: '12345678' });
    if (!koki.ok) throw new Error('fixture');
    expect(formatInsuredPersonIdentifierValue(koki.value)).toMatch(r1013);
    expect(formatInsuredPersonIdentifierValue(koki.value)).toMatch(/^39\d{6}::12345678:$/);
  });
  it('parses the JP-CLINS example value from the package and round-trips a 6-digit 国保 number', () => {
    const r = parseInsuredPersonIdentifierValue('00138057:あいう:３８７４７６:01');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.insurer.printed).toBe('138057');
      expect(r.value.number.normalized).toBe('387476');
      expect(formatInsuredPersonIdentifierValue(r.value)).toBe('00138057:あいう:387476:01');
    }
  });
  it('refuses malformed identifier values', () => {
    for (const bad of ['00138057:あいう:387476', '138057:あいう:387476:01', '00138057:あいう:387476:1', '00138058:あいう:387476:01']) {
      const r = parseInsuredPersonIdentifierValue(bad);
      expect(r.ok, bad).toBe(false);
    }
  });
  it('reports every bad part at once', () => {
    const r = parseInsuredPersonNumber({ insurerNumber: '01130013', symbol: 'a:b', number: '', branch: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field).sort()).toEqual(['branch', 'insurerNumber', 'number', 'symbol']);
  });
  it('writes the JP Core Coverage.identifier in full width', () => {
    expect(jpCoreCoverageIdentifierValue(person())).toBe('"１２３４５６７","８９","０１"');
    expect(toFullWidth('12-34 a')).toBe('１２－３４\u3000ａ');
  });
  it('treats full-/half-width spellings of the same card as the same person', () => {
    const a = parseInsuredPersonNumber({ insurerNumber: '０１１３００１２', symbol: '1234567', number: '89', branch: '1' });
    expect(a.ok && sameInsuredPerson(a.value, person())).toBe(true);
    const b = parseInsuredPersonNumber({ insurerNumber: '01130012', symbol: '1234567', number: '89', branch: '02' });
    expect(b.ok && sameInsuredPerson(b.value, person())).toBe(false);
  });
});

describe('医療機関コード (facility code, 10 digits)', () => {
  it('accepts real codes and splits them', () => {
    expect(value(parseFacilityCode('0110113719'))).toMatchObject({ prefecture: '01', scoreTable: '1', institutionCode: '0113719', checkDigit: '9' });
    const tokushima = value(parseFacilityCode('3618010015'));
    expect(tokushima).toMatchObject({ prefecture: '36', areaCode: '80', institutionNumber: '1001', checkDigit: '5' });
    expect(tokushima.scoreTableLabel.ja).toBe('医科');
    expect(value(parseFacilityCode(withCheckDigit('134123456'))).scoreTableLabel.en).toBe('pharmacy');
    expect(value(parseFacilityCode(withCheckDigit('136123456'))).scoreTableLabel.ja).toBe('訪問看護ステーション');
  });
  it('computes the check digit over prefecture and score table too', () => {
    // The same 7-digit part in another prefecture has another check digit.
    expect(failure(parseFacilityCode('3718010015')).code).toBe('check-digit');
    expect(failure(parseFacilityCode('3618010016')).code).toBe('check-digit');
  });
  it('refuses bad prefecture, score table, length and characters', () => {
    expect(failure(parseFacilityCode(withCheckDigit('481801001'))).code).toBe('prefecture');
    expect(failure(parseFacilityCode(withCheckDigit('362801001'))).code).toBe('score-table');
    expect(failure(parseFacilityCode('361801001')).code).toBe('length');
    expect(failure(parseFacilityCode('36180100AB')).code).toBe('not-digits');
  });
});
