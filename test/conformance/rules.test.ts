/**
 * Hand-made invalid variants of valid examples, one per rule kind, each asserting the exact
 * location the engine reports (and that the unmodified example is clean, so the variant is the cause).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conformance } from '../../src/platform/conformance/index.ts';
import { at, describeErrors, errors, example, jpConformance, warnings } from './helpers.ts';

const LAB = 'Observation-Example-JP-Obs-LabResult-eCS-eGFR.json';
const MEDREQ = 'MedicationRequest-Example-JP-MedReq-PO-SID-28days.json';
const PATIENT = 'Patient-Example-JP-Patient-standard.json';
const ENCOUNTER = 'Encounter-Example-JP-Encounter-eCS-01.json';

let c: Conformance;
beforeAll(async () => {
  c = await jpConformance();
});

/** Errors at `location`, failing with the full error list when there is none matching. */
function expectError(resource: unknown, location: string, message: RegExp, code?: string) {
  const oo = c.validate(resource);
  const found = at(oo, location, 'error').filter((i) => message.test(i.diagnostics ?? ''));
  expect(found.length, `expected an error at ${location} matching ${message}; got:\n${describeErrors(oo).join('\n')}`).toBeGreaterThan(0);
  if (code) expect(found[0].code).toBe(code);
  expect(found[0].details?.text, 'Japanese message').toBeTruthy();
  return oo;
}

describe('baseline', () => {
  it.each([LAB, MEDREQ, PATIENT, ENCOUNTER])('%s is clean before modification', (f) => {
    expect(describeErrors(c.validate(example('valid', f)))).toEqual([]);
  });
});

describe('cardinality', () => {
  it('reports a missing required element at its parent', () => {
    const r = example('valid', LAB);
    delete r.status;
    expectError(r, 'Observation', /Observation\.status: minimum required = 1/, 'required');
  });

  it('reports a profile minimum (JP: meta.lastUpdated 1..1)', () => {
    const r = example('valid', LAB);
    delete r.meta.lastUpdated;
    expectError(r, 'Observation.meta', /Observation\.meta\.lastUpdated: minimum required = 1/, 'required');
  });

  it('reports too many repetitions at the element', () => {
    const r = example('valid', LAB);
    r.category.push(structuredClone(r.category[0]));
    expectError(r, 'Observation.category', /Observation\.category: max allowed = 1, but found 2/);
  });

  it('reports an element the profile prohibits (max 0)', () => {
    const r = example('valid', MEDREQ);
    r.dispenseRequest.quantity.comparator = '<';
    expectError(
      r,
      'MedicationRequest.dispenseRequest.quantity.comparator',
      /MedicationRequest\.dispenseRequest\.quantity\.comparator: max allowed = 0, but found 1/,
    );
  });
});

describe('JSON structure', () => {
  it('rejects unknown properties', () => {
    const r = example('valid', PATIENT);
    r.nickname = 'taro';
    expectError(r, 'Patient.nickname', /Unrecognized property 'nickname'/, 'structure');
  });

  it('rejects a single value where the element repeats, and an array where it does not', () => {
    const r = example('valid', PATIENT);
    r.name = r.name[0];
    expectError(r, 'Patient.name', /must be a JSON array/);
    const s = example('valid', PATIENT);
    s.gender = [s.gender];
    expectError(s, 'Patient.gender', /must not be a JSON array/);
  });

  it('rejects empty strings, objects and arrays', () => {
    const r = example('valid', PATIENT);
    r.name[0].text = '';
    r.telecom = [];
    r.maritalStatus = {};
    const oo = expectError(r, 'Patient.name[0].text', /empty string/);
    expect(at(oo, 'Patient.telecom', 'error').length).toBe(1);
    expect(at(oo, 'Patient.maritalStatus', 'error')[0].diagnostics).toMatch(/ele-1/);
  });

  it('rejects the wrong JSON type for a primitive', () => {
    const r = example('valid', LAB);
    r.valueQuantity.value = '75';
    expectError(r, 'Observation.value.ofType(Quantity).value', /expected number but found string/, 'structure');
  });

  it('accepts a primitive carried only by its extension part, and rejects misaligned arrays', () => {
    const p = {
      resourceType: 'Patient',
      _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] },
    };
    expect(describeErrors(c.validate(p))).toEqual([]);
    const q = { resourceType: 'Patient', name: [{ given: ['a', 'b'], _given: [null] }] };
    expectError(q, 'Patient.name[0].given', /does not align/);
  });

  it('never throws on input that is not a resource', () => {
    for (const bad of [null, 42, 'text', [], {}, { resourceType: 'NotAType' }]) {
      const oo = c.validate(bad);
      expect(errors(oo).length).toBe(1);
    }
    expect(at(c.validate({ resourceType: 'NotAType' }), 'NotAType', 'error')[0].diagnostics).toMatch(/not a FHIR R4 resource type/);
  });
});

