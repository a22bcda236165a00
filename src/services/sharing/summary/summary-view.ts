/**
 * `Patient/[id]/$patient-summary` (患者サマリーの閲覧 ❹, MISSION.md S4): for the person, a `collection` Bundle of
 *   every facility's summary in force — its Composition, main and secondary diagnoses, care plan — and
 *   their allergies, infections, labs and prescriptions of the 6 information in force (retention applied), except
 *   未告知 (UNINFORMED) items.
 * Each entry says what it is (extension PART_EXTENSION: summary, main-diagnosis, secondary-diagnosis, care-plan, or
 * the item kind). A collection, not a document: the assembly is nobody's authored document (a document Bundle needs
 * an author and a Composition someone wrote). A facility sees only the summaries it registered itself (❹ is the
 * person's service); insurers and others have no view (403). Every view is audited with its basis.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import { StatementParams } from '../../../platform/storage/sql-params.ts';
import { bundleText, type TextEntry } from '../../../platform/store/bundle-text.ts';
import { KIND_RULES, type ItemKind } from '../model/kinds.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { itemsSql } from '../views/items-in-force.ts';
import { visibilitySql } from '../views/viewer.ts';
import { isMainDiagnosis, PART_EXTENSION, SUMMARY_ITEM_KINDS, type SummaryPart, type SummaryRow } from './summary-model.ts';

type Viewer = { kind: 'patient' } | { kind: 'facility'; facility: string };

async function viewerOf(rt: SharingRuntime, ctx: RequestContext, patientId: string, entity: string): Promise<Viewer> {
  const p = ctx.principal;
  if (p.kind === 'patient') {
    if (p.patientId !== patientId)
      throw await rt.platform.repo.deny(ctx, 'read', patientId, entity, '本人以外の情報は閲覧できません', 'a patient may only view their own data');
    return { kind: 'patient' };
  }
  if ((p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode) return { kind: 'facility', facility: p.facilityCode };
  throw forbidden('患者サマリーを閲覧できるのは本人（と登録した医療機関）です', `a ${p.kind} has no view of patient summaries`);
}

interface Shown {
  ref: string;
  content: string;
  part: SummaryPart;
}

/** The summaries' resources, Composition first, each with its part. */
async function summaryEntries(rt: SharingRuntime, patientId: string, viewer: Viewer): Promise<Shown[]> {
  const rows = (
    await rt.platform.db.query<SummaryRow>(
      `SELECT summary_id, patient_key, facility, document_id, resources, version, registered_at FROM sharing_summaries
        WHERE patient_key = $1 AND ($2::text IS NULL OR facility = $2) ORDER BY registered_at DESC`,
      [patientId, viewer.kind === 'facility' ? viewer.facility : null],
    )
  ).rows;
  const contents = await rt.platform.system.contents(rows.flatMap((r) => r.resources));
  const out: Shown[] = [];
  for (const ref of rows.flatMap((r) => r.resources)) {
    const content = contents.get(ref);
    if (!content) continue;
    const type = ref.split('/')[0];
    const part: SummaryPart =
      type === 'Composition' ? 'summary' : type === 'CarePlan' ? 'care-plan' : isMainDiagnosis(JSON.parse(content)) ? 'main-diagnosis' : 'secondary-diagnosis';
    out.push({ ref, content, part });
  }
  return out;
}

/** The person's allergies, infections, labs and prescriptions in force, as the person sees them (no 未告知). */
async function itemEntries(rt: SharingRuntime, patientId: string, at: Date): Promise<Shown[]> {
  const sp = new StatementParams();
  const patient = sp.add(patientId);
  const when = sp.add(at.toISOString(), 'timestamptz');
  const types = [...new Set(SUMMARY_ITEM_KINDS.map((k) => KIND_RULES[k].resourceType))];
  const content = types.map((t) => `WHEN '${t}' THEN ${rt.platform.system.contentSql(t, 'x.resource_id')}`).join(' ');
  const visible = visibilitySql({ kind: 'patient' }, sp, when);
  const res = await rt.platform.db.query<{ resource_type: string; resource_id: string; kind: ItemKind; content: string | null }>(
    `SELECT x.resource_type, x.resource_id, x.kind, CASE x.resource_type ${content} END AS content
       FROM (${itemsSql(`i.patient_key = ${patient}`, when)}) x
      WHERE x.in_force AND x.kind = ANY(${sp.add(SUMMARY_ITEM_KINDS, 'text[]')}) AND ${visible.where}
      ORDER BY array_position(${sp.add(SUMMARY_ITEM_KINDS, 'text[]')}, x.kind), x.clinical_date DESC, x.resource_id`,
    sp.values,
  );
  return res.rows.filter((r) => r.content).map((r) => ({ ref: `${r.resource_type}/${r.resource_id}`, content: r.content!, part: r.kind }));
}

export async function viewPatientSummary(rt: SharingRuntime, ctx: RequestContext, patientId: string, base: string): Promise<string> {
  const scope = rt.platform.policy.scopeDecision(ctx, 'Composition', 'search');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  const entity = `Patient/${patientId}/$patient-summary`;
  const viewer = await viewerOf(rt, ctx, patientId, entity);
  const shown = [...(await summaryEntries(rt, patientId, viewer)), ...(viewer.kind === 'patient' ? await itemEntries(rt, patientId, rt.clock()) : [])];
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', 'patient-summary', '0', patientId, shown.length ? shown.map((s) => s.ref) : [entity], {
      basis: viewer.kind === 'patient' ? 'patient' : shown.length ? 'registrant' : undefined,
    }),
  ]);
  const entries: TextEntry[] = shown.map((s) => ({
    fullUrl: `${base}/${s.ref}`,
    resource: s.content,
    extra: { extension: [{ url: PART_EXTENSION, valueCode: s.part }] },
  }));
  return bundleText({ type: 'collection', timestamp: new Date().toISOString(), link: [{ relation: 'self', url: `${base}/${entity}` }] }, entries);
}
