/**
 * 受付 in Chromium on the demo world: the desk (事務) receives 髙橋 一郎 with his card file and PIN, he consents to all
 * on the patient's screen, and the result shows his 3割, 区分ウ with its explanation, the insurer and numbers — he
 * becomes the current patient and the patient page opens; a wrong PIN tells the tries left and receives no one,
 * three lock the card and say what to do, face matching still works; 山﨑 真由美 declines; 小林 さくら chooses item by
 * item and shows her マル乳 公費; the 資格確認書 numbers work, bad shapes are refused at the field and a wrong birth
 * date by the service; a nurse receives by face; nothing overflows on a tablet or at 200% zoom; axe finds nothing
 * serious in any state; no console error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, TABLET_PORTRAIT, ZOOM_200 } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const CURRENT = 'tsunagu.tsunagu-clinic.data.patient';

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the reception screen in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(who: '事務' | '看護師' = '事務', options: BrowserContextOptions = CLINIC_PC): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await openPage(browser, options);
    await openClinicSignedIn(page, server, demoStaff(server.world, who), 'reception');
    await page.getByRole('heading', { name: 'マイナンバーカードで受付' }).waitFor();
    return { page, errors };
  }

  const current = (page: Page) => inPage<string | null>(page, `sessionStorage.getItem('${CURRENT}')`);
  /** The value of the result's line labelled `label`. */
  const fact = (page: Page, label: string) => page.locator('.reception-fact', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

  async function presentCard(page: Page, key: string, pin?: string) {
    const p = demoPatient(server.world, key);
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(p.card);
    await page.getByText('カードを読み取りました。').waitFor();
    await page.getByLabel('暗証番号（数字4桁）').fill(pin ?? p.pin);
    return p;
  }

  it('髙橋 一郎: card + PIN, he consents to all, the result (3割, 区分ウ explained), the current patient, the patient page', async () => {
    const { page, errors } = await open();
    expect(await checkA11y(page)).toEqual([]);
    const p = await presentCard(page, 'takahashi');
    expect(await page.getByLabel('暗証番号（数字4桁）').getAttribute('type')).toBe('password');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-card', { docs: true });
    await page.getByRole('button', { name: '資格を確認する' }).click();

    // The patient's screen.
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    expect(await page.getByText('髙橋 一郎 さま').count()).toBe(1);
    expect(await page.getByText('診療・お薬・アレルギー・検査の情報').count()).toBeGreaterThan(0);
    expect(await page.getByText('病名・手術・感染症の情報').count()).toBeGreaterThan(0);
    expect(await page.getByText('健診の情報').count()).toBeGreaterThan(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-consent', { docs: true });
    expect(await current(page)).toBeNull(); // not received before the patient chose
    await page.getByRole('button', { name: 'すべて同意する' }).click();

    // The result.
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
    expect(await page.getByText('受付しました：髙橋 一郎 さん').count()).toBe(1);
    expect(await fact(page, '氏名').locator('.reception-name').textContent()).toBe('髙橋 一郎');
    expect(await fact(page, '氏名').locator('.reception-kana').textContent()).toBe('タカハシ イチロウ');
    const [y, m, d] = p.birthDate.split('-').map(Number);
    expect(await fact(page, '生年月日').textContent()).toBe(`${y}年${m}月${d}日（昭和${y - 1925}年${m}月${d}日）・68歳`);
    expect(await fact(page, '性別').textContent()).toBe('男性');
    expect(await fact(page, '保険者').textContent()).toBe('つなぐ区 国民健康保険（デモ）国保');
    expect(await fact(page, '保険者番号').textContent()).toBe('138016');
    expect(await fact(page, '記号・番号・枝番').textContent()).toBe('千代01・104512・01');
    expect(await fact(page, '本人・家族').textContent()).toBe('本人（被保険者）');
    expect(await fact(page, '負担割合').textContent()).toBe('3割');
    const limit = await fact(page, '限度額適用区分').textContent();
    expect(limit).toContain('区分ウ');
    expect(limit).toContain('年収約370万〜約770万円');
    expect(limit).toContain('80,100円＋（医療費−267,000円）×1%');
    expect(await fact(page, '公費').count()).toBe(0);
    expect(await fact(page, '高齢受給者').count()).toBe(0);
    expect(await fact(page, '資格の有効期間').textContent()).toBe(`${Number(server.world.today.slice(0, 4)) - 3}年4月1日から（終了日の登録なし）`);
    expect(await fact(page, '確認方法').textContent()).toBe('マイナンバーカード（暗証番号）');
    expect(await page.locator('.reception-consent-result li').allTextContents()).toEqual([
      '診療・お薬・アレルギー・検査の情報：同意あり',
      '病名・手術・感染症の情報：同意あり',
      '健診の情報：同意あり',
    ]);
    expect(JSON.parse((await current(page)) ?? 'null')).toEqual({
      id: p.patientId,
      name: '髙橋 一郎',
      kana: 'タカハシ イチロウ',
      birthDate: p.birthDate,
      gender: 'male',
    });
    const today = page.getByRole('region', { name: /本日の受付/ });
    expect(await today.getByRole('row').count()).toBe(2);
    expect(await today.getByRole('row').nth(1).textContent()).toContain('髙橋 一郎');
    expect(await today.getByRole('row').nth(1).textContent()).toContain('すべて同意');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-reception-result', { docs: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Eligibility confirmed' }).waitFor();
    expect(await fact(page, 'Copayment').textContent()).toBe('30%');
    expect(await fact(page, 'Name').locator('.reception-name').textContent()).toBe('髙橋 一郎');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-result-en');
    await page.getByRole('button', { name: '日本語' }).click();

    await page.getByRole('link', { name: '患者ページを開く' }).click();
    expect(new URL(page.url()).hash).toBe('#patients');
    expect(errors).toEqual([]);
  });

  it('a wrong PIN: the tries left, nothing received; the right PIN then works', async () => {
    const { page, errors } = await open();
    const p = await presentCard(page, 'yoshida', '0000');
    if (p.pin === '0000') await page.getByLabel('暗証番号（数字4桁）').fill('1111');
    await page.getByRole('button', { name: '資格を確認する' }).click();
    const alert = page.getByRole('alert').filter({ hasText: '受付できませんでした' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('暗証番号が違います。あと2回間違えると、カードの暗証番号がロックされます。');
    expect(await page.getByLabel('暗証番号（数字4桁）').inputValue()).toBe(''); // cleared for the next try
    expect(await current(page)).toBeNull();
    expect(await page.getByText('まだ受付した患者さんはいません。').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-wrong-pin');

    // A PIN of the wrong shape is refused here, before the card counts it.
    await page.getByLabel('暗証番号（数字4桁）').fill('12');
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByText('暗証番号は数字4桁です。').waitFor();

    await page.getByLabel('暗証番号（数字4桁）').fill(p.pin);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    expect(await page.getByText('𠮷田 花子 さま').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('three wrong PINs lock the card and tell what to do; face matching (stand-in) still receives', async () => {
    const { page, errors } = await open();
    const p = await presentCard(page, 'ikeda', '0000');
    const wrong = p.pin === '0000' ? '1111' : '0000';
    for (const left of [2, 1]) {
      await page.getByLabel('暗証番号（数字4桁）').fill(wrong);
      await page.getByRole('button', { name: '資格を確認する' }).click();
      await page.getByText(`あと${left}回間違えると`).waitFor();
    }
    await page.getByLabel('暗証番号（数字4桁）').fill(wrong);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'ロックされています' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('市区町村の窓口で再設定');
    expect(await current(page)).toBeNull();
    // The screen switched to face matching; the right PIN would not help any more.
    expect(await page.getByLabel('顔認証（代替）').isChecked()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-pin-locked');
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByText('顔写真とご本人が同じことを確認したら、チェックを入れてください。').waitFor();
    await page.getByLabel('カードの顔写真と、ご本人の顔が同じであることを職員が確認しました').check();
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    await page.getByRole('button', { name: 'すべて同意する' }).click();
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
    expect(await fact(page, '確認方法').textContent()).toBe('マイナンバーカード（顔認証）');
    expect(errors).toEqual([]);
  });

  it('a file that is not a card, and an altered card file: plain messages (the service’s OperationOutcome), nothing received', async () => {
    const { page, errors } = await open();
    const dir = mkdtempSync(join(tmpdir(), 'tsunagu-reception-'));
    const notCard = join(dir, 'note.json');
    writeFileSync(notCard, '{"hello": "world"}');
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(notCard);
    await page.getByText('このファイルはマイナンバーカード（仮想）のファイルではありません。').waitFor();
    await page.getByRole('button', { name: '資格を確認する' }).click();
    expect(await page.getByLabel('カードのファイル（カードリーダーの代わり）').getAttribute('aria-invalid')).toBe('true');

    const p = demoPatient(server.world, 'kimura');
    const altered = JSON.parse(readFileSync(p.card, 'utf8')) as Record<string, unknown>;
    altered.cardId = `${String(altered.cardId).slice(0, -1)}0`;
    const alteredFile = join(dir, 'altered.json');
    writeFileSync(alteredFile, JSON.stringify(altered));
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(alteredFile);
    await page.getByText('カードを読み取りました。').waitFor();
    await page.getByLabel('暗証番号（数字4桁）').fill(p.pin);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    const alert = page.locator('.error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('カードのファイルが壊れているか、書き換えられています（発行されたファイルをそのまま使ってください）');
    expect(await current(page)).toBeNull();
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-bad-card');
    // The 400 of the reader is logged by the browser as a failed resource, and that is all.
    expect(errors.filter((e) => !(e.startsWith('Failed to load resource') && e.includes('/eligibility/virtual-reader/authenticate')))).toEqual([]);
  });

  it('山﨑 真由美 declines: a valid answer, received, the shared information will not be shown', async () => {
    const { page, errors } = await open();
    await presentCard(page, 'yamazaki');
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    await page.getByRole('button', { name: '同意しない', exact: true }).first().click();
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
    expect(await fact(page, '氏名').locator('.reception-name').textContent()).toBe('山﨑 真由美');
    expect(await page.locator('.reception-consent-result li').allTextContents()).toEqual([
      '診療・お薬・アレルギー・検査の情報：同意なし',
      '病名・手術・感染症の情報：同意なし',
      '健診の情報：同意なし',
    ]);
    expect(await page.getByText('患者さんは情報の提供に同意しませんでした。').count()).toBe(1);
    expect(JSON.parse((await current(page)) ?? 'null').name).toBe('山﨑 真由美');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('小林 さくら chooses item by item; her マル乳 公費 is shown with both numbers', async () => {
    const { page, errors } = await open();
    await presentCard(page, 'kobayashi');
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    await page.getByRole('button', { name: 'この内容で決定する' }).click();
    await page.getByText('すべての項目で「同意する」か「同意しない」を選んでください。').waitFor();
    await page.getByRole('group', { name: '診療・お薬・アレルギー・検査の情報' }).getByLabel('同意する').check();
    await page.getByRole('group', { name: '病名・手術・感染症の情報' }).getByLabel('同意しない').check();
    await page.getByRole('group', { name: '健診の情報' }).getByLabel('同意する').check();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'この内容で決定する' }).click();
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
    expect(await fact(page, '氏名').locator('.reception-name').textContent()).toBe('小林 さくら');
    expect(await fact(page, '負担割合').textContent()).toBe('2割');
    const pub = await fact(page, '公費').textContent();
    expect(pub).toContain('東京都地方単独の医療費助成（乳幼児・子ども医療費助成など、法別88）');
    expect(pub).toContain('公費負担者番号 88132014');
    expect(pub).toContain('受給者番号 2103372');
    expect(await page.locator('.reception-consent-result li').allTextContents()).toEqual([
      '診療・お薬・アレルギー・検査の情報：同意あり',
      '病名・手術・感染症の情報：同意なし',
      '健診の情報：同意あり',
    ]);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-public-expense');
    expect(errors).toEqual([]);
  });

  it('the 資格確認書 numbers: bad shapes at the field, a wrong birth date refused by the service, then received', async () => {
    const { page, errors } = await open();
    await page.getByLabel('資格確認書・保険証（番号を入力）').check();
    await page.getByRole('heading', { name: '資格確認書・保険証の番号で受付' }).waitFor();
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByText('入力内容をご確認ください（3か所）。').waitFor();
    expect(await page.getByText('保険者番号を入力してください。').count()).toBe(1);
    expect(await page.getByText('番号を入力してください。', { exact: true }).count()).toBe(1);
    expect(await page.getByText('生年月日を入力してください。').count()).toBe(1);
    await page.getByLabel('保険者番号').fill('138017');
    await page.getByLabel('枝番').fill('1a');
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByText('最後の検証番号が合いません').waitFor();
    expect(await page.getByText('枝番は数字2桁です（例：01）。').count()).toBe(1);
    expect(await page.getByLabel('保険者番号').getAttribute('aria-invalid')).toBe('true');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-certificate-invalid');

    const p = demoPatient(server.world, 'kasai');
    const [insurer, symbol, number, branch] = p.insuredNumber.split(':');
    const printed = insurer.startsWith('00') ? insurer.slice(2) : insurer;
    await page.getByLabel('保険者番号').fill(printed);
    await page.getByLabel('記号').fill(symbol);
    await page.getByLabel('番号', { exact: true }).fill(number);
    await page.getByLabel('枝番').fill(branch);
    const wrongBirth = `${Number(p.birthDate.slice(0, 4)) - 1}${p.birthDate.slice(4)}`;
    await page.getByLabel('生年月日').fill(wrongBirth);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: '受付できませんでした' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('一致する資格情報はありません。券面と生年月日をご確認ください');
    expect(await current(page)).toBeNull();
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-certificate');

    await page.getByLabel('生年月日').fill(p.birthDate);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
    expect(await fact(page, '氏名').locator('.reception-name').textContent()).toBe('葛󠄀西 美和'); // 葛 + VS17, exactly
    expect(await fact(page, '確認方法').textContent()).toBe('資格確認書（番号入力）');
    expect(await page.getByText('番号入力での受付では、情報提供への同意は記録できません').count()).toBe(1);
    expect(JSON.parse((await current(page)) ?? 'null')).toMatchObject({ id: p.patientId, name: '葛󠄀西 美和', birthDate: p.birthDate });
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-certificate-result');
    expect(errors).toEqual([]);
  });

  it('a number whose eligibility has ended: the warning, nobody received', async () => {
    const { page, errors } = await open();
    await page.getByLabel('資格確認書・保険証（番号を入力）').check();
    const p = demoPatient(server.world, 'takahashi');
    // 髙橋 一郎's earlier 協会けんぽ number (lost when he joined 国保)
    await page.getByLabel('書類の種類').selectOption('insurance-card');
    await page.getByLabel('保険者番号').fill('01130012');
    await page.getByLabel('記号').fill('31020417');
    await page.getByLabel('番号', { exact: true }).fill('5521');
    await page.getByLabel('枝番').fill('00');
    await page.getByLabel('生年月日').fill(p.birthDate);
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '資格を確認できませんでした' }).waitFor();
    const warning = page.getByRole('alert').filter({ hasText: '資格喪失' });
    expect(await warning.textContent()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 に資格を喪失しています/);
    expect(await warning.textContent()).toContain('保険が変わっていないか患者さんにお尋ねし');
    expect(await fact(page, '氏名').locator('.reception-name').textContent()).toBe('髙橋 一郎');
    expect(await fact(page, '負担割合').count()).toBe(0);
    expect(await page.getByRole('link', { name: '患者ページを開く' }).count()).toBe(0);
    expect(await current(page)).toBeNull();
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-reception-lost');
    expect(errors).toEqual([]);
  });

  it('a nurse receives 渡邊 清 by face matching: 後期高齢者 1割, 低所得Ⅱ explained', async () => {
    const { page, errors } = await open('看護師');
    const p = demoPatient(server.world, 'watanabe');
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(p.card);
    await page.getByLabel('顔認証（代替）').check();
    await page.getByLabel('カードの顔写真と、ご本人の顔が同じであることを職員が確認しました').check();
    await page.getByRole('button', { name: '資格を確認する' }).click();
    await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
    await page.getByRole('button', { name: 'すべて同意する' }).click();
    await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
    expect(await fact(page, '氏名').locator('.reception-name').textContent()).toBe('渡邊 清');
    expect(await fact(page, '負担割合').textContent()).toBe('1割');
    expect(await fact(page, '限度額適用区分').textContent()).toContain('低所得Ⅱ');
    expect(await fact(page, '限度額適用区分').textContent()).toContain('外来は1か月 8,000円まで');
    expect(await fact(page, '保険者').textContent()).toContain('東京都後期高齢者医療広域連合');
    expect(errors).toEqual([]);
  });

  it('on a tablet and at 200% zoom nothing overflows, in every state', async () => {
    for (const [name, options, key] of [
      ['tablet-portrait', TABLET_PORTRAIT, 'ito'],
      ['zoom-200', ZOOM_200, 'shimizu'],
    ] as const) {
      const { page, errors } = await open('事務', options);
      expect(await overflowsSideways(page), `${name} card`).toBe(false);
      await presentCard(page, key);
      await screenshot(page, `clinic-reception-card-${name}`);
      await page.getByRole('button', { name: '資格を確認する' }).click();
      await page.getByRole('heading', { name: '患者さんご本人が選択してください' }).waitFor();
      expect(await overflowsSideways(page), `${name} consent`).toBe(false);
      await screenshot(page, `clinic-reception-consent-${name}`);
      await page.getByRole('button', { name: 'すべて同意する' }).click();
      await page.getByRole('heading', { name: '資格が確認できました' }).waitFor();
      expect(await overflowsSideways(page), `${name} result`).toBe(false);
      expect(await checkA11y(page)).toEqual([]);
      await screenshot(page, `clinic-reception-result-${name}`);
      await page.getByRole('button', { name: '次の患者さんを受付' }).click();
      await page.getByLabel('資格確認書・保険証（番号を入力）').check();
      expect(await overflowsSideways(page), `${name} certificate`).toBe(false);
      await screenshot(page, `clinic-reception-certificate-${name}`);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});
