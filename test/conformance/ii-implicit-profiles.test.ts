/** Conformance II — profiles applied without a claim: R4 vital signs by LOINC code, ImplementationGuide.global. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { describeErrors, errors } from './helpers.ts';

let c: Conformance;
beforeAll(async () => {
  c = await loadConformance({ packages: [] });
});

const vitalCategory = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];

function heartRate(extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: vitalCategory,
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2024-01-01T10:00:00Z',
    valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
    ...extra,
  };
}

describe('R4 vital signs profiles by LOINC code', () => {
  it('a conforming heart rate passes', () => {
    expect(describeErrors(c.validate(heartRate()))).toEqual([]);
  });

  it('a heart rate without the vital-signs category fails the vitalsigns / heartrate profile without claiming it', () => {
    const oo = c.validate(heartRate({ category: undefined }));
    expect(errors(oo).some((i) => /category/.test(i.diagnostics ?? ''))).toBe(true);
  });

  it('a heart rate with a unit other than /min fails heartrate', () => {
    const oo = c.validate(heartRate({ valueQuantity: { value: 72, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }));
    expect(errors(oo).length).toBeGreaterThan(0);
  });

  it('an Observation with another LOINC code is not held to a vital-signs profile', () => {
    const obs = heartRate({ category: undefined, code: { coding: [{ system: 'http://loinc.org', code: '2339-0' }] } });
    expect(describeErrors(c.validate(obs))).toEqual([]);
  });
});

describe('ImplementationGuide.global', () => {
  it('applies the global profile to every resource of the type', async () => {
    const own = await loadConformance({ packages: [] });
    const group = { resourceType: 'Group', type: 'person', actual: false };
    expect(describeErrors(own.validate(group))).toEqual([]);
    own.definitions.add(
      {
        resourceType: 'ImplementationGuide',
        url: 'http://tsunagu.test/ImplementationGuide/g',
        global: [{ type: 'Group', profile: 'http://hl7.org/fhir/StructureDefinition/actualgroup' }],
      },
      'test#1',
    );
    expect(errors(own.validate(group)).length).toBeGreaterThan(0);
    expect(describeErrors(own.validate({ ...group, actual: true }))).toEqual([]);
  });
});