describe('primitive formats', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const cases: [string, (r: any) => void, string, RegExp][] = [
    ['date (impossible day)', (r) => (r.birthDate = '2021-02-30'), 'Patient.birthDate', /not a valid date/],
    ['dateTime without timezone', (r) => (r.meta.lastUpdated = '2021-07-09T14:11:13'), 'Patient.meta.lastUpdated', /not a valid instant/],
    ['id with invalid characters', (r) => (r.id = 'bad id!'), 'Patient.id', /not a valid id/],
    ['boolean as string', (r) => (r.active = 'true'), 'Patient.active', /expected boolean/],
    ['code with double space', (r) => (r.gender = 'fe  male'), 'Patient.gender', /not a valid code/],
    ['uri with whitespace', (r) => (r.identifier[0].system = 'urn:oid:1.2 3'), 'Patient.identifier[0].system', /not a valid uri/],
    ['oid uri syntax', (r) => (r.identifier[0].system = 'urn:oid:1.2.03'), 'Patient.identifier[0].system', /not a valid uri/],
  ];
  it.each(cases)('%s', (_label, mutate, location, message) => {
    const r = example('valid', PATIENT);
    mutate(r);
    expectError(r, location, message);
  });

  it('integer range and decimal / time / base64 formats', () => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueTime: '25:00:00',
      component: [
        { code: { text: 'a' }, valueInteger: 2147483648 },
        { code: { text: 'b' }, valueInteger: 1.5 },
      ],
    };
    const oo = expectError(obs, 'Observation.value.ofType(time)', /not a valid time/);
    expect(at(oo, 'Observation.component[0].value.ofType(integer)', 'error')[0].diagnostics).toMatch(/outside the range/);
    expect(at(oo, 'Observation.component[1].value.ofType(integer)', 'error')[0].diagnostics).toMatch(/not a valid integer/);
    const att = { resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { data: 'not base64!' } }] };
    expectError(att, 'DocumentReference.content[0].attachment.data', /not a valid base64Binary/);
    const timing = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { text: 'x' },
      subject: { reference: 'Patient/1' },
      dosageInstruction: [{ timing: { repeat: { count: 0 } } }],
    };
    expectError(timing, 'MedicationRequest.dosageInstruction[0].timing.repeat.count', /outside the range of positiveInt/);
  });
});

describe('choice types', () => {
  it('rejects two types for one choice element', () => {
    const r = example('valid', LAB);
    r.valueString = '75';
    expectError(r, 'Observation.value', /Only one of valueQuantity, valueString/);
  });

  it('rejects a type the profile removed (JP lab result: effective[x] is dateTime only)', () => {
    const r = example('valid', LAB);
    delete r.effectiveDateTime;
    r.effectivePeriod = { start: '2021-07-05' };
    const oo = expectError(r, 'Observation.effectivePeriod', /Unrecognized property/);
    expect(at(oo, 'Observation', 'error').some((i) => /effective\[x\]: minimum required = 1/.test(i.diagnostics ?? ''))).toBe(true);
  });
});

describe('fixed and pattern values', () => {
  it('rejects a value differing from a fixed value', () => {
    const r = example('valid', MEDREQ);
    r.dispenseRequest.expectedSupplyDuration.code = 'wk';
    expectError(r, 'MedicationRequest.dispenseRequest.expectedSupplyDuration.code', /Value is 'wk' but must be 'd'/, 'value');
  });

  it('rejects a value differing from a pattern (JP MedicationRequest.status pattern completed)', () => {
    const r = example('valid', MEDREQ);
    r.status = 'active';
    expectError(r, 'MedicationRequest.status', /must be 'completed'/, 'value');
  });
});

