/**
 * The fee calculation service (共通算定モジュール, MISSION.md S6): fee points and the window payment of an outpatient
 * visit at a bedless clinic (医科外来), the receipt and statement (領収証・明細書) and the month's claim file
 * (レセプト電算処理システム). See docs/billing.md.
 *
 * This file is the service's only entry point. The sub-folders, by job:
 *   model/    the data contract (fee master items and relations, a visit case, the result) and the case errors
 *   master/   the 医科診療行為マスター reader and importer (with the 電子点数表 relations), versions by date, the sample
 *   calc/     one visit's points: 初診・再診, additions, 判断料, limits, 包括, 背反, まるめ; the month's visits in order
 *   copay/    the window payment: ratio by age, 10-yen rounding, high-cost caps, public programmes, local subsidies
 *   output/   領収証・明細書 (HTML, PDF) and the レセ電 claim file (Shift_JIS)
 *   schema/   the service's migrations (versions 600–699)
 *   visits/   the visits a clinic records (会計): the patient's eligibility from its reception, the month's history,
 *             receipts, cancelling, the month's claim
 *   http/     the FHIR operations ($calculate, $billing-visits, $billing-receipt, $billing-cancel, $billing-claim)
 * Uses the e-prescription service's issued prescriptions (its index.ts) for 処方箋料 and 一般名処方加算: register it
 * before this service. Settings: TSUNAGU_BILLING_MASTER = `sample` (the sample master, for trials) or `database` (the imported master; the
 * default when one was imported, else the sample).
 */
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { ConfigError } from '../../platform/config.ts';
import { registerBillingOperations } from './http/operations.ts';
import { loadFeeMaster, sampleFeeMaster } from './master/index.ts';
import type { FeeMaster } from './model/types.ts';
import { billingMigration } from './schema/schema.ts';
import { billingVisitsMigration } from './schema/visits-schema.ts';
import type { BillingRuntime, Clock } from './visits/runtime.ts';
import { prescriptionsIssuedOn } from '../eprescription/index.ts';

export interface BillingConfig {
  master: 'sample' | 'database' | 'auto';
}

export function billingConfig(env: NodeJS.ProcessEnv): BillingConfig {
  const v = env.TSUNAGU_BILLING_MASTER ?? 'auto';
  if (v !== 'sample' && v !== 'database' && v !== 'auto')
    throw new ConfigError(`TSUNAGU_BILLING_MASTER は sample・database・auto のいずれかです（${v}） / TSUNAGU_BILLING_MASTER must be sample, database or auto`);
  return { master: v };
}

export interface BillingOptions {
  /** A fee master to use instead of the configured one (tests). */
  master?: FeeMaster;
  /** The service's time (tests move it). */
  clock?: Clock;
  /** Where the prescriptions issued at a visit come from (default: the e-prescription service). */
  prescriptions?: BillingRuntime['prescriptions'];
}

export function createBillingService(options: BillingOptions = {}): ServiceModule<BillingConfig> {
  return {
    name: 'billing',
    migrations: [billingMigration, billingVisitsMigration],
    config: billingConfig,
    async register({ platform, operations, config }: ServiceContext<BillingConfig>) {
      const master = options.master ?? (await configuredMaster(platform.db, config));
      registerBillingOperations(operations, {
        platform,
        clock: options.clock ?? (() => new Date()),
        master: () => master,
        prescriptions: options.prescriptions ?? issuedAtVisit,
      });
    },
  };
}

async function configuredMaster(db: ServiceContext<BillingConfig>['platform']['db'], config: BillingConfig): Promise<FeeMaster> {
  if (config.master === 'sample') return sampleFeeMaster();
  const imported = await loadFeeMaster(db);
  if (config.master === 'database' || imported.itemCount > 0) return imported;
  return sampleFeeMaster();
}

/** The e-prescription service's prescriptions of a visit, as the calculation reads them (with their 処方箋ID). */
const issuedAtVisit: BillingRuntime['prescriptions'] = async (db, q) =>
  (await prescriptionsIssuedOn(db, q)).map((p) => ({ id: p.prescriptionId, kind: p.kind, lines: p.lines }));

export const billingService = createBillingService();

export { BILLING_SPECS } from './http/specs.ts';
export { calculateMonth, calculateVisit } from './calc/calculate.ts';
export { checkCase } from './calc/case-check.ts';
export { billingCaseReport } from './calc/report.ts';
export { importFeeMaster, loadFeeMaster, sampleFeeMaster } from './master/index.ts';
export { claimFile, claimPayerOf, receiptHtml, receiptPdf } from './output/index.ts';
export type { CalculationResult, FeeMaster, PrescriptionIssued, VisitCase } from './model/types.ts';
