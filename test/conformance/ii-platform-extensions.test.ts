/**
 * The extensions Tsunagu writes are defined (packages/platform-definitions.ts): a Coverage as the eligibility service
 * writes it validates with unknown extensions as errors; a wrong value type, a wrong context or a missing part is an
 * error like for any loaded definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, loadConformance } from '../../src/platform/conformance/index.ts';
import { describeErrors } from './helpers.ts';

const T = 'https://tsunagu.dev/fhir/StructureDefinition';
const coverage = (extension: unknown[]) => ({
  resourceType: 'Coverage',
  status: 'active',
  beneficiary: { reference: 'Patient/p1' },
  payor: [{ reference: 'Organization/o1' }],
  extension,
});

describe('the platform’s own extension definitions', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await loadConformance({ packages: [] });
  });

  it('accepts them as the services write them', () => {
    const ok = coverage([
      { url: `${T}/eligibility-loss-date`, valueDate: '2026-04-01' },
      {
        url: `${T}/eligibility-elderly-recipient`,
        extension: [
          { url: 'copayRatio', valueInteger: 2 },
          { url: 'period', valuePeriod: { start: '2026-01-01' } },
        ],
      },
      { url: `${T}/eligibility-public-expense`, extension: [{ url: 'payer', valueIdentifier: { value: '54016027' } }] },
    ]);
    expect(describeErrors(c.validate(ok))).toEqual([]);
  });

  it('refuses a wrong value type, a missing required part and a use outside the context', () => {
    expect(describeErrors(c.validate(coverage([{ url: `${T}/eligibility-loss-date`, valueString: 'April' }]))).length).toBeGreaterThan(0);
    expect(
      describeErrors(
        c.validate(coverage([{ url: `${T}/eligibility-elderly-recipient`, extension: [{ url: 'period', valuePeriod: { start: '2026-01-01' } }] }])),
      ).length,
    ).toBeGreaterThan(0);
    const patient = { resourceType: 'Patient', extension: [{ url: `${T}/eligibility-loss-date`, valueDate: '2026-04-01' }] };
    expect(describeErrors(c.validate(patient)).some((e) => /eligibility-loss-date/.test(e))).toBe(true);
  });
});
