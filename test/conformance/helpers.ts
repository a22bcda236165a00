/** Shared setup for the conformance engine tests: the IG packages and examples in ../shared/fhir. */
import { sharedFhirDir } from '../helpers/shared-dir.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';

export const SHARED_FHIR = sharedFhirDir();
export const PACKAGES_DIR = join(SHARED_FHIR, 'packages');
export const EXAMPLES_DIR = join(SHARED_FHIR, 'examples');
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const TEST_IG = join(FIXTURES, 'test-ig');
/** A sample extract of the MHLW general-name prescription master (一般名処方マスタ) as a CodeSystem. */
export const GENERAL_NAME_MASTER = join(FIXTURES, 'general-name-master.sample.json');

export function packagePaths(): string[] {
  return readdirSync(PACKAGES_DIR)
    .filter((f) => f.endsWith('.tgz'))
    .sort()
    .map((f) => join(PACKAGES_DIR, f));
}

export function exampleFiles(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(EXAMPLES_DIR, kind))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** A fresh copy of an example, safe to modify. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function example(kind: 'valid' | 'invalid', file: string): any {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, kind, file), 'utf8'));
}

let all: Promise<Conformance> | undefined;

/** Base R4 + every shared IG package, loaded once per test file. */
export function jpConformance(): Promise<Conformance> {
  all ??= loadConformance({ packages: packagePaths() });
  return all;
}

export const errors = (oo: OperationOutcome): OperationOutcomeIssue[] => (oo.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');

export const warnings = (oo: OperationOutcome): OperationOutcomeIssue[] => (oo.issue ?? []).filter((i) => i.severity === 'warning');

/** Issues reported at exactly this FHIRPath location. */
export function at(oo: OperationOutcome, location: string, severity?: string): OperationOutcomeIssue[] {
  return (oo.issue ?? []).filter((i) => i.expression?.[0] === location && (!severity || i.severity === severity));
}

/** One line per error, for readable assertion failures. */
export const describeErrors = (oo: OperationOutcome): string[] => errors(oo).map((i) => `${i.expression?.[0]} | ${i.diagnostics}`);

/** A differential-only constraint profile on `type` at `${base}/${id}` (test profiles written for the theme tests). */
export function differentialProfile(base: string, id: string, type: string, elements: Record<string, unknown>[]): Record<string, unknown> {
  return {
    resourceType: 'StructureDefinition',
    id,
    url: `${base}/${id}`,
    name: id.replace(/[^A-Za-z0-9]/g, ''),
    status: 'draft',
    fhirVersion: '4.0.1',
    kind: 'resource',
    abstract: false,
    type,
    baseDefinition: `http://hl7.org/fhir/StructureDefinition/${type}`,
    derivation: 'constraint',
    differential: { element: elements },
  };
}
