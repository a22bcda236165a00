/**
 * The code checks registration runs, over the code lists in force: the shipped samples, the code systems of the
 * loaded IG packages (the JP-CLINS JLAC10 lists) and the official files an operator imported (sharing_codes).
 * Loaded once at start; `tsunagu sharing codes import` reloads a running server's lists on its next start.
 */
import type { ServicePlatform } from '../../../platform/service.ts';
import { checkItemCodes, classify, loadCodeLists, relativePath, type CodeLists } from '../codes/index.ts';
import { JLAC10_CORE, JLAC10_INFECTION } from '../codes/systems.ts';
import type { CodeChecker } from '../model/runtime.ts';

/** Code systems of the loaded packages the lists take entries from. */
const PACKAGE_CODE_SYSTEMS = [JLAC10_CORE, JLAC10_INFECTION];

export function codeChecker(lists: CodeLists): CodeChecker {
  return {
    classify(resource) {
      const c = classify(resource, lists);
      return 'error' in c ? { error: { ...c.error, path: relativePath(c.error.path) } } : c;
    },
    check: (kind, resource, at) => checkItemCodes(kind, resource, lists, at).map((p) => ({ ...p, path: relativePath(p.path) })),
  };
}

export async function defaultCodeChecker(platform: ServicePlatform): Promise<CodeChecker> {
  const codeSystems = PACKAGE_CODE_SYSTEMS.flatMap((url) => platform.conformance.definitions.codeSystems.all(url) as unknown as Record<string, unknown>[]);
  return codeChecker(await loadCodeLists(platform.db, { codeSystems }));
}
