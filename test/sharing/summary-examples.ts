/**
 * Patient summaries (JP_Bundle_ePCS) for the tests: the official example Bundle-CLINS-PCS-Example-01 (main diagnosis
 * 高血圧症, secondary 狭心症, a care plan) re-addressed to a registered person and a facility — its 保険者番号 00012345
 * fails the check digit, and its Organization, Bundle.identifier and Conditions name three different codes.
 */
import { randomUUID } from 'node:crypto';
import { patientOf, readExample, type TestPerson, VALID_DIR } from './clins-examples.ts';

type Json = Record<string, unknown>;
const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';
const FACILITY_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';

/** Scopes a facility registering summaries needs (create and update of the kept types). */
export const SUMMARY_SCOPES = ['system/Composition.cruds', 'system/Condition.cruds', 'system/CarePlan.cruds', 'system/Patient.rs'];

export const PCS_EXAMPLE = readExample(VALID_DIR, 'Bundle-Bundle-CLINS-PCS-Example-01.json');

export interface SummaryOptions {
  /** Replaces the care plan's description (tells versions apart). */
  advice?: string;
  /** meta.tag codes (JP_ehrshrs_indication) put on the secondary diagnosis. */
  flags?: string[];
}

/** The official patient summary of `person` written by `facility`. */
export function patientSummary(person: TestPerson, facility: string, o: SummaryOptions = {}): Json {
  const b = structuredClone(PCS_EXAMPLE);
  delete b.id;
  b.identifier = { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${facility}^${new Date().getFullYear()}^${randomUUID()}` };
  b.timestamp = new Date().toISOString();
  for (const e of b.entry as { resource: Json }[]) {
    const r = e.resource;
    delete r.id;
    if (r.resourceType === 'Patient') e.resource = patientOf(person);
    if (r.resourceType === 'Organization') r.identifier = [{ system: FACILITY_SYSTEM, value: facility }];
    if (r.resourceType === 'Practitioner') r.identifier = [{ system: `urn:oid:1.2.392.100495.20.3.41.1${facility}`, value: 'U4403020' }];
    if (r.resourceType === 'CarePlan' && o.advice) r.description = o.advice;
    if (r.resourceType === 'Condition') {
      r.extension = (r.extension as Json[]).map((x) =>
        x.url === INSTITUTION ? { url: INSTITUTION, valueIdentifier: { system: FACILITY_SYSTEM, value: facility } } : x,
      );
      r.identifier = [{ system: INSTANCE_ID, value: randomUUID() }];
      const main = (r.extension as Json[]).some((x) => String(x.url).endsWith('JP_eCS_DiagnosisType'));
      if (!main && o.flags?.length)
        r.meta = { ...(r.meta as Json), tag: o.flags.map((code) => ({ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication', code })) };
    }
  }
  return b;
}

/** Entries of a Bundle by resource type. */
export const entriesOf = (b: Json, type: string) => (b.entry as { fullUrl: string; resource: Json }[]).filter((e) => e.resource.resourceType === type);
