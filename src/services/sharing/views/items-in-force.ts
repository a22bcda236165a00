/**
 * The items of a person in force at an instant: registered by then, not withdrawn or purged, and within their
 * retention (MISSION.md S3): diagnoses, infections and allergies 5 years from the clinical date unless flagged 長期保存
 * (LTS); labs 1 year or the latest 3 of the same test; prescriptions 100 days or the latest 3 prescription dates.
 * The same condition drives the views (at read time) and the purge job (src/services/sharing/purge).
 */
import { KIND_RULES, ITEM_KINDS } from '../model/kinds.ts';

/** Japan calendar day of a timestamptz column (independent of the session's time zone). */
const japanDay = (col: string) => `((${col} AT TIME ZONE 'UTC') + interval '9 hours')::date`;

/** Rank of an item among the person's live items of its kind that count towards "the latest N". */
const RECENCY = `CASE i.kind
    WHEN 'lab' THEN row_number() OVER (PARTITION BY i.patient_key, i.kind, i.test_key ORDER BY i.clinical_date DESC, i.registered_at DESC)
    WHEN 'prescription' THEN dense_rank() OVER (PARTITION BY i.patient_key, i.kind ORDER BY ${japanDay('i.clinical_date')} DESC)
  END`;

/** `$at` placeholder: the decision instant (timestamptz). Rows aliased `x` with a `recency` column. */
function retained(at: string): string {
  const perKind = ITEM_KINDS.map((k) => {
    const r = KIND_RULES[k];
    const within = `x.clinical_date >= ${at}::timestamptz - interval '${r.keepDays} days'`;
    const terms = [within];
    if (r.flags.includes('LTS')) terms.push('x.long_term');
    if (r.keepLatest) terms.push(`x.recency <= ${r.keepLatest}`);
    return `WHEN '${k}' THEN (${terms.join(' OR ')})`;
  });
  return `CASE x.kind ${perKind.join(' ')} ELSE FALSE END`;
}

/** Kinds kept by "the latest N" need the person's other items of the kind (window functions); the rest do not. */
const RANKED = ITEM_KINDS.filter((k) => KIND_RULES[k].keepLatest);
const PLAIN = ITEM_KINDS.filter((k) => !KIND_RULES[k].keepLatest);
const kindList = (kinds: readonly string[]) => kinds.map((k) => `'${k}'`).join(', ');

/**
 * SQL selecting live items (of the persons `persons` selects, a condition on `i`) with `in_force` (within retention
 * at `at`, a timestamptz placeholder); the other columns are those of `sharing_items` and `recency`. Ranks are computed
 * over labs and prescriptions only: a 5-year history is mostly diagnoses and allergies, which need none.
 */
export function itemsSql(persons: string, at: string): string {
  const live = `${persons} AND i.withdrawn_at IS NULL AND i.purged_at IS NULL AND i.registered_at <= ${at}::timestamptz`;
  return `SELECT x.*, (${retained(at)}) AS in_force FROM (
      SELECT i.*, NULL::bigint AS recency FROM sharing_items i WHERE ${live} AND i.kind IN (${kindList(PLAIN)})
    ) x
    UNION ALL
    SELECT x.*, (${retained(at)}) AS in_force FROM (
      SELECT i.*, ${RECENCY} AS recency FROM sharing_items i WHERE ${live} AND i.kind IN (${kindList(RANKED)})
    ) x`;
}
