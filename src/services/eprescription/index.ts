/**
 * The e-prescription management service (電子処方箋管理サービス, MISSION.md S2): signed prescriptions with their
 * 引換番号, the pharmacy's retrieval, acceptance (the lock), dispensing results with the service's signed receipt,
 * refills and split dispensing, in-house prescriptions, duplicate and contraindication checks over 100 days across
 * facilities, and the drug master every name comes from. See docs/eprescription.md.
 *
 * This file is the service's only entry point. The sub-folders, by job:
 *   master/         the drug master (医薬品マスター): codes and names by date, dummy / unknown / expired codes refused,
 *                   importers of the official files, a sample master (schema 301)
 *   checks/         duplicate and contraindication checks (重複投薬・併用禁忌) and the interaction data (schema 302)
 *   signature/      prescriber signatures in the HPKI style, a test CA, the seam to real HPKI or remote signing
 *   prescriptions/  reading a prescription Bundle (names checked against the master), registration, cancellation,
 *                   the 控え, the view of a prescription, the checks as a facility sees them
 *   pharmacy/       retrieval by 引換番号 or card + consent, accept / release, dispensing results, correction, cancel
 *   receipts/       the service's receipt key and receipts
 *   feeds/          the person's prescriptions and dispensings for other services (sharing, portal, emergency)
 *   schema/         the prescriptions' tables (schema 303)
 *   remote-signing/ the clinic app's prescribing: drug search, usage codes, the prescriber's own signing credential
 *                   held sealed by the platform (リモート署名, schema 305), $issue-prescription
 *   http/           the FHIR operations and their specs
 *
 * Prescriptions are the service's own rows, not store resources: no generic FHIR read, search or history reaches them;
 * only the operations do, each deciding who may see what and auditing it.
 */
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { InteractionRuleSet, interactionsMigration } from './checks/index.ts';
import { registerEprescriptionOperations } from './http/operations.ts';
import { registerPharmacyViews } from './http/pharmacy-views.ts';
import { type DrugMaster, drugMasterMigration, loadDrugMaster } from './master/index.ts';
import { dataRevisionMigration, revisions } from './model/data-revision.ts';
import { eprescriptionConfig, type EprescriptionConfig } from './model/eprescription-config.ts';
import { type Clock, type EprescriptionRuntime, systemClock } from './model/runtime.ts';
import { loadReceiptSigner } from './receipts/receipt-key.ts';
import { registerPrescribingOperations } from './remote-signing/operations.ts';
import { signingKeysMigration } from './remote-signing/schema.ts';
import { prescriptionsMigration } from './schema/schema.ts';
import { type PrescriberTrust, trustFromDirectory } from './signature/index.ts';

export interface EprescriptionOptions {
  /** The service's time (tests move it). */
  clock?: Clock;
  /** Trusted HPKI CAs (default: TSUNAGU_HPKI_TRUST_DIR). */
  trust?: PrescriberTrust;
}

export function createEprescriptionService(options: EprescriptionOptions = {}): ServiceModule<EprescriptionConfig> {
  return {
    name: 'eprescription',
    migrations: [drugMasterMigration, interactionsMigration, prescriptionsMigration, dataRevisionMigration, signingKeysMigration],
    config: eprescriptionConfig,
    async register({ platform, app, operations, config }: ServiceContext<EprescriptionConfig>) {
      let master: Promise<DrugMaster> | undefined;
      const reloadMaster = () => {
        const next = loadDrugMaster(platform.db, { samples: config.sampleData });
        master = next;
        next.catch(() => {
          if (master === next) master = undefined;
        });
        return next;
      };
      const rt: EprescriptionRuntime = {
        platform,
        clock: options.clock ?? systemClock,
        master: () => master ?? reloadMaster(),
        reloadMaster,
        rules: new InteractionRuleSet(platform.db, { samples: config.sampleData }),
        trust: options.trust ?? (config.trustDir ? await trustFromDirectory(config.trustDir) : undefined),
        requireCurrentCrl: config.requireCurrentCrl,
        receipts: await loadReceiptSigner(platform.db),
      };
      // Imports (on any node, or by the CLI) and new CRLs / CA certificates reach this node within a refresh interval.
      let seen = await revisions(platform.db);
      const refresh = async () => {
        const now = await revisions(platform.db);
        if (now['drug-master'] !== seen['drug-master']) await reloadMaster();
        if (now.interactions !== seen.interactions) await rt.rules.refresh();
        seen = now;
        if (!options.trust && config.trustDir) rt.trust = await trustFromDirectory(config.trustDir);
      };
      if (config.refreshMs > 0) {
        const timer = setInterval(
          () => void refresh().catch((e: Error) => app.log.warn(`e-prescription reference data refresh failed: ${e.message}`)),
          config.refreshMs,
        );
        timer.unref();
        app.addHook('onClose', async () => clearInterval(timer));
      }
      registerEprescriptionOperations(operations, rt);
      registerPrescribingOperations(operations, rt);
      registerPharmacyViews(operations, rt);
      app.get('/eprescription/jwks', async () => rt.receipts.jwks());
    },
  };
}

export const eprescriptionService = createEprescriptionService();

// The public API (the CLI, the benchmarks, other services)
export {
  DrugMaster,
  loadDrugMaster,
  drugMasterMigration,
  parseReceiptDrugMaster,
  parseGeneralNameMaster,
  saveDrugEntries,
  deleteDrugSource,
  drugSources,
  type DrugEntry,
  type DrugProblem,
  type DrugImportResult,
} from './master/index.ts';
export {
  checkMedications,
  redactAlert,
  InteractionRuleSet,
  interactionsMigration,
  interactionDatasets,
  INTERACTION_CSV_COLUMNS,
  InteractionFileError,
  type CheckAlert,
  type ImportProgress,
  type ImportReport,
  type TextEncoding,
} from './checks/index.ts';
export {
  signPrescriptionBundle,
  verifyPrescriptionSignature,
  createHpkiAuthority,
  loadHpkiAuthority,
  HpkiAuthority,
  writeCredentialFile,
  readCredentialFile,
  localPrescriberKey,
  trustFromDirectory,
  QUALIFICATIONS,
  PRESCRIBING_ROLES,
  type PrescriberCredential,
  type QualificationRole,
  type VerifiedSigner,
} from './signature/index.ts';
export { LICENSE_NUMBER_SYSTEM } from './prescriptions/prescriber.ts';
export {
  buildPrescription,
  PrescriptionInputError,
  type PrescriptionInput,
  type PrescriptionLineInput,
  type PrescriptionInputProblem,
} from './prescriptions/build-prescription.ts';
export { medicationRecords, type MedicationRecord } from './feeds/medication-records.ts';
export { type IssuedPrescription, prescriptionsIssuedOn } from './feeds/issued-prescriptions.ts';
export { dataRevisionMigration } from './model/data-revision.ts';
export { RECEIPT_JWS_TYPE } from './receipts/receipt-key.ts';
export { PRESCRIPTION_PROFILE } from './model/fhir-codes.ts';
