/**
 * The start page and the clinic app's shell in headless Chromium, against a real listening server: Japanese first
 * with the English toggle remembered, keyboard to the clinic app, the SMART sign-in through the authorization
 * server's page and back, the shell (facility, 山田 太郎（医師）, tabs), sign-out, plain messages for a forged
 * sign-in; no serious or critical axe violation on any of these pages, the 404 page or the not-built page; nothing
 * overflows on a tablet or at 200% zoom; the pages run under their real CSP with no console error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApps } from '../../src/platform/http/web-apps.ts';
import { APPS } from '../../web/shared/apps.ts';
import {
  CLINIC_PC,
  checkA11y,
  ensureChromium,
  inPage,
  launch,
  overflowsSideways,
  screenshot,
  signInOnPage,
  startWebServer,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
  type WebServer,
  ZOOM_200,
} from './browser.ts';

const chromium = ensureChromium();
const CLINIC = '1312345679';
const DOCTOR = { facility: CLINIC, login: 'yamada', password: 'shinryo2026abc' };

describe.skipIf(!chromium.ok)(`the start page and the clinic app in Chromium (${chromium.reason})`, () => {
  let server: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launch()]);
    await server.t.platform.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility', prefecture: '東京都' });
    await server.t.platform.staff.add({
      facilityCode: CLINIC,
      facilityKind: 'facility',
      login: 'yamada',
      displayName: '山田 太郎',
      role: 'doctor',
      password: DOCTOR.password,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh browser profile; `errors` collects console errors and uncaught exceptions (CSP violations among them). */
  async function open(options: BrowserContextOptions = CLINIC_PC): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // The status of the page itself (the 404 and not-built pages), and the demo world's sign-ins asked for by the
      // start page (404 without a demo world, by design), are no errors of the page.
      const url = m.location().url;
      if (m.text().startsWith('Failed to load resource') && (url === page.url() || url.endsWith('/demo/sign-ins'))) return;
      errors.push(`${m.text()} (${url})`);
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    return { page, errors };
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const lang = (page: Page) => inPage<string>(page, 'document.documentElement.lang');

  it('the start page: Japanese, the apps (those to come as 準備中), the FHIR API, under its CSP, accessible', async () => {
    const { page, errors } = await open();
    const started = performance.now();
    const res = await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const ms = Math.round(performance.now() - started);
    console.log(`Start page usable in ${ms} ms (the target is measured by the bench)`);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(await heading(page)).toBe('つなぐ — 全国医療情報プラットフォーム');
    expect(await lang(page)).toBe('ja');
    expect(await page.getByRole('link', { name: '診療所アプリ' }).getAttribute('href')).toBe('/clinic/');
    expect(await page.getByRole('link', { name: '薬局アプリ' }).getAttribute('href')).toBe('/pharmacy/');
    expect(await page.getByRole('link', { name: '患者ポータル' }).getAttribute('href')).toBe('/portal/');
    expect(await page.getByText('準備中').count()).toBe(APPS.filter((a) => !a.ready).length);
    expect(await page.getByRole('link', { name: /\/fhir\/metadata/ }).getAttribute('href')).toBe('/fhir/metadata');
    expect(await page.getByText('デモ用のサインイン').count()).toBe(0); // no demo world here (404)
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'start-page', { docs: true });
    expect(errors).toEqual([]);
  });

  it('the language toggle switches to English, sets <html lang> and is remembered', async () => {
    const { page, errors } = await open();
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'English' }).click();
    expect(await heading(page)).toBe('Tsunagu — National Medical Information Platform');
    expect(await lang(page)).toBe('en');
    expect(await page.getByRole('link', { name: 'Clinic app' }).getAttribute('href')).toBe('/clinic/');
    await page.reload();
    expect(await heading(page)).toBe('Tsunagu — National Medical Information Platform');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'start-page-en');
    await page.getByRole('button', { name: '日本語' }).click();
    expect(await lang(page)).toBe('ja');
    expect(errors).toEqual([]);
  });

  it('nothing overflows on a tablet or at 200% zoom', async () => {
    for (const [name, options] of [
      ['start-page-tablet-portrait', TABLET_PORTRAIT],
      ['start-page-tablet-landscape', TABLET_LANDSCAPE],
      ['start-page-zoom-200', ZOOM_200],
    ] as const) {
      const { page } = await open(options);
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await overflowsSideways(page), name).toBe(false);
      await screenshot(page, name);
      await page.context().close();
    }
  });

  it("shows the demo world's sign-ins when the server has them", async () => {
    const { page, errors } = await open();
    await page.route('**/demo/sign-ins', (route) =>
      route.fulfill({
        json: {
          signIns: [
            {
              role: 'doctor',
              roleName: '医師',
              facilityName: 'つなぐ内科クリニック',
              facilityCode: CLINIC,
              login: 'yamada',
              password: 'demo-pass-1',
              app: 'clinic',
            },
            {
              role: 'pharmacist',
              roleName: '薬剤師',
              facilityName: 'さくら薬局',
              facilityCode: '1342345673',
              login: 'kato',
              password: 'demo-pass-2',
              app: 'pharmacy',
            },
          ],
          patients: [{ name: '髙橋 𠮷子', cardUrl: '/demo/cards/1.json', pin: '1234' }],
        },
      }),
    );
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'デモ用のサインイン' }).waitFor();
    const rows = page.getByRole('row');
    expect(await rows.count()).toBe(5); // two header rows, two sign-ins, one patient
    expect(await page.getByRole('cell', { name: 'demo-pass-1' }).count()).toBe(1);
    expect(
      await page
        .getByRole('row', { name: /薬剤師/ })
        .getByRole('link', { name: '薬局アプリ' })
        .getAttribute('href'),
    ).toBe('/pharmacy/');
    expect(await page.getByRole('row', { name: /医師/ }).getByRole('link', { name: '診療所アプリ' }).getAttribute('href')).toBe('/clinic/');
    expect(await page.getByRole('cell', { name: '髙橋 𠮷子', exact: true }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'start-page-demo');
    expect(errors).toEqual([]);
  });

  it('by keyboard to the clinic app, signed in through the sign-in page, the shell with the person and the tabs; sign-out', async () => {
    const { page, errors } = await open();
    await page.goto(`${server.url}/`);
    let focused = '';
    for (let i = 0; i < 10 && focused !== '診療所アプリ'; i++) {
      await page.keyboard.press('Tab');
      focused = await inPage<string>(page, "document.activeElement?.textContent ?? ''");
    }
    expect(focused).toBe('診療所アプリ');
    await screenshot(page, 'start-page-keyboard-focus', { fullPage: false });
    await page.keyboard.press('Enter');
    // The app sends the browser to the authorization server's sign-in page.
    await page.waitForURL(/\/auth\/authorize\?/);
    const authorize = new URL(page.url());
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'tsunagu-clinic',
      redirect_uri: `${server.url}/clinic/`,
      scope: 'openid fhirUser user/*.cruds offline_access',
      code_challenge_method: 'S256',
      aud: `${server.url}/fhir`,
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await heading(page)).toBe('診療所アプリ にサインイン');
    await screenshot(page, 'sign-in-page', { docs: true });

    const submitted = performance.now();
    await signInOnPage(page, DOCTOR);
    await page.getByText('山田 太郎（医師）').waitFor();
    console.log(`Clinic app signed in and usable in ${Math.round(performance.now() - submitted)} ms after the sign-in form`);
    expect(new URL(page.url()).search).toBe(''); // the code is gone from the address
    expect(await page.getByText('つなぐ内科クリニック').count()).toBe(1);
    const tabs = page.getByRole('navigation', { name: '画面の切り替え' }).getByRole('link');
    expect(await tabs.allTextContents()).toEqual(['受付', '患者', '紹介状', '処方', '検査・病名登録', '会計', '救急用サマリーの確認', '救急時医療情報閲覧']);
    expect(await heading(page)).toBe('受付');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-shell', { docs: true });

    await page.getByRole('link', { name: '紹介状' }).click();
    expect(new URL(page.url()).hash).toBe('#letters');
    expect(await heading(page)).toBe('紹介状');
    expect(await page.getByRole('link', { name: '紹介状' }).getAttribute('aria-current')).toBe('page');

    // A reload keeps the sign-in (sessionStorage) and the screen: the first screen of a signed-in app.
    const reloaded = performance.now();
    await page.reload();
    await page.getByText('山田 太郎（医師）').waitFor();
    const ms = Math.round(performance.now() - reloaded);
    // A figure for the log; the target (usable within 2 s) is measured by `npm run bench -- --only=web`.
    console.log(`Clinic app (signed in) usable in ${ms} ms`);
    expect(await heading(page)).toBe('紹介状');

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.getByText('山田 太郎 (doctor)').count()).toBe(1);
    expect(await heading(page)).toBe('Letters');
    await page.getByRole('button', { name: '日本語' }).click();

    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByText('サインアウトしました').waitFor();
    expect(await inPage(page, "sessionStorage.getItem('tsunagu.tsunagu-clinic.session')")).toBeNull();
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-signed-out');
    expect(errors).toEqual([]);
  });

  it('the clinic app on a tablet and at 200% zoom: nothing overflows', async () => {
    for (const [name, options] of [
      ['clinic-shell-tablet-portrait', TABLET_PORTRAIT],
      ['clinic-shell-zoom-200', ZOOM_200],
    ] as const) {
      const { page } = await open(options);
      await page.goto(`${server.url}/clinic/`);
      await page.waitForURL(/\/auth\/authorize\?/);
      await signInOnPage(page, DOCTOR);
      await page.getByText('山田 太郎（医師）').waitFor();
      expect(await overflowsSideways(page), name).toBe(false);
      await screenshot(page, name);
      await page.context().close();
    }
  });

  it('a sign-in answer the app did not ask for is refused with a plain message and a way to sign in again', async () => {
    const { page, errors } = await open();
    await page.goto(`${server.url}/clinic/?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('サインインの確認に失敗しました');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByRole('button', { name: 'もう一度サインイン' }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-sign-in-refused');
    await page.getByRole('button', { name: 'もう一度サインイン' }).click();
    await page.waitForURL(/\/auth\/authorize\?/);
    expect(errors).toEqual([]);
  });

  it('a screen that cannot be drawn shows a Japanese message with a retry button, not a blank page', async () => {
    const { page } = await open();
    await page.goto(`${server.url}/404-first`); // any page of this origin, to reach its sessionStorage
    // A kept session the app cannot draw (as from an older version): the person's name is not text.
    await inPage(
      page,
      `sessionStorage.setItem('tsunagu.tsunagu-clinic.session', JSON.stringify({ accessToken: 'x', refreshToken: 'y', expiresAt: Date.now() + 600000, scope: '', user: { id: 'u', kind: 'staff', name: { broken: true } } }))`,
    );
    await page.goto(`${server.url}/clinic/`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('この画面を表示できませんでした');
    expect(await page.getByRole('button', { name: 'もう一度試す' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'スタートページへ' }).getAttribute('href')).toBe('/');
    expect(await page.content()).not.toMatch(/at \w+ \(|Objects are not valid/); // no stack trace or React message
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-screen-error');
  });

  it('the 404 page: Japanese, a way back, accessible', async () => {
    const { page, errors } = await open();
    const res = await page.goto(`${server.url}/no-such-page`);
    expect(res?.status()).toBe(404);
    expect(await heading(page)).toBe('ページが見つかりません');
    expect(await page.getByRole('link', { name: 'スタートページへ' }).getAttribute('href')).toBe('/');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'not-found');
    expect(errors).toEqual([]);
  });

  it('the not-built page: Japanese, how to build, accessible', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tsunagu-no-web-'));
    const app = Fastify();
    await app.register(webApps, { distDir: join(empty, 'dist') });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { page, errors } = await open();
      const res = await page.goto(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`);
      expect(res?.status()).toBe(503);
      expect(await heading(page)).toBe('Webアプリがまだビルドされていません');
      expect(await checkA11y(page)).toEqual([]);
      await screenshot(page, 'not-built');
      expect(errors).toEqual([]);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
