/**
 * The code lists of the service, as the registration's code checks read them (registration/code-checker.ts): the shipped samples, the JLAC10 CodeSystems of the loaded packages, the imported official files.
 * Loaded once at start by the service (index.ts), shared by the checks and simple entry.
 */
import type { ServicePlatform } from '../../../platform/service.ts';
import { type CodeLists, loadCodeLists } from '../codes/index.ts';
import { JLAC10_CORE, JLAC10_INFECTION } from '../codes/systems.ts';

export async function serviceCodeLists(platform: ServicePlatform): Promise<CodeLists> {
  const codeSystems = [JLAC10_CORE, JLAC10_INFECTION].flatMap(
    (url) => platform.conformance.definitions.codeSystems.all(url) as unknown as Record<string, unknown>[],
  );
  return loadCodeLists(platform.db, { codeSystems });
}
