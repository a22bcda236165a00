/**
 * Who a prescription is for: the 医療保険 Coverage (type 1 of urn:oid:1.2.392.100495.20.2.61) names the insured person by
 * 保険者番号 (its payor Organization), 記号, 番号 and 枝番 (JP Core extensions; 枝番 also Coverage.dependent), and the
 * Patient entry gives the birth date. Together they are the 被保険者個人識別子 the eligibility registry resolves; an
 * unknown, ambiguous or mismatched person is refused, never guessed.
 */
import { canonicalInsurerCode } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { lookUpInsuredPerson } from '../../eligibility/index.ts';
import {
  COVERAGE_TYPE_SYSTEM,
  INSURED_BRANCH_EXTENSION,
  INSURED_NUMBER_EXTENSION,
  INSURED_SYMBOL_EXTENSION,
  INSURER_NUMBER_SYSTEM,
} from '../model/fhir-codes.ts';
import { type Entry, codings, entriesOf, extensionString, identifierValue, resolve, str } from './document-entries.ts';

export interface PrescriptionPerson {
  patientId: string;
  insuredKey: string;
  birthDate: string;
}

const refuse = (ja: string, en: string, path: string) => FhirError.of(422, 'business-rule', ja, en, [path]);

/** `保険者番号:記号:番号:枝番` of the document's insurance Coverage, and the Patient's birth date. */
export function insuredIdentity(entries: Entry[]): { value: string; birthDate: string } {
  const patients = entriesOf(entries, 'Patient');
  if (patients.length !== 1)
    throw refuse(
      `Patient の entry はちょうど1つ必要です（${patients.length}）`,
      `exactly one Patient entry is needed (got ${patients.length})`,
      'Bundle.entry',
    );
  const birthDate = str(patients[0].resource.birthDate);
  if (!birthDate) throw refuse('患者の生年月日がありません', 'the Patient has no birthDate', `Bundle.entry[${patients[0].index}].resource.birthDate`);
  const insurance = entriesOf(entries, 'Coverage').filter((e) => codings(e.resource.type).some((c) => c.system === COVERAGE_TYPE_SYSTEM && c.code === '1'));
  if (insurance.length !== 1)
    throw refuse(
      `医療保険の Coverage（type ${COVERAGE_TYPE_SYSTEM}|1）はちょうど1つ必要です（${insurance.length}）。患者は保険者番号・記号・番号・枝番で特定します`,
      `exactly one insurance Coverage (type ${COVERAGE_TYPE_SYSTEM}|1) is needed (got ${insurance.length}); the patient is named by insurer, symbol, number and branch`,
      'Bundle.entry',
    );
  const c = insurance[0];
  const at = `Bundle.entry[${c.index}].resource`;
  const payor = resolve(entries, (c.resource.payor as unknown[] | undefined)?.[0]);
  const printed = identifierValue(payor?.resource, [INSURER_NUMBER_SYSTEM]);
  // a 6-digit 国民健康保険 number is the same insurer as its 8-digit form with 00 in front
  const insurer = printed ? canonicalInsurerCode(printed) : undefined;
  if (!insurer)
    throw refuse(
      `医療保険の保険者番号がありません（Coverage.payor の Organization.identifier ${INSURER_NUMBER_SYSTEM}）`,
      `no insurer number (the Coverage.payor Organization's identifier of ${INSURER_NUMBER_SYSTEM})`,
      `${at}.payor`,
    );
  const number = extensionString(c.resource, INSURED_NUMBER_EXTENSION);
  if (!number)
    throw refuse('被保険者証の番号がありません（JP_Coverage_InsuredPersonNumber）', 'no insured number (JP_Coverage_InsuredPersonNumber)', `${at}.extension`);
  const symbol = extensionString(c.resource, INSURED_SYMBOL_EXTENSION) ?? '';
  const branch = extensionString(c.resource, INSURED_BRANCH_EXTENSION) ?? str(c.resource.dependent) ?? '';
  return { value: `${insurer}:${symbol}:${number}:${branch}`, birthDate };
}

export async function prescriptionPerson(db: Queryable, entries: Entry[]): Promise<PrescriptionPerson> {
  const { value, birthDate } = insuredIdentity(entries);
  const found = await lookUpInsuredPerson(db, value, birthDate);
  if (!found.found) throw refuse(found.ja, found.en, 'Bundle.entry');
  return { patientId: found.patientId, insuredKey: found.insuredKey, birthDate };
}
