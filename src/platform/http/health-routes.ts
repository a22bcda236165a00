/**
 * `GET /healthz` for load balancers and orchestrators (no authentication): 200 while the database answers a
 * trivial query within `timeoutMs`, otherwise 503 with Retry-After and an OperationOutcome, like any request
 * during an outage. It reveals nothing beyond the engine's name.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../storage/database.ts';
import { DatabaseUnavailable } from '../storage/db-unavailable.ts';

export interface HealthRouteDeps {
  db: Pick<Database, 'engine' | 'query'>;
  /** Longest wait for the database, ms (default 2,000). */
  timeoutMs?: number;
}

export async function healthRoutes(app: FastifyInstance, deps: HealthRouteDeps): Promise<void> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  app.get('/healthz', async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the database within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([deps.db.query('SELECT 1'), timeout]);
    } catch (err) {
      throw err instanceof DatabaseUnavailable ? err : new DatabaseUnavailable(err);
    } finally {
      clearTimeout(timer);
    }
    return reply.header('cache-control', 'no-store').send({ status: 'ok', database: deps.db.engine });
  });
}
