/** Bundles: entry profiles, references resolved by fullUrl, target types and profiles, nested Bundles. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conformance } from '../../src/platform/conformance/index.ts';
import { at, describeErrors, errors, example, jpConformance } from './helpers.ts';

const REFERRAL = 'Bundle-Bundle-CLINS-Referral-Example-01.json';
const PATIENT_URL = 'urn:uuid:0a48a4bf-0d87-4efb-aafd-d45e0842a4dd';
const PRACTITIONER_URL = 'urn:uuid:3e6a0ba2-d781-4fd7-9de6-e077b690daed';

let c: Conformance;
beforeAll(async () => {
  c = await jpConformance();
});

describe('references inside a Bundle', () => {
  it('an unresolvable urn:uuid reference is an error at the reference', () => {
    const b = example('valid', REFERRAL);
    b.entry[8].resource.subject.reference = 'urn:uuid:00000000-0000-4000-8000-000000000000';
    const oo = c.validate(b);
    expect(at(oo, 'Bundle.entry[8].resource.subject.reference', 'error')[0].diagnostics).toMatch(/cannot be resolved within the Bundle/);
    expect(at(oo, 'Bundle.entry[8].resource.subject.reference', 'error')[0].code).toBe('not-found');
  });

  it('a reference resolving to a resource of a type the element does not allow', () => {
    const b = example('valid', REFERRAL);
    b.entry[8].resource.subject.reference = PRACTITIONER_URL;
    const oo = c.validate(b);
    expect(at(oo, 'Bundle.entry[8].resource.subject.reference', 'error')[0].diagnostics).toMatch(/points to a Practitioner, but only Patient is allowed/);
  });

  it('Reference.type must match the resolved resource', () => {
    const b = example('valid', REFERRAL);
    b.entry[8].resource.subject = { reference: PATIENT_URL, type: 'Group' };
    const oo = c.validate(b);
    expect(at(oo, 'Bundle.entry[8].resource.subject.reference', 'error')[0].diagnostics).toMatch(/type 'Group' does not match .* Patient/);
  });

  it('a referenced entry that breaks the target profile is reported at the reference too', () => {
    const b = example('valid', REFERRAL);
    delete b.entry[8].resource.meta.lastUpdated; // JP_Condition_eCS requires meta.lastUpdated
    const oo = c.validate(b);
    expect(at(oo, 'Bundle.entry[8].resource.meta', 'error')[0].diagnostics).toMatch(/lastUpdated: minimum required = 1/);
    const refErr = at(oo, 'Bundle.entry[0].resource.section[2].section[1].entry[0].reference', 'error');
    expect(refErr[0].diagnostics).toMatch(/does not conform .*JP_Condition_eCS/);
  });

  it('a relative reference that does not resolve inside a document is a warning', () => {
    const b = example('valid', REFERRAL);
    b.entry[16].resource.focus = [{ reference: 'Practitioner/not-in-bundle' }];
    const oo = c.validate(b);
    expect(at(oo, 'Bundle.entry[16].resource.focus[0].reference', 'warning')[0].diagnostics).toMatch(/cannot be resolved/);
    expect(describeErrors(oo)).toEqual([]);
  });

  it('relative references resolve against RESTful fullUrls', () => {
    const b = example('valid', REFERRAL);
    b.entry[1].fullUrl = 'http://example.org/fhir/Patient/p1';
    b.entry[1].resource.id = 'p1';
    const json = JSON.stringify(b).split(PATIENT_URL).join('Patient/p1');
    const moved = JSON.parse(json);
    moved.entry[1].fullUrl = 'http://example.org/fhir/Patient/p1';
    expect(describeErrors(c.validate(moved))).toEqual([]);
  });

  it('a malformed reference is rejected', () => {
    const b = example('valid', REFERRAL);
    b.entry[8].resource.subject.reference = 'Patient/has space';
    expect(at(c.validate(b), 'Bundle.entry[8].resource.subject.reference', 'error')[0].diagnostics).toMatch(/not a valid reference/);
  });
});

describe('entry resources', () => {
  it('each entry is validated against its own claims (errors located inside the entry)', () => {
    const b = example('valid', REFERRAL);
    b.entry[1].resource.gender = 'nonbinary-value';
    const oo = c.validate(b);
    expect(at(oo, 'Bundle.entry[1].resource.gender', 'error')[0].diagnostics).toMatch(/administrative-gender/);
  });

  it('bdl invariants run on the Bundle (document needs a Composition first)', () => {
    const b = example('valid', REFERRAL);
    b.entry.push(b.entry.shift());
    const oo = c.validate(b);
    expect(at(oo, 'Bundle', 'error').some((i) => /bdl-11/.test(i.diagnostics ?? ''))).toBe(true);
  });

  it('an entry without resource, request or response is rejected (bdl-5)', () => {
    const b = example('valid', REFERRAL);
    b.entry.push({ fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111' });
    const oo = c.validate(b);
    expect(at(oo, `Bundle.entry[${b.entry.length - 1}]`, 'error').some((i) => /bdl-5/.test(i.diagnostics ?? ''))).toBe(true);
  });
});

describe('nested Bundles', () => {
  it('a document inside a collection is validated with its own references', () => {
    const doc = example('valid', REFERRAL);
    const outer = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222', resource: doc }] };
    expect(describeErrors(c.validate(outer))).toEqual([]);
    doc.entry[8].resource.subject.reference = 'urn:uuid:00000000-0000-4000-8000-000000000000';
    const oo = c.validate(outer);
    expect(errors(oo).map((i) => i.expression?.[0])).toContain('Bundle.entry[0].resource.entry[8].resource.subject.reference');
  });
});

describe('contained references', () => {
  it('#id must name a contained resource', () => {
    const r = example('valid', 'Observation-Example-JP-Obs-LabResult-eCS-eGFR.json');
    r.performer[0].reference = '#nobody';
    const oo = c.validate(r);
    expect(at(oo, 'Observation.performer[0].reference', 'error')[0].diagnostics).toMatch(/contained resource referenced by #nobody was not found/);
  });
});
