/**
 * The patient key of a resource: the id of the Patient whose compartment it belongs to ('' for none).
 * It is the distribution column of every table holding a person's data (docs/scaling.md) and the basis of
 * per-patient access checks and audit.
 */
import { r4PatientCompartment } from '../fhir/base-definitions.ts';
import { createHash } from 'node:crypto';
import { parseReference } from '../fhir/references.ts';
import type { SearchRegistry } from './registry.ts';

let compartmentParams: Map<string, string[]> | undefined;

/** Compartment parameters per resource type, `patient` and `subject` first. */
function paramsFor(resourceType: string): string[] {
  if (!compartmentParams) {
    compartmentParams = new Map();
    const rank = (p: string) => (p === 'patient' ? 0 : p === 'subject' ? 1 : 2);
    for (const r of r4PatientCompartment().resource ?? []) {
      if (r.param?.length)
        compartmentParams.set(
          r.code as string,
          [...r.param].sort((a, b) => rank(a) - rank(b)),
        );
    }
  }
  return compartmentParams.get(resourceType) ?? [];
}

export function isPatientCompartmentType(resourceType: string): boolean {
  return resourceType === 'Patient' || paramsFor(resourceType).length > 0;
}

/** An identifier naming the person a resource is about (a subject given by identifier or as a contained Patient). */
export interface SubjectIdentifier {
  system: string;
  value: string;
}

/**
 * Whose data a resource is: `key` is the Patient id, '' for no person, or — when the person is named only by
 * identifier, by a contained Patient or by another server's URL — a placeholder `unresolved:<hash>` that no Patient
 * id can equal (ids have no ':'), so the data stays a person's data (closed to everyone but its registrant and
 * operators) until `identifiers` resolve it to a registered person (Repository resolves them on write).
 */
export interface PatientKeyOf {
  key: string;
  identifiers?: SubjectIdentifier[];
}

type Ref = { reference?: unknown; identifier?: unknown; type?: unknown };

function identifiersOf(value: unknown): SubjectIdentifier[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list
    .filter((i): i is { system: string; value: string } => !!i && typeof i === 'object' && typeof i.system === 'string' && typeof i.value === 'string')
    .map((i) => ({ system: i.system, value: i.value }));
}

function unresolved(resource: Record<string, unknown>, identifiers: SubjectIdentifier[], what: string): PatientKeyOf {
  const basis = identifiers.length
    ? identifiers
        .map((i) => `${i.system}|${i.value}`)
        .sort()
        .join('\n')
    : `${String(resource.resourceType)}/${String(resource.id ?? '')}#${what}`;
  return { key: `unresolved:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`, identifiers };
}

/** What one reference says about the person: a Patient id, an unresolved person, or nothing (not a Patient). */
function personOf(resource: Record<string, unknown>, value: unknown, identifierMeansPatient: boolean): PatientKeyOf | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const ref = value as Ref;
  const text = typeof ref.reference === 'string' ? ref.reference : undefined;
  if (text?.startsWith('#')) {
    const contained = Array.isArray(resource.contained)
      ? (resource.contained as Record<string, unknown>[]).find((c) => c && typeof c === 'object' && `#${String(c.id)}` === text)
      : undefined;
    return contained?.resourceType === 'Patient' ? unresolved(resource, identifiersOf(contained.identifier), text) : undefined;
  }
  const parsed = parseReference(text);
  if (parsed) {
    if (parsed.resourceType !== 'Patient') return undefined;
    // Another server's Patient is not ours, whatever its id.
    return /^https?:/.test(text!) ? unresolved(resource, identifiersOf(ref.identifier), text!) : { key: parsed.id };
  }
  if (text === undefined && ref.identifier && (ref.type === 'Patient' || (ref.type === undefined && identifierMeansPatient)))
    return unresolved(resource, identifiersOf(ref.identifier), 'identifier');
  return undefined;
}

export function patientKeyOf(resource: Record<string, unknown>, registry: SearchRegistry): PatientKeyOf {
  const type = resource.resourceType as string;
  if (type === 'Patient') return { key: (resource.id as string) ?? '' };
  const params = paramsFor(type);
  for (const code of params) {
    const param = registry.get(type, code);
    if (param?.type !== 'reference') continue;
    const onlyPatient = code === 'patient' || code === 'subject' || (param.targets.length === 1 && param.targets[0] === 'Patient');
    for (const { value } of param.evaluate(resource)) {
      const person = personOf(resource, value, onlyPatient);
      if (person) return person;
    }
  }
  // Parameters like Condition's `patient` (subject.where(resolve() is Patient)) drop a person given by identifier,
  // contained or on another server: the person elements themselves are looked at too.
  if (params.length > 0)
    for (const field of ['subject', 'patient']) {
      const v = resource[field];
      for (const value of Array.isArray(v) ? v : [v]) {
        const person = personOf(resource, value, true);
        if (person) return person;
      }
    }
  return { key: '' };
}
