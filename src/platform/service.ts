/**
 * How a capability (eligibility, e-prescription, sharing, …) plugs into the platform. A service brings its own
 * tables (migrations), routes, access rules and CapabilityStatement operations; it reaches other services only
 * through their small exported APIs, never their internals.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformParts } from './platform.ts';
import type { OperationRegistry } from './router/operations/operation-registry.ts';
import type { Migration } from './storage/migrate.ts';

/**
 * What of the platform a service uses: its database handle (for its own tables), the repository (client-facing
 * interactions, the transaction helper, audit records), the system repository (its own reads of the store), the
 * * access policy (write rules, visibility), grants and consent, the audit writer, the platform settings, and the
 * token verifier (to authenticate its routes outside FHIR), the conformance engine (documents validated whole), and
 * subscriptions (topics to register, events to publish), the facility directory, and the sign-in methods it provides.
 */
export type ServicePlatform = Pick<
  PlatformParts,
  | 'db'
  | 'repo'
  | 'system'
  | 'policy'
  | 'grants'
  | 'consent'
  | 'readAudit'
  | 'chains'
  | 'statistics'
  | 'config'
  | 'tokens'
  | 'conformance'
  | 'subscriptions'
  | 'facilities'
  | 'signIn'
>;

export interface ServiceContext<C = unknown> {
  platform: ServicePlatform;
  /** The service's own settings section (ServiceModule.config). */
  config: C;
  /** For routes outside FHIR (a bulk-file upload, an OpenAPI description). */
  app: FastifyInstance;
  /** FHIR operations: `operations.register(spec, handler)` (the CapabilityStatement lists them). */
  operations: OperationRegistry;
}

export interface ServiceModule<C = unknown> {
  name: string;
  /** Schema versions: platform 1–99, then a block of 100 per service (eligibility 100–199, …). */
  migrations?: Migration[];
  /** Reads the service's settings from the environment (checked: a bad value stops the start with its name). */
  config?(env: NodeJS.ProcessEnv): C;
  /** Registers operations, routes (in the service's own encapsulated Fastify scope) and rules; runs once at start. */
  register(ctx: ServiceContext<C>): Promise<void>;
}
