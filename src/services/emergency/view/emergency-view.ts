/**
 * `$emergency-view` (救急時医療情報の閲覧): the essential set of the person of an open emergency access, for the
 * facility that declared it (any of its 医師 — the emergency team — while it lasts). Another organisation's access
 * answers as an unknown one (404); after its end (or when ended early) 403 says so. Every view is audited with the
 * emergency basis and purpose ETREAT, before the data is returned, and counted on the access (the review list).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import { withEmergencyPurpose } from '../../../platform/http/request-context.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { accessById, countView, type AccessRow } from '../access/access-store.ts';
import { emergencyDoctor } from '../access/caller.ts';
import { accessBasis } from '../access/declare.ts';
import { japanDateTime } from '../model/japan-time.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { accessParameter, essentialParameters } from './essential-parameters.ts';
import { essentialSet } from './essential-set.ts';

/** The caller's own open access of `mode`, or the refusal (404 for anything not theirs, audited). */
export async function ownAccess(rt: EmergencyRuntime, ctx: RequestContext, accessId: string, grantee: string, interaction: string): Promise<AccessRow> {
  const row = isValidId(accessId) ? await accessById(rt.platform.db, accessId) : undefined;
  if (!row || row.grantee !== grantee)
    throw await rt.platform.repo.hide(
      ctx,
      interaction,
      row?.patient_key ?? '',
      `emergency-access/${isValidId(accessId) ? accessId : 'invalid'}`,
      "not this organisation's emergency access",
    );
  return row;
}

export async function viewEmergency(rt: EmergencyRuntime, baseCtx: RequestContext, accessId: string): Promise<OutParam[]> {
  const org = emergencyDoctor(baseCtx);
  const ctx = withEmergencyPurpose(baseCtx);
  const row = await ownAccess(rt, ctx, accessId, org.grantee, 'emergency-view');
  const now = rt.clock();
  const end = new Date(row.ended_at ?? row.ends_at);
  if (row.mode !== 'emergency' || now >= end || now < new Date(row.started_at))
    throw await rt.platform.repo.deny(
      ctx,
      'emergency-view',
      row.patient_key,
      `emergency-access/${row.access_id}`,
      `この救急時閲覧の期間は ${japanDateTime(end)} に終了しました。引き続き必要な場合は、あらためて救急時閲覧を開始してください`,
      `this emergency access ended at ${end.toISOString()}; declare a new one if still needed`,
    );
  const set = await essentialSet(rt, row.patient_key, 'emergency');
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', 'emergency-view', '0', row.patient_key, set.refs.length ? set.refs : [`Patient/${row.patient_key}`], {
      basis: accessBasis('emergency', row.access_id),
    }),
  ]);
  await countView(rt.platform.db, row.access_id, now);
  return [accessParameter({ ...row, views: row.views + 1 }), ...essentialParameters(set)];
}

/** `$end-emergency-access`: the facility closes its access early (the patient could consent again, or care ended). */
export async function endEmergency(rt: EmergencyRuntime, baseCtx: RequestContext, accessId: string): Promise<OutParam[]> {
  const org = emergencyDoctor(baseCtx);
  const ctx = withEmergencyPurpose(baseCtx);
  const row = await ownAccess(rt, ctx, accessId, org.grantee, 'end-emergency-access');
  const now = rt.clock();
  if (row.ended_at || now >= new Date(row.ends_at)) throw forbidden('この救急時閲覧はすでに終了しています', 'this emergency access has already ended');
  await rt.platform.repo.transaction(
    async (session) => {
      await session.tx.query('UPDATE emergency_accesses SET ended_at = $2 WHERE access_id = $1 AND ended_at IS NULL', [row.access_id, now.toISOString()]);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'U', 'end-emergency-access', '0', row.patient_key, [`Patient/${row.patient_key}`], {
            basis: accessBasis('emergency', row.access_id),
          }),
        ),
      );
    },
    { trusted: true },
  );
  return [accessParameter({ ...row, ended_at: now })];
}
