/** Conformance II — extensions: unknown definitions (strict / lenient), context, versioned URLs, modifier use. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { describeErrors, errors, warnings } from './helpers.ts';

const SD = 'http://hl7.org/fhir/StructureDefinition/';
let strict: Conformance;
let lenient: Conformance;
beforeAll(async () => {
  strict = await loadConformance({ packages: [] });
  lenient = await loadConformance({ packages: [], unknownExtensions: 'warning' });
});

const patient = (extra: Record<string, unknown>) => ({ resourceType: 'Patient', id: 'p1', ...extra });
const matching = (oo: ReturnType<Conformance['validate']>, re: RegExp) => errors(oo).filter((i) => re.test(i.diagnostics ?? ''));

describe('unknown extensions', () => {
  const unknown = { url: 'http://tsunagu.test/fhir/StructureDefinition/not-loaded', valueString: 'x' };

  it('are an error by default (one error)', () => {
    const oo = strict.validate(patient({ extension: [unknown] }));
    expect(describeErrors(oo)).toEqual([
      'Patient.extension[0] | The extension http://tsunagu.test/fhir/StructureDefinition/not-loaded could not be found so is not allowed here',
    ]);
  });

  it('are a warning with unknownExtensions: warning (lenient)', () => {
    const oo = lenient.validate(patient({ extension: [unknown] }));
    expect(describeErrors(oo)).toEqual([]);
    expect(warnings(oo).some((w) => /not-loaded/.test(w.diagnostics ?? ''))).toBe(true);
  });

  it('an unknown modifier extension is an error in both modes', () => {
    const m = { url: 'http://tsunagu.test/fhir/StructureDefinition/not-loaded-mod', valueBoolean: true };
    expect(errors(lenient.validate(patient({ modifierExtension: [m] })))).toHaveLength(1);
    expect(errors(strict.validate(patient({ modifierExtension: [m] })))).toHaveLength(1);
  });

  it('url|version: a loaded version resolves, another version is not found', () => {
    const ok = { url: `${SD}patient-birthPlace|4.0.1`, valueAddress: { city: 'Tokyo' } };
    expect(describeErrors(strict.validate(patient({ extension: [ok] })))).toEqual([]);
    const bad = { url: `${SD}patient-birthPlace|9.9.9`, valueAddress: { city: 'Tokyo' } };
    const oo = strict.validate(patient({ extension: [bad] }));
    expect(matching(oo, /version 9\.9\.9 could not be found/)).toHaveLength(1);
    expect(errors(oo)).toHaveLength(1);
  });
});

describe('extension context', () => {
  it('a resource context: patient-birthPlace on a Patient, not on an Observation', () => {
    const ext = { url: `${SD}patient-birthPlace`, valueAddress: { city: 'Tokyo' } };
    expect(describeErrors(strict.validate(patient({ extension: [ext] })))).toEqual([]);
    const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [ext] };
    const oo = strict.validate(obs);
    expect(matching(oo, /not allowed to be used at this point/)).toHaveLength(1);
    expect(errors(oo)).toHaveLength(1);
  });

  it('an element-path context: humanname-own-prefix on HumanName.family only', () => {
    const ext = { url: `${SD}humanname-own-prefix`, valueString: 'van' };
    expect(describeErrors(strict.validate(patient({ name: [{ family: 'Berg', _family: { extension: [ext] } }] })))).toEqual([]);
    const oo = strict.validate(patient({ name: [{ family: 'Berg', extension: [ext] }] }));
    expect(matching(oo, /humanname-own-prefix is not allowed/)).toHaveLength(1);
  });

  it('a data type context (geolocation on Address) and the Element context (data-absent-reason anywhere)', () => {
    const geo = {
      url: `${SD}geolocation`,
      extension: [
        { url: 'latitude', valueDecimal: 35.6 },
        { url: 'longitude', valueDecimal: 139.7 },
      ],
    };
    expect(describeErrors(strict.validate(patient({ address: [{ city: 'Tokyo', extension: [geo] }] })))).toEqual([]);
    expect(matching(strict.validate(patient({ extension: [geo] })), /geolocation is not allowed/)).toHaveLength(1);
    const dar = { url: `${SD}data-absent-reason`, valueCode: 'unknown' };
    expect(describeErrors(strict.validate(patient({ _gender: { extension: [dar] } })))).toEqual([]);
  });

  it('a sub-extension the complex extension does not define is an error', () => {
    const geo = {
      url: `${SD}geolocation`,
      extension: [
        { url: 'latitude', valueDecimal: 35.6 },
        { url: 'longitude', valueDecimal: 139.7 },
        { url: 'altitude', valueDecimal: 40 },
      ],
    };
    const oo = strict.validate(patient({ address: [{ city: 'Tokyo', extension: [geo] }] }));
    expect(errors(oo).length).toBeGreaterThan(0);
  });

  it('a modifier extension used as a plain extension is an error', () => {
    const ext = { url: `${SD}request-doNotPerform`, valueBoolean: true };
    const no = { resourceType: 'NutritionOrder', status: 'active', intent: 'order', patient: { reference: 'Patient/p1' }, dateTime: '2024-01-01' };
    expect(describeErrors(strict.validate({ ...no, modifierExtension: [ext] }))).toEqual([]);
    expect(matching(strict.validate({ ...no, extension: [ext] }), /must not be used as an extension/)).toHaveLength(1);
  });

  it('a fhirpath context: the element holding the extension must be selected by the expression', async () => {
    const own = await loadConformance({ packages: [] });
    own.definitions.add(
      {
        resourceType: 'StructureDefinition',
        url: 'http://tsunagu.test/ext/fp',
        name: 'Fp',
        status: 'draft',
        kind: 'complex-type',
        abstract: false,
        type: 'Extension',
        baseDefinition: `${SD}Extension`,
        derivation: 'constraint',
        context: [{ type: 'fhirpath', expression: "Patient.name.where(use = 'official')" }],
        differential: {
          element: [
            { id: 'Extension', path: 'Extension' },
            { id: 'Extension.url', path: 'Extension.url', fixedUri: 'http://tsunagu.test/ext/fp' },
            { id: 'Extension.value[x]', path: 'Extension.value[x]', type: [{ code: 'string' }] },
          ],
        },
      },
      'test#1',
    );
    const ext = { url: 'http://tsunagu.test/ext/fp', valueString: 'x' };
    expect(describeErrors(own.validate(patient({ name: [{ use: 'official', family: 'A', extension: [ext] }] })))).toEqual([]);
    const oo = own.validate(patient({ name: [{ use: 'usual', family: 'A', extension: [ext] }] }));
    expect(matching(oo, /not allowed to be used at this point/)).toHaveLength(1);
  });
});
