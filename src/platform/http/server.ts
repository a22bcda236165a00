/** Builds the HTTP server: FHIR JSON handling, errors as OperationOutcome, auth, FHIR REST and audit routes. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { PlatformParts } from '../platform.ts';
import { auditRoutes } from './audit-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { buildCapabilityStatement, type CapabilityOptions } from './capability.ts';
import { serverOptions } from './server-options.ts';
import { registerErrorHandler } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { registerFhirJson } from './fhir-json.ts';
import { fhirRoutes } from './fhir-routes.ts';
import { authenticate } from './request-context.ts';
import { validateRoutes } from '../conformance/index.ts';

export interface ServerExtras {
  /** Registered before the generic FHIR routes (services, $validate, web apps). */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  capability?: Omit<CapabilityOptions, 'version' | 'tokenUrl'>;
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

export async function buildServer(platform: PlatformParts, extras: ServerExtras = {}): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    logger: { level: extras.logger === 'silent' ? 'silent' : extras.logger ? 'info' : 'error' },
    bodyLimit: config.bodyLimit,
    trustProxy: Boolean(config.publicUrl),
    ...serverOptions(config),
  });
  registerFhirJson(app, { maxArrayItems: config.maxArrayItems });
  registerErrorHandler(app);
  await healthRoutes(app, { db: platform.db });
  const baseUrl = config.publicUrl ? `${config.publicUrl}/fhir` : undefined;
  await authRoutes(app, { db: platform.db, tokens: platform.tokens, key: platform.platformKey, publicUrl: config.publicUrl, port: config.port });
  await auditRoutes(app, { db: platform.db, tokens: platform.tokens, readAudit: platform.readAudit, repo: platform.repo, baseUrl });
  // $validate: any authenticated caller (it reads and writes nothing).
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      await authenticate(request, platform.tokens);
    });
    await validateRoutes(scope, { conformance: platform.conformance });
  });
  for (const plugin of extras.plugins ?? []) await plugin(app);
  let capability: object | undefined;
  const capabilityStatement = () =>
    (capability ??= buildCapabilityStatement(platform.registry, {
      version: extras.version ?? '0.1.0',
      tokenUrl: config.publicUrl ? `${config.publicUrl}/auth/token` : undefined,
      ...extras.capability,
      operations: [
        { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate', documentation: 'Validates against base R4 and the loaded IG profiles (meta.profile or ?profile=).' },
        ...(extras.capability?.operations ?? []),
      ],
      supportedProfiles: profilesByType(platform),
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
  await fhirRoutes(app, { repo: platform.repo, tokens: platform.tokens, baseUrl, capabilityStatement, bundleMaxEntries: config.bundleMaxEntries });
  return app;
}
