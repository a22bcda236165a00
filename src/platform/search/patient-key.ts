/**
 * The patient key of a resource: the id of the Patient whose compartment it belongs to ('' for none).
 * It is the distribution column of every table holding a person's data (docs/scaling.md) and the basis of
 * per-patient access checks and audit.
 */
import { r4PatientCompartment } from '../fhir/base-definitions.ts';
import { parseReference } from '../fhir/references.ts';
import type { SearchRegistry } from './registry.ts';

let compartmentParams: Map<string, string[]> | undefined;

/** Compartment parameters per resource type, `patient` and `subject` first. */
function paramsFor(resourceType: string): string[] {
  if (!compartmentParams) {
    compartmentParams = new Map();
    const rank = (p: string) => (p === 'patient' ? 0 : p === 'subject' ? 1 : 2);
    for (const r of r4PatientCompartment().resource ?? []) {
      if (r.param?.length) compartmentParams.set(r.code as string, [...r.param].sort((a, b) => rank(a) - rank(b)));
    }
  }
  return compartmentParams.get(resourceType) ?? [];
}

export function isPatientCompartmentType(resourceType: string): boolean {
  return resourceType === 'Patient' || paramsFor(resourceType).length > 0;
}

export function patientKeyOf(resource: Record<string, unknown>, registry: SearchRegistry): string {
  const type = resource.resourceType as string;
  if (type === 'Patient') return (resource.id as string) ?? '';
  for (const code of paramsFor(type)) {
    const param = registry.get(type, code);
    if (!param || param.type !== 'reference') continue;
    for (const { value } of param.evaluate(resource)) {
      const ref = typeof value === 'object' && value ? (value as { reference?: string }).reference : undefined;
      const parsed = parseReference(ref);
      if (parsed?.resourceType === 'Patient') return parsed.id;
    }
  }
  return '';
}

/** All Patient ids a resource refers to through its compartment parameters (for access checks). */
export function patientRefsOf(resource: Record<string, unknown>, registry: SearchRegistry): string[] {
  const type = resource.resourceType as string;
  if (type === 'Patient') return resource.id ? [resource.id as string] : [];
  const ids = new Set<string>();
  for (const code of paramsFor(type)) {
    const param = registry.get(type, code);
    if (!param || param.type !== 'reference') continue;
    for (const { value } of param.evaluate(resource)) {
      const parsed = parseReference((value as { reference?: string } | null)?.reference);
      if (parsed?.resourceType === 'Patient') ids.add(parsed.id);
    }
  }
  return [...ids];
}
