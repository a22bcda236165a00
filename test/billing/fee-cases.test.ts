/** The fee calculation's table of cases (fee-cases.ts): every case computes exactly, or fails with its precise outcome. */
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { calculateVisit } from '../../src/services/billing/calc/calculate.ts';
import { checkCase } from '../../src/services/billing/calc/case-check.ts';
import { feeMasterFrom, sampleFeeMaster, sampleFeeMasterData } from '../../src/services/billing/master/index.ts';
import { baseCase, FEE_CASES } from './fee-cases.ts';

const BIOCHEM_FIVE = ['160017410', '160019010', '160019210', '160019310', '160019410'];

describe('fee calculation cases (sample master)', () => {
  it('has a source for every case', () => {
    for (const c of FEE_CASES) expect(c.source.length, c.name).toBeGreaterThan(5);
  });

  it.each(FEE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const master = sampleFeeMaster();
    const run = () => calculateVisit(master, checkCase(JSON.parse(JSON.stringify(c.case))));
    if ('status' in c.expect) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error, 'an OperationOutcome is thrown').toBeInstanceOf(FhirError);
      const e = error as FhirError;
      expect(e.status).toBe(c.expect.status);
      const issue = e.outcome.issue?.[0];
      expect(issue?.code).toBe(c.expect.code);
      expect(issue?.expression).toEqual([c.expect.expression]);
      expect(issue?.details?.text).toMatch(c.expect.text);
      return;
    }
    const r = run();
    const x = c.expect;
    expect(r.totalPoints).toBe(x.totalPoints);
    expect(r.totalYen).toBe(x.totalPoints * 10);
    expect(r.lines.reduce((s, l) => s + l.total, 0)).toBe(r.totalPoints);
    if (x.codes) expect(r.lines.map((l) => l.code).sort()).toEqual([...x.codes].sort());
    if (x.removed) expect(r.removed.map((l) => l.code).sort()).toEqual([...x.removed].sort());
    if (x.encounter) expect(r.encounter).toBe(x.encounter);
    if (x.patientYen !== undefined) expect(r.copay.patientYen).toBe(x.patientYen);
    for (const id of x.rules ?? []) expect(r.rules.map((y) => y.id)).toContain(id);
    // the split always adds up to the cost, and every share names its rule
    expect(r.copay.shares.reduce((s, p) => s + p.yen, 0)).toBe(r.totalYen);
    for (const s of r.copay.shares) expect(s.rule).toBeTruthy();
    // every line added by a rule names it
    for (const l of r.lines.filter((y) => y.origin === 'added')) expect(l.rule, l.code).toBeTruthy();
  });
});

describe('a master without the まるめ steps of the date', () => {
  it('refuses five 生化学的検査（１） items with a precise outcome instead of billing them one by one', () => {
    const data = sampleFeeMasterData();
    const master = feeMasterFrom({ ...data, bundleSteps: data.bundleSteps.filter((s) => s.validFrom < '2026-06-01') }, 'test master');
    const c = checkCase(baseCase({ date: '2026-06-15', lastVisitDate: '2026-06-01', items: BIOCHEM_FIVE.map((code) => ({ code })) }));
    expect(() => calculateVisit(master, c)).toThrow(FhirError);
    try {
      calculateVisit(master, c);
    } catch (e) {
      const issue = (e as FhirError).outcome.issue?.[0];
      expect((e as FhirError).status).toBe(422);
      expect(issue?.code).toBe('business-rule');
      expect(issue?.expression).toEqual(['visit.items[0].code']);
      expect(issue?.details?.text).toMatch(/項目数による点数が 2026-06-15 の点数マスターにありません/);
    }
  });
});
