/** Conformance II — Bundle rules of the reference validator (BundleValidator): fullUrl, links, searchsets, documents, messages. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { describeErrors, errors, warnings } from './helpers.ts';

let c: Conformance;
beforeAll(async () => {
  c = await loadConformance({ packages: [] });
});

const U1 = 'urn:uuid:0a48a4bf-0d87-4efb-aafd-d45e0842a4dd';
const U2 = 'urn:uuid:3e6a0ba2-d781-4fd7-9de6-e077b690daed';
const U3 = 'urn:uuid:9b1f2a3c-1111-4abc-8def-0123456789ab';
const patient = (id = 'p1') => ({ resourceType: 'Patient', id });

const matching = (oo: ReturnType<Conformance['validate']>, re: RegExp) => errors(oo).filter((i) => re.test(i.diagnostics ?? ''));

function composition(extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Composition',
    id: 'c1',
    status: 'final',
    type: { text: 'note' },
    date: '2024-01-01',
    title: 'Note',
    author: [{ reference: U2 }],
    subject: { reference: U1 },
    ...extra,
  };
}

function document(entries: unknown[], extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Bundle',
    id: 'd1',
    type: 'document',
    identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:8f0f0000-0000-4000-8000-000000000001' },
    timestamp: '2024-01-01T00:00:00Z',
    entry: entries,
    ...extra,
  };
}

const baseEntries = () => [
  { fullUrl: U3, resource: composition() },
  { fullUrl: U1, resource: patient() },
  { fullUrl: U2, resource: { resourceType: 'Practitioner', id: 'pr1' } },
];

describe('fullUrl', () => {
  it('a valid document has no Bundle-rule errors', () => {
    expect(describeErrors(c.validate(document(baseEntries())))).toEqual([]);
  });

  it('a relative fullUrl is an error (one)', () => {
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'Patient/p1', resource: patient() }] };
    const oo = c.validate(b);
    expect(matching(oo, /must be an absolute URL/)).toHaveLength(1);
    expect(matching(oo, /must be an absolute URL/)[0].expression).toEqual(['Bundle.entry[0]']);
  });

  it('a RESTful fullUrl must end with the resource type and id', () => {
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://example.org/fhir/Patient/p2', resource: patient('p1') }] };
    expect(matching(c.validate(b), /does not match the type and id/)).toHaveLength(1);
    b.entry[0].fullUrl = 'http://example.org/fhir/Patient/p1';
    expect(describeErrors(c.validate(b))).toEqual([]);
  });

  it('a RESTful fullUrl needs a resource id', () => {
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://example.org/fhir/Patient/p1', resource: { resourceType: 'Patient' } }] };
    expect(matching(c.validate(b), /must have an id/)).toHaveLength(1);
  });

  it('a canonical resource whose url is its fullUrl must sit at a RESTful url ending with its id', () => {
    const vs = { resourceType: 'ValueSet', id: 'a', url: 'http://tsunagu.test/vs1', status: 'draft' };
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://tsunagu.test/vs1', resource: vs }] };
    expect(matching(c.validate(b), /cannot match the fullUrl/)).toHaveLength(1);
    const ok = { ...b, entry: [{ fullUrl: 'http://tsunagu.test/fhir/ValueSet/a', resource: { ...vs, url: 'http://tsunagu.test/fhir/ValueSet/a' } }] };
    expect(describeErrors(c.validate(ok))).toEqual([]);
  });

  it('fullUrl is required outside transactions and batches', () => {
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient() }] };
    expect(matching(c.validate(b), /must have a fullUrl/)).toHaveLength(1);
    const t = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient(), request: { method: 'POST', url: 'Patient' } }] };
    expect(matching(c.validate(t), /must have a fullUrl/)).toHaveLength(0);
  });
});

describe('links', () => {
  it('search relations are prohibited on a collection; self may appear once', () => {
    const b = {
      resourceType: 'Bundle',
      type: 'collection',
      link: [
        { relation: 'self', url: 'http://example.org/a' },
        { relation: 'self', url: 'http://example.org/b' },
        { relation: 'next', url: 'http://example.org/c' },
      ],
    };
    const oo = c.validate(b);
    expect(matching(oo, /Duplicate link relation 'self'/)).toHaveLength(1);
    expect(matching(oo, /'next' is only allowed/)).toHaveLength(1);
  });
});

describe('searchset', () => {
  it('no self link is a warning, not an error', () => {
    const b = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ fullUrl: 'http://example.org/fhir/Patient/p1', resource: patient(), search: { mode: 'match' } }],
    };
    const oo = c.validate(b);
    expect(warnings(oo).some((w) => /self link/.test(w.diagnostics ?? ''))).toBe(true);
    expect(describeErrors(oo)).toEqual([]);
  });

  it('a match without id, a match of another type and an outcome that is no OperationOutcome are errors', () => {
    const b = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'self', url: 'http://example.org/fhir/Patient?name=x' }],
      entry: [
        { fullUrl: U1, resource: { resourceType: 'Patient' }, search: { mode: 'match' } },
        { fullUrl: 'http://example.org/fhir/Practitioner/pr1', resource: { resourceType: 'Practitioner', id: 'pr1' }, search: { mode: 'match' } },
        { fullUrl: 'http://example.org/fhir/Patient/p2', resource: patient('p2'), search: { mode: 'outcome' } },
        { fullUrl: 'http://example.org/fhir/Patient/p3', resource: patient('p3') },
      ],
    };
    const oo = c.validate(b);
    expect(matching(oo, /Search results must have ids/)).toHaveLength(1);
    expect(matching(oo, /not a matching resource type/)).toHaveLength(1);
    expect(matching(oo, /mode 'outcome'/)).toHaveLength(1);
    expect(warnings(oo).some((w) => /search modes/.test(w.diagnostics ?? '') && w.expression?.[0] === 'Bundle.entry[3]')).toBe(true);
  });
});

describe('documents and messages', () => {
  it('the first entry of a document must be a Composition', () => {
    const entries = baseEntries();
    const [comp, ...rest] = entries;
    const oo = c.validate(document([...rest, comp]));
    expect(matching(oo, /first entry in a document must be a Composition/)).toHaveLength(1);
  });

  it('an entry not reachable from the Composition is an error', () => {
    const entries = [
      ...baseEntries(),
      { fullUrl: 'urn:uuid:5d5d5d5d-0000-4000-8000-000000000009', resource: { resourceType: 'Organization', id: 'o9', name: 'x' } },
    ];
    const oo = c.validate(document(entries));
    const orphan = matching(oo, /isn't reachable/);
    expect(orphan).toHaveLength(1);
    expect(orphan[0].expression).toEqual(['Bundle.entry[3]']);
  });

  it('a Provenance pointing back at the document content is reachable (reverse link, no error)', () => {
    const entries = [
      ...baseEntries(),
      {
        fullUrl: 'urn:uuid:5d5d5d5d-0000-4000-8000-00000000000a',
        resource: { resourceType: 'Provenance', id: 'pv', target: [{ reference: U3 }], recorded: '2024-01-01T00:00:00Z', agent: [{ who: { reference: U2 } }] },
      },
    ];
    expect(matching(c.validate(document(entries)), /isn't reachable/)).toHaveLength(0);
  });

  it("a Composition's relative reference that is not in the document is an error", () => {
    const entries = baseEntries();
    (entries[0].resource as Record<string, unknown>).custodian = { reference: 'Organization/not-here' };
    const oo = c.validate(document(entries));
    expect(matching(oo, /Can't find 'Organization\/not-here' in the bundle/)).toHaveLength(1);
  });

  it('the first entry of a message must be a MessageHeader', () => {
    const b = {
      resourceType: 'Bundle',
      type: 'message',
      timestamp: '2024-01-01T00:00:00Z',
      identifier: { value: 'm1' },
      entry: [{ fullUrl: U1, resource: patient() }],
    };
    expect(matching(c.validate(b), /first entry in a message must be a MessageHeader/)).toHaveLength(1);
  });

  it('an empty document is an error', () => {
    const oo = c.validate(document([]));
    expect(errors(oo).length).toBeGreaterThan(0);
  });
});
