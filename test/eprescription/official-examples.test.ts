/**
 * The ePrescriptionData package's two example Bundles (official-examples.ts): as published they fail JP Core 1.1.2
 * only through the documented notation differences; in JP Core 1.1.2 notation, as published and re-addressed, they
 * validate without errors; and their clinical content is the published one, byte for byte.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, loadConformance } from '../../src/platform/conformance/index.ts';
import {
  CATEGORY_SYSTEM,
  DOCTOR_LICENSE_CERTIFICATE_SYSTEM,
  EPRESCRIPTION_BUNDLE_PROFILE,
  EPRESCRIPTION_PACKAGE,
  type ExampleTarget,
  FACILITY_CODE_SYSTEM,
  facilityOf,
  INSURED_BRANCH_EXTENSION,
  INSURED_NUMBER_EXTENSION,
  INSURED_SYMBOL_EXTENSION,
  INSURER_NUMBER_SYSTEM,
  insuredCoverageOf,
  insurerOf,
  JP_CORE_112_NOTATION_CHANGES,
  JP_CORE_PACKAGE,
  OFFICIAL_EXAMPLE_NAMES,
  ORDER_IN_RP_SYSTEM,
  ORGANIZATION_CATEGORY_EXTENSION,
  ORGANIZATION_NO_EXTENSION,
  ORGANIZATION_NO_SYSTEM,
  type OfficialExampleName,
  officialExample,
  PREFECTURE_NO_EXTENSION,
  PUBLISHED_USAGE_DURATION_EXTENSION,
  USAGE_DURATION_EXTENSION,
  PREFECTURE_SYSTEM,
  publishedExample,
  RP_NUMBER_SYSTEM,
  resolveInBundle,
} from './official-examples.ts';

type Json = Record<string, any>;

let conformance: Conformance;
beforeAll(async () => {
  conformance = await loadConformance({ packages: [JP_CORE_PACKAGE, EPRESCRIPTION_PACKAGE] });
}, 120_000);

/** Errors (severity error or fatal) as `location | English message`. */
function errorsOf(bundle: unknown): string[] {
  const oo: OperationOutcome = conformance.validate(bundle, { profiles: [EPRESCRIPTION_BUNDLE_PROFILE] });
  return (oo.issue ?? [])
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression?.[0] ?? ''} | ${i.diagnostics ?? i.details?.text ?? ''}`)
    .sort();
}

/** The documented change whose `where` contains `key` (exactly one). */
function change(key: string): string {
  const found = JP_CORE_112_NOTATION_CHANGES.filter((c) => c.where.includes(key));
  if (found.length !== 1) throw new Error(`expected one notation change about ${key}, found ${found.length}`);
  return found[0].where;
}

const entries = (b: Json): Json[] => b.entry;
const indexOf = (b: Json, r: Json) => entries(b).findIndex((e) => e.resource === r);
const indicesOf = (b: Json, type: string) => entries(b).flatMap((e, i) => (e.resource.resourceType === type ? [i] : []));
/** [dosageInstruction index, extension index] of each 実服用日数 extension in the published (older) name. */
const usageDurations = (r: Json): [number, number][] =>
  ((r.dosageInstruction ?? []) as Json[]).flatMap((d, j) =>
    ((d.extension ?? []) as Json[]).flatMap((e, k): [number, number][] => (e.url === PUBLISHED_USAGE_DURATION_EXTENSION ? [[j, k]] : [])),
  );
const extIndex = (r: Json, url: string) => (r.extension as Json[]).findIndex((e) => e.url === url);

interface Explained {
  error: string;
  /** The documented change (its `where`) the error is due to; several when it is a consequence of them. */
  dueTo: string[];
}

/**
 * The errors the published example must report with JP Core 1.1.2, each with the notation change it comes from,
 * located from the example's own structure (no catch-all: the location and the full message of each).
 */
function expectedPublishedErrors(b: Json): Explained[] {
  const out: Explained[] = [];
  const issuer = facilityOf(b);
  const at = `Bundle.entry[${indexOf(b, issuer)}].resource`;
  const pref = extIndex(issuer, PREFECTURE_NO_EXTENSION);
  const cat = extIndex(issuer, ORGANIZATION_CATEGORY_EXTENSION);
  const no = extIndex(issuer, ORGANIZATION_NO_EXTENSION);
  for (const [k, key] of [
    [pref, 'JP_Organization_PrefectureNo'],
    [cat, 'JP_Organization_InsuranceOrganizationCategory'],
  ] as const) {
    const dueTo = [change(key)];
    out.push({ error: `${at}.extension[${k}].valueIdentifier | Unrecognized property 'valueIdentifier'`, dueTo });
    out.push({ error: `${at}.extension[${k}] | ${at}.extension[${k}].value[x]: minimum required = 1, but only found 0`, dueTo });
  }
  out.push({
    error: `${at}.extension[${no}].value.ofType(Identifier).system | Value is 'urn:oid:1.2.392.100495.20.3.23' but must be '${ORGANIZATION_NO_SYSTEM}' (fixed value)`,
    dueTo: [change('JP_Organization_InsuranceOrganizationNo')],
  });
  out.push({
    error: `${at} | Slice 'Organization.identifier:medicalInstitutionCode': minimum required = 1, but only found 0`,
    dueTo: [change('医療機関コード')],
  });
  // Consequences: the issuer fails JP Core's JP_Organization (its extensions), so references to it whose target
  // profile is JP_Organization fail, and no entry matches the Bundle's custodianOrganization slice (issuer profile).
  const extensionChanges = [
    change('JP_Organization_PrefectureNo'),
    change('JP_Organization_InsuranceOrganizationCategory'),
    change('JP_Organization_InsuranceOrganizationNo'),
  ];
  entries(b).forEach((e, i) => {
    for (const field of ['partOf', 'organization']) {
      const ref = e.resource[field]?.reference;
      if (ref && resolveInBundle(b, ref) === issuer) {
        out.push({
          error: `Bundle.entry[${i}].resource.${field}.reference | The resource referenced by ${ref} does not conform to any of the profiles http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization`,
          dueTo: extensionChanges,
        });
      }
    }
  });
  out.push({
    error: "Bundle | Slice 'Bundle.entry:custodianOrganization': minimum required = 1, but only found 0",
    dueTo: [...extensionChanges, change('医療機関コード')],
  });
  const [practitioner] = indicesOf(b, 'Practitioner');
  const doctor = b.entry[practitioner].resource.qualification[0];
  expect(doctor.code.coding[0].system).toBe('http://jpfhir.jp/fhir/core/CodeSystem/practitioner-certificate-category');
  out.push({
    error:
      `Bundle.entry[${practitioner}].resource | Constraint failed: checkQualification-DoctorLicenseExists: '【医師または歯科医師免許番号が存在し、system=urn:oid:1.2.392.100495.20.3.31で記述されている】' ` +
      "((qualification[0].identifier.where(system='urn:oid:1.2.392.100495.20.3.31').exists()\n    and (qualification[0].code.coding.where(system='http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category'\n      and (code='MedicalDoctorLicense' or code='DentalDoctorLicense'))).exists()))",
    dueTo: [change('qualification[0]')],
  });
  for (const i of indicesOf(b, 'MedicationRequest')) {
    out.push({
      error: `Bundle.entry[${i}].resource | Slice 'MedicationRequest.identifier:rpNumber': minimum required = 1, but only found 0`,
      dueTo: [change('rpNumber')],
    });
    out.push({
      error: `Bundle.entry[${i}].resource | Slice 'MedicationRequest.identifier:orderInRp': minimum required = 1, but only found 0`,
      dueTo: [change('orderInRp')],
    });
    for (const [j, k] of usageDurations(b.entry[i].resource))
      out.push({
        error: `Bundle.entry[${i}].resource.dosageInstruction[${j}].extension[${k}] | The extension ${PUBLISHED_USAGE_DURATION_EXTENSION} could not be found so is not allowed here`,
        dueTo: [change('UsageDuration')],
      });
  }
  return out;
}

/** Leaf paths where two JSON values differ (a missing subtree is reported once, at its root). */
function diff(a: unknown, b: unknown, path = ''): string[] {
  if (a === b) return [];
  const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null;
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [path];
  const keys = Array.isArray(a)
    ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String)
    : [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => {
    const p = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    if (!(k in a) || !(k in b)) return [p];
    return diff(a[k], b[k], p);
  });
}

const TARGET: ExampleTarget = {
  insurer: '01130012',
  symbol: '１２３４',
  number: '５６７８９',
  branch: '02',
  birthDate: '1985-04-12',
  facilityCode: '2710123452',
  issuedOn: '2026-06-01',
  authoredAt: '2026-06-01T09:41:07+09:00',
};

describe.each(OFFICIAL_EXAMPLE_NAMES)('the official example %s', (name: OfficialExampleName) => {
  it('as published reports errors with JP Core 1.1.2, each one due to a documented notation difference', () => {
    const published = publishedExample(name) as Json;
    const actual = errorsOf(published);
    const expected = expectedPublishedErrors(published);
    expect(actual.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected.map((e) => e.error).sort());
    const documented = new Set(JP_CORE_112_NOTATION_CHANGES.map((c) => c.where));
    for (const e of expected) for (const w of e.dueTo) expect(documented.has(w), w).toBe(true);
  });

  it('in JP Core 1.1.2 notation validates without errors, as published and re-addressed', () => {
    expect(errorsOf(officialExample(name))).toEqual([]);
    expect(errorsOf(officialExample(name, TARGET))).toEqual([]);
    expect(errorsOf(officialExample(name, { facilityCode: '1311234567', insurer: '39131016', branch: '00' }))).toEqual([]);
  });

  it('differs from the published example exactly by the documented changes', () => {
    const published = publishedExample(name) as Json;
    const official = officialExample(name) as Json;
    const issuer = `entry[${indexOf(published, facilityOf(published))}].resource`;
    const [practitioner] = indicesOf(published, 'Practitioner');
    const prefecture = extIndex(facilityOf(published), PREFECTURE_NO_EXTENSION);
    const category = extIndex(facilityOf(published), ORGANIZATION_CATEGORY_EXTENSION);
    const number = extIndex(facilityOf(published), ORGANIZATION_NO_EXTENSION);
    const expected = [
      `${issuer}.extension[${prefecture}].valueIdentifier`,
      `${issuer}.extension[${prefecture}].valueCoding`,
      `${issuer}.extension[${category}].valueIdentifier`,
      `${issuer}.extension[${category}].valueCoding`,
      `${issuer}.extension[${number}].valueIdentifier.system`,
      `${issuer}.identifier[0].system`,
      `entry[${practitioner}].resource.qualification[0].code.coding[0].system`,
      `entry[${practitioner}].resource.qualification[1]`,
      ...indicesOf(published, 'MedicationRequest').flatMap((i) => [
        `entry[${i}].resource.identifier[0].system`,
        `entry[${i}].resource.identifier[1].system`,
        ...usageDurations(published.entry[i].resource).map(([j, k]) => `entry[${i}].resource.dosageInstruction[${j}].extension[${k}].url`),
      ]),
    ];
    expect(diff(published, official).sort()).toEqual(expected.sort());

    const org = facilityOf(official);
    expect(org.extension[prefecture]).toEqual({ url: PREFECTURE_NO_EXTENSION, valueCoding: { system: PREFECTURE_SYSTEM, code: '13' } });
    expect(org.extension[category]).toEqual({ url: ORGANIZATION_CATEGORY_EXTENSION, valueCoding: { system: CATEGORY_SYSTEM, code: '1' } });
    expect(org.extension[number].valueIdentifier).toEqual({ system: ORGANIZATION_NO_SYSTEM, value: '1234567' });
    expect(org.identifier).toEqual([{ system: FACILITY_CODE_SYSTEM, value: '1311234567' }]);
    const qualification = official.entry[practitioner].resource.qualification;
    expect(qualification).toHaveLength(1);
    expect(qualification[0].code.coding).toEqual([{ code: 'MedicalDoctorLicense', system: DOCTOR_LICENSE_CERTIFICATE_SYSTEM }]);
    for (const i of indicesOf(official, 'MedicationRequest')) {
      expect(official.entry[i].resource.identifier.map((id: Json) => id.system)).toEqual([RP_NUMBER_SYSTEM, ORDER_IN_RP_SYSTEM]);
    }
  });

  it('needs the 麻薬施用者 qualification removed: with it the author profile contradicts itself', () => {
    const published = publishedExample(name) as Json;
    const withNarcotics = officialExample(name) as Json;
    const [p] = indicesOf(published, 'Practitioner');
    withNarcotics.entry[p].resource.qualification.push(published.entry[p].resource.qualification[1]);
    expect(errorsOf(withNarcotics)).toEqual([
      `Bundle.entry[${p}].resource | Constraint failed: checkQualification-category: '【資格コードシステムはpractitioner_certificate_categoryだけである】' ` +
        "((qualification[1]).exists().not() or (qualification.code.coding.where(system!='http://jpfhir.jp/fhir/core/CodeSystem/practitioner-certificate-category')).exists().not())",
    ]);
  });

  it('puts the re-addressed values where expected', () => {
    const b = officialExample(name, TARGET) as Json;
    const coverage = insuredCoverageOf(b);
    expect(insurerOf(b).identifier).toEqual([{ system: INSURER_NUMBER_SYSTEM, value: '01130012' }]);
    const ext = (url: string) => coverage.extension.filter((e: Json) => e.url === url).map((e: Json) => e.valueString);
    expect([ext(INSURED_SYMBOL_EXTENSION), ext(INSURED_NUMBER_EXTENSION), ext(INSURED_BRANCH_EXTENSION)]).toEqual([['１２３４'], ['５６７８９'], ['02']]);
    expect(coverage.dependent).toBe('02');
    expect(b.entry.filter((e: Json) => e.resource.resourceType === 'Patient').map((e: Json) => e.resource.birthDate)).toEqual(['1985-04-12']);
    const facility = facilityOf(b);
    expect(facility.identifier).toEqual([{ system: FACILITY_CODE_SYSTEM, value: '2710123452' }]);
    const extValue = (url: string) => facility.extension.find((e: Json) => e.url === url);
    expect(extValue(PREFECTURE_NO_EXTENSION).valueCoding.code).toBe('27');
    expect(extValue(ORGANIZATION_CATEGORY_EXTENSION).valueCoding.code).toBe('1');
    expect(extValue(ORGANIZATION_NO_EXTENSION).valueIdentifier.value).toBe('0123452');
    const composition = b.entry[0].resource;
    expect(composition.resourceType).toBe('Composition');
    expect(composition.event[0].period.start).toBe('2026-06-01');
    expect([b.timestamp, composition.date]).toEqual([TARGET.authoredAt, TARGET.authoredAt]);
    const mrs = b.entry.filter((e: Json) => e.resource.resourceType === 'MedicationRequest').map((e: Json) => e.resource);
    expect(mrs.length).toBe(2);
    for (const mr of mrs) expect(mr.authoredOn).toBe(TARGET.authoredAt);
    // The issuing facility is the one the PractitionerRole works for, and the custodian (or the department's parent).
    const role = b.entry.find((e: Json) => e.resource.resourceType === 'PractitionerRole').resource;
    expect(resolveInBundle(b, role.organization.reference)).toBe(facility);
    const custodian = resolveInBundle(b, composition.custodian.reference);
    expect(custodian === facility || resolveInBundle(b, custodian?.partOf?.reference) === facility).toBe(true);
  });

  it('re-addresses only what it is given (each field alone changes exactly its own places)', () => {
    const base = officialExample(name) as Json;
    const at = (r: Json) => `entry[${indexOf(base, r)}].resource`;
    const coverage = at(insuredCoverageOf(base));
    const cExt = (url: string) => `${coverage}.extension[${extIndex(insuredCoverageOf(base), url)}].valueString`;
    const facility = at(facilityOf(base));
    const fExt = (url: string) => extIndex(facilityOf(base), url);
    const patient = `entry[${indicesOf(base, 'Patient')[0]}].resource`;
    const practitioner = `entry[${indicesOf(base, 'Practitioner')[0]}].resource`;
    const composition = `entry[${indicesOf(base, 'Composition')[0]}].resource`;
    const expected: Record<keyof ExampleTarget, string[]> = {
      insurer: [`${at(insurerOf(base))}.identifier[0].value`],
      symbol: [cExt(INSURED_SYMBOL_EXTENSION)],
      number: [cExt(INSURED_NUMBER_EXTENSION)],
      branch: [cExt(INSURED_BRANCH_EXTENSION), `${coverage}.dependent`],
      birthDate: [`${patient}.birthDate`],
      facilityCode: [
        `${facility}.identifier[0].value`,
        `${facility}.extension[${fExt(PREFECTURE_NO_EXTENSION)}].valueCoding.code`,
        `${facility}.extension[${fExt(ORGANIZATION_NO_EXTENSION)}].valueIdentifier.value`,
        // The facility's own patient and staff number namespaces (…20.3.51.1<code>, …20.3.41.1<code>).
        `${patient}.identifier[0].system`,
        `${practitioner}.identifier[0].system`,
      ],
      issuedOn: [`${composition}.event[0].period.start`],
      authoredAt: ['timestamp', `${composition}.date`, ...indicesOf(base, 'MedicationRequest').map((i) => `entry[${i}].resource.authoredOn`)],
    };
    for (const key of Object.keys(expected) as (keyof ExampleTarget)[]) {
      expect(diff(base, officialExample(name, { [key]: TARGET[key] })).sort(), key).toEqual(expected[key].sort());
    }
    // The category digit (3rd) is kept in step too when it changes (歯科 3).
    const dental = facilityOf(officialExample(name, { facilityCode: '1331234560' }));
    expect(dental.extension[fExt(ORGANIZATION_CATEGORY_EXTENSION)].valueCoding.code).toBe('3');
    expect(errorsOf(officialExample(name, { facilityCode: '1331234560' }))).toEqual([]);
    const ids = officialExample(name, { facilityCode: '2710123452' }) as Json;
    expect(ids.entry[indicesOf(base, 'Patient')[0]].resource.identifier[0]).toEqual({
      system: 'urn:oid:1.2.392.100495.20.3.51.12710123452',
      value: '00000010',
    });
  });

  it('keeps the clinical content of every MedicationRequest byte for byte (but the 実服用日数 extension’s 1.1.2 name)', () => {
    const published = publishedExample(name) as Json;
    const CLINICAL = ['medicationCodeableConcept', 'dispenseRequest', 'dosageInstruction', 'substitution'] as const;
    const clinical = (b: Json) =>
      b.entry
        .filter((e: Json) => e.resource.resourceType === 'MedicationRequest')
        .map((e: Json) => [e.fullUrl, ...CLINICAL.map((k) => JSON.stringify(e.resource[k]))].join('\n'));
    const original = clinical(published).map((c: string) => c.replaceAll(PUBLISHED_USAGE_DURATION_EXTENSION, USAGE_DURATION_EXTENSION));
    expect(original).toHaveLength(2);
    for (const e of published.entry.filter((x: Json) => x.resource.resourceType === 'MedicationRequest')) {
      for (const k of ['medicationCodeableConcept', 'dispenseRequest', 'dosageInstruction'] as const) expect(e.resource[k], k).toBeDefined();
    }
    expect(clinical(officialExample(name))).toEqual(original);
    expect(clinical(officialExample(name, TARGET))).toEqual(original);
  });

  it('returns a fresh deep copy on each call', () => {
    const a = officialExample(name) as Json;
    a.entry[0].resource.title = 'changed';
    a.entry.pop();
    expect(officialExample(name)).not.toBe(officialExample(name));
    expect(officialExample(name)).toEqual(officialExample(name));
    expect((officialExample(name) as Json).entry[0].resource.title).toBe('処方箋');
    const p = publishedExample(name) as Json;
    p.entry.length = 0;
    expect((publishedExample(name) as Json).entry.length).toBeGreaterThan(10);
  });
});

describe('the documented notation changes', () => {
  it('each say where, from what, to what and why', () => {
    expect(JP_CORE_112_NOTATION_CHANGES.length).toBeGreaterThan(0);
    for (const c of JP_CORE_112_NOTATION_CHANGES) {
      for (const field of ['where', 'from', 'to', 'why'] as const) expect(c[field].length, `${c.where} ${field}`).toBeGreaterThan(0);
    }
    expect(new Set(JP_CORE_112_NOTATION_CHANGES.map((c) => c.where)).size).toBe(JP_CORE_112_NOTATION_CHANGES.length);
    // The one removal says why it is required.
    const removals = JP_CORE_112_NOTATION_CHANGES.filter((c) => c.to === 'removed');
    expect(removals.map((c) => c.where)).toEqual([change('qualification[1]')]);
    expect(removals[0].why).toMatch(/checkQualification-category/);
  });
});
