/**
 * Builds the HTTP server: FHIR JSON handling, errors as OperationOutcome, auth, and the FHIR router (REST
 * interactions, the audit log, operations) mounted at /fhir; services add their operations to the registry and
 * their other routes to the app.
 */
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PlatformParts } from '../platform.ts';
import { readAuditLog } from '../router/audit-log.ts';
import { authRoutes, originsOf } from './auth-routes.ts';
import { ensureBuiltInApps } from '../auth/app-launch/app-clients.ts';
import { buildCapabilityStatement, type CapabilityOptions } from './capability.ts';
import { serverOptions } from './server-options.ts';
import { registerErrorHandler } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { registerFhirJson } from './fhir-json.ts';
import { corsOptions, mountFhir } from './fastify-fhir.ts';
import { VALIDATE_SPEC, validateHandler } from '../conformance/index.ts';
import { FhirRouter } from '../router/router.ts';
import { OperationRegistry } from '../router/operations/operation-registry.ts';
import { registerAuditLog, registerRestInteractions } from '../router/rest-routes.ts';
import { EVERYTHING_SPEC, everythingHandler } from '../router/everything-operation.ts';
import { registerSmartDiscovery } from '../router/smart-discovery.ts';
import { TOKEN_PATH } from '../auth/smart-configuration.ts';
import { BACKPORT } from '../subscriptions/index.ts';

/** What a plugin (a service, the web apps) gets to register on. */
export interface PluginContext {
  app: FastifyInstance;
  operations: OperationRegistry;
}

export interface ServerExtras {
  /** Registered before the FHIR API is mounted (services, web apps). */
  plugins?: ((ctx: PluginContext) => Promise<void>)[];
  capability?: Omit<CapabilityOptions, 'version' | 'tokenUrl' | 'operations'>;
  logger?: boolean | 'silent';
  version?: string;
}

function profilesByType(platform: PlatformParts): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of platform.conformance.resourceTypes) {
    const urls = platform.conformance.profileUrls(type);
    if (urls.length) out[type] = urls;
  }
  return out;
}

export interface BuiltServer {
  app: FastifyInstance;
  /** The FHIR router and its operations (what /fhir serves). */
  router: FhirRouter;
  operations: OperationRegistry;
}

export async function buildServer(platform: PlatformParts, extras: ServerExtras = {}): Promise<BuiltServer> {
  const { config } = platform;
  const app = Fastify({
    logger: { level: extras.logger === 'silent' ? 'silent' : extras.logger ? 'info' : 'error' },
    bodyLimit: config.bodyLimit,
    trustProxy: Boolean(config.publicUrl),
    ...serverOptions(config),
  });
  if (config.corsOrigins.length) await app.register(cors, corsOptions(config.corsOrigins));
  registerFhirJson(app, { maxArrayItems: config.maxArrayItems });
  registerErrorHandler(app);
  await healthRoutes(app, { db: platform.db });
  const baseUrl = config.publicUrl ? `${config.publicUrl}/fhir` : undefined;
  await ensureBuiltInApps(platform.db);
  await authRoutes(app, {
    db: platform.db,
    tokens: platform.tokens,
    key: platform.platformKey,
    publicUrl: config.publicUrl,
    port: config.port,
    staff: platform.staff,
    facilities: platform.facilities,
    proxies: platform.proxies,
    methods: platform.signIn,
    audit: platform.readAudit,
  });
  const router = new FhirRouter();
  const operations = new OperationRegistry(router);
  operations.register(VALIDATE_SPEC, validateHandler(platform.conformance));
  operations.register(EVERYTHING_SPEC, everythingHandler(platform.repo));
  const { subscriptions } = platform;
  subscriptions.serve({ router, operations, app });
  const auditDeps = {
    db: platform.db,
    readAudit: platform.readAudit,
    repo: platform.repo,
    // The person's own log leaves out references to data withheld from them (未告知 items).
    hiddenEntities: (refs: string[]) => platform.policy.personWithheldRefs(platform.db, refs),
  };
  registerAuditLog(router, async (req, id) => readAuditLog(auditDeps, await req.context(), id, req.query, req.base));
  for (const plugin of extras.plugins ?? []) await plugin({ app, operations });
  let capability: object | undefined;
  // Rebuilt when a topic was registered since (topics are listed in it).
  let topicsVersion = subscriptions.topics.version;
  const capabilityStatement = () => {
    if (topicsVersion !== subscriptions.topics.version) capability = undefined;
    topicsVersion = subscriptions.topics.version;
    return (capability ??= buildCapabilityStatement(platform.registry, {
      version: extras.version ?? '0.1.0',
      tokenUrl: `${originsOf(app, config)[0]}${TOKEN_PATH}`,
      cors: config.corsOrigins.length > 0,
      ...extras.capability,
      operations: operations.capability(),
      supportedProfiles: profilesByType(platform),
      instantiates: [BACKPORT.serverCapability],
      resourceExtras: {
        Subscription: {
          extension: subscriptions.topics.capabilityExtensions(),
          supportedProfile: [BACKPORT.subscriptionProfile],
          documentation: subscriptions.topics.documentation(),
          withoutInteractions: ['patch'],
        },
      },
      special: {
        AuditEvent: {
          type: 'AuditEvent',
          documentation: 'Read-only view of the tamper-evident audit log (patient, date, agent, entity, action, outcome, altid).',
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: ['patient', 'date', 'agent', 'entity', 'action', 'outcome', 'altid'].map((name) => ({
            name,
            type: name === 'date' ? 'date' : name === 'patient' || name === 'entity' ? 'reference' : 'token',
          })),
        },
        ...extras.capability?.special,
      },
    }));
  };
  registerRestInteractions(router, { repo: platform.repo, capabilityStatement, bundleMaxEntries: config.bundleMaxEntries });
  registerSmartDiscovery(router, () => originsOf(app, config)[0]);
  await mountFhir(app, { router, tokens: platform.tokens, baseUrl });
  return { app, router, operations };
}
