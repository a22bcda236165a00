/**
 * The two prescription Bundles published in the ePrescriptionData package (jp-ePrescriptionData.r4.tgz, draft
 * "ePrescriptionDara 0.1.0"), read from the package at test time, and the same Bundles brought to the notation of
 * JP Core 1.1.2 and re-addressed to a test person and facility.
 *
 * The published examples were written against an older JP Core: validated with JP Core 1.1.2 they report errors,
 * each due to one of the notation differences listed in JP_CORE_112_NOTATION_CHANGES. officialExample() applies
 * exactly those changes and nothing else; drug codes, names, quantities, dosage and all other clinical content are
 * left as published.
 */
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { readFhirPackage } from '../../src/platform/conformance/packages/package-reader.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';

type Json = Record<string, any>;

export type OfficialExampleName = 'ePreBundleExample01' | 'ePreData-Example01';
export const OFFICIAL_EXAMPLE_NAMES: readonly OfficialExampleName[] = ['ePreBundleExample01', 'ePreData-Example01'];

export const EPRESCRIPTION_PACKAGE = join(sharedFhirDir(), 'packages', 'jp-ePrescriptionData.r4.tgz');
export const JP_CORE_PACKAGE = join(sharedFhirDir(), 'packages', 'jp-core.r4-1.1.2-url.tgz');
export const EPRESCRIPTION_BUNDLE_PROFILE = 'http://jpfhir.jp/fhir/ePrescription/StructureDefinition/JP_Bundle_ePrescriptionData';

const FILES: Record<OfficialExampleName, string> = {
  ePreBundleExample01: 'Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json',
  'ePreData-Example01': 'Bundle-Bundle-for-JP-MedReq-ePreData-Example01.json',
};

// Systems and URLs (JP Core 1.1.2 unless said otherwise).
const CORE_EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition';
export const PREFECTURE_NO_EXTENSION = `${CORE_EXT}/JP_Organization_PrefectureNo`;
export const ORGANIZATION_CATEGORY_EXTENSION = `${CORE_EXT}/JP_Organization_InsuranceOrganizationCategory`;
export const ORGANIZATION_NO_EXTENSION = `${CORE_EXT}/JP_Organization_InsuranceOrganizationNo`;
/** 実服用日数: the package example's older name, and JP Core 1.1.2's (context Dosage). */
export const PUBLISHED_USAGE_DURATION_EXTENSION = `${CORE_EXT}/JP_MedicationRequest_DosageInstruction_UsageDuration`;
export const USAGE_DURATION_EXTENSION = `${CORE_EXT}/JP_MedicationDosage_UsageDuration`;
export const INSURED_SYMBOL_EXTENSION = `${CORE_EXT}/JP_Coverage_InsuredPersonSymbol`;
export const INSURED_NUMBER_EXTENSION = `${CORE_EXT}/JP_Coverage_InsuredPersonNumber`;
export const INSURED_BRANCH_EXTENSION = `${CORE_EXT}/JP_Coverage_InsuredPersonSubNumber`;
/** Coverage.type of the examples (MHLW CDA 別表11): 1 医療保険. */
export const COVERAGE_TYPE_SYSTEM = 'urn:oid:1.2.392.100495.20.2.61';
/** 保険者番号 as the examples write it (the payer Organization's identifier). */
export const INSURER_NUMBER_SYSTEM = 'urn:oid:1.2.392.100495.20.3.61';
export const FACILITY_CODE_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const PUBLISHED_FACILITY_CODE_SYSTEM = 'http://jpfhir.jp/fhir/Common/IdSystem/insurance-medical-institution-no';
const PUBLISHED_PREFECTURE_SYSTEM = 'urn:oid:1.2.392.100495.20.3.21';
const PUBLISHED_CATEGORY_SYSTEM = 'urn:oid:1.2.392.100495.20.3.22';
const PUBLISHED_ORGANIZATION_NO_SYSTEM = 'urn:oid:1.2.392.100495.20.3.23';
export const PREFECTURE_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/PrefectureNo-2digits';
export const CATEGORY_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationFeeScoreType';
export const ORGANIZATION_NO_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicalOrganizationID';
const PUBLISHED_CERTIFICATE_SYSTEM = 'http://jpfhir.jp/fhir/core/CodeSystem/practitioner-certificate-category';
export const DOCTOR_LICENSE_CERTIFICATE_SYSTEM = 'http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category';
const PUBLISHED_RP_NUMBER_SYSTEM = 'urn:oid:1.2.392.100495.20.3.81';
const PUBLISHED_ORDER_IN_RP_SYSTEM = 'urn:oid:1.2.392.100495.20.3.82';
export const RP_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber';
export const ORDER_IN_RP_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex';
/** Namespaces a facility's own patient and staff numbers live in: `<prefix>1<医療機関コード>`. */
const PATIENT_ID_PREFIX = 'urn:oid:1.2.392.100495.20.3.51.1';
const PRACTITIONER_ID_PREFIX = 'urn:oid:1.2.392.100495.20.3.41.1';

