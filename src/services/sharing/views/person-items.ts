/**
 * Which of a person's stored resources are items of the 6 information and which of them are in force at an instant
 * (items-in-force.ts: retention, withdrawal, purge), for the person's own download: an item out of force is no longer
 * part of the person's shared information. Visibility (未告知) is the store's rule, not decided here.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { ItemKind } from '../model/kinds.ts';
import { itemsSql } from './items-in-force.ts';

export interface PersonItems {
  /** `Type/id` of every item ever registered for the person. */
  all: Set<string>;
  /** `Type/id` of the items in force at the instant, with their kind. */
  inForce: Map<string, ItemKind>;
}

export async function personItems(q: Queryable, patientKey: string, at: Date): Promise<PersonItems> {
  const all = await q.query<{ ref: string }>(`SELECT resource_type || '/' || resource_id AS ref FROM sharing_items WHERE patient_key = $1`, [patientKey]);
  const live = await q.query<{ ref: string; kind: ItemKind }>(
    `SELECT x.resource_type || '/' || x.resource_id AS ref, x.kind FROM (${itemsSql('i.patient_key = $1', '$2')}) x WHERE x.in_force`,
    [patientKey, at.toISOString()],
  );
  return { all: new Set(all.rows.map((r) => r.ref)), inForce: new Map(live.rows.map((r) => [r.ref, r.kind])) };
}
