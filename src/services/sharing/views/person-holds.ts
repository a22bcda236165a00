/**
 * The person's item holds (閲覧保留 of one item) in force, for the person's portal: the item, its kind, since when.
 * Items withheld from the person (未告知) are left out — the person never learns of them. The caller decides who asks.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { ItemKind } from '../model/kinds.ts';

export interface ItemHold {
  holdId: string;
  /** `Type/id` of the item. */
  item: string;
  kind: ItemKind;
  since: Date;
}

export async function itemHoldsOf(q: Queryable, patientKey: string, at: Date): Promise<ItemHold[]> {
  const res = await q.query<{ hold_id: string; ref: string; kind: ItemKind; held_at: Date }>(
    `SELECT h.hold_id, h.resource_type || '/' || h.resource_id AS ref, i.kind, h.held_at
       FROM sharing_holds h JOIN sharing_items i ON i.resource_type = h.resource_type AND i.resource_id = h.resource_id
      WHERE h.patient_key = $1 AND h.held_at <= $2 AND (h.released_at IS NULL OR h.released_at > $2)
        AND NOT i.uninformed AND i.withdrawn_at IS NULL AND i.purged_at IS NULL
      ORDER BY h.held_at DESC, h.hold_id`,
    [patientKey, at.toISOString()],
  );
  return res.rows.map((r) => ({ holdId: r.hold_id, item: r.ref, kind: r.kind, since: new Date(r.held_at) }));
}
