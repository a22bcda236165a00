/** The service's own rows of emergency_accesses (schema/schema.ts): written in the caller's transaction, read plainly. */
import type { Queryable } from '../../../platform/storage/database.ts';

export type AccessMode = 'emergency' | 'ambulance' | 'disaster';
export type ReviewState = 'pending' | 'confirmed' | 'flagged';

export interface AccessRow {
  access_id: string;
  patient_key: string;
  mode: AccessMode;
  grantee: string;
  organisation_name: string;
  client_id: string;
  staff_id: string | null;
  staff_name: string | null;
  staff_role: string | null;
  reason_code: string;
  reason_text: string;
  identified_by: 'card' | 'demographics';
  disaster_id: string | null;
  started_at: Date;
  ends_at: Date;
  ended_at: Date | null;
  views: number;
  last_viewed_at: Date | null;
  review_state: ReviewState;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  notice_id: string | null;
}

/** The columns an access is inserted with (the rest start at their defaults). */
const COLUMNS = [
  'access_id',
  'patient_key',
  'mode',
  'grantee',
  'organisation_name',
  'client_id',
  'staff_id',
  'staff_name',
  'staff_role',
  'reason_code',
  'reason_text',
  'identified_by',
  'disaster_id',
  'started_at',
  'ends_at',
  'notice_id',
] as const satisfies readonly (keyof AccessRow)[];

export type NewAccess = Pick<AccessRow, (typeof COLUMNS)[number]>;

export async function insertAccess(q: Queryable, a: NewAccess): Promise<void> {
  await q.query(
    `INSERT INTO emergency_accesses (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
    COLUMNS.map((c) => {
      const v = a[c];
      return v instanceof Date ? v.toISOString() : v;
    }),
  );
}

export async function accessById(q: Queryable, accessId: string): Promise<AccessRow | undefined> {
  return (await q.query<AccessRow>('SELECT * FROM emergency_accesses WHERE access_id = $1', [accessId])).rows[0];
}

/** Counts a view of the access (the review list shows how often the data was opened). */
export async function countView(q: Queryable, accessId: string, at: Date): Promise<void> {
  await q.query('UPDATE emergency_accesses SET views = views + 1, last_viewed_at = $2 WHERE access_id = $1', [accessId, at.toISOString()]);
}

/** The organisation's accesses, newest first, optionally of one review state and from a date. */
export async function accessesOf(q: Queryable, grantee: string, opts: { state?: ReviewState; from?: Date; limit: number }): Promise<AccessRow[]> {
  return (
    await q.query<AccessRow>(
      `SELECT * FROM emergency_accesses WHERE grantee = $1 AND ($2::text IS NULL OR review_state = $2) AND ($3::timestamptz IS NULL OR started_at >= $3)
        ORDER BY started_at DESC, access_id LIMIT $4`,
      [grantee, opts.state ?? null, opts.from?.toISOString() ?? null, opts.limit],
    )
  ).rows;
}

/** The person's accesses, newest first (their portal). */
export async function accessesAbout(q: Queryable, patientKey: string, limit: number): Promise<AccessRow[]> {
  return (await q.query<AccessRow>('SELECT * FROM emergency_accesses WHERE patient_key = $1 ORDER BY started_at DESC, access_id LIMIT $2', [patientKey, limit]))
    .rows;
}
