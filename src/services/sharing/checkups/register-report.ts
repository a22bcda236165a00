/**
 * `$register-checkup-report` (健診結果報告書の登録, ❷): the check-up provider — a facility (健診機関) by its 医療機関コード —
 * registers a JP_Bundle_eCheckupGeneral document. The Bundle is validated whole against the eCheckupReport profile,
 * the person resolved from the Patient entry's 被保険者個人識別子 (and birth date), the provider named in the report
 * must be the caller, every result must be about the person; any problem refuses the whole report with every issue,
 * nothing stored. Insurers hand in the check-up data they hold through `$import-shared-information` (eligibility).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentBundle, documentValidationErrors, refuseIfAny, registeringFacility } from '../registration/document-checks.ts';
import { CHECKUP_BUNDLE_NAME, CHECKUP_PROFILE, STORED_TYPES } from './checkup-model.ts';
import { personOrIssue, subjectIssues } from './document-resources.ts';
import { reportFacts } from './report-facts.ts';
import { storeReport, type StoredReport } from './store-report.ts';

export interface RegisteredReport extends StoredReport {
  kind: string;
  checkupDate: string;
}

export async function registerCheckupReport(rt: SharingRuntime, ctx: RequestContext, body: unknown): Promise<RegisteredReport> {
  const { bundle, entries } = documentBundle(body, CHECKUP_PROFILE, CHECKUP_BUNDLE_NAME, 'document', rt.platform.config.bundleMaxEntries);
  const kept = entries.filter((e) => STORED_TYPES.has(e.resource.resourceType as string));
  const facility = registeringFacility(
    ctx,
    { ja: '健診結果報告書の登録', en: 'registration of a check-up report' },
    kept.map((e) => e.resource.resourceType as string),
  );
  if (!rt.platform.conformance.hasProfile(CHECKUP_PROFILE))
    throw FhirError.of(
      422,
      'not-supported',
      `このサーバーには ${CHECKUP_PROFILE}（eCheckupReport パッケージ）が読み込まれていません。運用者に TSUNAGU_IG の設定を依頼してください`,
      `${CHECKUP_PROFILE} is not loaded on this server (the eCheckupReport package); the operator sets TSUNAGU_IG`,
    );
  const validation = documentValidationErrors(rt.platform, bundle, CHECKUP_PROFILE);
  const issues: Issue[] = [];
  const today = new Date(rt.clock().getTime() + 9 * 3600_000).toISOString().slice(0, 10);
  const facts = reportFacts(entries, issues, today);
  if (facts?.provider && facts.provider !== facility)
    issues.push({
      severity: 'error',
      code: 'business-rule',
      ja: `報告書の健診機関（${facts.provider}）はあなたの医療機関（${facility}）ではありません。健診結果報告書は実施した健診機関が登録します`,
      en: `the report's provider (${facts.provider}) is not your facility (${facility}); a report is registered by the provider that did the check-up`,
      expression: ['Bundle.entry[0].resource.custodian'],
    });
  const person = await personOrIssue(rt, entries, issues);
  if (person) subjectIssues(kept, person, issues);
  refuseIfAny(issues, validation);
  if (!facts || !person) throw new Error('unreachable: a report without facts or person passed the checks');
  const bundleId = String((bundle.identifier as { value?: unknown } | undefined)?.value ?? '');
  const stored = await storeReport(rt, ctx, { entries, kept, person, facts, provider: facility, bundleId });
  return { ...stored, kind: facts.kind, checkupDate: facts.checkupDate };
}
