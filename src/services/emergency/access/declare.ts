/**
 * `$emergency-access` (救急時医療情報閲覧の開始): a facility's 医師 declares the emergency with a coded reason, the
 * person is identified (identify.ts), and a time-limited access opens for the facility: the essential set through
 * `$emergency-view` until `until` (hours: the doctor's choice up to TSUNAGU_EMERGENCY_HOURS). Nothing else opens — no
 * grant is written, so the generic API, letters and check-ups stay closed. The declaration, the notice to the person
 * and its event are one transaction; the declaration is audited (purpose ETREAT) before the answer. Candidates shown
 * are audited in each candidate's log.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { withEmergencyPurpose } from '../../../platform/http/request-context.ts';
import { FhirError, badRequest } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { actorOf, emergencyDoctor, type Organisation } from './caller.ts';
import { insertAccess, type AccessMode, type AccessRow } from './access-store.ts';
import { identify, type Candidate } from './identify.ts';
import { identificationInput, reasonInput, type IdentificationInput, type StatedReason } from './input.ts';
import { writeNotice } from './notice.ts';

export type Opened = { opened: true; access: AccessRow } | { opened: false; candidates: Candidate[] };

/** The basis every emergency-workflow audit record carries (the portal highlights `emergency` / `disaster`). */
export const accessBasis = (mode: AccessMode, accessId: string) => `${mode === 'disaster' ? 'disaster' : 'emergency'} emergency-access:${accessId}`;

export async function organisationName(rt: EmergencyRuntime, ctx: RequestContext, org: Organisation): Promise<string> {
  if (org.kind === 'facility' || org.kind === 'pharmacy') return (await rt.platform.facilities.get(org.code))?.name ?? ctx.principal.name;
  return ctx.principal.name;
}

/** Records that the candidates were shown (each in their own log) — the details typed matched them. */
export async function auditCandidates(rt: EmergencyRuntime, ctx: RequestContext, subtype: string, candidates: Candidate[], why: string): Promise<void> {
  await rt.platform.readAudit.write(
    candidates.map((c) =>
      rt.platform.repo.auditRecord(ctx, 'R', subtype, '0', c.patientId, [`Patient/${c.patientId}`], { basis: `emergency candidate`, outcomeDesc: why }),
    ),
  );
}

/** Opens an access row (+ notice, + audit) for an identified person, in one transaction. */
export async function openAccess(
  rt: EmergencyRuntime,
  ctx: RequestContext,
  a: { org: Organisation; mode: AccessMode; patientId: string; by: 'card' | 'demographics'; reason: StatedReason; until: Date; disasterId?: string },
): Promise<AccessRow> {
  const now = rt.clock();
  const name = await organisationName(rt, ctx, a.org);
  const actor = actorOf(ctx);
  const row: AccessRow = {
    access_id: newId(),
    patient_key: a.patientId,
    mode: a.mode,
    grantee: a.org.grantee,
    organisation_name: name,
    client_id: actor.clientId,
    staff_id: actor.staffId,
    staff_name: actor.staffName,
    staff_role: actor.staffRole,
    reason_code: a.reason.code,
    reason_text: a.reason.text,
    identified_by: a.by,
    disaster_id: a.disasterId ?? null,
    started_at: now,
    ends_at: a.until,
    ended_at: null,
    views: 0,
    last_viewed_at: null,
    review_state: 'pending',
    reviewed_by: null,
    reviewed_at: null,
    review_note: null,
    notice_id: null,
  };
  await rt.platform.repo.transaction(
    async (session) => {
      row.notice_id = await writeNotice(rt, session, ctx, {
        patientId: a.patientId,
        mode: a.mode,
        organisation: name,
        staffName: actor.staffName,
        reason: a.reason.display,
        at: now,
        ...(a.mode === 'emergency' ? { until: a.until } : {}),
      });
      await insertAccess(session.tx, row);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'E', `${a.mode}-access`, '0', a.patientId, [`Patient/${a.patientId}`], {
            basis: accessBasis(a.mode, row.access_id),
            outcomeDesc: `${a.mode} access until ${a.until.toISOString()}; identified by ${a.by}; reason ${a.reason.code}${a.reason.text ? `: ${a.reason.text}` : ''}`,
          }),
        ),
      );
    },
    { trusted: true },
  );
  return row;
}

/** Identification with its refusals audited (outcome 4, no person) before they are thrown. */
export async function identifyAudited(rt: EmergencyRuntime, ctx: RequestContext, subtype: string, who: IdentificationInput) {
  try {
    return await identify(rt, who);
  } catch (e) {
    if (e instanceof FhirError) await rt.platform.readAudit.write([rt.platform.repo.auditRecord(ctx, 'E', subtype, '4', '', [], { outcomeDesc: e.message })]);
    throw e;
  }
}

export async function declareEmergency(rt: EmergencyRuntime, baseCtx: RequestContext, input: ParamReader): Promise<Opened> {
  const org = emergencyDoctor(baseCtx);
  const ctx = withEmergencyPurpose(baseCtx);
  const reason = reasonInput(input);
  const hoursRaw = input.string('hours');
  const hours = hoursRaw === undefined ? rt.config.grantHours : Number(hoursRaw);
  if (!Number.isInteger(hours) || hours < 1 || hours > rt.config.grantHours)
    throw badRequest(`閲覧時間（hours）は1〜${rt.config.grantHours}時間です`, `hours must be 1–${rt.config.grantHours}`, [input.path('hours')]);
  const who = identificationInput(input, { needSex: true, allowCard: true });
  const found = await identifyAudited(rt, ctx, 'emergency-access', who);
  if (!found.identified) {
    await auditCandidates(rt, ctx, 'emergency-access', found.candidates, `shown as a candidate of an emergency identification (${reason.code})`);
    return { opened: false, candidates: found.candidates };
  }
  const until = new Date(rt.clock().getTime() + hours * 3600_000);
  return { opened: true, access: await openAccess(rt, ctx, { org, mode: 'emergency', patientId: found.patientId, by: found.by, reason, until }) };
}
