/**
 * 会計 (the clinic app's window payment) in headless Chromium on the demo world (src/demo/README.md): the desk (事務)
 * receives 𠮷田 花子 (45, 協会けんぽ 3割) with her card and PIN, opens 会計, ticks 外来管理加算 on her first visit (removed,
 * with its reason), 処方箋料, 一般名処方加算１ and 末梢血液一般 (血液学的検査判断料 added automatically), estimates — the
 * sample-master notice, the lines, 合計点数, 総医療費 and 「窓口負担額」 with the yen worked out by hand from the
 * 令和8年度 values — records it (会計), prints the 領収証・明細書 (a new window) and saves the PDF, makes the month's 社保
 * claim file (RECEIPTC.UKE, Shift_JIS; her 𠮷 written 吉, with the note) and cancels the visit with a reason. Errors:
 * an unknown code (199999999) and a malformed one are shown in Japanese next to the code field; 清水 浩's 難病 公費
 * without its 自己負担上限月額 is shown at the cap field, then estimated with it. axe finds nothing serious in any
 * state; nothing overflows; no console error.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, ZOOM_200 } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const CURRENT = 'tsunagu.tsunagu-clinic.data.patient';

/** The sample master's 令和8年度 points (src/services/billing/master/sample/README.md). */
const POINTS = { 初診料: 291, 処方箋料: 68, 一般名処方加算１: 8, 末梢血液一般: 21, 血液学的検査判断料: 125, 休日加算初診: 250 };

/** Today in Japan: a Sunday or 12/29–1/3 is a 休日 by itself (calc/time-band.ts), adding 休日加算 to the 初診料. */
function japanHoliday(): boolean {
  const now = new Date(Date.now() + 9 * 3_600_000);
  const md = now.toISOString().slice(5, 10);
  return now.getUTCDay() === 0 || ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'].includes(md);
}

