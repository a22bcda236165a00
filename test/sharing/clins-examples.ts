/**
 * JP_Bundle_CLINS built from the official valid JP-CLINS examples (../shared/fhir/examples/valid), re-addressed to a
 * person of the test registry: the examples' 保険者番号 00012345 fails the insurer-number check digit, so no registry
 * can hold their person — the items are registered as-is otherwise (codes, flags, contained resources).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFhirDir } from '../helpers/shared-dir.ts';

type Json = Record<string, unknown>;
export const VALID_DIR = join(sharedFhirDir(), 'examples/valid');
export const INVALID_DIR = join(sharedFhirDir(), 'examples/invalid');
export const CLINS_PROFILE = 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS';
const MEMBER_SYSTEM = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';

export const readExample = (dir: string, file: string): Json => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
export const exampleFiles = (dir: string, type: string) => readdirSync(dir).filter((f) => f.startsWith(`${type}-`) && f.endsWith('.json'));

export interface TestPerson {
  memberId: string;
  birthDate: string;
}

/** An item re-addressed: the person's identifier as subject, the facility as registrant, a business identifier. */
export function readdress(resource: Json, person: TestPerson, facility: string, businessId?: string): Json {
  const r = structuredClone(resource);
  delete r.id;
  // JP_Bundle_CLINS's validEntryProfile-* invariants accept the item profiles only unversioned.
  const meta = r.meta as Json | undefined;
  if (meta?.profile) meta.profile = (meta.profile as string[]).map((p) => p.split('|')[0]);
  const field = r.resourceType === 'AllergyIntolerance' ? 'patient' : 'subject';
  r[field] = { identifier: { system: MEMBER_SYSTEM, value: person.memberId } };
  const ext = ((r.extension as Json[] | undefined) ?? []).filter((e) => e.url !== INSTITUTION);
  ext.unshift({ url: INSTITUTION, valueIdentifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: facility } });
  r.extension = ext;
  const ids = ((r.identifier as Json[] | undefined) ?? []).filter((i) => i.system !== INSTANCE_ID);
  ids.unshift({ system: INSTANCE_ID, value: businessId ?? randomUUID() });
  r.identifier = ids;
  return r;
}

export function withFlags(resource: Json, ...codes: string[]): Json {
  const r = structuredClone(resource);
  const meta = (r.meta as Json | undefined) ?? {};
  meta.tag = [
    ...((meta.tag as Json[] | undefined) ?? []),
    ...codes.map((code) => ({ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication', code })),
  ];
  r.meta = meta;
  return r;
}

/** The JP_Patient_eCS of the official patient-summary example, re-addressed to `person`. */
export function patientOf(person: TestPerson): Json {
  const pcs = readExample(VALID_DIR, 'Bundle-Bundle-CLINS-PCS-Example-01.json');
  const p = structuredClone((pcs.entry as { resource: Json }[]).find((e) => e.resource.resourceType === 'Patient')!.resource);
  delete p.id;
  p.identifier = [...((p.identifier as Json[] | undefined) ?? []).filter((i) => i.system !== MEMBER_SYSTEM), { system: MEMBER_SYSTEM, value: person.memberId }];
  p.birthDate = person.birthDate;
  return p;
}

/** A JP_Bundle_CLINS of one category holding `items` for `person`. */
export function clinsBundle(person: TestPerson, category: string, items: Json[], facility = '1312345679'): Json {
  return {
    resourceType: 'Bundle',
    meta: {
      lastUpdated: new Date().toISOString(),
      profile: [`${CLINS_PROFILE}|1`],
      tag: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS', code: category }],
    },
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${facility}^${new Date().getFullYear()}^${randomUUID()}` },
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: [
      { fullUrl: `urn:uuid:${randomUUID()}`, resource: patientOf(person) },
      ...items.map((resource) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource })),
    ],
  };
}
