/**
 * The eligibility service module (MISSION.md S1, オンライン資格確認等システム): insurer registry, virtual My Number
 * card verification at reception, consent at the reader, consented views of shared information.
 * See docs/eligibility.md for the API, the data model and the seams to real JPKI and card readers.
 *
 * This file is the service's only entry point: the application (src/services/index.ts), the `tsunagu` CLI and the
 * benchmarks import the module and the small API below from here, never a module of a sub-folder
 * (test/eligibility/entry-point.test.ts checks it; tests may import the modules they test). The sub-folders, by job:
 *   model/               what every job shares: codes, numbers, names, dates, reasons, the 資格情報 record, the
 *                        service's settings and its per-platform state (runtime.ts)
 *   registry/            the insurer side: records → FHIR and reception tables, person matching, bulk files, history
 *   reception/           verification by card and by number, card links, limits of number input, visit tokens, the
 *                        clinic-side client, the virtual card reader (its chip memory) and the patient's card sign-in;
 *                        reception/card/ is the virtual My Number card and its verifier (JPKI seams)
 *   consent/             consent at the reader
 *   shared-information/  imported receipt / check-up data and its consented views (until S2 / S3 exist)
 *   schema/              the service's migrations (versions 100–199)
 *   http/                routes outside FHIR, the FHIR operations and their specs, the OpenAPI description
 */
import { resourceOf, type WriteRule } from '../../platform/access/policy.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { eligibilityConfig, type EligibilityConfig } from './model/eligibility-config.ts';
import { MANAGED_REFUSAL, isManaged } from './model/managed.ts';
import { registerEligibilityOperations } from './http/fhir-operations.ts';
import { eligibilityRoutes } from './http/routes.ts';
import { startRuntime, type EligibilityOptions } from './model/runtime.ts';
import { eligibilityMigrations } from './schema/schema.ts';
import { insuredPersonResolver } from './registry/subject-resolver.ts';
import { consentGrantsMigration, consentsMoveMigration } from './schema/consent-grants-migration.ts';
import { cardChipsMigration } from './schema/card-chips-migration.ts';
import { receptionsMigration } from './schema/receptions-migration.ts';

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

export function createEligibilityService(options: EligibilityOptions = {}): ServiceModule<EligibilityConfig> {
  return {
    name: 'eligibility',
    migrations: [...eligibilityMigrations, consentGrantsMigration, consentsMoveMigration, cardChipsMigration, receptionsMigration],
    config: eligibilityConfig,
    async register({ platform, app, operations, config }: ServiceContext<EligibilityConfig>) {
      const rt = await startRuntime(platform, options, config);
      platform.policy.addWriteRule(managedGuard());
      platform.repo.addSubjectResolver(insuredPersonResolver);
      app.addHook('onClose', async () => rt.close());
      registerEligibilityOperations(operations, rt);
      await eligibilityRoutes(app, rt);
      // The patient's sign-in with the card file + PIN (the authorization server's seam), over the virtual reader.
      if (rt.cardSignIn) platform.signIn.providePatientCards(rt.cardSignIn);
    },
  };
}

export const eligibilityService = createEligibilityService();

// ---------------------------------------------------------------------------------------------
// The public API (what the CLI and the benchmarks use)
// ---------------------------------------------------------------------------------------------

export { cardPaths, type EligibilityOptions } from './model/runtime.ts';

// Registry: insurer bulk files, records, insured-person identifiers (`tsunagu eligibility`, the benchmark)
export { generateBulkFile } from './registry/bulk-file.ts';
export { loadBulkFile, type LoadReport } from './registry/bulk-load.ts';
export type { EligibilityRecord } from './model/record.ts';
export { formatInsuredPersonIdentifierValue, parseInsuredPersonIdentifierValue } from './model/numbers.ts';
// Person lookup by 被保険者個人識別子 (the EHR sharing service resolves a registration's patient here)
export { INSURED_PERSON_IDENTIFIER_SYSTEM } from './model/numbers.ts';
export { insuredKeyOf, isInsuredPersonSystem, lookUpInsuredPerson, type PersonLookup } from './registry/person-lookup.ts';

// The emergency service (S8): candidates by birth date, a person's records, the holder of a card read without the PIN
export { type CardHolder, type RegisteredPerson, cardHolderOf, eligibilityRecordsOf, registeredPersonsBorn } from './registry/person-facts.ts';
export { LIMIT_CATEGORIES, SPECIFIC_DISEASES } from './model/record.ts';
export { kanaMatchKey, nameSearchKey } from './model/names.ts';

// Shared information: an insurer's import of receipt and check-up data (`tsunagu eligibility import-shared`)
export { importSharedInformation } from './shared-information/shared-data.ts';

// Reception: certificate links, the clinic-side client (`tsunagu card`)
export { describeUserCertificate, linkCertificate, personByInsuredKey, relinkRenewed } from './reception/cards.ts';
export { ReceptionClient, httpTransport } from './reception/reception-client.ts';
export { type FacilityReception, latestReception } from './reception/latest-reception.ts';
export type { EligibilityAnswer } from './reception/reception-history.ts';

// The virtual My Number card: test CA, issue / renew, the simulated chip and reader (`tsunagu card`, the benchmark)
export {
  CARD_KEY_TYPES,
  Card,
  REVOCATION_REASONS,
  SimulatedCardReader,
  StaticTrustStore,
  createCardAuthority,
  issueCard,
  loadCardAuthority,
  readCardFile,
  renewCard,
  type CardAuthority,
  type CardKeyType,
  type RevocationReason,
} from './reception/card/index.ts';
export { fingerprintOf, fromPem, normalizeSerial } from './reception/card/algorithms.ts';
