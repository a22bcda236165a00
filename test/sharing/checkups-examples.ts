/**
 * Health check-up reports (健診結果報告書, JP_Bundle_eCheckupGeneral) for the tests: a small report built here after the
 * profiles of the eCheckupReport package (Composition, Patient, Practitioner, Organization, Encounter, body
 * measurements and a questionnaire answer), and the package's own sample re-addressed to a registered person.
 *
 * The sample needs two fixes to validate: its person has no insured-person identifier (JP_Patient_eCS of JP-CLINS,
 * loaded with it, requires one), and its Coverage entries contradict their own profiles (type system), so they are
 * left out with the insurer Organization they name.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { sharedFhirDir } from '../helpers/shared-dir.ts';
import { patientOf, type TestPerson } from './clins-examples.ts';

type Json = Record<string, unknown>;
export const CHECKUP_PACKAGE = join(sharedFhirDir(), 'packages', 'jp-eCheckupReport.r4.tgz');
export const CHECKUP_PROFILE = 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Bundle_eCheckupGeneral';
const P = 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/';
const INSTITUTION_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const OBS_CODE_SYSTEM = 'urn:oid:1.2.392.200119.6.1005';

/** 健診プログラムサービスコード (Composition.event.code) of each test kind. */
export const PROGRAM = {
  specific: {
    code: '010',
    display: '特定健診',
    section: { code: '01011', display: '特定健診検査結果セクション' },
    category: { code: '10', display: '特定健診' },
  },
  employer: { code: '030', display: '事業者健診', section: { code: '01910', display: '検査結果セクション' }, category: { code: '90', display: 'その他検診' } },
} as const;

export interface ReportOptions {
  /** 医療機関コード of the check-up provider (custodian and author Organization). */
  provider: string;
  /** 受診日 (YYYY-MM-DD). */
  date: string;
  program?: keyof typeof PROGRAM;
  /** Composition.identifier value (the report's business identifier). */
  documentId?: string;
  /** Height in cm (tells versions apart). */
  height?: number;
}

const meta = (profile: string) => ({ lastUpdated: new Date().toISOString(), profile: [profile] });

