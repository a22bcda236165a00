/** What the portal's jobs share: the platform (as a service sees it) and the service's clock (tests move it). */
import type { ServicePlatform } from '../../../platform/service.ts';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export interface PortalRuntime {
  platform: ServicePlatform;
  clock: Clock;
}
