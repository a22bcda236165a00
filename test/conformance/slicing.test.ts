/**
 * Slicing with every discriminator type and rule, on the hand-made differential-only profiles of
 * fixtures/test-ig (so snapshot generation is exercised too): value (ordered, closed), pattern,
 * type (closed), exists (openAtEnd), profile (closed), and an extension slice with its own profile.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { at, describeErrors, errors, TEST_IG } from './helpers.ts';

const OBS_PROFILE = 'http://tsunagu.example/fhir/StructureDefinition/TestObservation';
const PAT_PROFILE = 'http://tsunagu.example/fhir/StructureDefinition/TestPatient';
const NICKNAME = 'http://tsunagu.example/fhir/StructureDefinition/test-nickname';

let c: Conformance;
beforeAll(async () => {
  c = await loadConformance({ packages: [TEST_IG] });
});

function observation(): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    meta: { profile: [OBS_PROFILE] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">test</div>' },
    status: 'final',
    identifier: [
      { system: 'urn:test:main', value: '1' },
      { system: 'urn:test:extra', value: '2' },
    ],
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { text: 'test' },
    subject: { reference: 'Patient/1' },
    valueQuantity: { value: 1 },
    note: [{ authorString: 'dr', text: 'signed' }, { text: 'unsigned' }],
  };
}

const only = (oo: ReturnType<Conformance['validate']>) => describeErrors(oo);

it('the fixture profiles compile from differentials without problems', () => {
  expect(c.loadProblems).toEqual([]);
  expect(c.hasProfile(OBS_PROFILE)).toBe(true);
  expect(only(c.validate(observation()))).toEqual([]);
});

describe('value discriminator (identifier by system; ordered, closed)', () => {
  it('requires the min-1 slice', () => {
    const r = observation();
    r.identifier = [{ system: 'urn:test:extra', value: '2' }];
    expect(at(c.validate(r), 'Observation', 'error')[0].diagnostics).toMatch(/Slice 'Observation\.identifier:main': minimum required = 1, but only found 0/);
  });

  it('limits a slice to its max', () => {
    const r = observation();
    r.identifier = [{ system: 'urn:test:main', value: '1' }, ...['a', 'b', 'c'].map((v) => ({ system: 'urn:test:extra', value: v }))];
    expect(at(c.validate(r), 'Observation', 'error')[0].diagnostics).toMatch(/Slice 'Observation\.identifier:extra': max allowed = 2, but found 3/);
  });

  it('rejects out-of-order slices and items matching no slice', () => {
    const r = observation();
    r.identifier = [
      { system: 'urn:test:extra', value: '2' },
      { system: 'urn:test:main', value: '1' },
      { system: 'urn:other', value: '3' },
    ];
    const oo = c.validate(r);
    expect(at(oo, 'Observation.identifier[1]', 'error')[0].diagnostics).toMatch(/out of the defined order/);
    expect(at(oo, 'Observation.identifier[2]', 'error')[0].diagnostics).toMatch(/does not match any known slice/);
  });
});

describe('pattern discriminator (category by $this)', () => {
  it('requires a category matching the pattern', () => {
    const r = observation();
    r.category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'imaging' }] }];
    expect(at(c.validate(r), 'Observation', 'error')[0].diagnostics).toMatch(/Slice 'Observation\.category:lab': minimum required = 1/);
  });

  it('open slicing: items matching no slice are allowed, in any position', () => {
    const r = observation();
    r.category = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'imaging' }] },
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
      { text: 'unsliced' },
    ];
    expect(only(c.validate(r))).toEqual([]);
  });

  it('a pattern matches with extra content present', () => {
    const r = observation();
    r.category = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }], text: 'lab' },
    ];
    expect(only(c.validate(r))).toEqual([]);
  });
});

describe('type discriminator (value[x] by $this; closed)', () => {
  it('rejects a value type with no slice', () => {
    const r = observation();
    delete r.valueQuantity;
    r.valueString = 'text';
    expect(at(c.validate(r), 'Observation.value.ofType(string)', 'error')[0].diagnostics).toMatch(/does not match any known slice/);
  });
});

describe('exists discriminator (note by author; openAtEnd)', () => {
  it('unmatched notes must come after the slice', () => {
    const r = observation();
    r.note = [{ text: 'unsigned' }, { authorString: 'dr', text: 'signed' }];
    expect(at(c.validate(r), 'Observation.note[1]', 'error')[0].diagnostics).toMatch(/must come after all slices \(openAtEnd\)/);
  });
});

describe('profile discriminator (contained by $this; closed)', () => {
  it('accepts a contained resource conforming to the slice profile', () => {
    const r = observation();
    r.contained = [
      { resourceType: 'Patient', id: 'p', birthDate: '2000-01-01', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">p</div>' } },
    ];
    r.subject = { reference: '#p' };
    expect(only(c.validate(r))).toEqual([]);
  });

  it('rejects a contained resource of the right type that does not conform to the profile', () => {
    const r = observation();
    r.contained = [{ resourceType: 'Patient', id: 'p' }];
    r.subject = { reference: '#p' };
    expect(at(c.validate(r), 'Observation.contained[0]', 'error')[0].diagnostics).toMatch(/does not match any known slice/);
  });

  it('rejects a contained resource of another type', () => {
    const r = observation();
    r.contained = [{ resourceType: 'Practitioner', id: 'd' }];
    r.performer = [{ reference: '#d' }];
    expect(at(c.validate(r), 'Observation.contained[0]', 'error')[0].diagnostics).toMatch(/does not match any known slice/);
  });
});

describe('extension slice with its own profile', () => {
  const patient = (value: Record<string, unknown>) => ({
    resourceType: 'Patient',
    meta: { profile: [PAT_PROFILE] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">p</div>' },
    birthDate: '2000-01-01',
    extension: [{ url: NICKNAME, ...value }],
  });

  it('accepts a conforming extension', () => {
    expect(only(c.validate(patient({ valueString: 'Taro' })))).toEqual([]);
  });

  it('applies the extension definition (maxLength on its value)', () => {
    const oo = c.validate(patient({ valueString: 'a much too long nickname' }));
    expect(at(oo, 'Patient.extension[0].value.ofType(string)', 'error')[0].diagnostics).toMatch(/longer than the maximum length 10/);
  });

  it('applies the extension definition (value type)', () => {
    const oo = c.validate(patient({ valueCode: 'taro' }));
    expect(at(oo, 'Patient.extension[0].valueCode', 'error')[0].diagnostics).toMatch(/Unrecognized property/);
    expect(at(oo, 'Patient.extension[0]', 'error')[0].diagnostics).toMatch(/value\[x\]: minimum required = 1/);
  });

  it('a profile minimum on the profiled resource (birthDate 1..1)', () => {
    const p = patient({ valueString: 'Taro' });
    delete (p as Record<string, unknown>).birthDate;
    expect(errors(c.validate(p)).map((i) => i.expression?.[0])).toEqual(['Patient']);
  });
});
