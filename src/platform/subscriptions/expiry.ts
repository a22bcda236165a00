/**
 * Subscriptions past their `end` (Subscription.end): no event is published to them after it (publish.ts), and the
 * dispatcher then turns them `off` — the row and the resource the client reads — so the status tells the truth.
 */
import type { Queryable } from '../storage/database.ts';
import type { Repository } from '../store/repository.ts';
import { writeResourceStatus } from './server-status.ts';

export async function endExpired(deps: { db: Queryable; repo: Repository }): Promise<number> {
  const due = await deps.db.query<{ id: string }>(`SELECT id FROM subscriptions WHERE ends IS NOT NULL AND ends <= now() AND status <> 'off' LIMIT 100`);
  for (const { id } of due.rows)
    await deps.repo.transaction(
      async (session) => {
        const ended = await session.tx.query(`UPDATE subscriptions SET status = 'off', lease_until = NULL WHERE id = $1 AND status <> 'off'`, [id]);
        if (ended.rowCount) await writeResourceStatus(deps.repo, session, id, 'off');
      },
      { trusted: true },
    );
  return due.rows.length;
}
