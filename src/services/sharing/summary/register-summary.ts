/**
 * `$register-patient-summary` (患者サマリーの登録, ❹): a facility registers a JP_Bundle_ePCS document for one person —
 * main and secondary diagnoses (Condition) and the care plan / advice (CarePlan). Validated whole against the JP-CLINS
 * profile, the person resolved from the Patient entry's 被保険者個人識別子 (and birth date), the sender named in the
 * summary must be the caller, every kept resource about the person, no 未告知 diagnosis; any problem refuses the
 * whole summary with every issue, nothing stored. A new registration replaces the facility's earlier summary.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentBundle, documentValidationErrors, refuseIfAny, registeringFacility } from '../registration/document-checks.ts';
import { personOrIssue, subjectIssues } from '../checkups/document-resources.ts';
import { storeSummary, type StoredSummary } from './store-summary.ts';
import { SUMMARY_BUNDLE_NAME, SUMMARY_PROFILE, SUMMARY_TYPES } from './summary-model.ts';
import { summaryIssues } from './summary-facts.ts';

export async function registerPatientSummary(rt: SharingRuntime, ctx: RequestContext, body: unknown): Promise<StoredSummary> {
  const { bundle, entries } = documentBundle(body, SUMMARY_PROFILE, SUMMARY_BUNDLE_NAME, 'document', rt.platform.config.bundleMaxEntries);
  const kept = entries.filter((e) => SUMMARY_TYPES.has(e.resource.resourceType as string));
  const facility = registeringFacility(ctx, { ja: '患者サマリーの登録', en: 'registration of a patient summary' }, [...SUMMARY_TYPES]);
  const validation = documentValidationErrors(rt.platform, bundle, SUMMARY_PROFILE);
  const issues: Issue[] = [];
  summaryIssues(bundle, entries, facility, issues);
  const person = await personOrIssue(rt, entries, issues);
  if (person) subjectIssues(kept, person, issues);
  refuseIfAny(issues, validation);
  if (!person) throw new Error('unreachable: a summary without a person passed the checks');
  const documentId = String((bundle.identifier as { value?: unknown } | undefined)?.value ?? '');
  return storeSummary(rt, ctx, { entries, kept, person, facility, documentId });
}
