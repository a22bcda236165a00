/**
 * Conformance II — invariant evaluation edge cases: the R4 expressions the HL7 validator corrects
 * before evaluating them (que-12's `> 2`, ref-1 on `#`, ras-2 on an absent probability), and
 * comparisons of partial dates (per-1 with a date and a dateTime: empty when equal up to the
 * shorter precision, which is a pass; false when they differ within it).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { fixInvariantExpression } from '../../src/platform/conformance/model/invariant-fixes.ts';
import { describeErrors } from './helpers.ts';

let c: Conformance;
beforeAll(async () => {
  c = await loadConformance({ packages: [] });
});

const TEXT = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };
const errs = (r: unknown) => describeErrors(c.validate(r));

describe('que-12: enableBehavior with more than one enableWhen (R4 typo `> 2`, corrected to `>= 2`)', () => {
  const q = (conditions: number, behavior?: string) => ({
    resourceType: 'Questionnaire',
    text: TEXT,
    status: 'draft',
    item: [
      { linkId: 'a', type: 'boolean', text: 'A' },
      { linkId: 'b', type: 'boolean', text: 'B' },
      {
        linkId: 'c',
        type: 'string',
        text: 'C',
        enableWhen: Array.from({ length: conditions }, (_, i) => ({ question: i % 2 ? 'b' : 'a', operator: '=', answerBoolean: true })),
        ...(behavior ? { enableBehavior: behavior } : {}),
      },
    ],
  });

  it('two enableWhen without enableBehavior: one que-12 error', () => {
    expect(errs(q(2))).toEqual([expect.stringMatching(/^Questionnaire\.item\[2\] \| Constraint failed: que-12/)]);
  });

  it('one enableWhen, or two with enableBehavior: valid', () => {
    expect(errs(q(1))).toEqual([]);
    expect(errs(q(2, 'all'))).toEqual([]);
    expect(errs(q(3, 'any'))).toEqual([]);
  });

  it('the correction is keyed by the published expression only', () => {
    expect(fixInvariantExpression('enableWhen.count() > 2 implies enableBehavior.exists()')).toBe('enableWhen.count() >= 2 implies enableBehavior.exists()');
    expect(fixInvariantExpression('enableWhen.count() > 3 implies enableBehavior.exists()')).toBe('enableWhen.count() > 3 implies enableBehavior.exists()');
  });
});

describe('ref-1: a reference to the container itself (`#`)', () => {
  it('is valid from a contained resource', () => {
    const p = {
      resourceType: 'Patient',
      id: 'root',
      text: TEXT,
      contained: [
        { resourceType: 'Provenance', id: 'prov', target: [{ reference: '#' }], recorded: '2024-01-01T00:00:00Z', agent: [{ who: { display: 'x' } }] },
      ],
    };
    expect(errs(p)).toEqual([]);
  });

  it('an unknown `#id` is still an error', () => {
    const p = { resourceType: 'Patient', text: TEXT, managingOrganization: { reference: '#nowhere' } };
    expect(errs(p).length).toBeGreaterThan(0);
  });
});

describe('ras-2: probability rule on a prediction without probability', () => {
  it('is valid', () => {
    const ra = { resourceType: 'RiskAssessment', text: TEXT, status: 'final', subject: { reference: 'Patient/1' }, prediction: [{ outcome: { text: 'x' } }] };
    expect(errs(ra)).toEqual([]);
    const over = { ...ra, prediction: [{ outcome: { text: 'x' }, probabilityDecimal: 101 }] };
    expect(errs(over)).toEqual([expect.stringMatching(/ras-2/)]);
  });
});

describe('per-1: Period start / end of different precisions', () => {
  const obs = (start: string, end: string) => ({
    resourceType: 'Observation',
    text: TEXT,
    status: 'final',
    code: { text: 'x' },
    effectivePeriod: { start, end },
  });

  it('equal up to the shorter precision: the comparison is empty, which passes', () => {
    expect(errs(obs('2020-01-01', '2020-01-01T10:00:00Z'))).toEqual([]);
    expect(errs(obs('2020-01', '2020-01-15'))).toEqual([]);
    expect(errs(obs('2020', '2020-06-01T00:00:00+09:00'))).toEqual([]);
  });

  it('ordered within the shared precision: valid, or one per-1 error when reversed', () => {
    expect(errs(obs('2020-01-01', '2020-01-02T10:00:00Z'))).toEqual([]);
    expect(errs(obs('2020-01-03', '2020-01-02T10:00:00Z'))).toEqual([
      expect.stringMatching(/^Observation\.effective\.ofType\(Period\) \| Constraint failed: per-1/),
    ]);
    expect(errs(obs('2021', '2020-12-31'))).toHaveLength(1);
  });
});

describe('narrative: txt-1 (htmlChecks), txt-2 (content, as the validator rewrites it) and the xhtml type', () => {
  const basic = (inner: string, ns = ' xmlns="http://www.w3.org/1999/xhtml"') => ({
    resourceType: 'Basic',
    code: { text: 'x' },
    text: { status: 'generated', div: `<div${ns}>${inner}</div>` },
  });

  it('allowed elements and attributes pass', () => {
    expect(errs(basic('<p class="a">x <b>y</b></p><table border="1"><tr><td colspan="2">z</td></tr></table><img src="#a" alt="a"/>'))).toEqual([]);
  });

  it('an element outside the allow-list: the xhtml type error and txt-1, not txt-2', () => {
    const e = errs(basic('<font>x</font>'));
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(/^Basic\.text\.div \| .*not a valid xhtml/);
    expect(e[1]).toMatch(/txt-1/);
    expect(errs(basic('<p onclick="x()">x</p>'))).toHaveLength(2);
  });

  it('no content: txt-2 only; no namespace: the xhtml type only', () => {
    expect(errs(basic(' '))).toEqual([expect.stringMatching(/^Basic\.text\.div \| Constraint failed: txt-2/)]);
    expect(errs(basic('x', ''))).toEqual([expect.stringMatching(/^Basic\.text\.div \| .*not a valid xhtml/)]);
  });

  it('txt-2 is rewritten by key, txt-1 kept', () => {
    expect(fixInvariantExpression('htmlChecks()', 'txt-2')).toBe('htmlChecks2()');
    expect(fixInvariantExpression('htmlChecks()', 'txt-1')).toBe('htmlChecks()');
  });
});
