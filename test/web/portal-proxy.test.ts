/**
 * 代理人 in the portal, in headless Chromium against the demo world: 𠮷田 花子 (the 親権者 of 齋藤 健太, 8) signs in with
 * her own card, switches 「表示する方」 to him, sees his eligibility with the proxy banner, and his access log names her;
 * she switches back. Someone with nobody to act for sees no switcher. axe on the switched screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkA11y, ensureChromium, launch, openPage, screenshot } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, startDemoWebServer } from './demo-web.ts';
import { openPortalSignedIn, PHONE, portalFetch } from './portal-helpers.ts';

const chromium = ensureChromium();

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`a proxy in the patient portal (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the parent switches to her child, sees his records under a proxy banner, is named in his log, and switches back', async () => {
    const parent = demoPatient(server.world, 'yoshida');
    const child = demoPatient(server.world, 'saito');
    // The 404 asked for on purpose below (her own record is not in his context) is logged by the browser.
    const { page, errors } = await openPage(browser, PHONE, (text, url) => /status of 404/.test(text) && /\/fhir\/Patient\//.test(url));
    await openPortalSignedIn(page, server, parent);
    const select = page.getByLabel('表示する方');
    await select.selectOption(child.patientId);
    await page.getByText(`${child.name} さんの情報を代理人として表示しています`).waitFor();
    await page.locator('.app-user').getByText(`${parent.name}（${child.name} さんの代理）`).waitFor();
    const me = await portalFetch<{ id: string }>(page, `/fhir/Patient/${child.patientId}`);
    expect(me.status).toBe(200);
    expect((await portalFetch(page, `/fhir/Patient/${parent.patientId}`)).status).toBe(404);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'portal-proxy-phone', { docs: true });

    // His access log (read by him) names her.
    await server.t.platform.readAudit.drain();
    const log = await portalFetch<{ parameter?: { name: string; part?: { name: string; valueString?: string }[] }[] }>(page, '/fhir/$access-log?count=50');
    expect(log.status).toBe(200);
    const names = (log.body.parameter ?? []).filter((p) => p.name === 'access').flatMap((p) => (p.part ?? []).map((x) => x.valueString ?? ''));
    expect(names.some((n) => n.includes(parent.name))).toBe(true);

    await page.getByLabel('表示する方').selectOption(parent.patientId);
    await expect.poll(() => page.locator('.proxy-banner').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.locator('.app-user').textContent(), { timeout: 30_000 }).toContain(parent.name);
    expect(await page.locator('.app-user').textContent()).not.toContain('代理');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a patient with nobody to act for sees no switcher', async () => {
    const { page } = await openPage(browser, PHONE);
    await openPortalSignedIn(page, server, demoPatient(server.world, 'takahashi'));
    expect(await page.getByLabel('表示する方').count()).toBe(0);
    await page.context().close();
  });
});
