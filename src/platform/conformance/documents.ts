/**
 * What every service that accepts a FHIR document Bundle checks first (the sharing service's CLINS, letters and
 * check-ups; the e-prescription service's prescriptions): the body is a Bundle of the claimed profile and type with
 * resources in its entries, its validation errors against that profile, and one refusal naming every issue.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { FhirError, badRequest } from '../fhir/errors.ts';
import { outcome, type Issue } from '../fhir/outcome.ts';
import type { Conformance } from './conformance.ts';

type Json = Record<string, unknown>;
export interface DocumentEntry {
  index: number;
  fullUrl: string;
  resource: Json;
}

/**
 * The body as a Bundle claiming `profile`, with its entries (400 when it is not one; 413 beyond `maxEntries`, before
 * any work).
 */
export function documentBundle(
  body: unknown,
  profile: string,
  name: string,
  type: 'collection' | 'document',
  maxEntries = 1000,
): { bundle: Json; entries: DocumentEntry[] } {
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
 * The errors of validating the whole Bundle against `profile` (its package must be loaded, else 422 at once, naming
 * `packageName`). Returned, not thrown, so a service's own checks — more precise — are reported first.
 */
export function documentValidationErrors(conformance: Conformance, bundle: Json, profile: string, packageName: string): OperationOutcomeIssue[] {
  if (!conformance.hasProfile(profile))
    throw FhirError.of(
      422,
      'not-supported',
      `このサーバーには ${profile} のプロファイル（${packageName} パッケージ）が読み込まれていません。運用者に TSUNAGU_IG の設定を依頼してください`,
      `${profile} is not loaded on this server (the ${packageName} package); the operator sets TSUNAGU_IG`,
    );
  return (conformance.validate(bundle, { profiles: [profile] }).issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
}

/** 422 with every issue found (the service's own first, then the validator's), or nothing. */
export function refuseIfAny(issues: Issue[], validation: OperationOutcomeIssue[] = []): void {
  if (issues.length === 0 && validation.length === 0) return;
  throw new FhirError(422, { resourceType: 'OperationOutcome', issue: [...outcome(issues).issue!, ...validation] });
}
