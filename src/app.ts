/**
 * Tsunagu as one application: the platform plus every service, ready to serve. `tsunagu serve`, the tests and
 * the benchmarks all start here so they run the same code.
 */
import type { FastifyInstance } from 'fastify';
import { configFromEnv, type PlatformConfig } from './platform/config.ts';
import { closePlatform, openPlatform, type PlatformParts } from './platform/platform.ts';
import { buildServer, type PluginContext } from './platform/http/server.ts';
import { webApps } from './platform/http/web-apps.ts';
import { demoRoutes } from './demo/routes.ts';
import { directoryRoutes } from './platform/http/directory-routes.ts';
import type { Database } from './platform/storage/database.ts';
import type { ServiceModule } from './platform/service.ts';
import type { OperationRegistry } from './platform/router/operations/operation-registry.ts';
import { allServices } from './services/index.ts';

export const VERSION = '0.1.0';

export interface Tsunagu {
  platform: PlatformParts;
  app: FastifyInstance;
  /** The FHIR operations served (what the CapabilityStatement lists). */
  operations: OperationRegistry;
  close(): Promise<void>;
}

export interface CreateOptions {
  /** Use an already open database (tests). */
  db?: Database;
  /** true: log every request; false (default): errors only; 'silent': nothing (tests that provoke failures on purpose). */
  logger?: boolean | 'silent';
  /** Services to run; all of them by default. */
  services?: ServiceModule[];
}

export async function createTsunagu(config: PlatformConfig = configFromEnv(), opts: CreateOptions = {}): Promise<Tsunagu> {
  const services = opts.services ?? allServices;
  const platform = await openPlatform(config, { db: opts.db, migrations: services.flatMap((s) => s.migrations ?? []) });
  const { app, operations } = await buildServer(platform, {
    logger: opts.logger,
    version: VERSION,
    // Each service in its own encapsulated scope: its hooks and body parsers apply to its routes only.
    plugins: [
      ...services.map((service) => async ({ app, operations }: PluginContext) => {
        const config = service.config?.(process.env);
        await app.register(async (scope) => service.register({ platform, app: scope, operations, config }));
      }),
      // The facility directory for picking an addressee (GET /directory/facilities).
      async ({ app }: PluginContext) => {
        await app.register(async (scope) => directoryRoutes(scope, { tokens: platform.tokens, facilities: platform.facilities }));
      },
      // The demo world's printed sign-ins and card files (only when this data directory holds a demo world).
      async ({ app }: PluginContext) => {
        if (config.dataDir !== 'memory://') await app.register(async (scope) => demoRoutes(scope, config.dataDir));
      },
      // The web apps (web/dist) on every GET path the API leaves free.
      async ({ app }: PluginContext) => {
        await app.register(webApps);
      },
    ],
  });
  return {
    platform,
    app,
    operations,
    async close() {
      await app.close();
      // Handlers of requests the client abandoned may still be finishing: let their audit events land.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await closePlatform(platform, { closeDb: !opts.db });
    },
  };
}
