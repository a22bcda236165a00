/**
 * Who sees which check-up report (MISSION.md S3 ❷), decided per report at the service's clock — the same bases the
 * platform's grants give generic reads of the report's resources:
 *   the person                their own reports
 *   the registering provider  its own reports
 *   another facility/pharmacy with a current grant of the label 健診情報 — the patient's check-up consent there
 *                             (or an emergency grant)
 *   an insurer                with a current grant of the label for data of that date — its membership period
 *   anyone else               nothing (403)
 * Reports past their retention, withdrawn or purged reach no one (report-view.ts selects them out first).
 */
import { ownerKey, type RequestContext } from '../../../platform/auth/principal.ts';
import type { ConsentAnswer } from '../../../platform/consent/consents.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { CHECKUP_LABEL_KEY, type CheckupRow, japanMidnight } from './checkup-model.ts';

export type CheckupViewer =
  | { kind: 'patient' }
  | { kind: 'facility'; facility: string; grantee: string; consent: ConsentAnswer }
  | { kind: 'insurer'; grantee: string };

/** The viewer, or 403 (audited) for callers that have no view of check-up reports. */
export async function checkupViewer(rt: SharingRuntime, ctx: RequestContext, patientId: string, at: Date, entity: string): Promise<CheckupViewer> {
  const p = ctx.principal;
  if (p.kind === 'patient') {
    if (p.patientId !== patientId)
      throw await rt.platform.repo.deny(ctx, 'read', patientId, entity, '本人以外の情報は閲覧できません', 'a patient may only view their own data');
    return { kind: 'patient' };
  }
  if ((p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode) {
    const grantee = ownerKey(p);
    return { kind: 'facility', facility: p.facilityCode, grantee, consent: await rt.platform.consent.decide({ patientId, grantee, category: 'checkup', at }) };
  }
  if (p.kind === 'insurer') return { kind: 'insurer', grantee: ownerKey(p) };
  throw forbidden('健診結果報告書を閲覧できるのは本人・医療機関・薬局・保険者です', `a ${p.kind} has no view of check-up reports`);
}

/** May `viewer` see `row` at `at`, and on which basis (for the audit record)? */
export async function reportBasis(rt: SharingRuntime, viewer: CheckupViewer, row: CheckupRow, at: Date): Promise<string | undefined> {
  if (viewer.kind === 'patient') return 'patient';
  if (viewer.kind === 'facility' && row.provider === viewer.facility) return 'registrant';
  const d = await rt.platform.grants.decide(rt.platform.db, viewer.grantee, row.patient_key, [CHECKUP_LABEL_KEY], japanMidnight(row.checkup_date), at);
  return d.allow ? d.basis : undefined;
}
