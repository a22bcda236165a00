/**
 * The patient portal's server side (マイナポータル role, MISSION.md S4): the person's own service. The signed-in
 * patient sees and manages their consents, reads who looked at their data, sees that letters about them were sent
 * (never their content), and downloads their data as a FHIR Bundle or a printable PDF. See docs/portal.md.
 *
 * This file is the service's only entry point. The sub-folders, by job:
 *   model/       the runtime, who may call (the person only), facility names from the directory
 *   consents/    $my-consents, $grant-consent (the platform's consent capability writes; holds are sharing's)
 *   access-log/  $access-log from the platform's audit log (personAccessLog)
 *   letters/     $my-letters (the sharing service's lettersAbout)
 *   my-data/     $my-data (collection Bundle), $my-data-pdf (pdfkit, Noto Sans JP)
 *   http/        the operation specs and handlers
 * It has no tables: it reads the other services through their index.ts exports and the platform's capabilities.
 * No settings.
 */
import type { ServiceContext, ServiceModule } from '../../platform/service.ts';
import { registerPortalOperations } from './http/operations.ts';
import { systemClock, type Clock } from './model/runtime.ts';

export interface PortalOptions {
  /** The service's time (tests move it). */
  clock?: Clock;
}

export function createPortalService(options: PortalOptions = {}): ServiceModule {
  return {
    name: 'portal',
    async register({ platform, operations }: ServiceContext) {
      registerPortalOperations(operations, { platform, clock: options.clock ?? systemClock });
    },
  };
}

export const portalService = createPortalService();

export { PORTAL_SPECS } from './http/specs.ts';
export { MAX_GRANT_DAYS } from './consents/grant-consent.ts';
