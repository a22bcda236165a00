/** Checks every document Bundle the service accepts shares: its profile, its validation, its Patient entry. */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { allows } from '../../../platform/auth/scopes.ts';
import { FhirError, badRequest } from '../../../platform/fhir/errors.ts';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { outcome, type Issue } from '../../../platform/fhir/outcome.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { insuredKeyOf, isInsuredPersonSystem, lookUpInsuredPerson } from '../../eligibility/index.ts';

type Json = Record<string, unknown>;
export interface Entry {
  index: number;
  fullUrl: string;
  resource: Json;
}

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

/**
 * The body as a Bundle claiming `profile`, with its entries (400 when it is not one; 413 beyond `maxEntries`, the
 * platform's TSUNAGU_BUNDLE_MAX_ENTRIES, before any work).
 */
export function documentBundle(
  body: unknown,
  profile: string,
  name: string,
  type: 'collection' | 'document',
  maxEntries = 1000,
): { bundle: Json; entries: Entry[] } {
  const bundle = body as Json | null;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle')
    throw badRequest(`本文は ${name} の Bundle です`, `the body must be a ${name} Bundle`, ['Bundle']);
  const profiles = ((bundle.meta as Json | undefined)?.profile as unknown[] | undefined) ?? [];
  if (!profiles.some((p) => typeof p === 'string' && p.split('|')[0] === profile))
    throw badRequest(`Bundle.meta.profile に ${profile} がありません`, `Bundle.meta.profile must name ${profile}`, ['Bundle.meta.profile']);
  if (bundle.type !== type)
    throw badRequest(`${name} の Bundle.type は ${type} です（${String(bundle.type)}）`, `a ${name} Bundle has type ${type} (got ${String(bundle.type)})`, [
      'Bundle.type',
    ]);
  const raw = bundle.entry;
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('Bundle に entry がありません', 'the Bundle has no entries', ['Bundle.entry']);
  if (raw.length > maxEntries)
    throw FhirError.of(
      413,
      'too-costly',
      `Bundle の entry は ${maxEntries} 件までです（${raw.length} 件）`,
      `at most ${maxEntries} entries per Bundle (got ${raw.length})`,
      ['Bundle.entry'],
    );
  const entries = raw.map((e, index) => {
    const r = (e as Json | null)?.resource as Json | undefined;
    if (!r || typeof r.resourceType !== 'string')
      throw badRequest(`entry[${index}] にリソースがありません`, `entry[${index}] has no resource`, [`Bundle.entry[${index}].resource`]);
    return { index, fullUrl: typeof (e as Json).fullUrl === 'string' ? ((e as Json).fullUrl as string) : '', resource: r };
  });
  return { bundle, entries };
}

/**
 * The errors of validating the whole Bundle against `profile` (the JP-CLINS package must be loaded, else 422 at once).
 * Returned, not thrown, so the service's own checks — more precise about flags and codes — are reported first.
 */
export function documentValidationErrors(platform: ServicePlatform, bundle: Json, profile: string): OperationOutcomeIssue[] {
  if (!platform.conformance.hasProfile(profile))
    throw FhirError.of(
      422,
      'not-supported',
      `このサーバーには ${profile} のプロファイル（JP-CLINS パッケージ）が読み込まれていません。運用者に TSUNAGU_IG の設定を依頼してください`,
      `${profile} is not loaded on this server (the JP-CLINS package); the operator sets TSUNAGU_IG`,
    );
  return (platform.conformance.validate(bundle, { profiles: [profile] }).issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
}

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

/** 422 with every issue found (the service's own first, then the validator's), or nothing. */
export function refuseIfAny(issues: Issue[], validation: OperationOutcomeIssue[] = []): void {
  if (issues.length === 0 && validation.length === 0) return;
  throw new FhirError(422, { resourceType: 'OperationOutcome', issue: [...outcome(issues).issue!, ...validation] });
}
