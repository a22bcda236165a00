/**
 * The retention purge of check-up reports (保存期間5年の経過): reports past their 5th anniversary are deleted from the
 * store (every resource of the report) and marked purged, in batches. Idempotent; views hide expired reports at read
 * time whether or not this has run. The sharing purge (purge/purge.ts and its schedule) should call it.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { inForceSql } from './checkup-model.ts';

/** The service acting on its own (recorded as such in the audit log). */
const PURGE_CONTEXT: RequestContext = {
  principal: { clientId: 'tsunagu-sharing-retention', name: '電子カルテ情報共有サービス（保存期間）', kind: 'operator', scopes: [] },
  purpose: 'HOPERAT',
};

export async function purgeExpiredCheckups(rt: SharingRuntime, opts: { batch?: number } = {}): Promise<{ purged: number }> {
  const batch = opts.batch ?? 100;
  const at = rt.clock();
  let purged = 0;
  for (;;) {
    const due = await rt.platform.db.query<{ report_id: string; resources: string[] }>(
      `SELECT report_id, resources FROM sharing_checkups c
        WHERE c.withdrawn_at IS NULL AND c.purged_at IS NULL AND NOT ${inForceSql('$1')} ORDER BY c.report_id LIMIT $2`,
      [at.toISOString(), batch],
    );
    if (due.rows.length === 0) return { purged };
    await rt.platform.repo.transaction(
      async (session) => {
        for (const r of due.rows) {
          const live = new Set<string>();
          for (const ref of r.resources) {
            const [type, id] = ref.split('/');
            const current = (await rt.platform.system.current(session.tx, type, [id])).get(id);
            if (current && !current.deleted) live.add(ref);
          }
          for (const ref of live) {
            const [type, id] = ref.split('/');
            await rt.platform.repo.delete(PURGE_CONTEXT, type, id, { session });
          }
          await session.tx.query('UPDATE sharing_checkups SET purged_at = $2 WHERE report_id = $1', [r.report_id, at.toISOString()]);
        }
      },
      { trusted: true },
    );
    purged += due.rows.length;
  }
}
