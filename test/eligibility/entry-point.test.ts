/**
 * src/services/eligibility/index.ts is the service's only entry point: no file of src/, cli/ or bench/ outside the
 * folder imports another module of it (tests are exempt — they test modules). Checked on the source text.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICE = join(ROOT, 'src/services/eligibility');
const ENTRY = join(SERVICE, 'index.ts');
const SCANNED = ['src', 'cli', 'bench'];

/** Module specifiers of `import … from`, `export … from`, `import '…'`, `import('…')` and `require('…')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"`])([^'"`\n]+)\1/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(?:[cm]?ts|[cm]?js|tsx)$/.test(name) ? [path] : [];
  });
}

const inside = (path: string) => path === SERVICE || path.startsWith(SERVICE + sep);

/** The modules of the service folder other than index.ts that `text` (the source of `file`) imports. */
function internalImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[2]!;
    let target: string | undefined;
    if (spec.startsWith('.')) target = resolve(dirname(file), spec);
    // A bare or aliased specifier naming the folder (none today) counts as if it were relative to src/.
    else if (spec.includes('services/eligibility')) target = join(ROOT, 'src', spec.slice(spec.indexOf('services/eligibility')));
    if (target === undefined || !inside(target)) continue;
    if (target === ENTRY || target === SERVICE || target === join(SERVICE, 'index.js')) continue;
    found.push(spec);
  }
  return found;
}

function scan(): { violations: string[]; entryImporters: string[] } {
  const violations: string[] = [];
  const entryImporters: string[] = [];
  for (const top of SCANNED)
    for (const file of sourceFiles(join(ROOT, top))) {
      if (inside(file)) continue;
      const text = readFileSync(file, 'utf8');
      for (const spec of internalImports(file, text)) violations.push(`${relative(ROOT, file)} imports ${spec}`);
      if ([...text.matchAll(SPECIFIER)].some((m) => m[2]!.startsWith('.') && resolve(dirname(file), m[2]!) === ENTRY))
        entryImporters.push(relative(ROOT, file));
    }
  return { violations, entryImporters };
}

describe('the eligibility service has one entry point', () => {
  it('the scanner sees a module of the folder behind every import form, and lets index.ts through', () => {
    const file = join(ROOT, 'cli/commands/example.ts');
    const text = [
      `import { a } from '../../src/services/eligibility/registry/bulk-file.ts';`,
      `import type { B } from "../../src/services/eligibility/model/record.ts";`,
      `export { c } from '../../src/services/eligibility/reception/card/index.ts';`,
      `import {\n  d,\n} from '../../src/services/eligibility/model/managed.ts';`,
      `const e = await import('../../src/services/eligibility/model/runtime.ts');`,
      `import '../../src/services/eligibility/reception/card/x509.ts';`,
      `import { ok } from '../../src/services/eligibility/index.ts';`,
      `import { other } from '../../src/services/index.ts';`,
    ].join('\n');
    expect(internalImports(file, text)).toEqual([
      '../../src/services/eligibility/registry/bulk-file.ts',
      '../../src/services/eligibility/model/record.ts',
      '../../src/services/eligibility/reception/card/index.ts',
      '../../src/services/eligibility/model/managed.ts',
      '../../src/services/eligibility/model/runtime.ts',
      '../../src/services/eligibility/reception/card/x509.ts',
    ]);
  });

  it('no file of src/, cli/ or bench/ outside src/services/eligibility imports anything of it but index.ts', () => {
    const { violations, entryImporters } = scan();
    expect(violations).toEqual([]);
    // The scan did read the real importers (a pattern that matched nothing would pass the check above vacuously).
    expect(entryImporters).toEqual(
      expect.arrayContaining(['src/services/index.ts', 'cli/commands/card.ts', 'cli/commands/eligibility.ts', 'bench/eligibility.ts']),
    );
  });
});
