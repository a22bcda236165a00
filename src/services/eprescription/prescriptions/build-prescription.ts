/**
 * A JP_Bundle_ePrescriptionData document written from a simple description (the clinic's form, `tsunagu eprescription
 * new`): the shape of the package's example ePreData-Example01 in JP Core 1.1.2 notation, ready to sign and register.
 *
 *   Bundle            document, identifier (urn:ietf:rfc:3986), timestamp = authoredAt
 *   Composition       処方箋 (57833-6), category 01 一般 / 02 麻薬 / 03 分割一般処方, authors = the PractitionerRole and the
 *                     issuing Organization, custodian = the issuing Organization, event 処方箋交付 with period
 *                     start = 交付日 and end = 使用期限 (omitted: the legal 4 days), one section 処方情報 naming the
 *                     insurance Coverage, its payer, every MedicationRequest and the note
 *   Patient           name (漢字, and カナ when given: iso21090-EN-representation IDE / SYL), gender, birthDate, the
 *                     facility's patient number (urn:oid:1.2.392.100495.20.3.51.1<医療機関コード>)
 *   Encounter         外来 (AMB), finished
 *   Coverage          医療保険 (type 1): 記号・番号・枝番 extensions (枝番 also dependent), 続柄, 負担率, payer = the insurer
 *                     Organization (保険者番号 urn:oid:1.2.392.100495.20.3.61) — what prescription-person.ts resolves
 *   Organization ×2   the insurer (coveragePayer), and the issuer with its 医療機関コード and the PrefectureNo /
 *                     InsuranceOrganizationCategory / InsuranceOrganizationNo extensions derived from the code — what
 *                     prescription-document.ts reads as the issuer
 *   PractitionerRole  doctor / dentist at the issuer; Practitioner with the 医籍 / 歯科医籍登録番号 as qualification[0]
 *                     (urn:oid:1.2.392.100495.20.3.31; MedicalDoctorLicense / DentalDoctorLicense), the number the
 *                     service compares with the signer's certificate
 *   MedicationRequest one per line, each its own Rp (RP番号 = line number, RP内連番 1): the drug coded in the system's
 *                     preferred URI (master/systems.ts) with display and text = the given name, 用法 (JAMI 16-digit
 *                     code when given), 1回量 (doseAndRate, 製剤量) when given, days, quantity in the unit (MHLW 別表20 code when known), 後発品変更不可,
 *                     numberOfRepeatsAllowed for a refill
 *   Communication     the note, as 処方箋備考 (communication-category 1)
 *
 * The input is checked first (prescription-input.ts: every bad field at once, in Japanese and English).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Coding, Extension, Quantity, Reference, Resource } from '@medplum/fhirtypes';
import { INSURED_PERSON_IDENTIFIER_SYSTEM } from '../../eligibility/index.ts';
import { preferredUri } from '../master/systems.ts';
import {
  COVERAGE_TYPE_SYSTEM,
  FACILITY_CODE_SYSTEMS,
  INSURED_BRANCH_EXTENSION,
  INSURED_NUMBER_EXTENSION,
  INSURED_SYMBOL_EXTENSION,
  INSURER_NUMBER_SYSTEM,
  PRESCRIPTION_CATEGORY_SYSTEM,
  PRESCRIPTION_PROFILE,
  SUBSTITUTION_SYSTEM,
} from '../model/fhir-codes.ts';
import { LICENSE_NUMBER_SYSTEM } from './prescriber.ts';
import { CATEGORIES, type CheckedLine, type Json, type PrescriptionInput, RELATIONSHIPS, ROLES, SUBSTITUTIONS, check } from './prescription-input.ts';

export { PrescriptionInputError, type PrescriptionInput, type PrescriptionInputProblem, type PrescriptionLineInput } from './prescription-input.ts';

const EPRX_SD = 'http://jpfhir.jp/fhir/ePrescription/StructureDefinition';
const PROFILE = {
  composition: `${EPRX_SD}/JP_Composition_ePrescriptionData`,
  patient: `${EPRX_SD}/JP_Patient_ePrescriptionData`,
  encounter: `${EPRX_SD}/JP_Encounter_ePrescriptionData`,
  insurance: `${EPRX_SD}/JP_Coverage_ePrescriptionData_insurance`,
  payer: `${EPRX_SD}/JP_Organization_ePrescriptionData_coveragePayer`,
  issuer: `${EPRX_SD}/JP_Organization_ePrescriptionData_issuer`,
  role: `${EPRX_SD}/JP_PractitionerRole_ePrescriptionData_author`,
  practitioner: `${EPRX_SD}/JP_Practitioner_ePrescriptionData_author`,
  medicationRequest: `${EPRX_SD}/JP_MedicationRequest_ePrescriptionData`,
  communication: `${EPRX_SD}/JP_Communication_ePrescriptionData`,
};
const CORE_EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition';
const VERSION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber';
const NAME_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const COMPOSITION_ID_SYSTEM = 'http://jpfhir.jp/fhir/Common/IdSystem/resourceInstance-identifier';
const DOC_TYPE_SYSTEM = 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes';
const SECTION_SYSTEM = 'http://jpfhir.jp/fhir/ePrescription/CodeSystem/prescription-section';
const RELATIONSHIP_SYSTEM = 'urn:oid:1.2.392.100495.20.2.62';
const COPAY_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/coverage-copay-type';
const ORGANIZATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/organization-type';
const PREFECTURE_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/PrefectureNo-2digits';
const SCORE_TABLE_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationFeeScoreType';
const ORGANIZATION_NO_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicalOrganizationID';
const ROLE_SYSTEM = 'http://jpfhir.jp/fhir/Common/CodeSystem/practitioner-role-category';
/** The spelling checkQualification-DoctorLicenseExists requires (underscores). */
const CERTIFICATE_SYSTEM = 'http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category';
/** Namespaces of a facility's own patient and staff numbers: `<prefix>1<医療機関コード>`. */
const PATIENT_ID_PREFIX = 'urn:oid:1.2.392.100495.20.3.51.1';
const PRACTITIONER_ID_PREFIX = 'urn:oid:1.2.392.100495.20.3.41.1';
const RP_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber';
const ORDER_IN_RP_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex';
/** JP Core 1.1.2's name (the package example still writes the older JP_MedicationRequest_DosageInstruction_UsageDuration). */
const USAGE_DURATION_EXTENSION = `${CORE_EXT}/JP_MedicationDosage_UsageDuration`;
/** JAMI 処方・注射オーダ標準用法規格 用法コード (16 characters). */
const USAGE_CODE_SYSTEM = 'urn:oid:1.2.392.200250.2.2.20.20';
/** MHLW 電子処方箋 CDA 別表20 薬品単位略号. */
const UNIT_SYSTEM = 'urn:oid:1.2.392.100495.20.2.101';
const UCUM = 'http://unitsofmeasure.org';
/** doseAndRate.type (urn:oid:1.2.392.100495.20.2.22, as the package's example writes it): 1 製剤量 — the dose of the product as dispensed. */
const DOSE_RATE_TYPE_SYSTEM = 'urn:oid:1.2.392.100495.20.2.22';
const COMMUNICATION_CONTENT_EXTENSION = 'http://jpfhir.jp/fhir/ePrescription/Extension/StructureDefinition/JP_Communication_CommunicationContent';
const COMMUNICATION_CATEGORY_SYSTEM = 'http://jpfhir.jp/fhir/ePrescription/CodeSystem/communication-category';