interface NotationChange {
  where: string;
  from: string;
  to: string;
  why: string;
  /** Applies the change to one resource of the Bundle; returns whether it changed anything. */
  apply(resource: Json): boolean;
}

const ISSUER = 'Organization (JP_Organization_ePrescriptionData_issuer, the issuing facility)';

function extensionValueToCoding(url: string, system: string): (r: Json) => boolean {
  return (r) => {
    if (r.resourceType !== 'Organization' || !Array.isArray(r.extension)) return false;
    let changed = false;
    r.extension = r.extension.map((e: Json) => {
      if (e.url !== url || !e.valueIdentifier) return e;
      changed = true;
      return { url: e.url, valueCoding: { system, code: e.valueIdentifier.value } };
    });
    return changed;
  };
}

function renameIdentifierSystem(resourceType: string, from: string, to: string): (r: Json) => boolean {
  return (r) => {
    if (r.resourceType !== resourceType) return false;
    let changed = false;
    for (const id of r.identifier ?? []) {
      if (id.system === from) {
        id.system = to;
        changed = true;
      }
    }
    return changed;
  };
}

const CHANGES: NotationChange[] = [
  {
    where: `${ISSUER}.extension(JP_Organization_PrefectureNo).value[x]`,
    from: `valueIdentifier { system: ${PUBLISHED_PREFECTURE_SYSTEM}, value: "13" }`,
    to: `valueCoding { system: ${PREFECTURE_SYSTEM}, code: "13" }`,
    why:
      'JP Core 1.1.2 types the value of JP_Organization_PrefectureNo as Coding (bound to JP_PrefectureNumber_VS); ' +
      'valueIdentifier is not allowed, so the extension has no value (value[x] 1..1). The system is the one the ' +
      "extension's definition and JP Core 1.1.2's own Organization examples name.",
    apply: extensionValueToCoding(PREFECTURE_NO_EXTENSION, PREFECTURE_SYSTEM),
  },
  {
    where: `${ISSUER}.extension(JP_Organization_InsuranceOrganizationCategory).value[x]`,
    from: `valueIdentifier { system: ${PUBLISHED_CATEGORY_SYSTEM}, value: "1" }`,
    to: `valueCoding { system: ${CATEGORY_SYSTEM}, code: "1" }`,
    why:
      'JP Core 1.1.2 types the value of JP_Organization_InsuranceOrganizationCategory (点数表コード) as Coding (bound ' +
      'to JP_MedicalFeeScoreType_VS); valueIdentifier is not allowed. The system is the one the extension definition ' +
      "and JP Core 1.1.2's own Organization examples name.",
    apply: extensionValueToCoding(ORGANIZATION_CATEGORY_EXTENSION, CATEGORY_SYSTEM),
  },
  {
    where: `${ISSUER}.extension(JP_Organization_InsuranceOrganizationNo).valueIdentifier.system`,
    from: PUBLISHED_ORGANIZATION_NO_SYSTEM,
    to: ORGANIZATION_NO_SYSTEM,
    why: 'JP Core 1.1.2 fixes valueIdentifier.system of JP_Organization_InsuranceOrganizationNo (保険医療機関番号7桁) to this URL.',
    apply: (r) => {
      if (r.resourceType !== 'Organization') return false;
      let changed = false;
      for (const e of r.extension ?? []) {
        if (e.url === ORGANIZATION_NO_EXTENSION && e.valueIdentifier?.system === PUBLISHED_ORGANIZATION_NO_SYSTEM) {
          e.valueIdentifier.system = ORGANIZATION_NO_SYSTEM;
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    where: `${ISSUER}.identifier (医療機関コード).system`,
    from: PUBLISHED_FACILITY_CODE_SYSTEM,
    to: FACILITY_CODE_SYSTEM,
    why:
      'JP Core 1.1.2 slices Organization.identifier by system and fixes the medicalInstitutionCode slice to ' +
      'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no; the issuer profile requires that slice ' +
      '(MedicalInstitutionCode 1..1), which the Common/ spelling does not match.',
    apply: renameIdentifierSystem('Organization', PUBLISHED_FACILITY_CODE_SYSTEM, FACILITY_CODE_SYSTEM),
  },
  {
    where: 'Practitioner (JP_Practitioner_ePrescriptionData_author).qualification[0].code.coding.system (MedicalDoctorLicense)',
    from: PUBLISHED_CERTIFICATE_SYSTEM,
    to: DOCTOR_LICENSE_CERTIFICATE_SYSTEM,
    why:
      "The author profile's invariant checkQualification-DoctorLicenseExists requires qualification[0] to be the " +
      'doctor/dentist licence (identifier system urn:oid:1.2.392.100495.20.3.31) coded in ' +
      'http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category (underscores).',
    apply: (r) => {
      const coding = r.resourceType === 'Practitioner' ? r.qualification?.[0]?.code?.coding : undefined;
      let changed = false;
      for (const c of coding ?? []) {
        if (c.system === PUBLISHED_CERTIFICATE_SYSTEM && (c.code === 'MedicalDoctorLicense' || c.code === 'DentalDoctorLicense')) {
          c.system = DOCTOR_LICENSE_CERTIFICATE_SYSTEM;
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    where: 'Practitioner (JP_Practitioner_ePrescriptionData_author).qualification[1] (NarcoticsPractitioner, 麻薬施用者免許 4-321)',
    from: 'present',
    to: 'removed',
    why:
      'Removal required: with the licence of qualification[0] in practitioner_certificate_category (as ' +
      'checkQualification-DoctorLicenseExists requires), a second qualification makes checkQualification-category ' +
      'fail, since it demands every qualification coding be in practitioner-certificate-category (hyphens) as soon ' +
      'as qualification[1] exists (and code.coding is 1..1, so both spellings cannot be given). The two invariants ' +
      'cannot hold together with two qualifications. The 麻薬施用者番号 is needed on a prescription only for ' +
      'narcotics, and neither example prescribes one (カルボシステイン, チモプトール), so it is dropped.',
    apply: (r) => {
      if (r.resourceType !== 'Practitioner' || !Array.isArray(r.qualification) || r.qualification.length < 2) return false;
      const before = r.qualification.length;
      r.qualification = r.qualification.filter(
        (q: Json, i: number) => i === 0 || !(q.code?.coding ?? []).some((c: Json) => c.code === 'NarcoticsPractitioner'),
      );
      return r.qualification.length !== before;
    },
  },
  {
    where: 'MedicationRequest.dosageInstruction.extension (UsageDuration 実服用日数).url',
    from: PUBLISHED_USAGE_DURATION_EXTENSION,
    to: USAGE_DURATION_EXTENSION,
    why:
      'JP Core 1.1.2 names the 実服用日数 extension JP_MedicationDosage_UsageDuration (context Dosage); no loaded package ' +
      'defines the older name the example writes, and an extension whose definition cannot be found is an error (as the ' +
      'reference validator reports it).',
    apply: (r) => {
      if (r.resourceType !== 'MedicationRequest') return false;
      let changed = false;
      for (const d of r.dosageInstruction ?? [])
        for (const e of d.extension ?? [])
          if (e.url === PUBLISHED_USAGE_DURATION_EXTENSION) {
            e.url = USAGE_DURATION_EXTENSION;
            changed = true;
          }
      return changed;
    },
  },
  {
    where: 'MedicationRequest.identifier (RP番号, slice rpNumber).system',
    from: PUBLISHED_RP_NUMBER_SYSTEM,
    to: RP_NUMBER_SYSTEM,
    why: 'JP Core 1.1.2 slices MedicationRequest.identifier by system and requires the rpNumber slice (1..1) with this fixed system.',
    apply: renameIdentifierSystem('MedicationRequest', PUBLISHED_RP_NUMBER_SYSTEM, RP_NUMBER_SYSTEM),
  },
  {
    where: 'MedicationRequest.identifier (RP内連番, slice orderInRp).system',
    from: PUBLISHED_ORDER_IN_RP_SYSTEM,
    to: ORDER_IN_RP_SYSTEM,
    why: 'JP Core 1.1.2 requires the orderInRp slice (1..1) of MedicationRequest.identifier with this fixed system.',
    apply: renameIdentifierSystem('MedicationRequest', PUBLISHED_ORDER_IN_RP_SYSTEM, ORDER_IN_RP_SYSTEM),
  },
];

/** Each change made to bring the published notation to JP Core 1.1.2, with the path and the reason (for docs and the test). */
export const JP_CORE_112_NOTATION_CHANGES: { where: string; from: string; to: string; why: string }[] = CHANGES.map(({ where, from, to, why }) => ({
  where,
  from,
  to,
  why,
}));

let published: Map<OfficialExampleName, Json> | undefined;

function load(): Map<OfficialExampleName, Json> {
  if (published) return published;
  const pkg = readFhirPackage(EPRESCRIPTION_PACKAGE);
  const out = new Map<OfficialExampleName, Json>();
  for (const name of OFFICIAL_EXAMPLE_NAMES) {
    const found = pkg.resources.find((r) => r.file === FILES[name]);
    if (!found) throw new Error(`${FILES[name]} not found in ${EPRESCRIPTION_PACKAGE}`);
    out.set(name, found.resource);
  }
  published = out;
  return out;
}

/** The published example as JSON (unchanged). Returns a fresh deep copy each call. */
export function publishedExample(name: OfficialExampleName): Bundle {
  const b = load().get(name);
  if (!b) throw new Error(`unknown example ${name}`);
  return structuredClone(b) as Bundle;
}

export interface ExampleTarget {
  /** 保険者番号 of the insured person's insurer. */
  insurer: string;
  /** 被保険者記号. */
  symbol: string;
  /** 被保険者番号. */
  number: string;
  /** 枝番. */
  branch: string;
  /** Patient.birthDate. */
  birthDate: string;
  /** 10-digit 医療機関コード of the issuing facility. */
  facilityCode: string;
  /** YYYY-MM-DD: Composition.event.period.start (交付日). */
  issuedOn: string;
  /** dateTime with +09:00: Composition.date, Bundle.timestamp, MedicationRequest.authoredOn. */
  authoredAt: string;
}

const resources = (b: Json): Json[] => (b.entry ?? []).map((e: Json) => e.resource).filter(Boolean);

/** The entry resource a reference names, by fullUrl or by `Type/id`. */
export function resolveInBundle(b: Json, reference: string | undefined): Json | undefined {
  if (!reference) return undefined;
  for (const e of b.entry ?? []) {
    const r = e.resource;
    if (e.fullUrl === reference || (r && `${r.resourceType}/${r.id}` === reference)) return r;
  }
  return undefined;
}

/** The Coverage of the insured person (type 1 医療保険). */
export function insuredCoverageOf(b: Bundle | Json): Json {
  const c = resources(b).find(
    (r) => r.resourceType === 'Coverage' && (r.type?.coding ?? []).some((t: Json) => t.system === COVERAGE_TYPE_SYSTEM && t.code === '1'),
  );
  if (!c) throw new Error('no Coverage of type 1 in the example');
  return c;
}

/** The insurer Organization (payor) of the insured person's Coverage. */
export function insurerOf(b: Bundle | Json): Json {
  const org = resolveInBundle(b, insuredCoverageOf(b).payor?.[0]?.reference);
  if (!org) throw new Error('the insurance Coverage names no payor Organization of the Bundle');
  return org;
}

/** The issuing facility: the Organization holding a 医療機関コード (either spelling of its system). */
export function facilityOf(b: Bundle | Json): Json {
  const orgs = resources(b).filter(
    (r) =>
      r.resourceType === 'Organization' &&
      (r.identifier ?? []).some((i: Json) => i.system === FACILITY_CODE_SYSTEM || i.system === PUBLISHED_FACILITY_CODE_SYSTEM),
  );
  if (orgs.length !== 1) throw new Error(`expected one Organization with a 医療機関コード, found ${orgs.length}`);
  return orgs[0];
}

function setExtension(r: Json, url: string, value: string): void {
  const e = (r.extension ?? []).find((x: Json) => x.url === url);
  if (!e) throw new Error(`${r.resourceType} has no extension ${url}`);
  e.valueString = value;
}

function readdress(b: Json, t: Partial<ExampleTarget>): void {
  const all = resources(b);
  if (t.insurer !== undefined) {
    const id = (insurerOf(b).identifier ?? []).find((i: Json) => i.system === INSURER_NUMBER_SYSTEM);
    if (!id) throw new Error(`the insurer Organization has no identifier of ${INSURER_NUMBER_SYSTEM}`);
    id.value = t.insurer;
  }
  const coverage = insuredCoverageOf(b);
  if (t.symbol !== undefined) setExtension(coverage, INSURED_SYMBOL_EXTENSION, t.symbol);
  if (t.number !== undefined) setExtension(coverage, INSURED_NUMBER_EXTENSION, t.number);
  if (t.branch !== undefined) {
    setExtension(coverage, INSURED_BRANCH_EXTENSION, t.branch);
    coverage.dependent = t.branch;
  }
  if (t.birthDate !== undefined) {
    const patients = all.filter((r) => r.resourceType === 'Patient');
    if (patients.length !== 1) throw new Error(`expected one Patient, found ${patients.length}`);
    patients[0].birthDate = t.birthDate;
  }
  if (t.facilityCode !== undefined) {
    const code = t.facilityCode;
    if (!/^\d{10}$/.test(code)) throw new Error(`a 医療機関コード is 10 digits: ${code}`);
    const facility = facilityOf(b);
    const old = facility.identifier.find((i: Json) => i.system === FACILITY_CODE_SYSTEM).value as string;
    facility.identifier.find((i: Json) => i.system === FACILITY_CODE_SYSTEM).value = code;
    for (const e of facility.extension ?? []) {
      if (e.url === PREFECTURE_NO_EXTENSION) e.valueCoding.code = code.slice(0, 2);
      if (e.url === ORGANIZATION_CATEGORY_EXTENSION) e.valueCoding.code = code.slice(2, 3);
      if (e.url === ORGANIZATION_NO_EXTENSION) e.valueIdentifier.value = code.slice(3);
    }
    // The facility's own patient and staff numbers are in namespaces named after its code.
    for (const r of all) {
      const prefix = r.resourceType === 'Patient' ? PATIENT_ID_PREFIX : r.resourceType === 'Practitioner' ? PRACTITIONER_ID_PREFIX : undefined;
      if (!prefix) continue;
      for (const i of r.identifier ?? []) if (i.system === `${prefix}${old}`) i.system = `${prefix}${code}`;
    }
  }
  if (t.issuedOn !== undefined) {
    const composition = all.find((r) => r.resourceType === 'Composition');
    if (!composition?.event?.[0]?.period) throw new Error('the Composition has no event.period');
    composition.event[0].period.start = t.issuedOn;
  }
  if (t.authoredAt !== undefined) {
    if (!/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\+09:00$/.test(t.authoredAt)) throw new Error(`authoredAt must be a dateTime with +09:00: ${t.authoredAt}`);
    b.timestamp = t.authoredAt;
    for (const r of all) {
      if (r.resourceType === 'Composition') r.date = t.authoredAt;
      if (r.resourceType === 'MedicationRequest') r.authoredOn = t.authoredAt;
    }
  }
}

/**
 * The example in JP Core 1.1.2 notation (the changes above, nothing else), re-addressed to `target` (fields not
 * given keep the example's values). Returns a fresh deep copy each call.
 *
 * Re-addressing a facility also renames the namespaces of the facility's own patient and staff numbers
 * (Patient.identifier `urn:oid:1.2.392.100495.20.3.51.1<医療機関コード>`, Practitioner.identifier
 * `urn:oid:1.2.392.100495.20.3.41.1<医療機関コード>`), which embed the code; the numbers themselves are kept.
 */
export function officialExample(name: OfficialExampleName, target: Partial<ExampleTarget> = {}): Bundle {
  const b = publishedExample(name) as Json;
  for (const change of CHANGES) {
    let applied = false;
    for (const r of resources(b)) if (change.apply(r)) applied = true;
    if (!applied) throw new Error(`${name}: the change "${change.where}" found nothing to change`);
  }
  readdress(b, target);
  return b as Bundle;
}
