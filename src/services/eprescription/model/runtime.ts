/** What the e-prescription service's jobs share: the platform, the clock, the drug master, the checks' rules, trust. */
import type { ServicePlatform } from '../../../platform/service.ts';
import type { InteractionRuleSet } from '../checks/index.ts';
import type { DrugMaster } from '../master/index.ts';
import type { PrescriberTrust } from '../signature/index.ts';
import type { ReceiptSigner } from '../receipts/receipt-key.ts';

/** The service's time (使用期限, refill windows, the 100 days of the checks): injectable so tests can move it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export interface EprescriptionRuntime {
  platform: ServicePlatform;
  clock: Clock;
  /** The drug master (the shipped sample merged with imports), reloaded by `reloadMaster`. */
  master(): Promise<DrugMaster>;
  reloadMaster(): Promise<DrugMaster>;
  rules: InteractionRuleSet;
  /** The trusted HPKI CAs and their CRLs; undefined when the operator has not configured them. */
  trust?: PrescriberTrust;
  /** Require a current CRL for every CA of a signer's path. */
  requireCurrentCrl: boolean;
  receipts: ReceiptSigner;
}