function observation(patient: string, date: string, code: string, display: string, value: Json): Json {
  return {
    resourceType: 'Observation',
    meta: meta(`${P}JP_Observation_eCheckupGeneral`),
    identifier: [{ system: 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier', value: randomUUID() }],
    status: 'final',
    category: [{ coding: [{ code: 'body-measurement', system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS' }] }],
    code: { coding: [{ code, system: OBS_CODE_SYSTEM, display }] },
    subject: { reference: patient },
    effectiveDateTime: date,
    ...value,
  };
}

/** A small valid report of `person` by `provider`. */
export function checkupReport(person: TestPerson, o: ReportOptions): Json {
  const program = PROGRAM[o.program ?? 'specific'];
  const id = { patient: `urn:uuid:${randomUUID()}`, doctor: `urn:uuid:${randomUUID()}`, org: `urn:uuid:${randomUUID()}`, visit: `urn:uuid:${randomUUID()}` };
  const q = (value: number, unit: string) => ({ valueQuantity: { value, unit, code: unit, system: 'http://unitsofmeasure.org' } });
  const results = [
    observation(id.patient, o.date, '9N001000000000001', '身長', q(o.height ?? 162.3, 'cm')),
    observation(id.patient, o.date, '9N006000000000001', '体重', q(65.5, 'kg')),
    observation(id.patient, o.date, '9N011000000000001', 'BMI', q(24.9, 'kg/m2')),
  ].map((resource) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource }));
  const composition = {
    resourceType: 'Composition',
    meta: meta(`${P}JP_Composition_eCheckupGeneral`),
    language: 'ja',
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1.0' }],
    identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier', value: o.documentId ?? randomUUID() },
    status: 'final',
    type: { coding: [{ code: '53576-5', system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', display: '検診・健診報告書' }] },
    category: [{ coding: [{ system: 'urn:oid:2.16.840.1.113883.2.2.1.6.1001', ...program.category }] }],
    subject: { reference: id.patient },
    encounter: { reference: id.visit },
    date: `${o.date}T13:00:00+09:00`,
    author: [{ reference: id.doctor }, { reference: id.org }],
    title: '健康診断結果のお知らせ',
    custodian: { reference: id.org },
    event: [
      {
        code: [{ coding: [{ system: 'urn:oid:1.2.392.200119.6.1002', code: program.code, display: program.display }] }],
        period: { start: o.date, end: o.date },
      },
    ],
    section: [
      {
        title: '健診結果',
        code: { coding: [{ system: 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code', ...program.section }] },
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>健診結果</p></div>' },
        entry: results.map((r) => ({ reference: r.fullUrl })),
      },
    ],
  };
  const practitioner = {
    resourceType: 'Practitioner',
    meta: meta(`${P}JP_Practitioner_eCheckupGeneral`),
    name: [
      {
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' }],
        text: '東京 太郎',
        family: '東京',
        given: ['太郎'],
      },
    ],
  };
  const organization = {
    resourceType: 'Organization',
    meta: meta(`${P}JP_Organization_eCheckupGeneral`),
    identifier: [{ system: INSTITUTION_SYSTEM, value: o.provider }],
    type: [{ coding: [{ code: 'prov', system: 'http://terminology.hl7.org/CodeSystem/organization-type' }] }],
    name: '健診センター',
  };
  const encounter = {
    resourceType: 'Encounter',
    meta: meta(`${P}JP_Encounter_eCheckupGeneral`),
    status: 'finished',
    class: { code: 'checkup', system: 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/encounter-category', display: '健診' },
    period: { start: o.date, end: o.date },
    serviceProvider: { reference: id.org },
  };
  return {
    resourceType: 'Bundle',
    meta: meta(CHECKUP_PROFILE),
    identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/documentInstance-identifier', value: randomUUID() },
    type: 'document',
    timestamp: new Date().toISOString(),
    entry: [
      { fullUrl: `urn:uuid:${randomUUID()}`, resource: composition },
      { fullUrl: id.patient, resource: patientOf(person) },
      { fullUrl: id.doctor, resource: practitioner },
      { fullUrl: id.org, resource: organization },
      { fullUrl: id.visit, resource: encounter },
      ...results,
    ],
  };
}

let sample: Json | undefined;
/** The package's Bundle-eCheckupReport-Sample-01, read from the package. */
function packageSample(): Json {
  if (!sample) {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagu-echeckup-'));
    try {
      tar.x({ file: CHECKUP_PACKAGE, cwd: dir, sync: true, filter: (p) => p.endsWith('Bundle-Bundle-eCheckupReport-Sample-01.json') });
      sample = JSON.parse(readFileSync(join(dir, 'package', 'Bundle-Bundle-eCheckupReport-Sample-01.json'), 'utf8')) as Json;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return structuredClone(sample);
}

/** The package's sample report, re-addressed to `person`, provided by `provider`, dated `date` (受診日). */
export function sampleReport(person: TestPerson, provider: string, date: string): Json {
  const b = packageSample();
  const entries = b.entry as { fullUrl: string; resource: Json }[];
  const dropped = new Set(
    entries.filter((e) => e.resource.resourceType === 'Coverage' || String((e.resource.meta as Json).profile).includes('Insurer')).map((e) => e.fullUrl),
  );
  const kept = entries.filter((e) => !dropped.has(e.fullUrl));
  for (const e of kept) {
    const r = e.resource;
    delete r.id;
    if (r.resourceType === 'Composition')
      for (const s of r.section as { entry: { reference: string }[] }[]) s.entry = s.entry.filter((x) => !dropped.has(x.reference));
    if (r.resourceType === 'Patient') e.resource = { ...patientOf(person) };
    if (r.resourceType === 'Organization') r.identifier = [{ system: INSTITUTION_SYSTEM, value: provider }];
    if (r.resourceType === 'Encounter') r.period = { start: date, end: date };
    if (r.resourceType === 'Observation') r.effectiveDateTime = date;
  }
  b.entry = kept;
  b.identifier = { system: 'http://jpfhir.jp/fhir/core/IdSystem/documentInstance-identifier', value: randomUUID() };
  (kept[0].resource.identifier as Json).value = randomUUID();
  return b;
}
