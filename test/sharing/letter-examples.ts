/** Referral letters built from the official JP-CLINS referral example, re-addressed to test people and facilities. */
import { randomUUID } from 'node:crypto';
import { VALID_DIR, readExample, readdress, type TestPerson } from './clins-examples.ts';
import { CLINIC, OTHER_CLINIC } from './sharing-world.ts';

type Json = Record<string, any>;
export const MEMBER_SYSTEM = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
export const FACILITY_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
export const SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
export const REFERRAL = readExample(VALID_DIR, 'Bundle-Bundle-CLINS-Referral-Example-01.json');
export const PRESCRIPTION = readExample(VALID_DIR, 'MedicationRequest-Example-JP-MedReq-PO-SID-28days.json');

export const entriesOf = (b: Json): Json[] => b.entry;
export const resourceAt = (b: Json, fullUrl: string) => entriesOf(b).find((e) => e.fullUrl === fullUrl)!.resource;
export const sectionRef = (composition: Json, code: string) => composition.section.find((s: Json) => s.code.coding[0].code === code).entry[0].reference;

/** The Patient entry re-addressed to `person` (its 被保険者個人識別子 and birth date). */
export function readdressPatient(bundle: Json, person: TestPerson): void {
  const p = entriesOf(bundle).find((e) => e.resource.resourceType === 'Patient')!.resource;
  p.identifier = [...p.identifier.filter((i: Json) => i.system !== MEMBER_SYSTEM), { system: MEMBER_SYSTEM, value: person.memberId }];
  p.birthDate = person.birthDate;
}

export const setFacility = (org: Json, code: string) => {
  org.identifier = [{ system: FACILITY_SYSTEM, value: code }];
};

/** The official referral example from `sender` to `addressee` about `person`, with `prescriptions` (re-addressed). */
export function referral(person: TestPerson, sender = CLINIC, addressee = OTHER_CLINIC, prescriptions: Json[] = []): Json {
  const b: Json = structuredClone(REFERRAL);
  delete b.id;
  b.identifier.value = `${sender}^2025^${randomUUID()}`;
  readdressPatient(b, person);
  const composition = entriesOf(b)[0].resource;
  setFacility(resourceAt(b, sectionRef(composition, '920')), sender);
  setFacility(resourceAt(b, composition.custodian.reference), sender);
  setFacility(resourceAt(b, sectionRef(composition, '910')), addressee);
  if (prescriptions.length) {
    const urls = prescriptions.map(() => `urn:uuid:${randomUUID()}`);
    b.entry.push(...prescriptions.map((resource, i) => ({ fullUrl: urls[i], resource })));
    composition.section
      .find((s: Json) => s.code.coding[0].code === '300')
      .section.push({
        title: '投薬指示',
        code: { coding: [{ system: SECTION_SYSTEM, code: '430', display: '投薬指示セクション' }] },
        entry: urls.map((reference) => ({ reference, type: 'MedicationRequest' })),
      });
  }
  return b;
}

/** A prescription of `person` by `facility`, prescribed now (so it is in force). */
export const prescription = (person: TestPerson, facility = CLINIC, example = PRESCRIPTION) => ({
  ...readdress(example, person, facility),
  authoredOn: new Date().toISOString(),
});

/** A JP_Bundle_eDischargeSummary of `person` from `sender` (CDA section; built from the referral example's parts). */
export function dischargeSummary(person: TestPerson, sender = CLINIC): Json {
  const ref = referral(person, sender);
  const by = (t: string) => entriesOf(ref).filter((e) => e.resource.resourceType === t);
  const [patient, doctor, org, doc] = [by('Patient')[0], by('Practitioner')[0], by('Organization')[0], by('DocumentReference')[0]];
  const stay = structuredClone(by('Encounter')[0]);
  stay.resource.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: '入院' };
  stay.resource.period = { start: '2025-03-01', end: '2025-03-20' };
  const composition = {
    fullUrl: `urn:uuid:${randomUUID()}`,
    resource: {
      resourceType: 'Composition',
      meta: {
        lastUpdated: '2025-03-20T10:00:00+09:00',
        profile: ['http://jpfhir.jp/fhir/eDischargeSummary/StructureDefinition/JP_Composition_eDischargeSummary'],
      },
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1.0' }],
      identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier', value: `${sender}-2025-${randomUUID()}` },
      status: 'final',
      type: { coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', code: '18842-5', display: '退院時サマリー' }] },
      category: [{ coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes', code: 'DISCHARGE', display: '退院時文書' }] }],
      subject: { reference: patient.fullUrl },
      encounter: { reference: stay.fullUrl },
      date: '2025-03-20T10:00:00+09:00',
      author: [{ reference: doctor.fullUrl }, { reference: org.fullUrl }],
      title: '退院時サマリー',
      custodian: { reference: org.fullUrl },
      event: [{ period: { start: '2025-03-01', end: '2025-03-20' } }],
      section: [
        { title: 'CDA参照', code: { coding: [{ system: SECTION_SYSTEM, code: '200', display: 'CDA参照セクション' }] }, entry: [{ reference: doc.fullUrl }] },
      ],
    },
  };
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: '2025-03-20T10:00:00+09:00', profile: ['http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eDischargeSummary|1'] },
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${sender}^2025^${randomUUID()}` },
    type: 'document',
    timestamp: '2025-03-20T10:00:00+09:00',
    entry: [composition, patient, doctor, org, stay, by('Condition')[0], doc],
  };
}