const urn = () => `urn:uuid:${randomUUID()}`;
const meta = (profile: string) => ({ profile: [profile] });
const ref = (fullUrl: string): Reference => ({ reference: fullUrl });
const days = (n: number): Quantity => ({ value: n, unit: '日', system: UCUM, code: 'd' });

/** 漢字 name (IDE) and, when given, the カナ name (SYL), as the JP Core name representation. */
function names(familyName: string, givenName: string, familyKana?: string, givenKana?: string, use?: 'official') {
  const name = (family: string | undefined, given: string | undefined, representation: 'IDE' | 'SYL') => ({
    extension: [{ url: NAME_REPRESENTATION, valueCode: representation }],
    ...(use ? { use } : {}),
    text: [family, given].filter(Boolean).join('　'),
    ...(family ? { family } : {}),
    ...(given ? { given: [given] } : {}),
  });
  const [fk, gk] = [familyKana?.trim() || undefined, givenKana?.trim() || undefined];
  return [name(familyName.trim(), givenName.trim(), 'IDE'), ...(fk || gk ? [name(fk, gk, 'SYL')] : [])];
}

function quantityOf(line: CheckedLine): Quantity {
  return { value: line.quantity, unit: line.unit, system: UNIT_SYSTEM, code: line.unitCode };
}

