/**
 * The eligibility service module (MISSION.md S1, オンライン資格確認等システム): insurer registry, virtual My Number
 * card verification at reception, consent at the reader, consented views of shared information.
 * See docs/eligibility.md for the API, the data model and the seams to real JPKI and card readers.
 */
import { resourceOf, type WriteRule } from '../../platform/access/policy.ts';
import type { PlatformParts } from '../../platform/platform.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { CONSENT_CATEGORY_SYSTEM } from './fhir-codes.ts';
import { MANAGED_REFUSAL, isManaged } from './managed.ts';
import { registerEligibilityOperations } from './fhir-operations.ts';
import { eligibilityRoutes } from './routes.ts';
import { startRuntime, type EligibilityOptions } from './runtime.ts';
import { eligibilityMigrations } from './schema.ts';
import { insuredPersonResolver } from './subject-resolver.ts';
import { consentGrantsMigration } from './consent-grants-migration.ts';

/**
 * Resources the registry owns (Patient, Coverage, insurer Organization, reader Consent — tagged MANAGED_TAG) are
 * written only through the service's operations (which write as trusted service writes), so the FHIR record and the
 * reception tables never diverge: a client's create, update or delete of one is refused — judged on the new content
 * and on the stored version, so an update that strips the tag is refused too.
 */
function managedGuard(): WriteRule {
  return (req) => {
    if (!['Patient', 'Coverage', 'Organization', 'Consent'].includes(req.resourceType)) return undefined;
    if (!isManaged(resourceOf(req)) && !isManaged(req.stored?.())) return undefined;
    return { allow: false, ...MANAGED_REFUSAL };
  };
}

export function createEligibilityService(options: EligibilityOptions = {}): ServiceModule {
  return {
    name: 'eligibility',
    migrations: [...eligibilityMigrations, consentGrantsMigration],
    async register({ platform, app, operations }: ServiceContext) {
      const rt = await startRuntime(platform, options);
      platform.policy.addWriteRule(managedGuard());
      // The consent categories are the labels reader consent opens (access grants).
      platform.grants.controlLabelSystem(CONSENT_CATEGORY_SYSTEM);
      platform.repo.addSubjectResolver(insuredPersonResolver);
      app.addHook('onClose', async () => rt.close());
      registerEligibilityOperations(operations, rt);
      await eligibilityRoutes(app, rt);
    },
  };
}

export const eligibilityService = createEligibilityService();