/** 10円未満四捨五入 (健康保険法施行令 / 療養担当規則: the window payment is rounded to 10 yen). */
const round10 = (yen: number) => Math.floor((yen + 5) / 10) * 10;
const yen = (n: number) => n.toLocaleString('ja-JP');

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the clinic's 会計 screen in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The refused requests a page shows as messages are logged by the browser anyway: not errors of the page. */
  const refusal = (text: string) => /status of (400|404|409|422)/.test(text);

  async function signedIn(
    screen: string,
    expected?: (text: string) => boolean,
    options: BrowserContextOptions = CLINIC_PC,
  ): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser, options, expected);
    await openClinicSignedIn(opened.page, server, demoStaff(server.world, '事務'), screen);
    return opened;
  }

  const visitCount = async (patientId: string) =>
    Number(
      (await server.t.platform.db.query<{ n: string }>('SELECT count(*) AS n FROM billing_visits WHERE patient_key = $1 AND cancelled_at IS NULL', [patientId]))
        .rows[0].n,
    );

  it('𠮷田 花子: received by card, estimated (外来管理加算 removed, 判断料 added), charged, receipt, claim file, cancelled', async () => {
    const { page, errors } = await signedIn('reception');
    const p = demoPatient(server.world, 'yoshida');
    // 受付: the card, the PIN, his consent — he becomes the current patient
    await page.getByRole('heading', { name: 'マイナンバーカードで受付' }).waitFor();
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(p.card);
    await page.getByText('カードを読み取りました。').waitFor();
    await page.getByLabel('暗証番号（数字4桁）').fill(p.pin);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('button', { name: 'すべて同意する' }).click();
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();

    // 会計
    await page.getByRole('link', { name: '会計', exact: true }).click();
    await page.getByRole('heading', { name: '会計の入力' }).waitFor();
    expect(await page.locator('.billing-patient-name').textContent()).toBe('𠮷田 花子');
    expect(await page.getByText('初診料・再診料、時間外・休日・深夜などの加算、検査の判断料は自動で算定します').count()).toBe(1);
    // the time defaults to now (Japan); a weekday morning is set so that the figures are the posted hours'
    expect(await page.getByLabel('受付時刻（時:分）').inputValue()).toMatch(/^\d{2}:\d{2}$/);
    await page.getByLabel('受付時刻（時:分）').fill('10:00');
    for (const name of ['外来管理加算', '処方箋料', '一般名処方加算１', '末梢血液一般']) await page.getByLabel(name).check();
    await page.getByLabel('傷病名（1）').fill('本態性高血圧症');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);

    await page.getByRole('button', { name: '計算する' }).click();
    const result = page.locator('.billing-result');
    await result.getByRole('heading', { name: '計算結果（試算・まだ会計していません）' }).waitFor();
    expect(await result.getByText('サンプルマスターによる試算です（請求には使えません）').count()).toBe(1);
    // 外来管理加算 is not billed on a first visit, and says why
    const removed = (await result.locator('.billing-removed').textContent()) ?? '';
    expect(removed).toContain('外来管理加算');
    expect(removed).toContain('初診');
    // the lines: 初診料 (automatic), the items, 血液学的検査判断料 added with its rule
    const lines = result.locator('.billing-lines tbody tr');
    const text = (await lines.allTextContents()).join('\n');
    expect(text).toContain('初診料');
    expect(text).toContain(`${POINTS.初診料} × 1`);
    expect(text).toContain(`${POINTS.処方箋料} × 1`);
    expect(text).toContain(`${POINTS.一般名処方加算１} × 1`);
    expect(text).toContain(`${POINTS.末梢血液一般} × 1`);
    const judgement = lines.filter({ hasText: '血液学的検査判断料' });
    expect(await judgement.count()).toBe(1);
    expect(await judgement.textContent()).toContain(`${POINTS.血液学的検査判断料} × 1`);
    expect(await judgement.locator('.billing-auto').textContent()).toBe('自動');
    expect(await judgement.locator('.billing-auto').getAttribute('title')).not.toBe('');
    expect(await judgement.locator('.visually-hidden').textContent()).toMatch(/^自動で算定：./);
    expect(await lines.filter({ hasText: '外来管理加算' }).count()).toBe(0);

    // by hand: 291 + 68 + 8 + 21 + 125 = 513 points (a 休日 adds 250 to the 初診料); 3割, rounded to 10 yen
    const holiday = japanHoliday();
    const points =
      POINTS.初診料 + POINTS.処方箋料 + POINTS.一般名処方加算１ + POINTS.末梢血液一般 + POINTS.血液学的検査判断料 + (holiday ? POINTS.休日加算初診 : 0);
    const pays = round10(points * 10 * 0.3);
    if (!holiday) expect(pays).toBe(1540);
    expect(await result.locator('.billing-total-points').textContent()).toBe(`${yen(points)}点`);
    expect(await result.locator('.billing-total-yen').textContent()).toBe(`${yen(points * 10)}円`);
    expect(await result.locator('.billing-window').textContent()).toContain(`窓口負担額${yen(pays)}円`);
    const shares = result.locator('.billing-shares tbody tr');
    expect(await shares.count()).toBe(2);
    expect(await shares.filter({ hasText: /^保険者/ }).textContent()).toContain(`${yen(points * 10 - pays)}円`);
    expect(await shares.filter({ hasText: /^患者/ }).textContent()).toContain(`${yen(pays)}円`);
    // the rules with their sources, folded
    const rules = result.locator('.billing-rules');
    expect(await rules.getAttribute('open')).toBeNull();
    await rules.locator('summary').click();
    expect(await rules.locator('li').count()).toBeGreaterThan(0);
    expect(await rules.locator('li').first().textContent()).toContain('根拠：');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    expect(await visitCount(p.patientId)).toBe(0); // an estimate records nothing
    await screenshot(page, 'clinic-billing-estimate', { docs: true });

    // 会計する: recorded, the same figures, the visit id
    await page.getByRole('button', { name: '会計する' }).click();
    await result.getByRole('heading', { name: '会計しました' }).waitFor();
    const visitId = ((await result.locator('.billing-visit-id').textContent()) ?? '').trim();
    expect(visitId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await result.locator('.billing-window').textContent()).toContain(`窓口負担額${yen(pays)}円`);
    expect(await visitCount(p.patientId)).toBe(1);
    // this month's charges list it
    const visits = page.locator('.billing-visits tbody tr');
    await visits.first().waitFor();
    expect(await visits.count()).toBe(1);
    expect(await visits.first().textContent()).toContain('会計済み');
    expect(await visits.first().textContent()).toContain(`${yen(pays)}円`);
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-billing-recorded', { docs: true });

    // 領収証・明細書: a printable window, built without inline styles (the app's CSP)
    const popupErrors: string[] = [];
    const popupPromise = page.waitForEvent('popup');
    await page.getByRole('button', { name: '領収証・明細書を印刷', exact: true }).click();
    const popup = await popupPromise;
    popup.on('console', (m) => m.type() === 'error' && popupErrors.push(m.text()));
    await popup.getByRole('heading', { name: '領収証' }).waitFor();
    const receipt = (await popup.locator('body').textContent()) ?? '';
    expect(receipt).toContain('𠮷田 花子 様');
    expect(receipt).toContain(`${yen(pays)}円`);
    expect(receipt).toContain('明細書');
    expect(await popup.title()).toContain('領収証・明細書');
    // the receipt's own stylesheet applies (a constructed stylesheet: centred 領収証 title)
    expect(await inPage<string>(popup, "getComputedStyle(document.querySelector('h1')).textAlign")).toBe('center');
    await screenshot(popup, 'clinic-billing-receipt', { docs: true });
    await popup.close();
    expect(popupErrors).toEqual([]);
    // PDF
    const pdfPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'PDF（領収証・明細書を保存）', exact: true }).click();
    const pdf = await pdfPromise;
    expect(pdf.suggestedFilename()).toMatch(/^領収証・明細書_\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(
      readFileSync(await pdf.path())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');

    // the month's claim file to 社保 (𠮷田 is 協会けんぽ): her 𠮷 is written as 吉 in the file, and the note says so
    const claim = page.locator('.billing-claim');
    expect(await claim.getByLabel('診療年月').inputValue()).toBe(server.world.today.slice(0, 7));
    expect(await claim.getByLabel('社保（社会保険診療報酬支払基金）').isChecked()).toBe(true);
    const ukePromise = page.waitForEvent('download');
    await claim.getByRole('button', { name: '請求ファイルを作成' }).click();
    const uke = await ukePromise;
    expect(uke.suggestedFilename()).toBe('RECEIPTC.UKE');
    const file = new TextDecoder('shift_jis').decode(readFileSync(await uke.path()));
    expect(file.startsWith('IR,')).toBe(true);
    expect(file).toContain('吉田');
    await claim.getByText(`RECEIPTC.UKE を保存しました：レセプト 1件、合計 ${yen(points)}点`).waitFor();
    expect(await claim.locator('.billing-claim-notes li').first().textContent()).toContain(
      '「𠮷田 花子」は JIS X 0208 にない文字を含むため、レセプトには「吉田 花子」と記録しました',
    );
    expect(await checkA11y(page)).toEqual([]);

    // 取消: the latest charge, with a reason
    await page.getByRole('button', { name: /^取消（\d{4}-\d{2}-\d{2} の会計）$/ }).click();
    await page.locator('.billing-visits').getByText('取消の理由を入力してください').waitFor();
    expect(await visitCount(p.patientId)).toBe(1);
    await page.getByLabel('取消の理由（必須・200字以内）').fill('入力誤りのため');
    await page.getByRole('button', { name: /^取消（\d{4}-\d{2}-\d{2} の会計）$/ }).click();
    await page.getByText(/の会計を取り消しました。$/).waitFor();
    await visits.first().getByText('取消済み').waitFor();
    expect(await visits.first().textContent()).toContain('入力誤りのため');
    expect(await visitCount(p.patientId)).toBe(0);
    // the entry is back for the next charge
    await page.getByRole('heading', { name: '会計の入力' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('errors in Japanese at their field: an unknown and a malformed code; 清水 浩’s 難病 公費 without its monthly cap', async () => {
    const { page, errors } = await signedIn('reception', refusal);
    const takahashi = demoPatient(server.world, 'takahashi');
    await inPage(page, `sessionStorage.setItem(${JSON.stringify(CURRENT)}, ${JSON.stringify(JSON.stringify({ id: takahashi.patientId, name: '髙橋 一郎' }))})`);
    await page.goto(`${server.url}/clinic/#billing`);
    await page.getByRole('heading', { name: '会計の入力' }).waitFor();

    // a malformed code: the form's own check
    const code = page.getByLabel('診療行為コード（9桁・1行目）');
    await code.fill('12345');
    await page.getByRole('button', { name: '計算する' }).click();
    const own = page.locator(`[id="${await code.getAttribute('aria-describedby')}"]`);
    await own.getByText('診療行為コードは9桁の数字で入力してください').waitFor();
    expect(await own.getAttribute('role')).toBe('alert');
    expect(await code.getAttribute('aria-invalid')).toBe('true');

    // an unknown code: the service's message, next to the field it names (visit.items[i].code)
    await page.getByLabel('処方箋料').check();
    await code.fill('199999999');
    await page.getByRole('button', { name: '計算する' }).click();
    await page.getByText('診療行為コード 199999999 は点数マスターにありません').waitFor();
    const described = page.locator(`[id="${await code.getAttribute('aria-describedby')}"]`);
    expect(await described.textContent()).toContain('診療行為コード 199999999 は点数マスターにありません');
    expect(await described.getAttribute('role')).toBe('alert');
    expect(await page.locator('.billing-result').count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-billing-unknown-code');

    // 清水 浩 (指定難病 54…), chosen from today's receptions: the cap is asked for, and the service's refusal shown there
    await page.locator('.billing-other summary').click();
    await page.getByRole('button', { name: '会計する：清水 浩 さん' }).click();
    await page.locator('.billing-patient-name', { hasText: '清水 浩' }).waitFor();
    const cap = page.getByLabel(/^自己負担上限月額（円・54\d{6}）$/);
    await cap.waitFor();
    await page.getByLabel('受付時刻（時:分）').fill('10:00');
    await page.getByLabel('ＨｂＡ１ｃ').check();
    await page.getByRole('button', { name: '計算する' }).click();
    await page.getByText(/自己負担上限月額（受給者証）がありません/).waitFor();
    const capError = page.locator(`[id="${await cap.getAttribute('aria-describedby')}"]`);
    expect(await capError.textContent()).toMatch(/公費負担者番号 54\d{6} の自己負担上限月額（受給者証）がありません/);
    expect(await checkA11y(page)).toEqual([]);
    await cap.fill('5000');
    await page.getByRole('button', { name: '計算する' }).click();
    const result = page.locator('.billing-result');
    await result.getByRole('heading', { name: '計算結果（試算・まだ会計していません）' }).waitFor();
    expect(await cap.getAttribute('aria-invalid')).toBeNull();
    const shares = (await result.locator('.billing-shares tbody tr').allTextContents()).join('\n');
    expect(shares).toContain('公費：');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-billing-public-expense');
    expect(errors).toEqual([]);
  });

  it('at 200% zoom nothing overflows, in Japanese and English; with no current patient, today’s receptions to choose from and the way to reception', async () => {
    const { page, errors } = await signedIn('billing', undefined, ZOOM_200);
    await page.getByText('会計する患者さんが選ばれていません。').waitFor();
    expect(await page.getByRole('link', { name: '受付で患者さんを受け付ける' }).getAttribute('href')).toBe('#reception');
    await page.getByRole('button', { name: '会計する：髙橋 一郎 さん' }).click();
    await page.getByRole('heading', { name: '会計の入力' }).waitFor();
    await page.getByLabel('処方箋料').check();
    await page.getByRole('button', { name: '計算する' }).click();
    await page.getByRole('heading', { name: '計算結果（試算・まだ会計していません）' }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-billing-zoom200');
    // in English too
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Estimate (not yet charged)' }).waitFor();
    expect(await page.getByText('Pay at the window').count()).toBe(1);
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: '日本語' }).click();
    expect(errors).toEqual([]);
  });
});
