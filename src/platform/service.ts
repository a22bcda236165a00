/**
 * How a capability (eligibility, e-prescription, sharing, …) plugs into the platform. A service brings its own
 * tables (migrations), routes, access rules and CapabilityStatement operations; it reaches other services only
 * through their small exported APIs, never their internals.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformParts } from './platform.ts';
import type { Migration } from './storage/migrate.ts';

export interface ServiceOperation {
  /** Operation name without `$`, e.g. `verify-card`. */
  name: string;
  /** Canonical URL of its OperationDefinition (may be a Tsunagu URL). */
  definition: string;
  /** Resource types it is defined on; absent = system level. */
  resourceTypes?: string[];
  documentation?: string;
}

export interface ServiceContext {
  platform: PlatformParts;
  app: FastifyInstance;
}

export interface ServiceModule {
  name: string;
  /** Schema versions: platform 1–99, then a block of 100 per service (eligibility 100–199, …). */
  migrations?: Migration[];
  operations?: ServiceOperation[];
  /** Registers routes on `app` and rules on `platform.policy`; runs once at start. */
  register(ctx: ServiceContext): Promise<void>;
}
