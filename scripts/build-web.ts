/**
 * Builds the web apps (web/ → web/dist/) with Vite's build API, only when their sources changed: the hash of web/**,
 * the Vite configuration and package-lock.json is kept in web/dist/.build-stamp.json. Run by `npm install`
 * (postinstall) and before `npm start` (prestart), so the README's two commands stay the whole set-up; prints each
 * app's initial JavaScript, gzipped, against the 300 KB budget.
 *
 *   tsx scripts/build-web.ts [--force] [--never-fail]
 *
 * --never-fail: a failed build prints why and how to retry, and exits 0 (the API starts without the apps).
 */
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_ROOT = join(ROOT, 'web');
export const WEB_DIST = join(WEB_ROOT, 'dist');
export const STAMP_FILE = '.build-stamp.json';
/** Each app's initial JavaScript, gzipped, at most (bytes). */
export const INITIAL_JS_BUDGET = 300_000;
const LOCK = join(WEB_ROOT, '.build.lock');

export interface PageSize {
  /** The HTML entry, relative to dist (e.g. `clinic/index.html`). */
  page: string;
  /** The scripts it loads at once (entry and modulepreloads). */
  files: string[];
  gzipBytes: number;
}

export interface BuildStamp {
  hash: string;
  builtAt: string;
  ms: number;
  pages: PageSize[];
}

function filesUnder(dir: string, skip: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (skip(d.name)) continue;
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...filesUnder(p, skip));
    else if (d.isFile()) out.push(p);
  }
  return out;
}

/**
 * Files outside web/ the apps import: pure modules (no Node, no I/O) shared with the server. They import only each
 * other and npm packages (hashed through package-lock.json), so the source hash covers everything they run.
 */
export const SHARED_SOURCES = [
  'src/platform/master-files/csv.ts',
  'src/services/sharing/letters/referral-document.ts',
  'src/platform/identity/prefectures.ts',
  'src/platform/fhir/canonical.ts',
  'src/services/emergency/model/reasons.ts',
  // The offline verifier of the emergency summary card (the clinic app's 救急用サマリーの確認)
  'src/services/emergency/health-card/shc-verify.ts',
  'src/services/emergency/health-card/shc-codec.ts',
  'src/services/emergency/health-card/shc-error.ts',
  'src/services/emergency/health-card/shc-summary.ts',
  'src/services/emergency/health-card/shc-types.ts',
];

/** The hash of everything the build reads: web/** (not its output), the shared sources, package-lock.json and this script. */
export function sourceHash(): string {
  const skip = (name: string) => name === 'dist' || name === 'node_modules' || name.startsWith('.');
  const files = [...filesUnder(WEB_ROOT, skip), ...SHARED_SOURCES.map((f) => join(ROOT, f)), join(ROOT, 'package-lock.json'), fileURLToPath(import.meta.url)]
    .filter(existsSync)
    .sort();
  const h = createHash('sha256');
  for (const f of files) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export function readStamp(dist = WEB_DIST): BuildStamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dist, STAMP_FILE), 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

export function isStale(dist = WEB_DIST): boolean {
  return readStamp(dist)?.hash !== sourceHash() || !existsSync(join(dist, 'index.html'));
}

/** The scripts each HTML page of `dist` loads at once (its module entry and modulepreloads), gzipped. */
export function measureInitialJs(dist = WEB_DIST): PageSize[] {
  const pages = filesUnder(dist, (n) => n.startsWith('.')).filter((f) => f.endsWith('.html'));
  return pages.sort().map((file) => {
    const html = readFileSync(file, 'utf8');
    const srcs = new Set<string>();
    for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) srcs.add(m[1]);
    for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) srcs.add(m[1]);
    const files = [...srcs].map((s) => (s.startsWith('/') ? join(dist, s) : join(dirname(file), s)));
    const gzipBytes = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
    return { page: relative(dist, file), files: files.map((f) => relative(dist, f)), gzipBytes };
  });
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

