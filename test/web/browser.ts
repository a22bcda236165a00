/**
 * The browser-test harness: Debian's headless Chromium (playwright-core, installed by scripts/ensure-chromium.sh
 * when missing), a real listening Tsunagu on a free port with an embedded database in a temp dir, the built web apps,
 * an axe-core accessibility check, screenshots, and the sign-in through the authorization server's page.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { createTsunagu, type Tsunagu } from '../../src/app.ts';
import { configFromEnv, type PlatformConfig } from '../../src/platform/config.ts';
import type { ServiceModule } from '../../src/platform/service.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test/web/screenshots');
export const DOC_SCREENSHOTS = join(ROOT, 'docs/screenshots');

export interface ChromiumStatus {
  ok: boolean;
  /** What scripts/ensure-chromium.sh said (the version, or why there is none). */
  reason: string;
}

let chromiumStatus: ChromiumStatus | undefined;

/** Chromium at /usr/bin/chromium, installed when missing and possible; prints why the browser tests skip otherwise. */
export function ensureChromium(): ChromiumStatus {
  if (chromiumStatus) return chromiumStatus;
  const r = spawnSync('bash', [join(ROOT, 'scripts/ensure-chromium.sh')], { encoding: 'utf8', timeout: 600_000 });
  const said = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error ? String(r.error) : `exit ${r.status}`);
  const ok = r.status === 0 && existsSync(CHROMIUM);
  chromiumStatus = { ok, reason: said };
  if (!ok) console.warn(`Browser tests skipped: ${said}`);
  return chromiumStatus;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A clinic PC (1280×800), Japanese, as the apps expect first. */
export const CLINIC_PC: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' };
export const TABLET_LANDSCAPE: BrowserContextOptions = { ...CLINIC_PC, viewport: { width: 1024, height: 768 } };
export const TABLET_PORTRAIT: BrowserContextOptions = { ...CLINIC_PC, viewport: { width: 768, height: 1024 } };
/** A clinic PC at 200% zoom: half the CSS pixels. */
export const ZOOM_200: BrowserContextOptions = { ...CLINIC_PC, viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 };

/** Builds the web apps when web/ changed since the last build (one build at a time across test processes). */
export async function ensureWebBuilt(): Promise<void> {
  await ensureWebBuild({ quiet: true });
}

export interface WebServer {
  t: Tsunagu;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real Tsunagu listening on a free port of 127.0.0.1, on an embedded database in a temp dir; the web apps built. */
export async function startWebServer(opts: { config?: Partial<PlatformConfig>; services?: ServiceModule[] } = {}): Promise<WebServer> {
  await ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-web-'));
  const config = configFromEnv(
    {},
    { dataDir, auditKeyFile: join(dataDir, 'audit.key'), auditChains: 4, embeddedFsync: false, port: 0, host: '127.0.0.1', ...opts.config },
  );
  const t = await createTsunagu(config, { logger: 'silent', services: opts.services });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    t,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const AXE_SOURCE = () => readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * axe-core in the page (WCAG 2.x A/AA and best practices): the violations of impact serious or critical. The apps'
 * CSP refuses inline scripts (so `addScriptTag({ content })` would fail); axe is evaluated through the DevTools
 * protocol instead, which the CSP does not govern — the page runs under its real CSP.
 */
export async function checkA11y(page: Page): Promise<A11yViolation[]> {
  if (!(await inPage<boolean>(page, "typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE());
  const violations = await inPage<{ id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[]>(
    page,
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact as string, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
}

/**
 * An expression evaluated in the page (awaited when it is a promise). A string, so that the tests, type-checked
 * for Node without the DOM library, can name `document` and `window`.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Saves test/web/screenshots/<name>.png; with TSUNAGU_SCREENSHOTS=docs, `docs: true` ones go to docs/screenshots/ too. */
export async function screenshot(page: Page, name: string, opts: { docs?: boolean; fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  if (opts.docs && process.env.TSUNAGU_SCREENSHOTS === 'docs') {
    mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    copyFileSync(file, join(DOC_SCREENSHOTS, `${name}.png`));
  }
  return file;
}

/** Nothing wider than the window (no sideways scrolling: readable at 200% zoom). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return inPage(page, 'document.documentElement.scrollWidth > window.innerWidth + 1');
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions of the page (CSP violations among them): a test expects none. */
  errors: string[];
}

/**
 * A fresh browser profile and page collecting its errors. `expected` names the console errors that are no error of
 * the page — e.g. the status of a refused request the page shows as a message, which the browser logs anyway.
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = CLINIC_PC,
  expected: (text: string, url: string) => boolean = () => false,
): Promise<OpenedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m.text(), m.location().url)) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

export interface StaffSignIn {
  facility: string;
  login: string;
  password: string;
  totp?: string;
}

/** On the authorization server's sign-in page (サインイン画面): fills the staff form and submits it. */
export async function signInOnPage(page: Page, who: StaffSignIn): Promise<void> {
  await page.getByLabel('医療機関コード').fill(who.facility);
  await page.getByLabel('ログインID').fill(who.login);
  await page.getByLabel('パスワード').fill(who.password);
  if (who.totp) await page.getByLabel('確認コード').fill(who.totp);
  await page.getByRole('button', { name: 'サインイン' }).click();
}
