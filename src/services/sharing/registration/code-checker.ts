/**
 * The code checks registration runs, over the code lists in force: the shipped samples, the code systems of the
 * loaded IG packages (the JP-CLINS JLAC10 lists) and the official files an operator imported (sharing_codes).
 * The lists are loaded once at start (simple-entry/code-source.ts); `tsunagu sharing codes import` reloads a running server's lists on its next start.
 */
import { checkItemCodes, classify, relativePath, type CodeLists } from '../codes/index.ts';
import type { CodeChecker } from '../model/runtime.ts';

export function codeChecker(lists: CodeLists): CodeChecker {
  return {
    classify(resource) {
      const c = classify(resource, lists);
      return 'error' in c ? { error: { ...c.error, path: relativePath(c.error.path) } } : c;
    },
    check: (kind, resource, at) => checkItemCodes(kind, resource, lists, at).map((p) => ({ ...p, path: relativePath(p.path) })),
  };
}