describe('slicing in the JP profiles', () => {
  it('value discriminator on system: a required identifier slice is missing', () => {
    const r = example('valid', MEDREQ);
    r.identifier = r.identifier.filter((i: { system: string }) => !i.system.endsWith('Medication-RPGroupNumber'));
    expectError(r, 'MedicationRequest', /Slice 'MedicationRequest\.identifier:rpNumber': minimum required = 1, but only found 0/, 'required');
  });

  it('value discriminator on $this (category:laboratory) with the slice content fixed', () => {
    const r = example('valid', LAB);
    r.category[0].coding[0].code = 'vital-signs';
    expectError(r, 'Observation', /Slice 'Observation\.category:laboratory': minimum required = 1/);
  });

  it('a matched slice enforces its own rules (codingYJ display 1..1)', () => {
    const r = example('valid', 'MedicationRequest-Example-JP-MedReq-PO-TID-2days.json');
    const yj = r.medicationCodeableConcept.coding.findIndex((x: { system: string }) => x.system === 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code');
    delete r.medicationCodeableConcept.coding[yj].display;
    expectError(r, `MedicationRequest.medication.ofType(CodeableConcept).coding[${yj}]`, /display: minimum required = 1/);
  });

  it('closed meta.tag slicing rejects another tag', () => {
    const r = example('valid', LAB);
    r.meta.tag = [{ system: 'http://example.org/tags', code: 'other' }];
    expectError(r, 'Observation.meta.tag[0]', /does not match any known slice/, 'structure');
  });
});

describe('extensions', () => {
  it('validates an extension against its definition (JP institution number format invariant)', () => {
    const r = example('valid', LAB);
    r.extension[0].valueIdentifier.value = '99999';
    expectError(r, 'Observation.extension[0]', /valid-value-institutionNumberExtension/, 'invariant');
  });

  it('rejects a value type the extension definition does not allow', () => {
    const r = example('valid', LAB);
    r.extension[0] = { url: r.extension[0].url, valueString: '1318814790' };
    expectError(r, 'Observation.extension[0].valueString', /Unrecognized property 'valueString'/);
  });

  it('warns on an unknown extension and rejects an unknown modifier extension', () => {
    const r = example('valid', PATIENT);
    r.extension = [{ url: 'http://example.org/fhir/StructureDefinition/unknown', valueString: 'x' }];
    const oo = c.validate(r);
    expect(at(oo, 'Patient.extension[0]', 'warning')[0].diagnostics).toMatch(/unknown/);
    expect(describeErrors(oo)).toEqual([]);
    r.modifierExtension = [{ url: 'http://example.org/fhir/StructureDefinition/unknown-modifier', valueBoolean: true }];
    expectError(r, 'Patient.modifierExtension[0]', /modifier extension .* unknown/, 'extension');
  });

  it('enforces ext-1 (value or nested extensions, not both)', () => {
    const r = example('valid', PATIENT);
    r.extension = [{ url: 'http://example.org/x', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] }];
    expectError(r, 'Patient.extension[0]', /ext-1/, 'invariant');
  });
});

describe('bindings and code systems', () => {
  it('required binding: a code outside the value set is an error', () => {
    const r = example('valid', LAB);
    r.status = 'done';
    expectError(r, 'Observation.status', /code done is not in the value set http:\/\/hl7\.org\/fhir\/ValueSet\/observation-status/, 'code-invalid');
  });

  it('required binding on a CodeableConcept (JP_SimpleObservationCategory_VS on category:laboratory)', () => {
    const r = example('valid', 'Observation-Example-JP-Obs-Common-eCS-PS-textOnly01.json');
    const base = c.validate(r);
    expect(describeErrors(base)).toEqual([]);
  });

  it('required binding on a CodeableConcept: no coding in the value set is an error at the element', () => {
    const r = example('valid', 'AllergyIntolerance-Example-JP-Allergy-eCS-01.json');
    expect(describeErrors(c.validate(r))).toEqual([]);
    // A real code of a loaded code system, but of another value set (condition, not allergy, clinical status).
    r.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'remission' }] };
    expectError(
      r,
      'AllergyIntolerance.clinicalStatus',
      /None of the codings provided are in the value set http:\/\/hl7\.org\/fhir\/ValueSet\/allergyintolerance-clinical/,
      'code-invalid',
    );
  });

  it('required binding whose value set is not loaded: a warning, never silence', () => {
    const r = example('valid', MEDREQ);
    const oo = c.validate(r);
    const w = warnings(oo).filter((i) => /JP_MedicationCodeCommon_VS/.test(i.diagnostics ?? ''));
    expect(w.length).toBe(1);
    expect(w[0].expression?.[0]).toBe('MedicationRequest.medication.ofType(CodeableConcept).coding[0].code');
  });

  it('a code absent from a loaded, complete code system is an error even without a binding', () => {
    const r = example('valid', ENCOUNTER);
    r.class.code = 'NOSUCHCODE';
    expectError(
      r,
      'Encounter.class.code',
      /Unknown code 'NOSUCHCODE' in the CodeSystem http:\/\/terminology\.hl7\.org\/CodeSystem\/v3-ActCode/,
      'code-invalid',
    );
  });

  it('UCUM units are checked by grammar', () => {
    const r = example('valid', MEDREQ);
    r.dispenseRequest.expectedSupplyDuration.system = 'http://unitsofmeasure.org';
    r.dosageInstruction[0].timing.repeat.boundsDuration.code = 'dayz';
    expectError(r, 'MedicationRequest.dosageInstruction[0].timing.repeat.bounds.ofType(Duration).code', /Unknown code 'dayz'/);
  });

  it('value set with an is-a style filter (JLAC10 core lab set, descendent-of)', () => {
    const r = example('valid', 'Observation-Example-JP-Obs-LabResult-eCS-K.json');
    const idx = r.code.coding.findIndex(
      (x: { system: string }) => x.system === 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS',
    );
    expect(idx).toBeGreaterThanOrEqual(0);
    r.code.coding[idx].code = '3A015000002329101'; // an ALB code: not in the K value set
    expectError(r, `Observation.code.coding[${idx}].code`, /not in the value set .*CoreLabo_k_VS/, 'code-invalid');
  });
});

