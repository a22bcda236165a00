/** What the emergency service's jobs share: the platform as a service sees it, the clock (tests move it), settings. */
import type { ServicePlatform } from '../../../platform/service.ts';
import type { HealthCardSigner } from '../health-card/index.ts';
import type { DrugClassifier } from './drug-classifier.ts';
import type { EmergencyConfig } from './emergency-config.ts';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export interface EmergencyRuntime {
  platform: ServicePlatform;
  clock: Clock;
  config: EmergencyConfig;
  /** The health-card signing key (loaded at start). */
  signer: HealthCardSigner;
  /** Risk classes of drug codes (the e-prescription drug master for receipt and HOT9 codes). */
  drugClasses: DrugClassifier;
}
