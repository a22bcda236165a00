/**
 * The machine's floor for an audited read (bench/floor-server.ts: Fastify, one primary-key SELECT and one committed
 * INSERT per read, no auth, policy or hash chain) at a steady rate from `clients` clients, on a fresh database, after
 * a warm-up of half the time — quoted beside the platform's and the services' read figures of the same run.
 */
import { adminQuery } from '../src/platform/storage/pg-admin.ts';
import { ADMIN_URL, freshDatabase, startChild } from './lib.ts';
import { openLoop, type OpenLoopResult } from './open-loop.ts';

export async function floorReads(opts: { seconds: number; rate: number; clients: number; database?: string }): Promise<OpenLoopResult> {
  const db = await freshDatabase(opts.database ?? 'tsunagu_bench_floor');
  try {
    const floor = await startChild<{ port: number; ids: string[] }>('./floor-server.ts', { DATABASE_URL: db.url });
    try {
      const plan = {
        origin: floor.url,
        headers: {},
        path: (i: number) => `/doc/${floor.info.ids[i % floor.info.ids.length]}`,
        clients: opts.clients,
        rate: opts.rate,
      };
      await openLoop({ ...plan, seconds: Math.ceil(opts.seconds / 2) });
      return await openLoop({ ...plan, seconds: opts.seconds });
    } finally {
      await floor.stop();
    }
  } finally {
    await db.drop();
    await adminQuery(ADMIN_URL, 'CHECKPOINT').catch(() => undefined);
  }
}
