/** Conformance II — conformance resources validated as instances: StructureDefinition paths and base cardinality, OperationDefinition parameters. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { errors } from './helpers.ts';

let c: Conformance;
beforeAll(async () => {
  c = await loadConformance({ packages: [] });
});

const matching = (oo: ReturnType<Conformance['validate']>, re: RegExp) => errors(oo).filter((i) => re.test(i.diagnostics ?? ''));

function extensionSd(diff: unknown[]) {
  return {
    resourceType: 'StructureDefinition',
    url: 'http://tsunagu.test/fhir/StructureDefinition/ext',
    name: 'Ext',
    status: 'draft',
    kind: 'complex-type',
    abstract: false,
    context: [{ type: 'element', expression: 'Patient' }],
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: { element: diff },
  };
}

describe('StructureDefinition', () => {
  it('well-formed derived extension: no definition errors', () => {
    const sd = extensionSd([
      { id: 'Extension', path: 'Extension', max: '1' },
      { id: 'Extension.url', path: 'Extension.url', fixedUri: 'http://tsunagu.test/fhir/StructureDefinition/ext' },
      { id: 'Extension.value[x]', path: 'Extension.value[x]', type: [{ code: 'string' }] },
    ]);
    const oo = c.validate(sd);
    expect(matching(oo, /must start with the type|base m(in|ax)imum/)).toEqual([]);
  });

  it('an element path not starting with the type is an error (one per element)', () => {
    const sd = extensionSd([
      { id: 'Extension', path: 'Extension' },
      { id: 'Patient.url', path: 'Patient.url' },
    ]);
    const oo = c.validate(sd);
    const found = matching(oo, /must start with the type 'Extension'/);
    expect(found).toHaveLength(1);
    expect(found[0].expression).toEqual(['StructureDefinition.differential.element[1]']);
  });

  it('a derived extension may not widen the base cardinality', () => {
    const sd = extensionSd([
      { id: 'Extension', path: 'Extension' },
      { id: 'Extension.url', path: 'Extension.url', max: '3' },
      { id: 'Extension.value[x]', path: 'Extension.value[x]', min: 0, max: '2' },
    ]);
    const oo = c.validate(sd);
    expect(matching(oo, /greater than the base maximum of 1/)).toHaveLength(2);
  });
});

describe('StructureDefinition against its base', () => {
  it('an extension definition must fix Extension.url to its own url', () => {
    const sd = extensionSd([
      { id: 'Extension', path: 'Extension' },
      { id: 'Extension.url', path: 'Extension.url', fixedUri: 'http://tsunagu.test/fhir/StructureDefinition/other' },
    ]);
    expect(matching(c.validate(sd), /does not match the fixed value of Extension.url/)).toHaveLength(1);
    const none = extensionSd([{ id: 'Extension', path: 'Extension' }]);
    expect(matching(c.validate(none), /must fix Extension.url/)).toHaveLength(1);
  });

  it('a constraint must keep the base type; context only on extensions', () => {
    const sd = {
      resourceType: 'StructureDefinition',
      url: 'http://tsunagu.test/fhir/StructureDefinition/pat',
      name: 'Pat',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Observation',
      context: [{ type: 'element', expression: 'Patient' }],
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      derivation: 'constraint',
      differential: { element: [{ id: 'Observation', path: 'Observation' }] },
    };
    const oo = c.validate(sd);
    expect(matching(oo, /must be the same as the type Patient/)).toHaveLength(1);
    expect(matching(oo, /cannot have a context/)).toHaveLength(1);
  });
});

describe('SearchParameter derivedFrom', () => {
  const sp = (extra: Record<string, unknown>) => ({
    resourceType: 'SearchParameter',
    url: 'http://tsunagu.test/fhir/SearchParameter/p',
    name: 'p',
    status: 'draft',
    description: 'p',
    code: 'family',
    derivedFrom: 'http://hl7.org/fhir/SearchParameter/individual-family',
    base: ['Patient'],
    type: 'string',
    expression: 'Patient.name.family',
    ...extra,
  });

  it('bases and type must be those of the parent', () => {
    expect(matching(c.validate(sp({})), /derived from|derivedFrom/)).toEqual([]);
    const oo = c.validate(sp({ base: ['Observation'], type: 'token' }));
    expect(matching(oo, /not listed as a base/)).toHaveLength(1);
    expect(matching(oo, /different to the type string/)).toHaveLength(1);
  });
});

describe('MeasureReport against a contained Measure', () => {
  const measure = {
    resourceType: 'Measure',
    id: 'm',
    status: 'active',
    scoring: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-scoring', code: 'proportion' }] },
    group: [
      {
        population: [
          {
            code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-population', code: 'numerator' }] },
            criteria: { language: 'text/cql', expression: 'Num' },
          },
          {
            code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-population', code: 'denominator' }] },
            criteria: { language: 'text/cql', expression: 'Den' },
          },
        ],
      },
    ],
  };
  const pop = (code: string, count: number) => ({ code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-population', code }] }, count });
  const report = (group: Record<string, unknown>) => ({
    resourceType: 'MeasureReport',
    contained: [measure],
    status: 'complete',
    type: 'summary',
    measure: '#m',
    period: { start: '2024-01-01', end: '2024-12-31' },
    group: [group],
  });

  it('a report matching the Measure has no MeasureReport errors', () => {
    const oo = c.validate(report({ population: [pop('numerator', 1), pop('denominator', 2)], measureScore: { value: 0.5 } }));
    expect(errors(oo)).toEqual([]);
  });

  it('a missing population, a proportion score out of 0..1 are errors', () => {
    const oo = c.validate(report({ population: [pop('numerator', 1)], measureScore: { value: 2 } }));
    expect(matching(oo, /has no population for the Measure's population/)).toHaveLength(1);
    expect(matching(oo, /range 0..1/)).toHaveLength(1);
  });

  it('a Measure that cannot be found is only a warning', () => {
    const r = { ...report({ population: [pop('numerator', 1)] }), contained: undefined, measure: 'http://tsunagu.test/Measure/none' };
    expect(matching(c.validate(r), /Measure/)).toEqual([]);
  });
});

describe('OperationDefinition', () => {
  it('a parameter with min greater than max is an error', () => {
    const od = {
      resourceType: 'OperationDefinition',
      url: 'http://tsunagu.test/fhir/OperationDefinition/op',
      name: 'Op',
      status: 'draft',
      kind: 'operation',
      code: 'op',
      system: true,
      type: false,
      instance: false,
      parameter: [
        { name: 'a', use: 'in', min: 2, max: '1', type: 'string' },
        { name: 'b', use: 'in', min: 0, max: '*', type: 'string' },
      ],
    };
    const oo = c.validate(od);
    expect(matching(oo, /min 2 greater than max 1/)).toHaveLength(1);
  });
});
