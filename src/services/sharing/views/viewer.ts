/**
 * Who may see which item (MISSION.md S3), decided per item:
 *   the registering facility   its own items, flags and all
 *   another facility/pharmacy  items of a consent group the patient permitted there (傷病名・感染症: surgery;
 *                              アレルギー・検査・処方: medication), never 未提供 (UNDELIVERED) items; an item or group the
 *                              patient put on hold (閲覧保留) only with consent given after the hold
 *   the patient                everything except 未告知 (UNINFORMED)
 *   anyone else                nothing (403)
 * Retention, withdrawal and purge are applied before (items-in-force.ts): expired items reach no one.
 */
import { ownerKey, type RequestContext } from '../../../platform/auth/principal.ts';
import type { ConsentAnswer } from '../../../platform/consent/consents.ts';
import type { ConsentCategory } from '../../../platform/consent/categories.ts';
import { ITEM_KINDS, KIND_RULES, type ItemKind } from '../model/kinds.ts';
import type { StatementParams } from '../../../platform/storage/sql-params.ts';
import type { SharingRuntime } from '../model/runtime.ts';

export type Viewer =
  | { kind: 'patient' }
  | { kind: 'facility'; facility: string; grantee: string; answers: Map<ConsentCategory, ConsentAnswer>; holds: Map<string, Date> };

/** The consent answers of a facility for the groups of `kinds` at `at`. */
export async function facilityAnswers(rt: SharingRuntime, ctx: RequestContext, patientId: string, kinds: ItemKind[], at: Date) {
  const grantee = ownerKey(ctx.principal);
  const answers = new Map<ConsentCategory, ConsentAnswer>();
  for (const group of new Set(kinds.map((k) => KIND_RULES[k].consent)))
    answers.set(group, await rt.platform.consent.decide({ patientId, grantee, category: group, at }));
  return { grantee, answers };
}

/**
 * The rule above as SQL, for rows aliased `x` (sharing_items columns): the condition that `viewer` may see the row
 * and the expression of its basis; `at` is the decision instant's placeholder (the one form, so views cannot diverge).
 */
export function visibilitySql(viewer: Viewer, sp: StatementParams, at: string): { where: string; basis: string } {
  if (viewer.kind === 'patient') return { where: 'NOT x.uninformed', basis: `'patient'` };
  const own = `x.facility = ${sp.add(viewer.facility)}`;
  const opened: string[] = [];
  const bases: string[] = [`WHEN ${own} THEN 'registrant'`];
  for (const [group, answer] of viewer.answers) {
    if (!answer.allow) continue;
    const kinds = sp.add(
      ITEM_KINDS.filter((k) => KIND_RULES[k].consent === group),
      'text[]',
    );
    const heldSince = `SELECT 1 FROM sharing_holds h WHERE h.resource_type = x.resource_type AND h.resource_id = x.resource_id
        AND h.held_at <= ${at} AND (h.released_at IS NULL OR h.released_at > ${at}) AND h.held_at >= ${sp.add(answer.givenAt.toISOString(), 'timestamptz')}`;
    opened.push(`(x.kind = ANY(${kinds}) AND NOT x.undelivered AND NOT EXISTS (${heldSince}))`);
    bases.push(`WHEN x.kind = ANY(${kinds}) THEN ${sp.add(`Consent/${answer.consentId}`)}`);
  }
  return { where: `(${[own, ...opened].join(' OR ')})`, basis: `CASE ${bases.join(' ')} END` };
}
