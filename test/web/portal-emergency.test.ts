/**
 * 患者ポータルの救急時・災害時の閲覧 and 救急用サマリー in headless Chromium against the demo world: the hospital's 医師
 * declared an emergency view of 髙橋 three days ago (src/demo/emergency.ts). He sees the home notice, the access on the
 * 救急時・災害時の閲覧 screen and highlighted in the access log; he issues his emergency summary and the QR text shown
 * verifies against the platform's JWKS (and fails when tampered with); 𠮷田 (no emergency access) sees none. axe on
 * each screen, phone screenshots, a print-media screenshot of the card.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyHealthCard } from '../../src/services/emergency/health-card/index.ts';
import { checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, startDemoWebServer } from './demo-web.ts';
import { openPortalSignedIn, PHONE } from './portal-helpers.ts';

const chromium = ensureChromium();
const HOSPITAL = 'さくら総合病院';
const expected = (text: string, url: string) => /^Failed to load resource: .*status of (401|403|404|503)/.test(text) && /\/(fhir|auth)\//.test(url);

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the portal's emergency screens in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(key: string, screen = '') {
    const opened = await openPage(browser, PHONE, expected);
    await openPortalSignedIn(opened.page, server, demoPatient(server.world, key), screen);
    return opened;
  }

  async function show(page: Page, screen: string) {
    await page.goto(`${server.url}/portal/#${screen}`);
    await page.locator('main h1').waitFor();
    await expect
      .poll(
        () =>
          page
            .locator('main [role="status"]')
            .filter({ hasText: /読み込/ })
            .count(),
        { timeout: 15_000 },
      )
      .toBe(0);
  }

  it('髙橋: the home notice, the emergency access screen, the access log highlighted', async () => {
    const { page, errors } = await signedIn('takahashi');
    await show(page, 'home');
    const notice = page.locator('.emergency-home-notice');
    await notice.getByText('この30日間に、同意なしの閲覧が1件ありました').waitFor();
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'portal-emergency-home-phone', { docs: true });
    await notice.getByRole('link', { name: '救急時・災害時の閲覧を確認する' }).click();
    await page.waitForURL(/#emergency$/);
    const access = page.locator('.emergency-access').first();
    await access.waitFor();
    const text = (await access.textContent()) ?? '';
    expect(text).toContain(HOSPITAL);
    expect(text).toContain('中村 直樹');
    expect(text).toContain('意識障害');
    expect(text).toContain('カード');
    expect(text).toMatch(/\d+回/);
    expect(text).toMatch(/医療機関による確認はまだです|妥当な閲覧|要確認/);
    expect(await page.locator('.emergency-access').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'portal-emergency-accesses-phone', { docs: true });

    await show(page, 'access');
    const row = page.locator('.portal-access-emergency').filter({ hasText: HOSPITAL }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('救急時の閲覧');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'portal-emergency-access-log-phone', { docs: true });
    expect(errors).toEqual([]);
  });

  it('髙橋 issues the summary QR: shown, printable, and the text verifies offline against the JWKS (tampering fails)', async () => {
    const { page, errors } = await signedIn('takahashi');
    await show(page, 'health-card');
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: '救急用サマリーを発行する' }).click();
    const qr = page.getByRole('img', { name: '救急用サマリーのQRコード' });
    await qr.waitFor();
    expect(await inPage<number>(page, "document.querySelector('.emergency-qr').naturalWidth")).toBeGreaterThan(0);
    const card = page.locator('#emergency-card');
    expect(await card.textContent()).toContain('髙橋');
    expect(await page.locator('main').textContent()).toContain('アレルギー');
    await page.locator('.emergency-qr-text summary').click();
    const shown = ((await page.locator('#emergency-qr-text').textContent()) ?? '').trim();
    expect(shown).toMatch(/^shc:\/\d+$/);
    const jwks = (await (await fetch(`${server.url}/shc/.well-known/jwks.json`)).json()) as Parameters<typeof verifyHealthCard>[1];
    const verified = await verifyHealthCard(shown, jwks);
    expect(JSON.stringify(verified)).toContain('髙橋');
    // one digit pair changed: no longer a valid card
    const i = shown.length - 8;
    const tampered = `${shown.slice(0, i)}${shown[i] === '1' ? '2' : '1'}${shown.slice(i + 1)}`;
    await expect(verifyHealthCard(tampered, jwks)).rejects.toThrow();
    await expect(verifyHealthCard(shown, { keys: [] })).rejects.toThrow();
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await page.locator('.emergency-qr-text summary').click();
    await screenshot(page, 'portal-emergency-health-card-phone', { docs: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '印刷する' }).isVisible()).toBe(false);
    expect(await qr.isVisible()).toBe(true);
    await screenshot(page, 'portal-emergency-health-card-print', { docs: true, fullPage: false });
    await page.emulateMedia({ media: 'screen' });
    expect(errors).toEqual([]);
  });

  it('𠮷田 (no emergency access) sees that there is none, and no home notice', async () => {
    const { page, errors } = await signedIn('yoshida');
    await show(page, 'home');
    expect(await page.locator('.emergency-home-notice').count()).toBe(0);
    await show(page, 'emergency');
    await page.locator('.emergency-none').getByText('ありません', { exact: false }).waitFor();
    expect(await page.locator('.emergency-access').count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'portal-emergency-none-phone', { docs: true });
    expect(errors).toEqual([]);
  });
});
