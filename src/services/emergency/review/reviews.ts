/**
 * After the fact (事後確認): the facility's review list of its emergency, ambulance and disaster accesses for its
 * 個人情報保護管理者 to confirm or flag (with a note), and the operator's report of use by organisation. The person's
 * own list is `$my-emergency-accesses` (the portal).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { badRequest, conflict } from '../../../platform/fhir/errors.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { accessesAbout, accessesOf, type ReviewState } from '../access/access-store.ts';
import { operator, reviewer } from '../access/caller.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { accessParameter } from '../view/essential-parameters.ts';
import { ownAccess } from '../view/emergency-view.ts';

const LIST_MAX = 500;
const STATES: readonly ReviewState[] = ['pending', 'confirmed', 'flagged'];

function dateInput(input: ParamReader, name: string): Date | undefined {
  const v = input.string(name);
  if (v === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00+09:00` : v);
  if (Number.isNaN(d.getTime())) throw badRequest(`${name} は日付（YYYY-MM-DD）です`, `${name} must be a date (YYYY-MM-DD)`, [input.path(name)]);
  return d;
}

/** Names of the people in the list (the officer must know whose record was opened). */
async function patientNames(rt: EmergencyRuntime, ids: string[]): Promise<Map<string, string>> {
  const stored = await rt.platform.system.current(rt.platform.db, 'Patient', [...new Set(ids)]);
  const out = new Map<string, string>();
  for (const [id, r] of stored) {
    const p = r.content ? (JSON.parse(r.content) as { name?: { text?: string; family?: string; given?: string[] }[] }) : {};
    const n = p.name?.[0];
    out.set(id, n?.text ?? [n?.family, ...(n?.given ?? [])].filter(Boolean).join(' '));
  }
  return out;
}

export async function reviewList(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  const org = reviewer(ctx);
  const state = input.string('state');
  if (state !== undefined && !(STATES as readonly string[]).includes(state))
    throw badRequest('state は pending / confirmed / flagged です', 'state must be pending, confirmed or flagged', [input.path('state')]);
  const rows = await accessesOf(rt.platform.db, org.grantee, { state: state as ReviewState | undefined, from: dateInput(input, 'from'), limit: LIST_MAX });
  const names = await patientNames(
    rt,
    rows.map((r) => r.patient_key),
  );
  await rt.platform.readAudit.write(
    rows.map((r) => rt.platform.repo.auditRecord(ctx, 'R', 'emergency-reviews', '0', r.patient_key, [`Patient/${r.patient_key}`], { basis: 'registrant' })),
  );
  return rows.map((r) => {
    const p = accessParameter(r);
    return { ...p, part: [...(p.part as OutParam[]), { name: 'patientName', valueString: names.get(r.patient_key) ?? '' }] };
  });
}

export async function reviewAccess(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  const org = reviewer(ctx);
  const decision = input.requiredString('decision', '確認結果');
  if (decision !== 'confirmed' && decision !== 'flagged')
    throw badRequest('確認結果（decision）は confirmed（妥当）か flagged（要確認）です', 'decision must be confirmed or flagged', [input.path('decision')]);
  const note = (input.string('note') ?? '').trim();
  if (decision === 'flagged' && !note) throw badRequest('要確認とする理由（note）を記載してください', 'a flagged access needs a note', [input.path('note')]);
  if (note.length > 1000) throw badRequest('メモは1000文字までです', 'note is at most 1000 characters', [input.path('note')]);
  const row = await ownAccess(rt, ctx, input.requiredString('access', '救急時閲覧のID'), org.grantee, 'review-emergency-access');
  if (row.staff_id && row.staff_id === ctx.principal.user?.id)
    throw conflict('自分が行った救急時閲覧は自分で確認できません', 'an access is reviewed by someone other than who made it');
  const by = ctx.principal.user?.name ?? ctx.principal.name;
  const now = rt.clock();
  await rt.platform.repo.transaction(
    async (session) => {
      await session.tx.query('UPDATE emergency_accesses SET review_state = $2, review_note = $3, reviewed_by = $4, reviewed_at = $5 WHERE access_id = $1', [
        row.access_id,
        decision,
        note || null,
        by,
        now.toISOString(),
      ]);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'U', 'review-emergency-access', '0', row.patient_key, [`Patient/${row.patient_key}`], {
            outcomeDesc: `${decision}${note ? `: ${note}` : ''}`,
          }),
        ),
      );
    },
    { trusted: true },
  );
  return [accessParameter({ ...row, review_state: decision, review_note: note || null, reviewed_by: by, reviewed_at: now })];
}

/** The operator's report: per organisation and mode, how many accesses, how many flagged and still pending. */
export async function emergencyReport(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  operator(ctx);
  const from = dateInput(input, 'from') ?? new Date(0);
  const to = dateInput(input, 'to') ?? new Date('9999-12-31T00:00:00Z');
  if (to <= from) throw badRequest('to は from より後の日付です', 'to must be after from', [input.path('to')]);
  const res = await rt.platform.db.query<{
    grantee: string;
    organisation_name: string;
    mode: string;
    n: string;
    flagged: string;
    pending: string;
    people: string;
  }>(
    `SELECT grantee, max(organisation_name) AS organisation_name, mode, count(*) AS n,
            count(*) FILTER (WHERE review_state = 'flagged') AS flagged, count(*) FILTER (WHERE review_state = 'pending') AS pending,
            count(DISTINCT patient_key) AS people
       FROM emergency_accesses WHERE started_at >= $1 AND started_at < $2 GROUP BY grantee, mode ORDER BY count(*) DESC, grantee, mode`,
    [from.toISOString(), to.toISOString()],
  );
  return res.rows.map((r) => ({
    name: 'organisation',
    part: [
      { name: 'grantee', valueString: r.grantee },
      { name: 'name', valueString: r.organisation_name },
      { name: 'mode', valueCode: r.mode },
      { name: 'accesses', valueInteger: Number(r.n) },
      { name: 'people', valueInteger: Number(r.people) },
      { name: 'flagged', valueInteger: Number(r.flagged) },
      { name: 'pending', valueInteger: Number(r.pending) },
    ],
  }));
}

/** `$my-emergency-accesses`: the person's own list (the portal), with who, why, when and the facility's review. */
export async function myEmergencyAccesses(rt: EmergencyRuntime, ctx: RequestContext, patientId: string): Promise<OutParam[]> {
  const rows = await accessesAbout(rt.platform.db, patientId, LIST_MAX);
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', 'my-emergency-accesses', '0', patientId, [`Patient/${patientId}`], { basis: 'patient' }),
  ]);
  return rows.map(accessParameter);
}
