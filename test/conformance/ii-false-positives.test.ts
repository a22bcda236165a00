/**
 * Conformance II — errors the engine used to invent (false positives), on instances written for
 * these tests and differential-only profiles written to a temporary package:
 * Bundle.entry sliced by type / profile of `resource`, slices inside recursive elements
 * (contentReference), FHIRPath %resource / %rootResource / %context and `#id` resolve() seen from a
 * Bundle, `urn:uuid:…#fragment` URIs, CapabilityStatement.format shorthands, a UTF-8 BOM in the CLI.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateCommand } from '../../cli/commands/validate.ts';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { describeErrors, differentialProfile } from './helpers.ts';

const BASE = 'http://tsunagu.example/fhir/ii/StructureDefinition';

const profile = (id: string, type: string, elements: Record<string, unknown>[]) => differentialProfile(BASE, id, type, elements);

const PROFILES = [
  profile('bundle-by-type', 'Bundle', [
    { id: 'Bundle.entry', path: 'Bundle.entry', min: 1, slicing: { discriminator: [{ type: 'type', path: 'resource' }], rules: 'closed' } },
    { id: 'Bundle.entry:patient', path: 'Bundle.entry', sliceName: 'patient', min: 1, max: '1' },
    { id: 'Bundle.entry:patient.resource', path: 'Bundle.entry.resource', type: [{ code: 'Patient' }] },
    { id: 'Bundle.entry:observation', path: 'Bundle.entry', sliceName: 'observation', min: 0, max: '*' },
    { id: 'Bundle.entry:observation.resource', path: 'Bundle.entry.resource', type: [{ code: 'Observation' }] },
  ]),
  profile('bundle-by-profiled-type', 'Bundle', [
    { id: 'Bundle.entry', path: 'Bundle.entry', slicing: { discriminator: [{ type: 'type', path: 'resource' }], rules: 'closed' } },
    { id: 'Bundle.entry:patient', path: 'Bundle.entry', sliceName: 'patient', min: 1, max: '1' },
    { id: 'Bundle.entry:patient.resource', path: 'Bundle.entry.resource', type: [{ code: 'Resource', profile: [`${BASE}/named-patient`] }] },
  ]),
  profile('bundle-by-profile', 'Bundle', [
    { id: 'Bundle.entry', path: 'Bundle.entry', slicing: { discriminator: [{ type: 'profile', path: 'resource' }], rules: 'closed' } },
    { id: 'Bundle.entry:patient', path: 'Bundle.entry', sliceName: 'patient', min: 1, max: '1' },
    { id: 'Bundle.entry:patient.resource', path: 'Bundle.entry.resource', type: [{ code: 'Patient', profile: [`${BASE}/named-patient`] }] },
  ]),
  profile('named-patient', 'Patient', [{ id: 'Patient.name', path: 'Patient.name', min: 1 }]),
  profile('parameters-parts', 'Parameters', [
    { id: 'Parameters.parameter', path: 'Parameters.parameter', slicing: { discriminator: [{ type: 'value', path: 'name' }], rules: 'open' } },
    { id: 'Parameters.parameter:query', path: 'Parameters.parameter', sliceName: 'query', min: 1, max: '1' },
    { id: 'Parameters.parameter:query.name', path: 'Parameters.parameter.name', fixedString: 'query' },
    {
      id: 'Parameters.parameter:query.part',
      path: 'Parameters.parameter.part',
      min: 1,
      slicing: { discriminator: [{ type: 'value', path: 'name' }], rules: 'closed' },
    },
    { id: 'Parameters.parameter:query.part:term', path: 'Parameters.parameter.part', sliceName: 'term', min: 1, max: '1' },
    { id: 'Parameters.parameter:query.part:term.name', path: 'Parameters.parameter.part.name', fixedString: 'term' },
    { id: 'Parameters.parameter:query.part:term.value[x]', path: 'Parameters.parameter.part.value[x]', min: 1, type: [{ code: 'string' }] },
  ]),
  profile('questionnaire-nested', 'Questionnaire', [
    { id: 'Questionnaire.item', path: 'Questionnaire.item', slicing: { discriminator: [{ type: 'value', path: 'linkId' }], rules: 'open' } },
    { id: 'Questionnaire.item:group', path: 'Questionnaire.item', sliceName: 'group', min: 1, max: '1' },
    { id: 'Questionnaire.item:group.linkId', path: 'Questionnaire.item.linkId', fixedString: 'g' },
    { id: 'Questionnaire.item:group.item', path: 'Questionnaire.item.item', slicing: { discriminator: [{ type: 'value', path: 'linkId' }], rules: 'closed' } },
    { id: 'Questionnaire.item:group.item:q1', path: 'Questionnaire.item.item', sliceName: 'q1', min: 1, max: '1' },
    { id: 'Questionnaire.item:group.item:q1.linkId', path: 'Questionnaire.item.item.linkId', fixedString: 'g.1' },
    { id: 'Questionnaire.item:group.item:q1.type', path: 'Questionnaire.item.item.type', fixedCode: 'string' },
  ]),
  profile('contained-context', 'Organization', [
    {
      id: 'Organization',
      path: 'Organization',
      constraint: [
        {
          key: 'ii-1',
          severity: 'error',
          human: '%resource is the contained resource',
          expression: "%resource.id = 'org' and %resource.resourceType = 'Organization'",
        },
        {
          key: 'ii-2',
          severity: 'error',
          human: '%rootResource is the container',
          expression: "%rootResource.resourceType = 'Patient' and %rootResource.contained.exists()",
        },
        { key: 'ii-3', severity: 'error', human: '%context is the element', expression: "%context.id = 'org'" },
      ],
    },
    {
      id: 'Organization.name',
      path: 'Organization.name',
      constraint: [
        {
          key: 'ii-4',
          severity: 'error',
          human: 'contexts on a child element',
          expression: "%resource.id = 'org' and %rootResource.id = 'root' and %context = 'Clinic'",
        },
      ],
    },
  ]),
  profile('bundle-resolving', 'Bundle', [
    {
      id: 'Bundle',
      path: 'Bundle',
      constraint: [
        { key: 'ii-5', severity: 'error', human: 'subjects resolve', expression: 'entry.resource.ofType(Observation).subject.all(resolve().exists())' },
        { key: 'ii-6', severity: 'error', human: 'subjects are patients', expression: 'entry.resource.ofType(Observation).all(subject.resolve() is Patient)' },
      ],
    },
  ]),
];

let dir: string;
let c: Conformance;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsunagu-ii-fp-'));
  const pkg = join(dir, 'ig', 'package');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'tsunagu.test.ii', version: '0.1.0', fhirVersions: ['4.0.1'], dependencies: { 'hl7.fhir.r4.core': '4.0.1' } }),
  );
  for (const p of PROFILES) writeFileSync(join(pkg, `StructureDefinition-${p.id}.json`), JSON.stringify(p));
  c = await loadConformance({ packages: [join(dir, 'ig')] });
});

const TEXT = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };
const uuid = (n: number) => `urn:uuid:8b1f0e3a-7c1f-4e8e-9d3c-3b1f0e3a7c${String(n).padStart(2, '0')}`;
const patient = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', id: 'p1', text: TEXT, ...extra });
const observation = () => ({ resourceType: 'Observation', id: 'o1', text: TEXT, status: 'final', code: { text: 'x' } });
const bundle = (prof: string, resources: unknown[]) => ({
  resourceType: 'Bundle',
  meta: { profile: [`${BASE}/${prof}`] },
  type: 'collection',
  entry: resources.map((resource, i) => ({ fullUrl: uuid(i + 1), resource })),
});
const errs = (r: unknown) => describeErrors(c.validate(r));

describe('Bundle.entry sliced on resource, differential-only profiles', () => {
  it('type discriminator: entries match their slices', () => {
    expect(errs(bundle('bundle-by-type', [patient(), observation()]))).toEqual([]);
  });

  it('type discriminator: a resource of another type is outside the closed slicing, a missing slice is reported', () => {
    const e = errs(bundle('bundle-by-type', [observation(), { resourceType: 'Basic', text: TEXT, code: { text: 'x' } }]));
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(/^Bundle\.entry\[1\] \| .*does not match any known slice/);
    expect(e[1]).toMatch(/Bundle\.entry:patient': minimum required = 1, but only found 0/);
  });

  it('type discriminator on a `Resource` typed to a profile: the profile type is the type', () => {
    expect(errs(bundle('bundle-by-profiled-type', [patient({ name: [{ family: 'A' }] })]))).toEqual([]);
  });

  it('profile discriminator: matches when the resource conforms, not otherwise', () => {
    expect(errs(bundle('bundle-by-profile', [patient({ name: [{ family: 'A' }] })]))).toEqual([]);
    expect(errs(bundle('bundle-by-profile', [patient()])).length).toBeGreaterThan(0);
  });
});

describe('slices inside recursive elements (contentReference)', () => {
  const params = (part: unknown[]) => ({
    resourceType: 'Parameters',
    meta: { profile: [`${BASE}/parameters-parts`] },
    parameter: [
      { name: 'query', part },
      { name: 'other', valueString: 'y' },
    ],
  });

  it('Parameters.parameter.part slices take the children of parameter', () => {
    expect(errs(params([{ name: 'term', valueString: 'x' }]))).toEqual([]);
  });

  it('the slice constraints apply (fixed name, closed slicing, value type)', () => {
    const e = errs(
      params([
        { name: 'term', valueString: 'x' },
        { name: 'unknown', valueString: 'x' },
      ]),
    );
    expect(e).toEqual([expect.stringMatching(/^Parameters\.parameter\[0\]\.part\[1\] \| .*does not match any known slice/)]);
    // A part with neither value nor resource nor part: the slice's min and the referenced element's inv-1.
    expect(errs(params([{ name: 'term' }]))).toEqual([
      expect.stringMatching(/part\[0\]\.value\[x\]: minimum required = 1/),
      expect.stringMatching(/^Parameters\.parameter\[0\]\.part\[0\] \| Constraint failed: inv-1/),
    ]);
  });

  it('nested items and parts follow the constraints of the element they reference', () => {
    const q = {
      resourceType: 'Questionnaire',
      text: TEXT,
      status: 'draft',
      item: [{ linkId: 'g', type: 'group', text: 'G', item: [{ linkId: 'd', type: 'display', text: 'D', required: true }] }],
    };
    expect(errs(q)).toEqual([expect.stringMatching(/^Questionnaire\.item\[0\]\.item\[0\] \| Constraint failed: que-6/)]);
    const p = {
      resourceType: 'Parameters',
      parameter: [{ name: 'a', part: [{ name: 'b', valueString: 'x', resource: { resourceType: 'Basic', code: { text: 'x' } } }] }],
    };
    expect(errs(p)).toEqual([expect.stringMatching(/^Parameters\.parameter\[0\]\.part\[0\] \| Constraint failed: inv-1/)]);
  });

  it('Questionnaire.item.item slices', () => {
    const q = {
      resourceType: 'Questionnaire',
      meta: { profile: [`${BASE}/questionnaire-nested`] },
      text: TEXT,
      status: 'draft',
      item: [{ linkId: 'g', type: 'group', text: 'G', item: [{ linkId: 'g.1', type: 'string', text: 'Q', required: true }] }],
    };
    expect(errs(q)).toEqual([]);
    q.item[0].item[0].type = 'integer';
    expect(errs(q)).toEqual([expect.stringMatching(/^Questionnaire\.item\[0\]\.item\[0\]\.type \| /)]);
  });
});

describe('FHIRPath environment', () => {
  const container = (orgId: string) => ({
    resourceType: 'Patient',
    id: 'root',
    text: TEXT,
    contained: [{ resourceType: 'Organization', id: orgId, meta: { profile: [`${BASE}/contained-context`] }, name: 'Clinic' }],
    managingOrganization: { reference: `#${orgId}` },
  });

  it('%resource is the contained resource, %rootResource its container, %context the element', () => {
    expect(errs(container('org'))).toEqual([]);
    // The same rules fail when their expectations do not hold, so they were evaluated.
    expect(errs(container('other')).map((e) => e.split(' | ')[1].slice(0, 23))).toEqual([
      'Constraint failed: ii-4',
      'Constraint failed: ii-1',
      'Constraint failed: ii-3',
    ]);
  });

  it("resolve() of an entry's `#id` seen from the Bundle finds the entry's contained resource", () => {
    const obs = { ...observation(), contained: [{ resourceType: 'Patient', id: 'p1' }], subject: { reference: '#p1' } };
    expect(errs(bundle('bundle-resolving', [obs]))).toEqual([]);
    const missing = { ...observation(), subject: { reference: '#p1' } };
    expect(errs(bundle('bundle-resolving', [missing])).some((e) => e.includes('ii-5'))).toBe(true);
  });
});

describe('URIs and codes the reference validator accepts', () => {
  it('urn:uuid: with a fragment is a valid uri, and resolves to the contained resource of that entry', () => {
    const p = patient({ implicitRules: `${uuid(9)}#rules` });
    expect(errs(p)).toEqual([]);
    const holder = { ...observation(), contained: [{ resourceType: 'Patient', id: 'p1' }], subject: { reference: '#p1' } };
    const other = { ...observation(), id: 'o2', subject: { reference: `${uuid(1)}#p1` } };
    const b = { resourceType: 'Bundle', type: 'collection', entry: [holder, other].map((resource, i) => ({ fullUrl: uuid(i + 1), resource })) };
    expect(errs(b)).toEqual([]);
  });

  it('CapabilityStatement.format accepts xml / json / ttl besides MIME types; other codes are still refused', () => {
    const cs = {
      resourceType: 'CapabilityStatement',
      text: TEXT,
      status: 'active',
      date: '2024-01-01',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['xml', 'json', 'ttl', 'application/fhir+json'],
      implementation: { description: 'test' },
      rest: [{ mode: 'server' }],
    };
    expect(errs(cs)).toEqual([]);
    expect(errs({ ...cs, format: ['yaml'] })).toEqual([expect.stringMatching(/^CapabilityStatement\.format\[0\] \| The code yaml is not in the value set/)]);
  });
});

describe('CLI input', () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('reads a file that starts with a UTF-8 byte-order mark', async () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, `\uFEFF${JSON.stringify(patient())}`, 'utf8');
    const code = await validateCommand(['--summary', file]);
    expect(out.join('\n')).toMatch(/bom\.json: valid/);
    expect(code).toBe(0);
  });
});
