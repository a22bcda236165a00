/**
 * The fast FHIRPath path must agree with fhirpath.js (the reference) on every invariant it
 * evaluates: checked on all official examples, the package examples and mutated variants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conformance } from '../../src/platform/conformance/index.ts';
import { readFhirPackage } from '../../src/platform/conformance/packages/package-reader.ts';
import { evaluateRaw, type FhirPathHost } from '../../src/platform/conformance/validate/fhirpath-engine.ts';
import { fastInvariant, setFastPathObserver, Unsupported, type FastHost } from '../../src/platform/conformance/validate/fast-fhirpath.ts';
import { example, exampleFiles, jpConformance, packagePaths } from './helpers.ts';

interface Disagreement {
  expression: string;
  base: string;
  fast: boolean | undefined;
  reference: unknown;
}

let c: Conformance;
const disagreements: Disagreement[] = [];
let compared = 0;

/** fhirpath.js result normalised like the fast path's: true / false / undefined (empty). */
function normalise(raw: unknown[] | Error): boolean | undefined | 'error' {
  if (raw instanceof Error) return 'error';
  if (!raw.length) return undefined;
  if (raw.length > 1) return 'error';
  return typeof raw[0] === 'boolean' ? raw[0] : true;
}

beforeAll(async () => {
  c = await jpConformance();
  setFastPathObserver(({ base, expression, value, env, host, result }) => {
    compared++;
    const reference = normalise(evaluateRaw(expression, base, value, env, host as unknown as FhirPathHost));
    if (reference === 'error') return; // fhirpath.js cannot evaluate it: nothing to compare
    if (reference !== result) disagreements.push({ expression, base, fast: result, reference });
  });
});

afterAll(() => setFastPathObserver(undefined));

describe('fast FHIRPath agrees with fhirpath.js', () => {
  it('on the official examples and their mutations', () => {
    for (const kind of ['valid', 'invalid'] as const) {
      for (const f of exampleFiles(kind)) {
        const r = example(kind, f);
        c.validate(r);
        // A few mutations that flip common invariants.
        const m = example(kind, f);
        delete m.extension;
        if (m.meta) m.meta.profile = [...(m.meta.profile ?? [])];
        if (Array.isArray(m.identifier)) m.identifier = m.identifier.slice(1);
        c.validate(m);
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(disagreements).toEqual([]);
  });

  it('on the example instances shipped in the IG packages', () => {
    const before = compared;
    const skip = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'NamingSystem', 'ImplementationGuide', 'CapabilityStatement', 'SearchParameter']);
    for (const path of packagePaths()) {
      for (const { resource } of readFhirPackage(path).resources) if (!skip.has(String(resource.resourceType))) c.validate(resource);
    }
    expect(compared - before).toBeGreaterThan(200);
    expect(disagreements).toEqual([]);
  });
});

describe('fast FHIRPath semantics', () => {
  const host: FastHost = { resolveReference: () => undefined, conformsTo: () => undefined, memberOf: () => undefined, htmlChecks: () => true };
  const run = (base: string, expr: string, value: unknown) => {
    const f = fastInvariant(base, expr);
    if (!f) return 'unsupported';
    try {
      return f(value, { resource: value, rootResource: value }, host);
    } catch (e) {
      if (e instanceof Unsupported) return 'unsupported';
      throw e;
    }
  };

  it('three-valued logic', () => {
    const q = { value: 1 };
    expect(run('Quantity', 'code.empty() or system.exists()', q)).toBe(true);
    expect(run('Quantity', 'code.exists() and system.exists()', q)).toBe(false);
    expect(run('Quantity', "code = 'x'", q)).toBeUndefined();
    expect(run('Quantity', 'code.exists() implies system.exists()', { code: 'x' })).toBe(false);
    expect(run('Quantity', '(value > 0) xor (value < 0)', q)).toBe(true);
  });

  it('choice types are navigated with the model', () => {
    const obs = { resourceType: 'Observation', valueQuantity: { value: 2 } };
    expect(run('Observation', 'value.ofType(Quantity).value = 2', obs)).toBe(true);
    expect(run('Observation', 'value.exists()', obs)).toBe(true);
    expect(run('Observation', 'value is Quantity', obs)).toBe(true);
  });

  it('hands what it cannot decide to fhirpath.js', () => {
    expect(run('Period', 'start <= end', { start: '2021-01-01', end: '2021-01-01T10:00:00+09:00' })).toBe('unsupported');
    expect(run('Observation', 'descendants().count() > 0', { resourceType: 'Observation' })).toBe('unsupported');
    expect(run('Patient', 'birthDate.exists()', { resourceType: 'Patient', _birthDate: { extension: [] } })).toBe('unsupported');
  });
});
