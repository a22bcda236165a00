/**
 * The clinic app's 紹介状 screen in Chromium, in the demo world (src/demo/README.md): the clinic's 医師 opens the inbox,
 * reads the hospital's letter about 髙橋 一郎, acknowledges it and prints it (print media, a PDF); then, with 髙橋 一郎 as
 * the current patient, writes a referral to さくら総合病院 (picked by typing 「さくら」, by keyboard), attaches his HbA1c and
 * a prescription, previews and sends it, and finds it among the letters sent; the hospital's 医師 signs in to the same
 * app in a fresh browser, finds the letter in the inbox, reads the attached HbA1c and prints it. Denied: the directory
 * route without a token; the 事務 gets no letters (a plain message, no 作成). axe finds nothing serious on any state;
 * nothing overflows sideways at 640 px; no console error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, SCREENSHOTS, screenshot } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const HOSPITAL = '1310200124';
const PATIENT_KEY = 'tsunagu.tsunagu-clinic.data.patient';

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the letters screen in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let doctor: Page;
  let errors: string[];
  let sentId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  async function open() {
    const opened = await openPage(browser);
    contexts.push(opened.page.context());
    return opened;
  }

  const a11y = async (page: Page, state: string) => expect(await checkA11y(page), state).toEqual([]);
  const narrow = async (page: Page, state: string) => {
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 640, height: 800 });
    expect(await overflowsSideways(page), `${state} at 640 px`).toBe(false);
    await page.setViewportSize(size);
  };

  /** Print media: the letter alone (no header, tabs or buttons), and a non-empty A4 PDF. */
  async function printed(page: Page, name: string): Promise<void> {
    await inPage(page, 'window.__printed = 0; window.print = () => { window.__printed += 1; }; 0');
    await page.getByRole('button', { name: '印刷' }).click();
    expect(await inPage<number>(page, 'window.__printed')).toBe(1);
    await page.emulateMedia({ media: 'print' });
    try {
      await printView(page, name);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  }

  async function printView(page: Page, name: string): Promise<void> {
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '受信箱に戻る' }).isVisible()).toBe(false);
    expect(await page.locator('.letters-doc').isVisible()).toBe(true);
    const colors = await inPage<{ color: string; background: string }>(
      page,
      "(() => { const s = getComputedStyle(document.querySelector('.letters-doc')); return { color: s.color, background: s.backgroundColor }; })()",
    );
    expect(colors.color).toBe('rgb(0, 0, 0)');
    await screenshot(page, name);
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    expect(pdf.length).toBeGreaterThan(5000);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    writeFileSync(join(SCREENSHOTS, `${name}.pdf`), pdf);
  }

  it("the clinic's 医師 reads the hospital's letter about 髙橋 一郎, acknowledges it and prints it", async () => {
    ({ page: doctor, errors } = await open());
    const who = demoStaff(server.world, '医師');
    await openClinicSignedIn(doctor, server, who, 'letters');
    await doctor.getByRole('heading', { name: /受信した紹介状/ }).waitFor();
    const item = doctor.locator('.letters-item').filter({ hasText: 'さくら総合病院' });
    await item.waitFor();
    expect(await item.textContent()).toContain('未読');
    await a11y(doctor, 'inbox');
    await narrow(doctor, 'inbox');
    await screenshot(doctor, 'clinic-letters-inbox', { docs: true });
    // English on request, Japanese again.
    await doctor.getByRole('button', { name: 'English' }).click();
    await doctor.getByRole('heading', { name: /Letters received/ }).waitFor();
    expect(await item.textContent()).toContain('Unread');
    await doctor.getByRole('button', { name: '日本語' }).click();
    await doctor.getByRole('heading', { name: /受信した紹介状/ }).waitFor();

    await item.getByRole('button', { name: /開く/ }).click();
    const letter = doctor.getByRole('article', { name: '診療情報提供書' });
    await letter.waitFor();
    const text = (await letter.textContent()) ?? '';
    for (const expected of [
      '髙橋 一郎',
      'タカハシ イチロウ',
      'さくら総合病院',
      'つなぐ内科クリニック',
      '労作性狭心症の精査が終了しました',
      '狭心症',
      '臨床経過',
      '左室駆出率',
    ])
      expect(text, expected).toContain(expected);
    expect(text).not.toMatch(/resourceType|urn:uuid|\{"/);
    expect(await doctor.locator('.letters-reader-title').textContent()).toContain('既読');
    await a11y(doctor, 'read');
    await narrow(doctor, 'read');
    await screenshot(doctor, 'clinic-letters-read', { docs: true });

    await doctor.getByRole('button', { name: '受領確認' }).click();
    await doctor.getByText(/受領確認しました/).waitFor();
    expect(await doctor.locator('.letters-reader-title').textContent()).toContain('受領確認済み');
    expect(await doctor.getByRole('button', { name: '受領確認' }).count()).toBe(0);
    await a11y(doctor, 'acknowledged');

    await printed(doctor, 'clinic-letters-print');
    await doctor.getByRole('button', { name: '受信箱に戻る' }).click();
    expect(await doctor.locator('.letters-item').filter({ hasText: 'さくら総合病院' }).textContent()).toContain('髙橋 一郎');
    expect(errors).toEqual([]);
  });

  it('with 髙橋 一郎 as current patient the 医師 writes a referral to さくら総合病院 with his HbA1c and medication, previews and sends it', async () => {
    const p = demoPatient(server.world, 'takahashi');
    await inPage(
      doctor,
      `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: p.patientId, name: p.name, kana: 'タカハシ イチロウ', birthDate: p.birthDate, gender: 'male' }))}); 0`,
    );
    await doctor.getByRole('button', { name: '作成' }).click();
    await doctor.getByRole('heading', { name: '紹介状の作成' }).waitFor();
    await doctor.getByText(/登録情報を読み込んでいます/).waitFor({ state: 'detached' });
    await a11y(doctor, 'write (empty)');

    // The addressee by keyboard: type, ↓, Enter.
    const combo = doctor.getByRole('combobox', { name: /紹介先医療機関/ });
    await combo.fill('さくら');
    const option = doctor.getByRole('option', { name: /さくら総合病院/ });
    await option.waitFor();
    expect(await option.textContent()).toContain(HOSPITAL);
    expect(await option.textContent()).toContain('東京都');
    await a11y(doctor, 'write (suggestions)');
    await combo.press('ArrowDown');
    await combo.press('Enter');
    await doctor.locator('.letters-chosen').filter({ hasText: HOSPITAL }).waitFor();

    // Preview before the form is complete: the problems, in Japanese, nothing sent.
    await doctor.getByRole('button', { name: 'プレビュー' }).click();
    const problems = doctor.getByRole('alert').filter({ hasText: '入力内容を確認してください' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain('紹介目的を入力してください');
    expect(await problems.textContent()).toContain('患者さんの住所を入力してください');

    await doctor.getByLabel('紹介先の診療科（任意）').fill('循環器内科');
    await doctor.getByLabel('紹介目的（必須）').fill('労作時の胸部症状の再燃につき、精査をお願いいたします。');
    await doctor.getByRole('checkbox', { name: /^2型糖尿病/ }).check();
    await doctor.getByLabel('現病歴・経過（必須）').fill('1週間前から坂道歩行で胸部圧迫感が再び出現しています。\n\n安静で5分以内に軽快します。');
    await doctor.getByLabel('既往歴（任意）').fill('高血圧症・脂質異常症で当院通院中。');
    const hba1c = doctor.getByRole('checkbox', { name: /^HbA1c/ }).first();
    const hba1cLabel = (await hba1c.getAttribute('aria-label')) ?? '';
    const value = /(\d+(?:\.\d+)?) %/.exec(hba1cLabel)?.[1];
    expect(value, hba1cLabel).toBe('7.1');
    await hba1c.check();
    const medication = doctor.getByRole('group', { name: '処方を添付' }).getByRole('checkbox').first();
    await medication.waitFor();
    const drugs = (await medication.getAttribute('aria-label')) ?? '';
    await medication.check();
    await doctor.getByLabel('備考・連絡事項（任意）').fill('ご高診のほどよろしくお願いいたします。');
    await doctor.getByLabel(/患者さんの住所/).fill('東京都千代田区神田須田町一丁目5番2号');
    await a11y(doctor, 'write (filled)');
    await narrow(doctor, 'write');
    await screenshot(doctor, 'clinic-letters-write', { docs: true });

    await doctor.getByRole('button', { name: 'プレビュー' }).click();
    await doctor.getByRole('heading', { name: '送信前の確認' }).waitFor();
    const preview = doctor.getByRole('article', { name: '診療情報提供書' });
    const previewText = (await preview.textContent()) ?? '';
    for (const expected of ['さくら総合病院 循環器内科', '労作時の胸部症状', '2型糖尿病', 'HbA1c', '7.1 %', drugs.split(/[、 ]/)[0], '佐藤 健一'])
      expect(previewText, expected).toContain(expected);
    await a11y(doctor, 'preview');
    await screenshot(doctor, 'clinic-letters-preview');

    await doctor.getByRole('button', { name: 'この内容で送信する' }).first().click();
    const done = doctor.getByRole('heading', { name: '紹介状を送信しました' });
    await done.waitFor();
    const result = (await doctor.locator('.letters-result').textContent()) ?? '';
    sentId = /紹介状 ID：?([0-9a-f-]{36})/.exec(result)?.[1] ?? '';
    expect(sentId, result).not.toBe('');
    expect(result).toContain('送信済み');
    expect(result).toContain(HOSPITAL);
    await a11y(doctor, 'sent');

    await doctor.getByRole('button', { name: '送信済みの一覧を見る' }).click();
    const row = doctor.locator('.letters-sent-table tbody tr').filter({ hasText: 'さくら総合病院' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('髙橋 一郎');
    expect(await row.textContent()).toContain('未受信');
    await a11y(doctor, 'sent list');
    await narrow(doctor, 'sent list');
    await screenshot(doctor, 'clinic-letters-sent');
    expect(errors).toEqual([]);
  });

  it("the hospital's 医師 finds the letter in the same app, reads the attached HbA1c and prints it", async () => {
    const { page, errors: errs } = await open();
    await openClinicSignedIn(page, server, demoStaff(server.world, '医師', HOSPITAL), 'letters');
    const item = page.locator('.letters-item').filter({ hasText: 'つなぐ内科クリニック' });
    await item.waitFor();
    expect(await item.textContent()).toContain('未読');
    await a11y(page, 'hospital inbox');
    await item.getByRole('button', { name: /開く/ }).click();
    const letter = page.getByRole('article', { name: '診療情報提供書' });
    await letter.waitFor();
    const table = letter.getByRole('table').filter({ hasText: 'HbA1c' });
    expect(await table.textContent()).toContain('7.1 %');
    const text = (await letter.textContent()) ?? '';
    for (const expected of ['髙橋 一郎', '労作時の胸部症状の再燃', '2型糖尿病', '既往歴', '処方', '備考・連絡情報', 'ご高診のほど'])
      expect(text, expected).toContain(expected);
    await a11y(page, 'hospital read');
    await printed(page, 'clinic-letters-print-hospital');

    // No current patient in this browser: 作成 says so and links to reception and the patients.
    await page.getByRole('button', { name: '作成' }).click();
    await page.getByText('紹介状を作成する患者さんが選ばれていません。').waitFor();
    expect(await page.getByRole('link', { name: '受付へ' }).getAttribute('href')).toBe('#reception');
    expect(await page.getByRole('link', { name: '患者一覧へ' }).getAttribute('href')).toBe('#patients');
    await a11y(page, 'write without a patient');
    expect(errs).toEqual([]);
  });

  it('the clinic sees the letter received; the 看護師 reads but does not write; refused: the directory without a token, letters for the 事務', async () => {
    await doctor.getByRole('button', { name: '最新の状態にする' }).click();
    await doctor.locator('.letters-sent-table tbody tr').filter({ hasText: '受信済み' }).first().waitFor();

    const bare = await doctor.request.get(`${server.url}/directory/facilities?q=${encodeURIComponent('さくら')}`);
    expect(bare.status()).toBe(401);
    expect((await bare.json()).resourceType).toBe('OperationOutcome');

    // The 看護師 reads (view-shared) but does not write (send-letter).
    const nurse = await open();
    await openClinicSignedIn(nurse.page, server, demoStaff(server.world, '看護師'), 'letters');
    await nurse.page.locator('.letters-item').filter({ hasText: 'さくら総合病院' }).waitFor();
    expect(await nurse.page.getByRole('button', { name: '作成' }).count()).toBe(0);
    await nurse.page.getByText(/紹介状の作成・送信は医師・歯科医師が行います/).waitFor();
    await a11y(nurse.page, 'nurse inbox');
    expect(nurse.errors).toEqual([]);

    const { page, errors: errs } = await open();
    await openClinicSignedIn(page, server, demoStaff(server.world, '事務'), 'letters');
    await page.getByText(/この職種（事務）では紹介状を扱えません/).waitFor();
    expect(await page.getByRole('button', { name: '作成' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '受信箱' }).count()).toBe(0);
    await a11y(page, 'clerk');
    expect(errs).toEqual([]);
  });
});
