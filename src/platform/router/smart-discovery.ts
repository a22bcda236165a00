/**
 * SMART discovery at the FHIR base: `GET [base]/.well-known/smart-configuration` — public (it never asks who calls),
 * the same document as at the root (auth/smart-configuration.ts), its URLs from the server's published origin.
 */
import { smartConfiguration } from '../auth/smart-configuration.ts';
import type { FhirRouter } from './router.ts';

/** `origin`: the published origin as the token endpoint computes it (http/auth-routes.ts originsOf). */
export function registerSmartDiscovery(router: FhirRouter, origin: () => string): void {
  router.add('GET', '.well-known/smart-configuration', async () => ({
    status: 200,
    body: smartConfiguration(origin()),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  }));
}
