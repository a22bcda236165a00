/** Checks every document Bundle the service accepts shares: its profile, its validation, its Patient entry. */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { allows } from '../../../platform/auth/scopes.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import { type DocumentEntry, documentBundle, documentValidationErrors as validateDocument, refuseIfAny } from '../../../platform/conformance/documents.ts';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { ServicePlatform } from '../../../platform/service.ts';
import { insuredKeyOf, isInsuredPersonSystem, lookUpInsuredPerson } from '../../eligibility/index.ts';

type Json = Record<string, unknown>;
export type Entry = DocumentEntry;
export { documentBundle, refuseIfAny };

/**
 * The facility (医療機関コード) a caller registers for: only facilities register, and only with the scopes to create
 * (and update) the resource types they send.
 */
export function registeringFacility(ctx: RequestContext, what: { ja: string; en: string }, types: string[] = []): string {
  const p = ctx.principal;
  if (p.kind !== 'facility' || !p.facilityCode)
    throw FhirError.of(403, 'forbidden', `${what.ja}は医療機関が行います`, `${what.en} is done by medical facilities`);
  for (const type of new Set(types))
    for (const interaction of ['create', 'update'] as const) {
      const d = policyScope(ctx, type, interaction);
      if (d) throw FhirError.of(403, 'forbidden', d.ja, d.en);
    }
  return p.facilityCode;
}

/** The scope refusal of `interaction` on `type`, if the token does not allow it. */
function policyScope(ctx: RequestContext, type: string, interaction: 'create' | 'update'): { ja: string; en: string } | undefined {
  const letter = interaction === 'create' ? 'c' : 'u';
  if (allows(ctx.principal.scopes, type, letter)) return undefined;
  return { ja: `この操作 (${type} の ${interaction}) の権限がありません`, en: `the token's scopes do not allow ${interaction} on ${type}` };
}

/** The errors of validating the whole Bundle against a JP-CLINS `profile` (platform/conformance/documents.ts). */
export const documentValidationErrors = (platform: ServicePlatform, bundle: Json, profile: string): OperationOutcomeIssue[] =>
  validateDocument(platform.conformance, bundle, profile, 'JP-CLINS');

export interface DocumentPerson {
  patientId: string;
  insuredKey: string;
  /** The Patient entry's fullUrl (references to it are rewritten to the platform person). */
  fullUrl: string;
}

/**
 * The person a document is about: its one Patient entry, named by 被保険者個人識別子 (and birth date), resolved
 * through the eligibility registry; unknown, ambiguous or mismatched persons are refused, never guessed.
 */
export async function documentPerson(platform: ServicePlatform, entries: Entry[]): Promise<DocumentPerson> {
  const patients = entries.filter((e) => e.resource.resourceType === 'Patient');
  if (patients.length !== 1)
    throw FhirError.of(
      422,
      'business-rule',
      `Patient の entry はちょうど1つ必要です（${patients.length}）`,
      `exactly one Patient entry is needed (got ${patients.length})`,
      ['Bundle.entry'],
    );
  const entry = patients[0];
  const ids = ((entry.resource.identifier as { system?: string; value?: string }[] | undefined) ?? []).filter(
    (i) => isInsuredPersonSystem(i?.system) && typeof i.value === 'string',
  );
  const path = `Bundle.entry[${entry.index}].resource.identifier`;
  // The same number under both spellings of the system (JP-CLINS and eCheckupReport) names one person.
  const keys = new Set(ids.map((i) => insuredKeyOf(i.value!) ?? i.value));
  if (keys.size !== 1)
    throw FhirError.of(
      422,
      'business-rule',
      '患者は被保険者個人識別子（JP_Insurance_memberID）1つで特定します',
      'the patient is named by exactly one insured-person identifier (JP_Insurance_memberID)',
      [path],
    );
  const birthDate = typeof entry.resource.birthDate === 'string' ? entry.resource.birthDate : undefined;
  const found = await lookUpInsuredPerson(platform.db, ids[0].value!, birthDate);
  if (!found.found) throw FhirError.of(422, 'business-rule', found.ja, found.en, [path]);
  return { patientId: found.patientId, insuredKey: found.insuredKey, fullUrl: entry.fullUrl };
}
