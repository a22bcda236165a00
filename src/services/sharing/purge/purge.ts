/**
 * The retention purge (保存期間の経過した情報の削除): items out of their retention (views/items-in-force.ts) are deleted
 * from the store and marked purged, in batches; run by `tsunagu sharing purge`, and on a schedule when
 * TSUNAGU_SHARING_PURGE_INTERVAL_MS is set. Idempotent: a second run finds nothing more to do. Views apply the same
 * rule at read time, so an item disappears from every view when it expires, whether or not the purge has run.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { itemsSql } from '../views/items-in-force.ts';

/** The service acting on its own (recorded as such in the audit log). */
const PURGE_CONTEXT: RequestContext = {
  principal: { clientId: 'tsunagu-sharing-retention', name: '電子カルテ情報共有サービス（保存期間）', kind: 'operator', scopes: [] },
  purpose: 'HOPERAT',
};

export interface PurgeReport {
  purged: number;
}

export async function purgeExpired(rt: SharingRuntime, opts: { batch?: number } = {}): Promise<PurgeReport> {
  const batch = opts.batch ?? 200;
  const at = rt.clock();
  let purged = 0;
  for (;;) {
    const expired = await rt.platform.db.query<{ resource_type: string; resource_id: string }>(
      `SELECT resource_type, resource_id FROM (${itemsSql('TRUE', '$1')}) x WHERE NOT x.in_force ORDER BY x.resource_type, x.resource_id LIMIT $2`,
      [at.toISOString(), batch],
    );
    if (expired.rows.length === 0) return { purged };
    await rt.platform.repo.transaction(
      async (session) => {
        for (const r of expired.rows) {
          await rt.platform.repo.delete(PURGE_CONTEXT, r.resource_type, r.resource_id, { session });
          await session.tx.query('UPDATE sharing_items SET purged_at = $3 WHERE resource_type = $1 AND resource_id = $2', [
            r.resource_type,
            r.resource_id,
            at.toISOString(),
          ]);
        }
      },
      { trusted: true },
    );
    purged += expired.rows.length;
  }
}
