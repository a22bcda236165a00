/** Shared by `tsunagu eligibility` and `tsunagu card`: the local platform with the service's tables, the operator context. */
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { openPlatform, type PlatformParts } from '../../src/platform/platform.ts';
import { allServices } from '../../src/services/index.ts';

/** The platform on the local data directory (or DATABASE_URL), with every service's migrations applied. */
export async function openServicePlatform(dataDir?: string): Promise<PlatformParts> {
  return openPlatform(configFromEnv(process.env, dataDir ? { dataDir } : {}), { migrations: allServices.flatMap((s) => s.migrations ?? []) });
}

/** Who the command acts as: the local operator (it has the data directory / database credentials). */
export function operatorContext(what: string): RequestContext {
  return {
    principal: { clientId: 'tsunagu-cli', name: `tsunagu ${what} (operator)`, kind: 'operator', scopes: parseScopes('system/*.*') },
    purpose: 'HOPERAT',
  };
}

/** A FhirError as the CLI prints it: Japanese / English. */
export function describeError(err: unknown): string {
  if (err instanceof FhirError) {
    const issue = err.outcome.issue?.[0];
    return `${issue?.details?.text ?? ''} / ${issue?.diagnostics ?? err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
