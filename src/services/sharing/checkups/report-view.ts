/**
 * `Patient/[id]/$checkup-reports` (健診結果の閲覧 ❷): the person's check-up reports in force that the caller may see
 * (report-access.ts), newest first, as a searchset Bundle — each report's Composition (`match`) followed by its results
 * and attachments (`include`). A facility without the check-up consent is told so in an OperationOutcome entry (the same
 * whether or not the person has reports). Every view is audited with its bases; reports withheld are recorded too.
 *
 * The eligibility service's `$checkup-results` reads the same stored results (the `checkup` label) as a time series of
 * Observations; this view adds the report (kind, date, provider), the provider's own view and the retention clock.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { CONSENT_CATEGORIES } from '../../../platform/consent/categories.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import { outcome, type Issue } from '../../../platform/fhir/outcome.ts';
import { bundleText, type TextEntry } from '../../../platform/store/bundle-text.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { type CheckupRow, inForceSql } from './checkup-model.ts';
import { checkupViewer, reportBasis } from './report-access.ts';

/** The person's live reports within retention at `at`, newest first. */
async function reportsInForce(rt: SharingRuntime, patientId: string, at: Date): Promise<CheckupRow[]> {
  const res = await rt.platform.db.query<CheckupRow>(
    `SELECT report_id, patient_key, provider, document_id, kind, program_code, checkup_date::text AS checkup_date, resources, version, registered_at
       FROM sharing_checkups c
      WHERE c.patient_key = $1 AND c.withdrawn_at IS NULL AND c.purged_at IS NULL AND c.registered_at <= $2::timestamptz AND ${inForceSql('$2')}
      ORDER BY c.checkup_date DESC, c.registered_at DESC`,
    [patientId, at.toISOString()],
  );
  return res.rows;
}

export async function viewCheckupReports(rt: SharingRuntime, ctx: RequestContext, patientId: string, base: string): Promise<string> {
  const scope = rt.platform.policy.scopeDecision(ctx, 'Observation', 'search');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  const at = rt.clock();
  const entity = `Patient/${patientId}/$checkup-reports`;
  const viewer = await checkupViewer(rt, ctx, patientId, at, entity);
  const shown: { row: CheckupRow; basis: string }[] = [];
  let withheld = 0;
  for (const row of await reportsInForce(rt, patientId, at)) {
    const basis = await reportBasis(rt, viewer, row, at);
    if (basis) shown.push({ row, basis });
    else withheld++;
  }
  const contents = await rt.platform.system.contents(shown.flatMap((s) => s.row.resources));
  const issues: Issue[] = [];
  if (viewer.kind === 'facility' && !viewer.consent.allow)
    issues.push({
      severity: 'information',
      code: 'suppressed',
      ja: `${CONSENT_CATEGORIES.checkup.ja}: ${viewer.consent.ja}（他の健診機関の報告書は表示していません）`,
      en: `${CONSENT_CATEGORIES.checkup.en}: ${viewer.consent.en} (other providers' reports are not shown)`,
    });
  const refs = shown.flatMap((s) => s.row.resources.filter((r) => contents.has(r)));
  const records = [
    rt.platform.repo.auditRecord(ctx, 'R', 'checkup-reports', '0', patientId, refs.length ? refs : [entity], {
      basis: [...new Set(shown.map((s) => s.basis))].join(' ') || undefined,
    }),
  ];
  if (withheld || issues.length)
    records.push(
      rt.platform.repo.auditRecord(ctx, 'R', 'checkup-reports', '4', patientId, [entity], {
        outcomeDesc: [withheld ? `${withheld} report(s) withheld: no basis` : '', ...issues.map((i) => i.en)].filter(Boolean).join('; '),
      }),
    );
  await rt.platform.readAudit.write(records);
  const entries: TextEntry[] = [];
  for (const s of shown)
    s.row.resources.forEach((ref, n) => {
      const content = contents.get(ref);
      if (content) entries.push({ fullUrl: `${base}/${ref}`, resource: content, extra: { search: { mode: n === 0 ? 'match' : 'include' } } });
    });
  if (issues.length) entries.push({ resource: JSON.stringify(outcome(issues)), extra: { search: { mode: 'outcome' } } });
  return bundleText({ type: 'searchset', total: shown.length, link: [{ relation: 'self', url: `${base}/${entity}` }] }, entries);
}