describe('invariants (FHIRPath)', () => {
  it('base invariant obs-6: dataAbsentReason with a value', () => {
    const r = example('valid', LAB);
    r.dataAbsentReason = { text: 'unknown' };
    expectError(r, 'Observation', /obs-6/, 'invariant');
  });

  it('JP invariant: medication needs a standard code, a general-name code or the no-code marker', () => {
    const r = example('valid', MEDREQ);
    r.medicationCodeableConcept.coding = r.medicationCodeableConcept.coding.filter(
      (x: { system: string }) => x.system !== 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
    );
    expectError(r, 'MedicationRequest', /needs-anyOfStandardCode-medication/, 'invariant');
  });

  it('element invariant on a data type (per-1: period start after end)', () => {
    const r = example('valid', ENCOUNTER);
    r.period = { start: '2021-07-10', end: '2021-07-01' };
    expectError(r, 'Encounter.period', /per-1/, 'invariant');
  });

  it('narrative XHTML (txt-1): active content is rejected', () => {
    const r = example('valid', PATIENT);
    r.text = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>x</div>' };
    expectError(r, 'Patient.text.div', /txt-1/, 'invariant');
  });

  it('dom-3: a contained resource nobody references', () => {
    const r = example('valid', LAB);
    r.encounter = { display: 'no longer pointing at the contained encounter' };
    expectError(r, 'Observation', /dom-3/, 'invariant');
  });
});

describe('profiles', () => {
  it('a claimed profile that is not loaded is a warning on the claim', () => {
    const r = example('valid', PATIENT);
    r.meta.profile = ['http://example.org/fhir/StructureDefinition/NotLoaded'];
    const oo = c.validate(r);
    expect(at(oo, 'Patient.meta.profile[0]', 'warning')[0].diagnostics).toMatch(/not loaded/);
    expect(describeErrors(oo)).toEqual([]);
  });

  it('a claimed profile for another resource type is an error', () => {
    const r = example('valid', PATIENT);
    r.meta.profile = ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Practitioner'];
    expectError(r, 'Patient.meta.profile[0]', /is for Practitioner, not Patient/);
  });

  it('a versioned claim must name a loaded version', () => {
    const r = example('valid', 'Condition-Example-JP-Condition-eCS-01.json');
    r.meta.profile = ['http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS|9.9'];
    expect(at(c.validate(r), 'Condition.meta.profile[0]', 'warning').length).toBe(1);
  });

  it('extra profiles given by the caller are applied', () => {
    const r = example('valid', 'Patient-Example-JP-Patient-minimun.json');
    expect(describeErrors(c.validate(r))).toEqual([]);
    const oo = c.validate(r, { profiles: ['http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS'] });
    // JP_Patient_eCS requires name, gender, birthDate and address, which the minimal example leaves out.
    for (const element of ['name', 'gender', 'birthDate', 'address'])
      expect(
        at(oo, 'Patient', 'error').some((i) => (i.diagnostics ?? '').startsWith(`Patient.${element}: minimum required = 1`)),
        element,
      ).toBe(true);
  });

  it('contained resources are validated with their own claims', () => {
    const r = example('valid', MEDREQ);
    r.contained[0].gender = 'unknown-gender';
    const oo = expectError(r, 'MedicationRequest.contained[0].gender', /unknown-gender is not in the value set .*administrative-gender/);
    // …and the references to it now point at a resource that does not conform to JP_Practitioner.
    expect(at(oo, 'MedicationRequest.requester.reference', 'error')[0].diagnostics).toMatch(/does not conform .*JP_Practitioner/);
  });
});

describe('side effects', () => {
  it('validation never modifies the resource', async () => {
    const { exampleFiles } = await import('./helpers.ts');
    for (const kind of ['valid', 'invalid'] as const) {
      for (const f of exampleFiles(kind)) {
        const r = example(kind, f);
        const before = JSON.stringify(r);
        c.validate(r);
        c.validate(r, { profiles: ['http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS'] });
        expect(JSON.stringify(r)).toBe(before);
      }
    }
  });
});
