/** Small pure pieces: primitive lexical rules, narrative XHTML, grammar-based code systems, fixed/pattern. */
import { describe, expect, it } from 'vitest';
import { checkPrimitive } from '../../src/platform/conformance/validate/primitives.ts';
import { xhtmlProblem } from '../../src/platform/conformance/validate/xhtml.ts';
import { checkGrammarCode } from '../../src/platform/conformance/terminology/grammar-systems.ts';
import { matchesFixed, matchesPattern } from '../../src/platform/conformance/validate/fixed-pattern.ts';
import { referenceKind } from '../../src/platform/conformance/validate/references.ts';

describe('primitives', () => {
  it.each([
    ['date', '2024', true],
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['dateTime', '2024-05-01T10:00:00+09:00', true],
    ['dateTime', '2024-05-01T10:00:00', false],
    ['instant', '2024-05-01T10:00:00.123Z', true],
    ['instant', '2024-05-01', false],
    ['time', '23:59:60', true],
    ['decimal', 1.5, true],
    ['decimal', '1.5', false],
    ['integer', 3, true],
    ['unsignedInt', -1, false],
    ['positiveInt', 1, true],
    ['id', 'a'.repeat(64), true],
    ['id', 'a'.repeat(65), false],
    ['oid', 'urn:oid:1.2.392.100495.20.3.51', true],
    ['uuid', 'urn:uuid:0a48a4bf-0d87-4efb-aafd-d45e0842a4dd', true],
    ['code', 'a b', true],
    ['code', ' a', false],
    ['string', '   ', false],
    ['base64Binary', 'aGVsbG8=', true],
    ['boolean', 'false', false],
  ] as const)('%s %j → %s', (type, value, ok) => {
    expect(checkPrimitive(type, value).ok).toBe(ok);
  });
});

describe('narrative xhtml', () => {
  const div = (inner: string, attrs = ' xmlns="http://www.w3.org/1999/xhtml"') => `<div${attrs}>${inner}</div>`;
  it('accepts ordinary content', () => expect(xhtmlProblem(div('<p>患者 <b>太郎</b><br/></p>'))).toBeUndefined());
  it('needs the XHTML namespace', () => expect(xhtmlProblem(div('x', ''))).toMatch(/xmlns/));
  it('rejects scripts, handlers and javascript: links', () => {
    expect(xhtmlProblem(div('<script>1</script>'))).toMatch(/script/);
    expect(xhtmlProblem(div('<p onclick="x()">a</p>'))).toMatch(/event handler/);
    expect(xhtmlProblem(div('<a href="javascript:x()">a</a>'))).toMatch(/javascript/);
  });
  it('rejects unbalanced tags and empty narratives', () => {
    expect(xhtmlProblem(div('<p>a'))).toMatch(/unclosed|mismatched/);
    expect(xhtmlProblem(div(''))).toMatch(/no text/);
  });
});

describe('grammar-based code systems', () => {
  it('UCUM, MIME types, language tags, currencies', () => {
    expect(checkGrammarCode('http://unitsofmeasure.org', 'mg/dL')).toBe(true);
    expect(checkGrammarCode('http://unitsofmeasure.org', 'mL/min/{1.73_m2}')).toBe(true);
    expect(checkGrammarCode('http://unitsofmeasure.org', 'dayz')).toBe(false);
    expect(checkGrammarCode('urn:ietf:bcp:13', 'application/pdf')).toBe(true);
    expect(checkGrammarCode('urn:ietf:bcp:13', 'pdf')).toBe(false);
    expect(checkGrammarCode('urn:ietf:bcp:47', 'ja-JP')).toBe(true);
    expect(checkGrammarCode('urn:ietf:bcp:47', 'ja_JP')).toBe(false);
    expect(checkGrammarCode('urn:iso:std:iso:4217', 'JPY')).toBe(true);
    expect(checkGrammarCode('http://example.org', 'x')).toBeUndefined();
  });
});

describe('fixed and pattern', () => {
  it('fixed means equal, pattern means contained', () => {
    const coding = { system: 's', code: 'c', display: 'd' };
    expect(matchesFixed(coding, { system: 's', code: 'c' })).toBe(false);
    expect(matchesPattern(coding, { system: 's', code: 'c' })).toBe(true);
    expect(matchesPattern({ coding: [{ system: 'x' }, coding] }, { coding: [{ code: 'c' }] })).toBe(true);
    expect(matchesPattern({ coding: [{ system: 'x' }] }, { coding: [{ code: 'c' }] })).toBe(false);
  });
});

describe('reference kinds', () => {
  it.each([
    ['#p1', 'contained'],
    ['urn:uuid:0a48a4bf-0d87-4efb-aafd-d45e0842a4dd', 'uuid'],
    ['urn:uuid:not-a-uuid', 'invalid'],
    ['Patient/123', 'relative'],
    ['Patient/123/_history/2', 'relative'],
    ['http://example.org/fhir/Patient/1', 'absolute'],
    ['patient 1', 'invalid'],
  ])('%s → %s', (ref, kind) => expect(referenceKind(ref)).toBe(kind));
});