export function sizeReport(pages: PageSize[]): string {
  return pages
    .filter((p) => p.files.length)
    .map((p) => `  ${p.page.padEnd(22)} initial JS ${kb(p.gzipBytes).padStart(9)} gzipped${p.gzipBytes > INITIAL_JS_BUDGET ? '  OVER THE BUDGET' : ''}`)
    .join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One build at a time on this tree (postinstall, start and test processes may race): waits for another's. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      writeFileSync(LOCK, String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSync(LOCK, 'utf8') || 0);
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if ((holder && !alive(holder)) || (!holder && age > 5000) || Date.now() > deadline) rmSync(LOCK, { force: true });
      else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Builds into a fresh folder and swaps it in, so a server never serves half a build. */
async function buildNow(hash: string): Promise<BuildStamp> {
  const started = performance.now();
  const { build } = await import('vite');
  const { webConfig } = await import('../web/vite.config.ts');
  const tmp = join(WEB_ROOT, `.dist-build-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  // Always the production build of React, whatever the caller's NODE_ENV (vitest sets `test`).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...webConfig(tmp), configFile: false, mode: 'production' });
    const stamp: BuildStamp = { hash, builtAt: new Date().toISOString(), ms: Math.round(performance.now() - started), pages: measureInitialJs(tmp) };
    writeFileSync(join(tmp, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    const old = join(WEB_ROOT, `.dist-old-${process.pid}`);
    if (existsSync(WEB_DIST)) renameSync(WEB_DIST, old);
    renameSync(tmp, WEB_DIST);
    rmSync(old, { recursive: true, force: true });
    return stamp;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface EnsureOptions {
  force?: boolean;
  /** Print nothing when the build is up to date. */
  quiet?: boolean;
  log?: (line: string) => void;
}

/** Builds the apps when missing or stale; returns the stamp of the build in place. Throws when the build fails. */
export async function ensureWebBuild(opts: EnsureOptions = {}): Promise<BuildStamp> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const hash = sourceHash();
  const current = readStamp();
  if (!opts.force && current?.hash === hash && existsSync(join(WEB_DIST, 'index.html'))) {
    if (!opts.quiet) log('Web apps: up to date (web/dist)');
    return current;
  }
  return withLock(async () => {
    // Another process may have built these sources while this one waited.
    const now = readStamp();
    if (!opts.force && now?.hash === hash && existsSync(join(WEB_DIST, 'index.html'))) return now;
    log('Web apps: building (web/ → web/dist/) …');
    const stamp = await buildNow(hash);
    log(`Web apps: built in ${(stamp.ms / 1000).toFixed(1)} s (each app's initial JS at most ${kb(INITIAL_JS_BUDGET)} gzipped)\n${sizeReport(stamp.pages)}`);
    return stamp;
  });
}

async function main(argv: string[]): Promise<number> {
  const neverFail = argv.includes('--never-fail');
  try {
    const stamp = await ensureWebBuild({ force: argv.includes('--force'), quiet: argv.includes('--quiet') });
    const over = stamp.pages.filter((p) => p.gzipBytes > INITIAL_JS_BUDGET);
    if (over.length) console.warn(`Web apps: over the initial JS budget: ${over.map((p) => p.page).join(', ')}`);
    return 0;
  } catch (err) {
    const previous = existsSync(join(WEB_DIST, 'index.html'));
    console.error(
      [
        `Web apps: the build failed — the API still works; ${previous ? 'the previous build of the apps stays in place' : 'the apps at / are not available'}.`,
        `  ${err instanceof Error ? err.message.split('\n').slice(0, 8).join('\n  ') : String(err)}`,
        '  Fix the error, then run: npm run build:web',
        'Webアプリのビルドに失敗しました（API は使えます）。原因を直して npm run build:web を実行してください。',
      ].join('\n'),
    );
    return neverFail ? 0 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = await main(process.argv.slice(2));
