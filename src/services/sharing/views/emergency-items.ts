/**
 * The person's items in force for the emergency service (救急時・災害時, MISSION.md S8), whatever the consents: the
 * emergency workflow is the basis, decided and audited by the caller. 未提供 (UNDELIVERED) items stay withheld — the
 * patient chose that no other facility sees them — and 未告知 items are shown (they are hidden from the patient only).
 * Newest clinical date first.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { SystemRepository } from '../../../platform/store/system-repository.ts';
import type { ItemKind } from '../model/kinds.ts';
import { itemsSql } from './items-in-force.ts';

export interface EmergencyItem {
  kind: ItemKind;
  /** `Type/id`. */
  ref: string;
  /** 医療機関コード of the registering facility. */
  facility: string;
  clinicalDate: Date;
  /** The resource (JSON). */
  content: string;
}

export async function emergencyItems(
  q: Queryable,
  system: Pick<SystemRepository, 'contents'>,
  patientKey: string,
  kinds: readonly ItemKind[],
  at: Date,
): Promise<EmergencyItem[]> {
  const res = await q.query<{ kind: ItemKind; ref: string; facility: string; clinical_date: Date }>(
    `SELECT x.kind, x.resource_type || '/' || x.resource_id AS ref, x.facility, x.clinical_date
       FROM (${itemsSql('i.patient_key = $1', '$2')}) x
      WHERE x.in_force AND NOT x.undelivered AND x.kind = ANY($3::text[])
      ORDER BY x.clinical_date DESC, x.kind, x.resource_id`,
    [patientKey, at.toISOString(), [...kinds]],
  );
  const contents = await system.contents(
    res.rows.map((r) => r.ref),
    q,
  );
  return res.rows.flatMap((r) => {
    const content = contents.get(r.ref);
    return content ? [{ kind: r.kind, ref: r.ref, facility: r.facility, clinicalDate: new Date(r.clinical_date), content }] : [];
  });
}