function medicationRequest(line: CheckedLine, rp: number, patientUrl: string, authoredAt: string): Resource {
  const coding: Coding = { system: preferredUri(line.system), code: line.code, display: line.name };
  const dosage: Json = {};
  if (line.usage) dosage.text = line.usage;
  if (line.dose !== undefined)
    dosage.doseAndRate = [
      {
        type: { coding: [{ system: DOSE_RATE_TYPE_SYSTEM, code: '1', display: '製剤量' }] },
        doseQuantity: { value: line.dose, unit: line.unit, system: UNIT_SYSTEM, code: line.unitCode },
      },
    ];
  if (line.days !== undefined && (line.usage || line.usageCode)) dosage.extension = [{ url: USAGE_DURATION_EXTENSION, valueDuration: days(line.days) }];
  if (line.usageCode)
    dosage.timing = {
      ...(line.days !== undefined ? { repeat: { boundsDuration: days(line.days) } } : {}),
      code: { coding: [{ system: USAGE_CODE_SYSTEM, code: line.usageCode, ...(line.usage ? { display: line.usage } : {}) }] },
    };
  return {
    resourceType: 'MedicationRequest',
    meta: meta(PROFILE.medicationRequest),
    identifier: [
      { system: RP_NUMBER_SYSTEM, value: String(rp) },
      { system: ORDER_IN_RP_SYSTEM, value: '1' },
    ],
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [coding], text: line.name },
    subject: ref(patientUrl),
    authoredOn: authoredAt,
    ...(Object.keys(dosage).length > 0 ? { dosageInstruction: [dosage] } : {}),
    dispenseRequest: {
      quantity: quantityOf(line),
      ...(line.days !== undefined ? { expectedSupplyDuration: days(line.days) } : {}),
      ...(line.repeats > 0 ? { numberOfRepeatsAllowed: line.repeats } : {}),
    },
    substitution: {
      allowedCodeableConcept: { coding: [{ system: SUBSTITUTION_SYSTEM, code: line.substitution, display: SUBSTITUTIONS[line.substitution] }] },
      ...(line.substitutionReason ? { reason: { text: line.substitutionReason } } : {}),
    },
  } as Resource;
}

/**
 * The JP_Bundle_ePrescriptionData for `input` (unsigned: sign it, then $register-prescription). Throws a
 * PrescriptionInputError (a TypeError) naming every bad field.
 */
