/**
 * Reads an npm-format FHIR package (IGパッケージ): a `.tgz` file or an unpacked folder holding
 * `package/package.json` or `package.json`. Only the JSON resources at the package root are read
 * (the layout the FHIR package spec defines); `example/`, `other/` and `openapi/` are ignored.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tar from 'tar';

export interface PackageManifest {
  name: string;
  version: string;
  canonical?: string;
  fhirVersions?: string[];
  dependencies?: Record<string, string>;
}

/** A FHIR resource read from a package, with the file it came from. */
export interface PackageResource {
  file: string;
  resource: Record<string, unknown>;
}

export interface FhirPackage {
  /** `name#version`, the identifier the FHIR package registry uses. */
  id: string;
  manifest: PackageManifest;
  /** Where the package was read from (the path the operator gave). */
  source: string;
  resources: PackageResource[];
  /** Files that are not valid JSON resources (reported, never fatal). */
  skipped: { file: string; reason: string }[];
}

export class PackageReadError extends Error {}

/** Reads one package from a `.tgz` file or a folder. Throws PackageReadError when it is not a package. */
export function readFhirPackage(path: string): FhirPackage {
  if (!existsSync(path)) throw new PackageReadError(`FHIR package not found: ${path}`);
  const files = statSync(path).isDirectory() ? readFolder(path) : readTarball(path);
  const manifestText = files.get('package.json');
  if (!manifestText) throw new PackageReadError(`${path} has no package.json (package/package.json) — not an npm FHIR package`);
  const manifest = parseManifest(manifestText.toString('utf8'), path);
  const resources: PackageResource[] = [];
  const skipped: FhirPackage['skipped'] = [];
  for (const [file, content] of files) {
    if (file === 'package.json' || !file.endsWith('.json') || file.startsWith('.')) continue;
    try {
      const parsed = JSON.parse(stripBom(content.toString('utf8'))) as unknown;
      if (parsed && typeof parsed === 'object' && typeof (parsed as { resourceType?: unknown }).resourceType === 'string') {
        resources.push({ file, resource: parsed as Record<string, unknown> });
      } else {
        skipped.push({ file, reason: 'not a FHIR resource' });
      }
    } catch (e) {
      skipped.push({ file, reason: `invalid JSON: ${(e as Error).message}` });
    }
  }
  return { id: `${manifest.name}#${manifest.version}`, manifest, source: path, resources, skipped };
}

function parseManifest(text: string, path: string): PackageManifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(stripBom(text)) as Record<string, unknown>;
  } catch (e) {
    throw new PackageReadError(`${path}: package.json is not valid JSON (${(e as Error).message})`);
  }
  if (typeof m.name !== 'string' || typeof m.version !== 'string') {
    throw new PackageReadError(`${path}: package.json lacks name or version`);
  }
  return {
    name: m.name,
    version: m.version,
    canonical: typeof m.canonical === 'string' ? m.canonical : undefined,
    fhirVersions: Array.isArray(m.fhirVersions) ? (m.fhirVersions as string[]) : undefined,
    dependencies: m.dependencies && typeof m.dependencies === 'object' ? (m.dependencies as Record<string, string>) : undefined,
  };
}

/** Files directly in the package root, keyed by name relative to it. */
function readFolder(dir: string): Map<string, Buffer> {
  const root = existsSync(join(dir, 'package', 'package.json')) ? join(dir, 'package') : dir;
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(root)) {
    const full = join(root, name);
    if (name.endsWith('.json') && statSync(full).isFile()) out.set(name, readFileSync(full));
  }
  return out;
}

function readTarball(file: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  try {
    tar.t({
      file,
      sync: true,
      onReadEntry(entry) {
        const rel = packageRelative(entry.path);
        if (rel === undefined || entry.type !== 'File') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => out.set(rel, Buffer.concat(chunks)));
      },
    });
  } catch (e) {
    throw new PackageReadError(`${basename(file)} is not a readable .tgz package: ${(e as Error).message}`);
  }
  return out;
}

/** `package/Foo.json` → `Foo.json`; nested folders (examples, other) → undefined. */
function packageRelative(entryPath: string): string | undefined {
  const p = entryPath.replace(/^\.\//, '');
  const rest = p.startsWith('package/') ? p.slice('package/'.length) : p;
  if (!rest || rest.includes('/')) return undefined;
  return rest;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
