/**
 * How a capability (eligibility, e-prescription, sharing, …) plugs into the platform. A service brings its own
 * tables (migrations), routes, access rules and CapabilityStatement operations; it reaches other services only
 * through their small exported APIs, never their internals.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformParts } from './platform.ts';
import type { OperationRegistry } from './router/operations/operation-registry.ts';
import type { Migration } from './storage/migrate.ts';

export interface ServiceContext {
  platform: PlatformParts;
  /** For routes outside FHIR (a bulk-file upload, an OpenAPI description). */
  app: FastifyInstance;
  /** FHIR operations: `operations.register(spec, handler)` (the CapabilityStatement lists them). */
  operations: OperationRegistry;
}

export interface ServiceModule {
  name: string;
  /** Schema versions: platform 1–99, then a block of 100 per service (eligibility 100–199, …). */
  migrations?: Migration[];
  /** Registers operations, routes and rules; runs once at start. */
  register(ctx: ServiceContext): Promise<void>;
}
