/**
 * Whether `tsunagu serve` (npm start) creates the demo world: only on a fresh embedded data directory — PGlite, and
 * no database existed there before this start — unless `TSUNAGU_DEMO=0` or `--no-demo`. Never with DATABASE_URL
 * (PostgreSQL): there the operator asks for it with `tsunagu demo`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { demoPaths } from './files.ts';
import { findDemoPackages } from './packages.ts';

export interface DemoStartInput {
  env: NodeJS.ProcessEnv;
  /** `--no-demo` was given. */
  noDemo?: boolean;
  databaseUrl?: string;
  dataDir: string;
}

export interface DemoStartDecision {
  seed: boolean;
  ja: string;
  en: string;
}

/** The embedded database has been created in `dataDir` before (PGlite writes PG_VERSION when it initialises one). */
export const embeddedDatabaseExists = (dataDir: string) => existsSync(join(dataDir, 'pg', 'PG_VERSION'));

export function demoOnStart(input: DemoStartInput): DemoStartDecision {
  if (input.noDemo) return { seed: false, ja: 'デモの世界は作成しません（--no-demo）', en: 'no demo world (--no-demo)' };
  if (input.env.TSUNAGU_DEMO === '0') return { seed: false, ja: 'デモの世界は作成しません（TSUNAGU_DEMO=0）', en: 'no demo world (TSUNAGU_DEMO=0)' };
  if (input.databaseUrl)
    return {
      seed: false,
      ja: 'PostgreSQL ではデモの世界を自動では作成しません（作成するには tsunagu demo）',
      en: 'no demo world on PostgreSQL unless asked (tsunagu demo)',
    };
  if (input.dataDir === 'memory://')
    return { seed: false, ja: 'メモリ上のデータベースにはデモの世界を作成しません', en: 'no demo world in an in-memory database' };
  if (embeddedDatabaseExists(input.dataDir))
    return {
      seed: false,
      ja: 'データディレクトリは作成済みです（デモの世界は初回の起動時だけ作成します）',
      en: 'the data directory exists (the demo world is made on the first start only)',
    };
  return { seed: true, ja: '新しいデータディレクトリにデモの世界を作成します', en: 'creating the demo world in the new data directory' };
}

/**
 * On later starts of a data directory holding a demo world, what keeps the demo working when the operator set
 * nothing else: the IG packages found beside the checkout (TSUNAGU_IG unset) and the demo's test HPKI as the trusted
 * prescriber CAs (TSUNAGU_HPKI_TRUST_DIR unset). Empty when there is no demo world or both are set.
 */
export function demoDefaults(input: { env: NodeJS.ProcessEnv; dataDir: string; igPackages: string[] }): { igPackages?: string[]; hpkiTrustDir?: string } {
  if (input.dataDir === 'memory://' || !existsSync(demoPaths({ dataDir: input.dataDir }).world)) return {};
  const trust = demoPaths({ dataDir: input.dataDir }).hpki.trust;
  return {
    ...(input.igPackages.length === 0 && findDemoPackages(input.env).length > 0 ? { igPackages: findDemoPackages(input.env) } : {}),
    ...(!input.env.TSUNAGU_HPKI_TRUST_DIR && existsSync(trust) ? { hpkiTrustDir: trust } : {}),
  };
}
