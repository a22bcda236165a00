/**
 * `tsunagu validate --ig <pkg>... [--tx <file>] [--profile <url>] [--summary] <file.json>...`
 * Validates FHIR JSON files against base R4 and the given IG packages. Prints the
 * OperationOutcome (one file) or a Bundle of them (several files) on stdout, or one line per file
 * with --summary. Exit code 0 when every file is valid (no error), 1 otherwise, 2 on usage errors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { hasErrors } from '../../src/platform/fhir/outcome.ts';
import { loadConformance } from '../../src/platform/conformance/index.ts';

const USAGE = `tsunagu validate --ig <package>... [options] <file.json>...

  --ig <path>             IG package (.tgz or unpacked folder); repeatable. A folder holding
                          several .tgz packages loads them all.
  --tx <file>             extra terminology: JSON file with CodeSystem/ValueSet resources; repeatable
  --profile <url>         also validate against this profile (canonical URL); repeatable
  --summary               one line per file instead of OperationOutcome JSON
  --no-registration-rules plain IG validation, without the JP-CLINS registration rules
  --lenient-extensions    an extension whose definition is not loaded is a warning (default: an error, as the
                          reference validator reports it)
  -h, --help              this help

Exit code: 0 when all files are valid, 1 when any has an error, 2 on usage errors.`;

/** The command line, parsed strictly (unknown options throw). */
function parseValidateArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ig: { type: 'string', multiple: true },
      tx: { type: 'string', multiple: true },
      profile: { type: 'string', multiple: true },
      summary: { type: 'boolean' },
      'no-registration-rules': { type: 'boolean' },
      'lenient-extensions': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function validateCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseValidateArgs>;
  try {
    parsed = parseValidateArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!positionals.length) {
    console.error(`no file to validate\n\n${USAGE}`);
    return 2;
  }
  let packages: string[];
  try {
    packages = expandPackagePaths(values.ig ?? []);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const conformance = await loadConformance({
    packages,
    terminology: (values.tx ?? []).map((p) => resolve(p)),
    registrationRules: !values['no-registration-rules'],
    unknownExtensions: values['lenient-extensions'] ? 'warning' : 'error',
  });
  const profiles = values.profile ?? [];
  const results: { file: string; outcome: OperationOutcome }[] = [];
  for (const file of positionals) results.push({ file, outcome: validateFile(file, conformance, profiles) });

  if (values.summary) {
    for (const { file, outcome } of results) console.log(summaryLine(file, outcome));
  } else if (results.length === 1) {
    console.log(JSON.stringify(results[0].outcome, null, 2));
  } else {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: results.map(({ file, outcome }) => ({ fullUrl: `file://${resolve(file)}`, resource: outcome })),
    };
    console.log(JSON.stringify(bundle, null, 2));
  }
  return results.every((r) => !hasErrors(r.outcome)) ? 0 : 1;
}

function validateFile(file: string, conformance: Awaited<ReturnType<typeof loadConformance>>, profiles: string[]): OperationOutcome {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fileProblem(`ファイルを読めません: ${file}`, `Cannot read ${file}: ${(e as Error).message}`);
  }
  let resource: unknown;
  try {
    // A UTF-8 byte-order mark (Windows editors write one) is not part of the JSON text.
    resource = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return fileProblem(`JSON として読めません: ${file}`, `${file} is not valid JSON: ${(e as Error).message}`);
  }
  return conformance.validate(resource, { profiles });
}

function fileProblem(ja: string, en: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'structure', details: { text: ja }, diagnostics: en }] };
}

function summaryLine(file: string, oo: OperationOutcome): string {
  const issues = oo.issue ?? [];
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const verdict = errors.length ? 'INVALID' : 'valid';
  const first = errors[0] ? ` — ${errors[0].expression?.[0] ?? ''}: ${errors[0].diagnostics ?? ''}` : '';
  return `${file}: ${verdict} (${errors.length} errors, ${warnings.length} warnings)${first}`;
}

/** A folder that is not itself a package but holds .tgz files stands for all of them. */
function expandPackagePaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths.flatMap((x) => x.split(',')).filter(Boolean)) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new Error(`IG package not found: ${p}`);
    if (statSync(abs).isDirectory() && !existsSync(join(abs, 'package.json')) && !existsSync(join(abs, 'package', 'package.json'))) {
      const tgz = readdirSync(abs)
        .filter((f) => f.endsWith('.tgz'))
        .sort();
      if (!tgz.length) throw new Error(`${p} is neither a package nor a folder of .tgz packages`);
      out.push(...tgz.map((f) => join(abs, f)));
    } else {
      out.push(abs);
    }
  }
  return out;
}
