/**
 * 閲覧保留 of one item: the patient (or an operator) suspends other facilities' viewing of an item; from then a
 * facility sees it only under consent given after the hold (a fresh consent at the reader). Holding a whole consent
 * group is the platform's consent hold (platform.consent.hold), with the same rule. Releasing ends the hold.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { forbidden, notFound } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { SharingRuntime } from '../model/runtime.ts';

function assertPerson(ctx: RequestContext, patientKey: string): void {
  const p = ctx.principal;
  if (!((p.kind === 'patient' && p.patientId === patientKey) || p.kind === 'operator'))
    throw forbidden('閲覧の保留は本人が行います', 'only the person (or an operator) puts viewing on hold');
}

/** Only the person (or an operator) holds: refused before anything is looked up, so no one learns what exists. */
function assertHolder(ctx: RequestContext): void {
  const k = ctx.principal.kind;
  if (k !== 'patient' && k !== 'operator') throw forbidden('閲覧の保留は本人が行います', 'only the person (or an operator) puts viewing on hold');
}

/** Holds the item `reference` (`Type/id`) of the caller; returns the hold id. */
export async function holdItem(rt: SharingRuntime, ctx: RequestContext, reference: string): Promise<string> {
  assertHolder(ctx);
  const [type, id] = reference.split('/');
  const row = (
    await rt.platform.db.query<{ patient_key: string }>(
      'SELECT patient_key FROM sharing_items WHERE resource_type = $1 AND resource_id = $2 AND withdrawn_at IS NULL AND purged_at IS NULL',
      [type, id],
    )
  ).rows[0];
  // Another person's item answers as an absent one.
  const p = ctx.principal;
  if (!row || (p.kind === 'patient' && p.patientId !== row.patient_key)) throw notFound(reference);
  assertPerson(ctx, row.patient_key);
  const holdId = newId();
  const now = rt.clock();
  await rt.platform.repo.transaction(async (session) => {
    await session.tx.query('INSERT INTO sharing_holds (hold_id, patient_key, resource_type, resource_id, held_at) VALUES ($1, $2, $3, $4, $5)', [
      holdId,
      row.patient_key,
      type,
      id,
      now.toISOString(),
    ]);
    session.audits.push(
      toAuditRow(rt.platform.repo.auditRecord(ctx, 'U', 'sharing-hold', '0', row.patient_key, [reference], { outcomeDesc: `hold ${holdId}` })),
    );
  });
  return holdId;
}

export async function releaseItemHold(rt: SharingRuntime, ctx: RequestContext, holdId: string): Promise<void> {
  assertHolder(ctx);
  const row = (
    await rt.platform.db.query<{ patient_key: string; resource_type: string; resource_id: string }>(
      'SELECT patient_key, resource_type, resource_id FROM sharing_holds WHERE hold_id = $1 AND released_at IS NULL',
      [holdId],
    )
  ).rows[0];
  const p = ctx.principal;
  if (!row || (p.kind === 'patient' && p.patientId !== row.patient_key)) throw notFound(`hold ${holdId}`);
  assertPerson(ctx, row.patient_key);
  await rt.platform.repo.transaction(async (session) => {
    await session.tx.query('UPDATE sharing_holds SET released_at = $2 WHERE hold_id = $1', [holdId, rt.clock().toISOString()]);
    session.audits.push(
      toAuditRow(
        rt.platform.repo.auditRecord(ctx, 'U', 'sharing-release', '0', row.patient_key, [`${row.resource_type}/${row.resource_id}`], {
          outcomeDesc: `hold ${holdId} released`,
        }),
      ),
    );
  });
}

/** The start of each item's hold in force at `at` (`Type/id` → held since). */
export async function activeHolds(q: Queryable, patientKey: string, at: Date): Promise<Map<string, Date>> {
  const res = await q.query<{ ref: string; held_at: Date }>(
    `SELECT resource_type || '/' || resource_id AS ref, max(held_at) AS held_at FROM sharing_holds
      WHERE patient_key = $1 AND held_at <= $2 AND (released_at IS NULL OR released_at > $2) GROUP BY 1`,
    [patientKey, at.toISOString()],
  );
  return new Map(res.rows.map((r) => [r.ref, new Date(r.held_at)]));
}
