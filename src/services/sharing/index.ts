/**
 * The EHR information-sharing service (電子カルテ情報共有サービス, MISSION.md S3): the 6 information per patient
 * registered by facilities (JP_Bundle_CLINS), viewed by facilities nationwide with the patient's consent and by the
 * patient; flags, retention, viewing holds and withdrawal. See docs/sharing.md.
 *
 * This file is the service's only entry point. The sub-folders, by job:
 *   model/         item kinds and their rules (consent group, retention, flags), codes, settings, clock, runtime
 *   codes/         the code checks (JLAC10, YJ, J-FAGY, the disease master): sample lists and official-file importers
 *   registration/  document checks, the 5-information registration, withdrawal
 *   views/         who sees which item, items in force (retention), viewing holds, the view operation
 *   purge/         the retention purge
 *   schema/        the service's migrations (versions 200–299)
 *   http/          the FHIR operations and their specs
 *   simple-entry/  簡易登録: diagnoses and lab results from a small input (the clinic's form, a lab's result file),
 *                  written as JP_Bundle_CLINS by the JP-CLINS builders and registered through the registration path
 *
 * Items are FHIR resources in the store, labelled SHARED_ITEM_LABEL (no grant opens it: through the generic API only
 * the registrant reads them, and the person — except 未告知 items, labelled PERSON_WITHHELD_LABEL); a write rule
 * keeps clients from changing them outside the service's operations.
 */
import { resourceOf, type WriteRule } from '../../platform/access/policy.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { codeChecker } from './registration/code-checker.ts';
import type { Clock } from './model/clock.ts';
import { systemClock } from './model/clock.ts';
import { CLINICAL_INFORMATION_TOPIC, PERSON_WITHHELD_LABEL, SHARING_LABEL_SYSTEM, labelKeyOf } from './model/fhir-codes.ts';
import { ITEM_KINDS, KIND_RULES } from './model/kinds.ts';
import type { CodeChecker, SharingRuntime } from './model/runtime.ts';
import { sharingConfig, type SharingConfig } from './model/sharing-config.ts';
import { registerSharingOperations } from './http/fhir-operations.ts';
import { purgeAll } from './purge/purge-all.ts';
import { sharingMigrations } from './schema/schema.ts';
import { codeTablesMigration } from './codes/index.ts';
import { lettersMigration, registerLetterOperations } from './letters/index.ts';
import { documentMigrations, registerDocumentOperations } from './checkups/documents.ts';
import { registerSimpleEntryOperations } from './simple-entry/operations.ts';
import { serviceCodeLists } from './simple-entry/code-source.ts';

export interface SharingOptions {
  /** The service's time (tests move it). */
  clock?: Clock;
  /** Code checks (default: the shipped sample lists, the loaded packages' code systems and imported lists). */
  codes?: CodeChecker;
}

const carriesItemLabel = (r: Record<string, unknown> | undefined) =>
  ((r?.meta as { security?: { system?: string }[] } | undefined)?.security ?? []).some((s) => s?.system === SHARING_LABEL_SYSTEM);

/** Items change only through the service's operations (judged on the new content and on the stored version). */
function itemGuard(): WriteRule {
  return (req) => {
    if (!carriesItemLabel(resourceOf(req)) && !carriesItemLabel(req.stored?.())) return undefined;
    return {
      allow: false,
      ja: '電子カルテ情報共有サービスの登録情報は、登録・取下げの操作でのみ変更できます',
      en: 'items of the EHR sharing service change only through its registration and withdrawal operations',
    };
  };
}

export function createSharingService(options: SharingOptions = {}): ServiceModule<SharingConfig> {
  return {
    name: 'sharing',
    migrations: [...sharingMigrations, codeTablesMigration, lettersMigration, ...documentMigrations],
    config: sharingConfig,
    async register({ platform, app, operations, config }: ServiceContext<SharingConfig>) {
      // The lists the code checks read (registration/code-checker.ts), loaded once; simple entry picks codes from them.
      const lists = await serviceCodeLists(platform);
      const rt: SharingRuntime = {
        platform,
        clock: options.clock ?? systemClock,
        codes: options.codes ?? codeChecker(lists),
      };
      platform.grants.controlLabelSystem(SHARING_LABEL_SYSTEM);
      platform.policy.withholdFromPerson(labelKeyOf(PERSON_WITHHELD_LABEL));
      platform.policy.addWriteRule(itemGuard());
      platform.subscriptions.topics.register({
        url: CLINICAL_INFORMATION_TOPIC,
        title: '6情報の登録 / New clinical information',
        description: 'an item of the 6 information about the subscribing patient was registered or changed (not 未告知 items)',
        resourceTypes: [...new Set(ITEM_KINDS.map((k) => KIND_RULES[k].resourceType))],
      });
      registerSharingOperations(operations, rt);
      registerLetterOperations(operations, rt);
      registerDocumentOperations(operations, rt);
      registerSimpleEntryOperations(operations, rt, lists);
      if (config.purgeIntervalMs > 0) {
        const timer = setInterval(() => void purgeAll(rt).catch((e: Error) => app.log.warn(`sharing purge failed: ${e.message}`)), config.purgeIntervalMs);
        timer.unref();
        app.addHook('onClose', async () => clearInterval(timer));
      }
    },
  };
}

export const sharingService = createSharingService();

// The public API (the CLI, the benchmarks, other services)
export { KIND_RULES, ITEM_KINDS, type ItemKind } from './model/kinds.ts';
export { PROFILES as SHARING_PROFILES, SHARED_ITEM_LABEL } from './model/fhir-codes.ts';
export { purgeExpired } from './purge/purge.ts';
// The person's portal: that letters were sent (no content), the item holds in force
export { type LetterSent, lettersAbout } from './letters/person-letters.ts';
export { type ItemHold, itemHoldsOf } from './views/person-holds.ts';
export { type PersonItems, personItems } from './views/person-items.ts';
// The emergency service: the items in force whatever the consents (未提供 withheld)
export { type EmergencyItem, emergencyItems } from './views/emergency-items.ts';
// The JP-CLINS builders (simple entry writes with them; the demo world seeds with them)
export {
  type AllergyItem,
  type ClinsCalendar,
  type ClinsPerson,
  DEPARTMENTS,
  type Department,
  type DiagnosisItem,
  INSTITUTION_SYSTEM,
  type InfectionItem,
  type LabItem,
  type LabTest,
  MEMBER_ID_SYSTEM,
  allergy,
  businessId,
  clinsBundle,
  clinsPatient,
  condition,
  infectionObservation,
  labObservation,
  uuidOf,
} from './simple-entry/clins-builders.ts';
export { COMMON_LABS, type CommonLab } from './simple-entry/common-labs.ts';
