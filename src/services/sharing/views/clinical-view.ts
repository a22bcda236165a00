/**
 * `Patient/[id]/$clinical-information` (6情報の閲覧 ❸, and the person's own view): the items of the person in force
 * now that the caller may see (viewer.ts), newest first, as a searchset Bundle in pages (`_count`, `_offset`; total and
 * paging links count only what the caller may see); groups refused for lack of consent are named in an
 * OperationOutcome entry (the same whether or not the person has items there). Every view is audited with its basis;
 * a refused group is recorded in the person's access log.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { CONSENT_CATEGORIES } from '../../../platform/consent/categories.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import { outcome, type Issue } from '../../../platform/fhir/outcome.ts';
import { StatementParams } from '../../../platform/storage/sql-params.ts';
import { bundleText, type TextEntry } from '../../../platform/store/bundle-text.ts';
import { ITEM_KINDS, KIND_RULES, type ItemKind } from '../model/kinds.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { activeHolds } from './holds.ts';
import { itemsSql } from './items-in-force.ts';
import { facilityAnswers, visibilitySql, type Viewer } from './viewer.ts';

/** The viewer, or 403 for callers that have no view of the 6 information. */
async function viewerOf(rt: SharingRuntime, ctx: RequestContext, patientId: string, kinds: ItemKind[], at: Date): Promise<Viewer> {
  const p = ctx.principal;
  if (p.kind === 'patient') {
    if (p.patientId !== patientId)
      throw await rt.platform.repo.deny(
        ctx,
        'read',
        patientId,
        `Patient/${patientId}/$clinical-information`,
        '本人以外の情報は閲覧できません',
        'a patient may only view their own data',
      );
    return { kind: 'patient' };
  }
  if ((p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode) {
    const { grantee, answers } = await facilityAnswers(rt, ctx, patientId, kinds, at);
    return { kind: 'facility', facility: p.facilityCode, grantee, answers, holds: await activeHolds(rt.platform.db, patientId, at) };
  }
  throw forbidden('6情報を閲覧できるのは医療機関・薬局と本人です', `a ${p.kind} has no view of the shared clinical information`);
}

const RESOURCE_TYPES = [...new Set(ITEM_KINDS.map((k) => KIND_RULES[k].resourceType))];

/** How many items `viewer` may see (a page past the end carries no window count). */
async function countVisible(rt: SharingRuntime, viewer: Viewer, patientId: string, kinds: ItemKind[], at: Date): Promise<number> {
  const sp = new StatementParams();
  const patient = sp.add(patientId);
  const when = sp.add(at.toISOString(), 'timestamptz');
  const visible = visibilitySql(viewer, sp, when);
  const res = await rt.platform.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM (${itemsSql(`i.patient_key = ${patient}`, when)}) x
      WHERE x.in_force AND x.kind = ANY(${sp.add(kinds, 'text[]')}) AND ${visible.where}`,
    sp.values,
  );
  return Number(res.rows[0].n);
}

/** Items per page by default and at most (`_count`): a person's 5 years can be thousands of items. */
export const VIEW_PAGE = { default: 100, max: 1000 } as const;

export async function viewClinicalInformation(
  rt: SharingRuntime,
  ctx: RequestContext,
  patientId: string,
  opts: { kinds?: ItemKind[]; base: string; count?: number; offset?: number },
): Promise<string> {
  const kinds = opts.kinds?.length ? opts.kinds : [...ITEM_KINDS];
  const count = opts.count ?? VIEW_PAGE.default;
  const offset = opts.offset ?? 0;
  const scope = rt.platform.policy.scopeDecision(ctx, 'Condition', 'search');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  const at = rt.clock();
  const viewer = await viewerOf(rt, ctx, patientId, kinds, at);
  // Who may see what is decided in SQL on the items in force; only the page's rows and resources come back.
  const sp = new StatementParams();
  const patient = sp.add(patientId);
  const when = sp.add(at.toISOString(), 'timestamptz');
  const visible = visibilitySql(viewer, sp, when);
  const content = RESOURCE_TYPES.map((t) => `WHEN '${t}' THEN ${rt.platform.system.contentSql(t, 'v.resource_id')}`).join(' ');
  const res = await rt.platform.db.query<{ resource_type: string; resource_id: string; basis: string; total: string; content: string | null }>(
    `SELECT v.resource_type, v.resource_id, v.basis, v.total, CASE v.resource_type ${content} END AS content FROM (
       SELECT x.resource_type, x.resource_id, x.clinical_date, x.kind, ${visible.basis} AS basis, count(*) OVER () AS total
         FROM (${itemsSql(`i.patient_key = ${patient}`, when)}) x
        WHERE x.in_force AND x.kind = ANY(${sp.add(kinds, 'text[]')}) AND ${visible.where}
        ORDER BY x.clinical_date DESC, x.kind, x.resource_id
        LIMIT ${sp.add(count)} OFFSET ${sp.add(offset)}) v
     ORDER BY v.clinical_date DESC, v.kind, v.resource_id`,
    sp.values,
  );
  const total = res.rows.length ? Number(res.rows[0].total) : offset === 0 ? 0 : await countVisible(rt, viewer, patientId, kinds, at);
  const shown = res.rows.filter((r) => r.content !== null).map((r) => ({ row: r, basis: r.basis }));
  const issues: Issue[] = [];
  if (viewer.kind === 'facility')
    for (const [group, answer] of viewer.answers)
      if (!answer.allow)
        issues.push({
          severity: 'information',
          code: 'suppressed',
          ja: `${CONSENT_CATEGORIES[group].ja}: ${answer.ja}（他の医療機関の情報は表示していません）`,
          en: `${CONSENT_CATEGORIES[group].en}: ${answer.en} (other facilities' items are not shown)`,
        });
  const entity = `Patient/${patientId}/$clinical-information`;
  const refs = shown.map((s) => `${s.row.resource_type}/${s.row.resource_id}`);
  const records = [
    rt.platform.repo.auditRecord(ctx, 'R', 'clinical-information', '0', patientId, refs.length ? refs : [entity], {
      basis: [...new Set(shown.map((s) => s.basis))].join(' ') || undefined,
      query: `kind=${kinds.join(',')}&_count=${count}&_offset=${offset}`,
    }),
  ];
  if (issues.length)
    records.push(rt.platform.repo.auditRecord(ctx, 'R', 'clinical-information', '4', patientId, [entity], { outcomeDesc: issues.map((i) => i.en).join('; ') }));
  await rt.platform.readAudit.write(records);
  const entries: TextEntry[] = shown.map((s) => ({
    fullUrl: `${opts.base}/${s.row.resource_type}/${s.row.resource_id}`,
    resource: s.row.content,
    extra: { search: { mode: 'match' } },
  }));
  if (issues.length) entries.push({ resource: JSON.stringify(outcome(issues)), extra: { search: { mode: 'outcome' } } });
  const link = (at: number) =>
    `${opts.base}/Patient/${patientId}/$clinical-information?${opts.kinds?.length ? `kind=${kinds.join(',')}&` : ''}_count=${count}&_offset=${at}`;
  return bundleText(
    {
      type: 'searchset',
      total,
      link: [
        { relation: 'self', url: link(offset) },
        ...(offset + count < total ? [{ relation: 'next', url: link(offset + count) }] : []),
        ...(offset > 0 ? [{ relation: 'previous', url: link(Math.max(0, offset - count)) }] : []),
      ],
    },
    entries,
  );
}
