/**
 * Signing in to the clinic app in Chromium, the parts the shell test does not cover: a wrong password gets the
 * Japanese message on the sign-in page (the login kept, the password not) and no session; five failures lock the
 * account so that the right password fails too, until the operator unlocks it; an account with two-step sign-in
 * needs the authenticator's code; the pages stay accessible throughout.
 */
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_AFTER } from '../../src/platform/auth/staff/staff-accounts.ts';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, screenshot, signInOnPage, startWebServer, type WebServer } from './browser.ts';

const chromium = ensureChromium();
const CLINIC = '1312345679';
const PASSWORD = 'shinryo2026abc';
const WRONG = 'サインインできませんでした。医療機関コード・ログインID・パスワード（設定していれば確認コード）をご確認ください。';

describe.skipIf(!chromium.ok)(`signing in to the clinic app in Chromium (${chromium.reason})`, () => {
  let server: WebServer;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launch()]);
    await server.t.platform.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility', prefecture: '東京都' });
    for (const [login, displayName, role] of [
      ['suzuki', '鈴木 花子', 'clerk'],
      ['sato', '佐藤 次郎', 'nurse'],
      ['totp', '田中 三郎', 'doctor'],
    ] as const) {
      const a = await server.t.platform.staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login, displayName, role, password: PASSWORD });
      ids[login] = a.staffId;
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signInPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext(CLINIC_PC);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      // A refused sign-in answers 401 with the page itself: the browser logs the status, which is no error of the page.
      if (m.type() === 'error' && !(m.text().startsWith('Failed to load resource') && m.location().url.includes('/auth/authorize'))) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/clinic/`);
    await page.waitForURL(/\/auth\/authorize\?/);
    return { page, errors };
  }
  const alertText = (page: Page) => page.getByRole('alert').textContent();
  const session = (page: Page) => inPage<string | null>(page, "sessionStorage.getItem('tsunagu.tsunagu-clinic.session')");

  it('a wrong password: the Japanese message, the login kept, the password not, no session', async () => {
    const { page, errors } = await signInPage();
    await signInOnPage(page, { facility: CLINIC, login: 'suzuki', password: 'not-the-password1' });
    await page.getByRole('alert').waitFor();
    expect((await alertText(page))?.trim()).toBe(WRONG);
    expect(await page.getByLabel('ログインID').inputValue()).toBe('suzuki');
    expect(await page.getByLabel('医療機関コード').inputValue()).toBe(CLINIC);
    expect(await page.getByLabel('パスワード').inputValue()).toBe('');
    expect(await page.getByText('5回続けて間違えると15分間サインインできなくなります。').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'sign-in-wrong-password', { docs: true });
    // An unknown login reads the same: the page tells no one which logins exist.
    await signInOnPage(page, { facility: CLINIC, login: 'nobody', password: 'not-the-password1' });
    await page.getByRole('alert').waitFor();
    expect((await alertText(page))?.trim()).toBe(WRONG);
    // Then the right password signs in.
    await signInOnPage(page, { facility: CLINIC, login: 'suzuki', password: PASSWORD });
    await page.getByText('鈴木 花子（事務）').waitFor();
    expect(await session(page)).not.toBeNull();
    expect(errors).toEqual([]);
  });

  it(`${LOCKOUT_AFTER} failures lock the account: the right password fails too until the operator unlocks it`, async () => {
    const { page, errors } = await signInPage();
    for (let i = 0; i < LOCKOUT_AFTER; i++) {
      await signInOnPage(page, { facility: CLINIC, login: 'sato', password: `wrong-pass-${i}x` });
      await page.getByRole('alert').waitFor();
    }
    await signInOnPage(page, { facility: CLINIC, login: 'sato', password: PASSWORD });
    await page.getByRole('alert').waitFor();
    expect((await alertText(page))?.trim()).toBe(WRONG);
    expect(new URL(page.url()).pathname).toBe('/auth/authorize');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'sign-in-locked');
    // The operator (`tsunagu staff unlock`) lifts the lock; the same page then signs in.
    await server.t.platform.staff.unlock(ids.sato);
    await signInOnPage(page, { facility: CLINIC, login: 'sato', password: PASSWORD });
    await page.getByText('佐藤 次郎（看護師）').waitFor();
    expect(errors).toEqual([]);
  });

  it('two-step sign-in: without the code or with a wrong one it fails; with the code of the authenticator app it signs in', async () => {
    const uri = await server.t.platform.staff.enableTotp(ids.totp);
    const totp = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    const { page, errors } = await signInPage();
    await signInOnPage(page, { facility: CLINIC, login: 'totp', password: PASSWORD });
    await page.getByRole('alert').waitFor();
    expect((await alertText(page))?.trim()).toBe(WRONG);
    const code = totp.generate();
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await signInOnPage(page, { facility: CLINIC, login: 'totp', password: PASSWORD, totp: wrongCode });
    await page.getByRole('alert').waitFor();
    expect((await alertText(page))?.trim()).toBe(WRONG);
    await signInOnPage(page, { facility: CLINIC, login: 'totp', password: PASSWORD, totp: code });
    await page.getByText('田中 三郎（医師）').waitFor();
    expect(errors).toEqual([]);
  });
});
