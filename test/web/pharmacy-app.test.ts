/**
 * 薬局アプリ in headless Chromium against the demo world (src/demo/README.md). みどり薬局's 薬剤師 receives 松本 大輔's
 * prescription by 引換番号 + 被保険者番号 + 生年月日, sees the 重複投薬 alert with ハルシオン (さくら総合病院, 20 days ago),
 * accepts it, hands over ロキソプロフェンＮａ錠６０ｍｇ「サワイ」 for ロキソニン (代替調剤), registers the result and sees the
 * service's receipt (its signature verified in the page), corrects it (version 2) and finds it in 本日の処方箋, where he
 * then cancels it (the use re-opens: 未登録). A wrong birth date and 井上 由美's prescription (accepted by あおぞら薬局)
 * are refused with plain messages. The 事務 receives 髙橋 一郎 by his My Number card with his consent and accepts it, has
 * no 調剤 button, and the server refuses her dispensing (403). axe: no serious or critical violation on any screen; a
 * phone viewport (360 px) with no sideways scroll; English; no unexpected console error.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, signInOnPage } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const PHONE: BrowserContextOptions = { ...CLINIC_PC, viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const SESSION_KEY = 'tsunagu.tsunagu-pharmacy.session';
const LOXONIN = 'ロキソニン錠６０ｍｇ';
const SAWAI = 'ロキソプロフェンＮａ錠６０ｍｇ「サワイ」';
/** The browser logs a refused request (the page shows it as a message): expected where a test provokes one. */
const refusedRequest = (text: string) => /status of (403|404|409)/.test(text);

