/**
 * Conformance II — primitive and JSON checks: minValue / maxValue Quantity (Quantity, Duration)
 * compared as quantities (same unit, or UCUM-convertible units), `_name` objects of primitives
 * (only id and extension), Attachment size against the decoded data, the uuid type's lowercase
 * rule, dateTime with a time but no timezone.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { base64DecodedLength, checkPrimitive, compareQuantity, comparePrimitive } from '../../src/platform/conformance/validate/primitives.ts';
import { describeErrors, differentialProfile } from './helpers.ts';

const BASE = 'http://tsunagu.example/fhir/ii-prim/StructureDefinition';
const UCUM = 'http://unitsofmeasure.org';

const sd = (id: string, type: string, elements: Record<string, unknown>[]) => differentialProfile(BASE, id, type, elements);

let c: Conformance;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-ii-prim-'));
  const pkg = join(dir, 'package');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'tsunagu.test.iiprim', version: '0.1.0', fhirVersions: ['4.0.1'] }));
  const profiles = [
    sd('weighed', 'Observation', [
      {
        id: 'Observation.value[x]',
        path: 'Observation.value[x]',
        type: [{ code: 'Quantity' }],
        minValueQuantity: { value: 1, system: UCUM, code: 'g' },
        maxValueQuantity: { value: 10, system: UCUM, code: 'g' },
      },
    ]),
    sd('month-supply', 'MedicationRequest', [
      {
        id: 'MedicationRequest.dispenseRequest.expectedSupplyDuration',
        path: 'MedicationRequest.dispenseRequest.expectedSupplyDuration',
        maxValueQuantity: { value: 30, system: UCUM, code: 'd' },
      },
    ]),
  ];
  for (const p of profiles) writeFileSync(join(pkg, `StructureDefinition-${p.id}.json`), JSON.stringify(p));
  c = await loadConformance({ packages: [dir] });
});

const errs = (r: unknown) => describeErrors(c.validate(r));
const TEXT = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };

describe('minValue / maxValue Quantity', () => {
  const obs = (value: number, code: string, system = UCUM) => ({
    resourceType: 'Observation',
    meta: { profile: [`${BASE}/weighed`] },
    text: TEXT,
    status: 'final',
    code: { text: 'weight' },
    valueQuantity: { value, system, code },
  });

  it('values within the bounds, in the same or a convertible unit, pass', () => {
    expect(errs(obs(5, 'g'))).toEqual([]);
    expect(errs(obs(1, 'g'))).toEqual([]);
    expect(errs(obs(10, 'g'))).toEqual([]);
    expect(errs(obs(2000, 'mg'))).toEqual([]);
    expect(errs(obs(0.005, 'kg'))).toEqual([]);
  });

  it('one error per value outside a bound, with the same code or after UCUM conversion', () => {
    expect(errs(obs(0.5, 'g'))).toEqual([expect.stringMatching(/^Observation\.value\.ofType\(Quantity\) \| .*minValue.*>= 1 g/)]);
    expect(errs(obs(20, 'g'))).toEqual([expect.stringMatching(/maxValue.*<= 10 g/)]);
    expect(errs(obs(500, 'mg'))).toHaveLength(1);
    expect(errs(obs(0.5, 'kg'))).toHaveLength(1);
  });

  it('units that cannot be compared are not an error', () => {
    expect(errs(obs(3, 's'))).toEqual([]);
    expect(errs(obs(3, 'lb', 'http://example.org/units'))).toEqual([]);
  });

  it('Duration: maxValueQuantity in days, values in days, weeks and months', () => {
    const mr = (value: number, code: string) => ({
      resourceType: 'MedicationRequest',
      meta: { profile: [`${BASE}/month-supply`] },
      text: TEXT,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { text: 'x' },
      subject: { reference: 'Patient/1' },
      dispenseRequest: { expectedSupplyDuration: { value, system: UCUM, code } },
    });
    expect(errs(mr(28, 'd'))).toEqual([]);
    expect(errs(mr(4, 'wk'))).toEqual([]);
    expect(errs(mr(31, 'd'))).toEqual([expect.stringMatching(/^MedicationRequest\.dispenseRequest\.expectedSupplyDuration \| .*maxValue/)]);
    expect(errs(mr(5, 'wk'))).toHaveLength(1);
  });

  it('comparePrimitive never compares a primitive with an object bound', () => {
    expect(comparePrimitive(5, { value: 10 })).toBe(0);
    expect(comparePrimitive('2020-01-01', { value: 10 })).toBe(0);
    expect(comparePrimitive(5, 10)).toBeLessThan(0);
    expect(compareQuantity({ value: 1, system: UCUM, code: 'kg' }, { value: 999, system: UCUM, code: 'g' })).toBeGreaterThan(0);
    expect(compareQuantity({ value: 1 }, { value: 999, system: UCUM, code: 'g' })).toBeUndefined();
  });
});

describe('the `_name` object of a primitive', () => {
  it('unknown properties are errors, including `value`', () => {
    expect(errs({ resourceType: 'Patient', text: TEXT, birthDate: '2000-01-01', _birthDate: { foo: 1 } })).toEqual([
      expect.stringMatching(/^Patient\.birthDate\.foo \| Unrecognized property 'foo'/),
    ]);
    expect(errs({ resourceType: 'Patient', text: TEXT, birthDate: '2000-01-01', _birthDate: { value: '2000-01-01' } })).toEqual([
      expect.stringMatching(/^Patient\.birthDate\.value \| Unrecognized property 'value'/),
    ]);
  });

  it('id and extension are allowed', () => {
    const ext = [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }];
    expect(errs({ resourceType: 'Patient', text: TEXT, _birthDate: { id: 'b1', extension: ext } })).toEqual([]);
  });
});

describe('Attachment.size', () => {
  const photo = (size: number, data = 'AAAA') => ({ resourceType: 'Patient', text: TEXT, photo: [{ contentType: 'image/png', data, size }] });

  it('must be the decoded length of data', () => {
    expect(errs(photo(3))).toEqual([]);
    expect(errs(photo(4, 'AAAAAA=='))).toEqual([]);
    expect(errs(photo(5))).toEqual([expect.stringMatching(/^Patient\.photo\[0\] \| .*att-size/)]);
  });

  it('hash, when given with data, is the base64 SHA-1 of the decoded data', () => {
    const data = Buffer.from('hello').toString('base64');
    const hash = createHash('sha1').update('hello').digest('base64');
    const pat = (h: string) => ({ resourceType: 'Patient', text: TEXT, photo: [{ contentType: 'text/plain', data, hash: h, size: 5 }] });
    expect(errs(pat(hash))).toEqual([]);
    expect(errs(pat(createHash('sha1').update('other').digest('base64')))).toEqual([expect.stringMatching(/^Patient\.photo\[0\] \| .*att-hash/)]);
  });

  it('decoded length of base64 text', () => {
    expect(base64DecodedLength('AAAA')).toBe(3);
    expect(base64DecodedLength('AAA=')).toBe(2);
    expect(base64DecodedLength('AA==')).toBe(1);
    expect(base64DecodedLength('AA AA')).toBe(3);
    expect(base64DecodedLength('AAA')).toBeUndefined();
    expect(base64DecodedLength('AAAA\nAAAA')).toBe(6);
  });
});

describe('primitive lexical rules', () => {
  it('uuid is lowercase; uri with urn:uuid: accepts any case and a fragment', () => {
    expect(checkPrimitive('uuid', 'urn:uuid:8b1f0e3a-7c1f-4e8e-9d3c-3b1f0e3a7c1f').ok).toBe(true);
    expect(checkPrimitive('uuid', 'urn:uuid:8B1F0E3A-7C1F-4E8E-9D3C-3B1F0E3A7C1F').ok).toBe(false);
    expect(checkPrimitive('uri', 'urn:uuid:8B1F0E3A-7C1F-4E8E-9D3C-3B1F0E3A7C1F').ok).toBe(true);
    expect(checkPrimitive('uri', 'urn:uuid:8b1f0e3a-7c1f-4e8e-9d3c-3b1f0e3a7c1f#p1').ok).toBe(true);
    expect(checkPrimitive('uri', 'urn:uuid:not-a-uuid#p1').ok).toBe(false);
    expect(checkPrimitive('uri', 'urn:oid:1.2.3#x').ok).toBe(true);
    expect(checkPrimitive('uri', 'oid:1.2.3').ok).toBe(false);
    expect(checkPrimitive('uri', 'uuid:8b1f0e3a-7c1f-4e8e-9d3c-3b1f0e3a7c1f').ok).toBe(false);
  });

  it('a dateTime with a time needs a timezone', () => {
    expect(checkPrimitive('dateTime', '2020-01-01T10:00:00').ok).toBe(false);
    expect(checkPrimitive('dateTime', '2020-01-01T10:00:00+09:00').ok).toBe(true);
  });
});
