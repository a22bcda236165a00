/**
 * The eligibility service module (MISSION.md S1, オンライン資格確認等システム): insurer registry, virtual My Number
 * card verification at reception, consent at the reader, consented views of shared information.
 * See docs/eligibility.md for the API, the data model and the seams to real JPKI and card readers.
 */
import { resourceOf, type AccessRule } from '../../platform/access/policy.ts';
import type { PlatformParts } from '../../platform/platform.ts';
import type { ServiceModule } from '../../platform/service.ts';
import { consentRule } from './consent.ts';
import { MANAGED_REFUSAL, isManaged } from './managed.ts';
import { ELIGIBILITY_OPERATIONS } from './operations.ts';
import { eligibilityRoutes } from './routes.ts';
import { startRuntime, type EligibilityOptions } from './runtime.ts';
import { eligibilityMigrations } from './schema.ts';
import { serviceWriteTx } from './write-context.ts';

/**
 * Resources the registry owns (Patient, Coverage, insurer Organization, reader Consent — tagged MANAGED_TAG) are
 * written only through the service's operations, so the FHIR record and the reception tables never diverge.
 * (The rule sees the new content on create/update and the stored one on delete; an update that strips the tag
 * cannot be told apart without reading the stored version — a platform change is requested for that.)
 */
function managedGuard(): AccessRule {
  return (req) => {
    if (req.interaction !== 'create' && req.interaction !== 'update' && req.interaction !== 'delete') return undefined;
    if (!['Patient', 'Coverage', 'Organization', 'Consent'].includes(req.resourceType)) return undefined;
    if (!isManaged(resourceOf(req)) || serviceWriteTx()) return undefined;
    return { allow: false, ...MANAGED_REFUSAL };
  };
}

export function createEligibilityService(options: EligibilityOptions = {}): ServiceModule {
  return {
    name: 'eligibility',
    migrations: eligibilityMigrations,
    operations: ELIGIBILITY_OPERATIONS,
    async register({ platform, app }: { platform: PlatformParts; app: import('fastify').FastifyInstance }) {
      const rt = await startRuntime(platform, options);
      platform.policy.addRule(managedGuard());
      platform.policy.addRule(consentRule(platform));
      app.addHook('onClose', async () => rt.close());
      await eligibilityRoutes(app, rt);
    },
  };
}

export const eligibilityService = createEligibilityService();
