/**
 * Tsunagu on PostgreSQL behind a TCP proxy, listening on 127.0.0.1 (real HTTP, in this process): a scratch
 * database, the proxy in front of it, the server's pool through the proxy, a facility client and its token. The
 * test can then cut connections at the proxy or terminate the scratch database's backends from an admin session.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createTsunagu, type Tsunagu } from '../../../src/app.ts';
import { registerClient } from '../../../src/platform/auth/clients.ts';
import { parseScopes } from '../../../src/platform/auth/scopes.ts';
import { configFromEnv } from '../../../src/platform/config.ts';
import { createScratchDatabase } from '../../../src/platform/storage/pg-admin.ts';
import { openPostgres } from '../../../src/platform/storage/postgres-engine.ts';
import type { Database } from '../../../src/platform/storage/database.ts';
import { generateClientKey } from '../../../cli/commands/client.ts';
import { ADMIN_URL } from '../../helpers/engines.ts';
import { TcpProxy } from './tcp-proxy.ts';

export interface FaultServer {
  t: Tsunagu;
  db: Database;
  proxy: TcpProxy;
  origin: string;
  token: string;
  /** Terminates every backend of the scratch database (the server's connections); returns how many. */
  terminateBackends(): Promise<number>;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const scratch = await createScratchDatabase(ADMIN_URL, `tsunagu_fault_${process.pid}`);
  const target = new URL(scratch.url);
  const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  const db = await openPostgres({ connectionString: proxy.url(scratch.url), max: 8, connectTimeoutMs: 2000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-fault-'));
  const config = configFromEnv({}, { dataDir, auditKeyFile: join(dataDir, 'audit.key'), auditChains: 4 });
  const t = await createTsunagu(config, { db, logger: 'silent' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const scopes = ['system/Patient.cruds'];
  const client = await registerClient(db, {
    clientId: 'fault-facility',
    name: '障害試験クリニック',
    kind: 'facility',
    facilityCode: '1312345679',
    scopes,
    jwks: { keys: [(await generateClientKey()).publicJwk] },
  });
  const token = await t.platform.tokens.issue(client, parseScopes(scopes), 3600);
  return {
    t,
    db,
    proxy,
    origin: `http://127.0.0.1:${port}`,
    token,
    async terminateBackends() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        const res = await c.query(
          'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [scratch.name],
        );
        return Number(res.rows[0].n);
      } finally {
        await c.end();
      }
    },
    async close() {
      // Bounded: a server that hangs must not keep the scratch database from being dropped.
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      await bounded(t.close());
      await bounded(db.close());
      await proxy.stop();
      await scratch.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
