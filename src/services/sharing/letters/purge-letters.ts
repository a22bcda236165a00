/**
 * Erasure of letters (紹介状の削除): the content of every letter past erase_after — 6 months after sending, or 7 days
 * after the addressee received it — is deleted (the letter and any discharge summary); the row stays, state
 * `erased`, for the sender's status. In batches, each an audit event per person (action D). Idempotent: a second
 * run finds nothing. Reads apply the same rule at once, so a due letter is gone whether or not the purge ran.
 * Prescriptions taken from a letter are items of the 6 information with their own retention (purge/purge.ts).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { letterRef } from './letter-model.ts';

/** The service acting on its own (recorded as such in the audit log). */
const ERASURE_CONTEXT: RequestContext = {
  principal: { clientId: 'tsunagu-sharing-letters', name: '電子カルテ情報共有サービス（紹介状の削除）', kind: 'operator', scopes: [] },
  purpose: 'HOPERAT',
};

export async function purgeLetters(rt: Pick<SharingRuntime, 'platform' | 'clock'>, opts: { batch?: number } = {}): Promise<{ erased: number }> {
  const batch = opts.batch ?? 500;
  const at = rt.clock().toISOString();
  let erased = 0;
  for (;;) {
    const done = await rt.platform.repo.transaction(
      async (session) => {
        const res = await session.tx.query<{ letter_id: string; patient_key: string }>(
          `UPDATE sharing_letters SET letter = NULL, discharge_summary = NULL, erased_at = $1, state = 'erased'
            WHERE letter_id IN (SELECT letter_id FROM sharing_letters WHERE erased_at IS NULL AND erase_after <= $1 ORDER BY erase_after, letter_id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING letter_id, patient_key`,
          [at, batch],
        );
        const byPerson = new Map<string, string[]>();
        for (const r of res.rows) byPerson.set(r.patient_key, [...(byPerson.get(r.patient_key) ?? []), letterRef(r.letter_id)]);
        for (const [patientKey, refs] of byPerson)
          session.audits.push(
            toAuditRow(rt.platform.repo.auditRecord(ERASURE_CONTEXT, 'D', 'erase-letter', '0', patientKey, refs, { outcomeDesc: 'retention over' })),
          );
        return res.rows.length;
      },
      { trusted: true },
    );
    erased += done;
    if (done < batch) return { erased };
  }
}
