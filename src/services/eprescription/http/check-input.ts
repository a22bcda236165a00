/**
 * What `$check-prescription` checks: the prescription Bundle (the person from its Coverage and Patient, the lines read
 * as at registration), or the drugs alone with the person's insured number and birth date — the light form a clinic
 * system calls while the doctor is still choosing (or, in the clinic app, the Patient id of a person the facility's
 * reception saw today: remote-signing/received-patient.ts). Either way every code is checked against the master of the day.
 */
import { documentBundle, refuseIfAny } from '../../../platform/conformance/documents.ts';
import { badRequest, FhirError } from '../../../platform/fhir/errors.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { lookUpInsuredPerson } from '../../eligibility/index.ts';
import { PROFILES } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { type DrugLine, drugOf } from '../prescriptions/drug-lines.ts';
import { readPrescription } from '../prescriptions/prescription-document.ts';
import { prescriptionPerson } from '../prescriptions/prescription-person.ts';
import { receivedPatient } from '../remote-signing/received-patient.ts';

export interface CheckDraft {
  patientId: string;
  lines: DrugLine[];
  date?: string;
}

export async function checkedDraft(rt: EprescriptionRuntime, input: ParamReader, facilityCode: string): Promise<CheckDraft> {
  const master = await rt.master();
  const issues: Issue[] = [];
  const resource = input.all('resource')[0]?.resource;
  if (resource !== undefined) {
    if (input.has('medication') || input.has('insuredNumber') || input.has('patient'))
      throw badRequest(
        'resource と medication / insuredNumber は同時に指定できません',
        'give resource, or medication with insuredNumber and birthDate, not both',
        [input.path('resource')],
      );
    const { bundle, entries } = documentBundle(resource, PROFILES.prescription, 'JP_Bundle_ePrescriptionData', 'document');
    const doc = readPrescription(bundle, entries, master, issues);
    refuseIfAny(issues);
    const person = await prescriptionPerson(rt.platform.db, entries);
    return { patientId: person.patientId, lines: doc.lines, date: doc.issuedOn };
  }
  const patient = input.string('patient')?.trim();
  const insured = input.string('insuredNumber')?.trim();
  const birthDate = input.string('birthDate')?.trim();
  const medications = input.all('medication');
  if (patient) {
    if (insured || birthDate)
      throw badRequest('patient と insuredNumber / birthDate は同時に指定できません', 'give patient, or insuredNumber and birthDate, not both', [
        input.path('patient'),
      ]);
    if (medications.length === 0) throw badRequest('薬剤（medication）を指定してください', 'give medication', [input.path('medication')]);
    const on = rt.clock();
    const lines = medications.flatMap((m, i) => {
      const line = drugOf(master, m.value, on, `${input.path('medication')}[${i}]`, issues);
      return line ? [line] : [];
    });
    refuseIfAny(issues);
    const received = await receivedPatient(rt, facilityCode, patient);
    return { patientId: received.patientId, lines, date: japanDate(on) };
  }
  if (!insured || !birthDate || medications.length === 0)
    throw badRequest(
      '処方 Bundle（resource）、または薬剤（medication）と被保険者番号（insuredNumber）・生年月日（birthDate）を指定してください',
      'give resource, or medication with insuredNumber and birthDate',
      [input.path('resource')],
    );
  const on = rt.clock();
  const lines = medications.flatMap((m, i) => {
    const line = drugOf(master, m.value, on, `${input.path('medication')}[${i}]`, issues);
    return line ? [line] : [];
  });
  refuseIfAny(issues);
  const found = await lookUpInsuredPerson(rt.platform.db, insured, birthDate);
  if (!found.found) throw FhirError.of(422, 'business-rule', found.ja, found.en, [input.path('insuredNumber')]);
  return { patientId: found.patientId, lines, date: japanDate(on) };
}