export function buildPrescription(input: PrescriptionInput): Bundle {
  const c = check(input);
  const { patient, facility, practitioner } = c.input;
  const code = facility.code;
  const url = {
    composition: urn(),
    patient: urn(),
    encounter: urn(),
    coverage: urn(),
    insurer: urn(),
    issuer: urn(),
    role: urn(),
    practitioner: urn(),
    lines: c.lines.map(() => urn()),
    note: urn(),
  };
  const note = typeof c.input.note === 'string' && c.input.note.trim() !== '' ? c.input.note.trim() : undefined;
  const issuedOn = c.input.issuedOn;
  const validUntil = c.input.validUntil;

  const composition = {
    resourceType: 'Composition',
    meta: meta(PROFILE.composition),
    extension: [{ url: VERSION_EXTENSION, valueString: '1' }],
    identifier: { system: COMPOSITION_ID_SYSTEM, value: url.composition.slice('urn:uuid:'.length) },
    status: 'final',
    type: { coding: [{ system: DOC_TYPE_SYSTEM, code: '57833-6', display: '処方箋' }] },
    category: [{ coding: [{ system: PRESCRIPTION_CATEGORY_SYSTEM, code: c.category, display: CATEGORIES[c.category] }] }],
    subject: ref(url.patient),
    encounter: ref(url.encounter),
    date: c.authoredAt,
    author: [ref(url.role), ref(url.issuer)],
    title: '処方箋',
    custodian: ref(url.issuer),
    event: [{ code: [{ text: '処方箋交付' }], period: { start: issuedOn, ...(validUntil ? { end: validUntil } : {}) } }],
    section: [
      {
        title: '処方情報',
        code: { coding: [{ system: SECTION_SYSTEM, code: '01', display: '処方情報セクション' }] },
        entry: [ref(url.coverage), ref(url.insurer), ...url.lines.map((u) => ref(u)), ...(note ? [ref(url.note)] : [])],
      },
    ],
  };

  const patientResource = {
    resourceType: 'Patient',
    meta: meta(PROFILE.patient),
    // Patient.identifier is 1..* (JP_Patient): the facility's patient number, else the 被保険者個人識別子 (JP-CLINS)
    identifier: [
      patient.localId?.trim()
        ? { system: `${PATIENT_ID_PREFIX}${code}`, value: patient.localId.trim() }
        : { system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: c.insuredId },
    ],
    name: names(patient.familyName, patient.givenName, patient.familyKana, patient.givenKana, 'official'),
    gender: patient.gender,
    birthDate: patient.birthDate,
  };

  const encounter = {
    resourceType: 'Encounter',
    meta: meta(PROFILE.encounter),
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: '外来' },
  };

  const symbol = patient.symbol?.trim();
  const coverage = {
    resourceType: 'Coverage',
    meta: meta(PROFILE.insurance),
    extension: [
      ...(symbol ? [{ url: INSURED_SYMBOL_EXTENSION, valueString: symbol }] : []),
      { url: INSURED_NUMBER_EXTENSION, valueString: patient.number.trim() },
      ...(c.branch ? [{ url: INSURED_BRANCH_EXTENSION, valueString: c.branch }] : []),
    ] satisfies Extension[],
    status: 'active',
    type: { coding: [{ system: COVERAGE_TYPE_SYSTEM, code: '1' }] },
    beneficiary: ref(url.patient),
    ...(c.branch ? { dependent: c.branch } : {}),
    relationship: { coding: [{ system: RELATIONSHIP_SYSTEM, code: c.relationship, display: RELATIONSHIPS[c.relationship] }] },
    payor: [ref(url.insurer)],
    ...(patient.copayPercent !== undefined
      ? {
          costToBeneficiary: [
            {
              type: { coding: [{ system: COPAY_TYPE_SYSTEM, code: 'copaypct', display: '負担率' }] },
              valueQuantity: { value: patient.copayPercent, unit: '%', system: UCUM, code: '%' },
            },
          ],
        }
      : {}),
  };

  const insurer = {
    resourceType: 'Organization',
    meta: meta(PROFILE.payer),
    identifier: [{ system: INSURER_NUMBER_SYSTEM, value: c.insurer }],
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'ins' }] }],
  };

  const issuer = {
    resourceType: 'Organization',
    meta: meta(PROFILE.issuer),
    extension: [
      { url: `${CORE_EXT}/JP_Organization_PrefectureNo`, valueCoding: { system: PREFECTURE_SYSTEM, code: code.slice(0, 2) } },
      { url: `${CORE_EXT}/JP_Organization_InsuranceOrganizationCategory`, valueCoding: { system: SCORE_TABLE_SYSTEM, code: code.slice(2, 3) } },
      { url: `${CORE_EXT}/JP_Organization_InsuranceOrganizationNo`, valueIdentifier: { system: ORGANIZATION_NO_SYSTEM, value: code.slice(3) } },
    ],
    identifier: [{ system: FACILITY_CODE_SYSTEMS[0], value: code }],
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'prov' }] }],
    name: facility.name.trim(),
    telecom: [{ system: 'phone', value: facility.phone!.trim() }],
    address: [{ text: facility.address!.trim(), ...(facility.postalCode?.trim() ? { postalCode: facility.postalCode.trim() } : {}), country: 'JP' }],
  };

  const role = ROLES[practitioner.role];
  const practitionerRole = {
    resourceType: 'PractitionerRole',
    meta: meta(PROFILE.role),
    practitioner: ref(url.practitioner),
    organization: ref(url.issuer),
    code: [{ coding: [{ system: ROLE_SYSTEM, code: practitioner.role, display: role.ja }] }],
  };
  const practitionerResource = {
    resourceType: 'Practitioner',
    meta: meta(PROFILE.practitioner),
    ...(practitioner.localId?.trim() ? { identifier: [{ system: `${PRACTITIONER_ID_PREFIX}${code}`, value: practitioner.localId.trim() }] } : {}),
    name: names(practitioner.familyName, practitioner.givenName, practitioner.familyKana, practitioner.givenKana),
    qualification: [
      {
        identifier: [{ system: LICENSE_NUMBER_SYSTEM, value: practitioner.licenseNumber.trim() }],
        code: { coding: [{ system: CERTIFICATE_SYSTEM, code: role.certificate }] },
      },
    ],
  };

  const communication = note
    ? {
        resourceType: 'Communication',
        meta: meta(PROFILE.communication),
        extension: [{ url: COMMUNICATION_CONTENT_EXTENSION, valueString: note }],
        category: [{ coding: [{ system: COMMUNICATION_CATEGORY_SYSTEM, code: '1', display: '処方箋備考' }] }],
        status: 'completed',
      }
    : undefined;

  const entry: BundleEntry[] = [
    { fullUrl: url.composition, resource: composition as Resource },
    { fullUrl: url.patient, resource: patientResource as Resource },
    { fullUrl: url.encounter, resource: encounter as Resource },
    { fullUrl: url.coverage, resource: coverage as Resource },
    { fullUrl: url.insurer, resource: insurer as Resource },
    { fullUrl: url.issuer, resource: issuer as Resource },
    { fullUrl: url.role, resource: practitionerRole as Resource },
    { fullUrl: url.practitioner, resource: practitionerResource as Resource },
    ...c.lines.map((l, i) => ({ fullUrl: url.lines[i], resource: medicationRequest(l, i + 1, url.patient, c.authoredAt) })),
    ...(communication ? [{ fullUrl: url.note, resource: communication as Resource }] : []),
  ];
  return {
    resourceType: 'Bundle',
    meta: meta(PRESCRIPTION_PROFILE),
    identifier: { system: 'urn:ietf:rfc:3986', value: c.documentId },
    type: 'document',
    timestamp: c.authoredAt,
    entry,
  };
}
