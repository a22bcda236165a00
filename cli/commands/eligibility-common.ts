/** Shared by `tsunagu eligibility` and `tsunagu card`: the local platform with the service's tables, the operator context. */
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { openPlatform, type PlatformParts } from '../../src/platform/platform.ts';
import { allServices } from '../../src/services/index.ts';
import { formatInsuredPersonIdentifierValue, parseInsuredPersonIdentifierValue, personByInsuredKey } from '../../src/services/eligibility/index.ts';

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

/**
 * The person a command names: `--patient <id>` as given, or `--insured <insurer:symbol:number:branch>` (with
 * `--birth-date`) looked up in the registry. Prints why not and returns the exit code when there is none.
 */
export async function personArgument(
  platform: PlatformParts,
  v: { patient?: string; insured?: string; 'birth-date'?: string },
): Promise<{ patientId: string } | { exitCode: number }> {
  const given = v.patient?.replace(/^Patient\//, '');
  if (given) return { patientId: given };
  const parsed = parseInsuredPersonIdentifierValue((v.insured ?? '').normalize('NFKC'));
  if (!parsed.ok) {
    console.error(`番号が正しくありません / invalid number: ${parsed.problems.map((p) => `${p.ja} / ${p.en}`).join('; ')}`);
    return { exitCode: 2 };
  }
  const patientId = await personByInsuredKey(platform.db, formatInsuredPersonIdentifierValue(parsed.value), v['birth-date']);
  if (!patientId) {
    console.error('該当する方がいません（番号と生年月日を確認してください） / no registered person matches the number and birth date');
    return { exitCode: 1 };
  }
  return { patientId };
}
