/** A running Tsunagu for tests: in-process Fastify (inject), a fresh database, and clients of every kind. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { createTsunagu, type Tsunagu } from '../../src/app.ts';
import { registerClient, type SystemClient } from '../../src/platform/auth/clients.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import type { PrincipalKind } from '../../src/platform/auth/principal.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { generateClientKey } from '../../cli/commands/client.ts';
import { engineHandle, type EngineHandle } from './engines.ts';
import type { ServiceModule } from '../../src/platform/service.ts';

export interface TestClient {
  client: SystemClient;
  token: string;
  privateJwk: import('jose').JWK;
}

export interface TestServer {
  t: Tsunagu;
  engine: EngineHandle;
  dataDir: string;
  request(opts: { method: string; url: string; token?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  addClient(opts: { kind: PrincipalKind; scopes: string[]; facilityCode?: string; patientId?: string; name?: string }): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startTestServer(
  engineName: 'pglite' | 'postgres',
  configOverrides: Record<string, unknown> = {},
  opts: { services?: ServiceModule[] } = {},
): Promise<TestServer> {
  const engine = engineHandle(engineName);
  const db = await engine.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-test-'));
  const config = configFromEnv({}, { dataDir, auditKeyFile: join(dataDir, 'audit.key'), auditChains: 4, ...configOverrides });
  // Tests provoke server errors on purpose (a missing audit chain); their assertions, not the log, report them.
  const t = await createTsunagu(config, { db, logger: 'silent', services: opts.services });
  let n = 0;
  return {
    t,
    engine,
    dataDir,
    request: ({ method, url, token, body, headers }) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
          ...headers,
        },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async addClient({ kind, scopes, facilityCode, patientId, name }) {
      const { privateJwk, publicJwk } = await generateClientKey();
      const client = await registerClient(t.platform.db, {
        clientId: `${kind}-${++n}`,
        name: name ?? `${kind} ${n}`,
        kind,
        facilityCode: facilityCode ?? (kind === 'facility' ? '1312345679' : kind === 'pharmacy' ? '1342345673' : undefined),
        patientId,
        scopes,
        jwks: { keys: [publicJwk] },
      });
      const token = await t.platform.tokens.issue(client, parseScopes(scopes));
      return { client, token, privateJwk };
    },
    async close() {
      await t.close();
      await engine.dispose();
    },
  };
}

export const json = (r: LightMyRequestResponse) => JSON.parse(r.body);