type Json = Record<string, unknown>;

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the pharmacy app in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pharmacyCode = () => server.world.signIns.find((s) => s.roleName === '薬剤師')!.facilityCode;
  const staff = (role: '薬剤師' | '事務') => demoStaff(server.world, role, pharmacyCode());
  const open = (options: BrowserContextOptions = CLINIC_PC, expected?: (text: string) => boolean) => openPage(browser, options, expected);

  async function signedIn(page: Page, role: '薬剤師' | '事務', screen = '') {
    const who = staff(role);
    await page.goto(`${server.url}/pharmacy/${screen ? `#${screen}` : ''}`);
    await page.waitForURL(/\/auth\/authorize\?/);
    await signInOnPage(page, who);
    await page.getByText(`${who.displayName}（${who.roleName}）`).waitFor();
  }
  const tokenOf = async (page: Page) => JSON.parse((await inPage<string>(page, `sessionStorage.getItem('${SESSION_KEY}')`)) ?? '{}').accessToken as string;
  const api = async (token: string, method: 'GET' | 'POST', path: string, body?: Json) => {
    const res = await fetch(`${server.url}/fhir/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json', ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const openRx = (key: string) => server.world.openPrescriptions!.find((o) => o.patient === key)!;

  /** Fills the 引換番号 form with the patient's numbers (the birth date may be given wrong). */
  async function retrieve(page: Page, key: string, birthDate?: string) {
    const p = demoPatient(server.world, key);
    const [insurer, symbol, number, branch] = p.insuredNumber.split(':');
    await page.getByLabel('引換番号（数字6桁）').fill(openRx(key).exchangeNumber);
    await page.getByLabel('保険者番号').fill(insurer);
    await page.getByLabel('記号').fill(symbol);
    await page.getByLabel('番号', { exact: true }).fill(number);
    await page.getByLabel('枝番').fill(branch);
    await page.getByLabel('生年月日').fill(birthDate ?? p.birthDate);
    await page.getByRole('button', { name: '処方箋を取得する' }).click();
  }

  it('the 薬剤師: 引換番号 → the alert → 受付 → 代替調剤 → registered with a verified receipt → corrected → the day’s list → cancelled', async () => {
    const { page, errors } = await open();
    await signedIn(page, '薬剤師');
    await page.getByRole('heading', { name: '引換番号で受付' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-receive', { docs: true });

    await retrieve(page, 'matsumoto');
    const rx = page.locator('.pharmacy-rx');
    await rx.getByRole('heading', { name: /松本 大輔/ }).waitFor();
    // the facilities' names come from the directory
    await rx.getByText('つなぐ内科クリニック').waitFor();
    await page
      .locator('.pharmacy-alert')
      .getByText(/さくら総合病院/)
      .waitFor();
    const card = (await rx.textContent()) ?? '';
    for (const s of ['ドラール錠２０　２０ｍｇ', LOXONIN, '1日3回毎食後', '5日分', '佐藤 健一', 'つなぐ内科クリニック', '使用期限', '受付待ち'])
      expect(card, s).toContain(s);
    const alert = (await page.locator('.pharmacy-alert').first().textContent()) ?? '';
    for (const s of ['重複投薬（同効薬）', 'ハルシオン０．２５ｍｇ錠', 'さくら総合病院', '（医科）', '処方', '20日前']) expect(alert, s).toContain(s);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-prescription-alert', { docs: true });

    await page.getByRole('button', { name: 'この処方箋を受け付ける' }).click();
    await page.getByText('受け付けました。').waitFor();
    await page.getByRole('button', { name: '調剤する' }).click();
    const form = page.locator('.pharmacy-dispense');
    await form.getByRole('heading', { name: '調剤内容' }).waitFor();
    const brand = form.locator('.pharmacy-line').filter({ hasText: LOXONIN }).getByLabel('お渡しする薬剤');
    await brand.locator('option', { hasText: SAWAI }).waitFor({ state: 'attached' });
    await brand.selectOption({ label: SAWAI });
    await form.getByText('別銘柄に変更して調剤します（代替調剤）').waitFor();
    // more than prescribed is refused in the page, in Japanese
    await form.getByLabel(/^数量（錠・残り 15）/).fill('16');
    await form.getByRole('button', { name: '調剤結果を登録する' }).click();
    await form.getByText('処方の残り（15）を超えています。').waitFor();
    await form.getByLabel(/^数量（錠・残り 15）/).fill('15');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-dispense-substitution', { docs: true });
    await form.getByRole('button', { name: '調剤結果を登録する' }).click();

    const receipt = page.locator('.pharmacy-receipt');
    await receipt.getByText('✓ 電子処方箋管理サービスの署名を確認しました').waitFor();
    const r = (await receipt.textContent()) ?? '';
    for (const s of ['登録済み', SAWAI, '15錠', '代替調剤', 'ドラール錠２０　２０ｍｇ', '14錠']) expect(r, s).toContain(s);
    await page.getByText('調剤結果を登録しました。').waitFor();
    expect(await page.getByRole('button', { name: '調剤する' }).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-receipt', { docs: true });
    // the service recorded the substitution
    const lines = (
      await server.t.platform.db.query<{ name: string; substituted: boolean }>(
        `SELECT dl.name, dl.substituted FROM eprescription_dispensed_lines dl JOIN eprescription_dispensings d ON d.dispensing_id = dl.dispensing_id
          WHERE d.prescription_id = $1 ORDER BY dl.line_no`,
        [openRx('matsumoto').prescription],
      )
    ).rows;
    expect(lines).toEqual([
      { name: 'ドラール錠２０　２０ｍｇ', substituted: false },
      { name: SAWAI, substituted: true },
    ]);

    // 訂正: the hypnotic was given for 7 days only — version 2
    await page.getByRole('button', { name: '調剤結果を訂正する' }).click();
    const correction = page.locator('.pharmacy-dispense');
    await correction.getByRole('heading', { name: '調剤結果の訂正' }).waitFor();
    await correction.getByLabel(/^数量（錠・残り 14）/).fill('7');
    await correction.getByRole('button', { name: '訂正を登録する' }).click();
    await page.getByText('調剤結果を訂正しました').waitFor();
    await receipt.getByText('訂正済み').waitFor();
    expect((await receipt.textContent()) ?? '').toMatch(/版\s*2/);
    await receipt.getByText('✓ 電子処方箋管理サービスの署名を確認しました').waitFor();

    // 本日の処方箋: registered, the share
    await page.getByRole('link', { name: '本日の処方箋' }).click();
    const registered = page.locator('.pharmacy-entry-registered').filter({ hasText: '松本 大輔' });
    await registered.waitFor();
    expect((await page.locator('.pharmacy-summary').textContent()) ?? '').toMatch(/\d+%/);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-today', { docs: true });
    // 取消 from the list: the use opens again, held here (未登録)
    await registered.getByRole('button', { name: '開く' }).click();
    await registered.getByRole('button', { name: '調剤結果を取り消す' }).click();
    await registered.getByRole('button', { name: '取り消す', exact: true }).click();
    const held = page.locator('.pharmacy-entry-unregistered').filter({ hasText: '松本 大輔' });
    await held.waitFor();
    await held.getByText('取消済み').waitFor();
    expect(await held.getByRole('button', { name: '調剤する' }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-today-cancelled');
    expect(errors).toEqual([]);
  });

  it('a wrong birth date and a prescription held by another pharmacy are refused with a plain message', async () => {
    const { page, errors } = await open(CLINIC_PC, refusedRequest);
    await signedIn(page, '薬剤師', 'receive');
    const takahashi = demoPatient(server.world, 'takahashi');
    const wrong = takahashi.birthDate.replace(/-(\d\d)$/, (_, d) => `-${String((Number(d) % 28) + 1).padStart(2, '0')}`);
    await retrieve(page, 'takahashi', wrong);
    const refusal = page.locator('.pharmacy-refusal');
    await refusal.getByText('処方箋が見つかりません').waitFor();
    const said = (await refusal.textContent()) ?? '';
    expect(said).toContain('引換番号・被保険者番号・生年月日に一致する処方箋はありません');
    expect(said).toContain('もう一度ご確認ください');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-wrong-birth-date', { docs: true });

    await page.reload();
    await page.getByRole('heading', { name: '引換番号で受付' }).waitFor();
    await retrieve(page, 'inoue');
    await refusal.getByText('他の薬局で受付済みです').waitFor();
    const elsewhere = (await refusal.textContent()) ?? '';
    expect(elsewhere).toContain('他の薬局が受け付けて対応中');
    expect(elsewhere).toContain('受付の取消し');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-accepted-elsewhere', { docs: true });
    // English
    await page.getByRole('button', { name: 'English' }).click();
    await refusal.getByText('Accepted by another pharmacy').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the 事務 receives by the My Number card with consent and accepts, cannot dispense — no button, and the server refuses', async () => {
    const { page, errors } = await open();
    await signedIn(page, '事務', 'receive');
    const p = demoPatient(server.world, 'takahashi');
    await page.getByText('マイナンバーカード（同意あり）').click();
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(p.card);
    await page.getByLabel('暗証番号（数字4桁）').fill(p.pin);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'すべて同意する' }).click();
    const rx = page.locator('.pharmacy-rx');
    await rx.getByRole('heading', { name: /髙橋 一郎/ }).waitFor();
    // with his consent the alerts name the other drug and where (his earlier prescriptions of the clinic)
    await page
      .locator('.pharmacy-alert')
      .first()
      .getByText(/つなぐ内科クリニック/)
      .waitFor();
    await page.getByRole('button', { name: 'この処方箋を受け付ける' }).click();
    await page.getByText('受け付けました。').waitFor();
    expect(await page.getByRole('button', { name: '調剤する' }).count()).toBe(0);
    await page.getByText('調剤結果の登録は薬剤師が行います').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-clerk-accepted');
    const token = await tokenOf(page);
    const refused = await api(token, 'POST', '$dispense-prescription', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'prescription', valueString: openRx('takahashi').prescription },
        {
          name: 'dispense',
          resource: {
            resourceType: 'MedicationDispense',
            status: 'completed',
            medicationCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: '612170710', display: 'ノルバスク錠５ｍｇ' }] },
            quantity: { value: 28, unit: '錠' },
          },
        },
      ],
    });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('事務');
    // nor may she correct or cancel results; the day's list she may read
    expect((await api(token, 'POST', '$cancel-dispensing', { resourceType: 'Parameters', parameter: [{ name: 'dispensing', valueString: 'x' }] })).status).toBe(
      403,
    );
    expect((await api(token, 'GET', '$pharmacy-worklist')).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('on a phone (360 px): the day’s list and the counter fit, no sideways scroll, axe clean', async () => {
    const { page, errors } = await open(PHONE);
    await signedIn(page, '薬剤師', 'today');
    await page.locator('.pharmacy-entry-unregistered').filter({ hasText: '髙橋 一郎' }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-phone-today', { docs: true });
    const takahashi = page.locator('.pharmacy-entry-unregistered').filter({ hasText: '髙橋 一郎' });
    await takahashi.getByRole('button', { name: '開く' }).click();
    await takahashi.getByRole('button', { name: '調剤する' }).click();
    await takahashi.locator('.pharmacy-dispense').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'pharmacy-phone-dispense');
    await page.getByRole('link', { name: '処方箋の受付' }).click();
    await page.getByRole('heading', { name: '引換番号で受付' }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
