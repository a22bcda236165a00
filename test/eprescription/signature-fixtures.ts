/**
 * A test HPKI world for the prescriber-signature tests: a root CA (厚生労働省 HPKI root's role) and an issuing CA
 * (日本医師会認証局's role) in a temporary directory, a 医師, a 歯科医師 and a 薬剤師, and a small prescription Bundle
 * in the shape of the jp-ePrescriptionData example (JP_Bundle_ePrescriptionData, Example01).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHpkiAuthority, trustForAuthorities, type HpkiAuthority, type PrescriberCredential } from '../../src/services/eprescription/signature/index.ts';

export const T0 = new Date('2026-06-01T00:00:00Z');

export interface HpkiWorld {
  dir: string;
  root: HpkiAuthority;
  issuing: HpkiAuthority;
  doctor: PrescriberCredential;
  dentist: PrescriberCredential;
  pharmacist: PrescriberCredential;
  trust: Awaited<ReturnType<typeof trustForAuthorities>>;
  close(): Promise<void>;
}

export async function hpkiWorld(): Promise<HpkiWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-hpki-'));
  const root = await createHpkiAuthority({ dir: join(dir, 'root'), now: new Date(T0.getTime() - 86400_000) });
  const issuing = await createHpkiAuthority({ dir: join(dir, 'issuing'), parent: root, now: new Date(T0.getTime() - 86400_000) });
  const doctor = await issuing.issue({ name: '神奈川　花子', role: 'doctor', registrationNumber: '123456', now: T0 });
  const dentist = await issuing.issue({ name: '横浜 次郎', role: 'dentist', registrationNumber: '654321', now: T0 });
  const pharmacist = await issuing.issue({ name: '川崎 三郎', role: 'pharmacist', registrationNumber: '777777', now: T0 });
  const trust = await trustForAuthorities([issuing]);
  return { dir, root, issuing, doctor, dentist, pharmacist, trust, close: () => rm(dir, { recursive: true, force: true }) };
}

const PATIENT = 'urn:uuid:e22017ff-4c65-649c-2dfe-c6676b654be5';
const PRACTITIONER = 'urn:uuid:a871437d-03eb-edfb-9ac7-f3313c54f31a';

/** A prescription document Bundle: one patient, one prescriber, カルボシステイン錠250mg 1錠×3回 7日分. */
export function prescriptionBundle(): Bundle {
  return {
    resourceType: 'Bundle',
    id: 'rx-example-01',
    meta: { profile: ['http://jpfhir.jp/fhir/ePrescription/StructureDefinition/JP_Bundle_ePrescriptionData'] },
    identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0' },
    type: 'document',
    timestamp: '2026-06-01T09:12:21+09:00',
    entry: [
      {
        fullUrl: 'urn:uuid:9e2ae4a1-2c55-4a63-8a2e-1d0b8d9a1e01',
        resource: {
          resourceType: 'Composition',
          status: 'final',
          type: { coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/doc-typecodes', code: '57833-6', display: '処方箋' }] },
          subject: { reference: PATIENT },
          date: '2026-06-01T09:12:21+09:00',
          author: [{ reference: PRACTITIONER }],
          title: '処方箋',
        },
      },
      {
        fullUrl: PATIENT,
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.51.11311234567', value: '00000010' }],
          name: [{ use: 'official', text: '東京　太郎', family: '東京', given: ['太郎'] }],
          gender: 'male',
          birthDate: '1920-02-11',
        },
      },
      {
        fullUrl: PRACTITIONER,
        resource: {
          resourceType: 'Practitioner',
          name: [{ text: '神奈川　花子', family: '神奈川', given: ['花子'] }],
          qualification: [
            {
              identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.31', value: '123456' }],
              code: { coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/practitioner-certificate-category', code: 'MedicalDoctorLicense' }] },
            },
          ],
        },
      },
      {
        fullUrl: 'urn:uuid:a58040b7-6283-fb0c-4b25-a17dca08cc3d',
        resource: {
          resourceType: 'MedicationRequest',
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: {
            coding: [
              { system: 'urn:oid:1.2.392.200119.4.403.1', code: '103831601', display: 'カルボシステイン錠２５０ｍｇ' },
              { system: 'urn:oid:1.2.392.100495.20.1.73', code: '2233002F1280', display: 'カルボシステイン錠２５０ｍｇ' },
            ],
            text: 'カルボシステイン錠２５０ｍｇ',
          },
          subject: { reference: PATIENT },
          authoredOn: '2026-06-01T09:12:17+09:00',
          dosageInstruction: [
            {
              text: '内服・経口・１日３回朝昼夕食後　１回１錠　７日分',
              timing: {
                code: { coding: [{ system: 'urn:oid:1.2.392.200250.2.2.20.20', code: '1013044400000000', display: '内服・経口・１日３回朝昼夕食後' }] },
              },
              doseAndRate: [{ doseQuantity: { value: 1, unit: '錠', system: 'urn:oid:1.2.392.100495.20.2.101', code: 'TAB' } }],
            },
          ],
          dispenseRequest: {
            quantity: { value: 21, unit: '錠', system: 'urn:oid:1.2.392.100495.20.2.101', code: 'TAB' },
            expectedSupplyDuration: { value: 7, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' },
          },
        },
      },
    ],
  };
}

/** The MedicationRequest of a Bundle built by prescriptionBundle (mutable, for tamper tests). */
export function medicationRequestOf(bundle: Bundle): any {
  return bundle.entry!.find((e) => e.resource?.resourceType === 'MedicationRequest')!.resource;
}

export function patientOf(bundle: Bundle): any {
  return bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource;
}
