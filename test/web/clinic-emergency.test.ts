/**
 * 救急時医療情報閲覧 in Chromium on the demo world: the clinic's 医師 declares with 髙橋's card file (no PIN asked) and
 * sees the high-risk alert for アマリール (糖尿病用剤), his drugs and diagnoses, the 閲覧期限 and the audit note; ends the
 * view, after which the service's 403 is shown in Japanese (and another facility's access is unknown: 404); declares
 * for 𠮷田 by kana, birth date and sex and sees her penicillin allergy in red; the form's own refusals and the
 * service's 422 for someone unknown; a nurse has no emergency tab and a doctor no review tab; the hospital's
 * 個人情報保護管理者 sees 髙橋's access of three days ago and flags it (the note required), the clinic's confirms the
 * clinic doctor's; axe finds nothing serious on any screen, nothing overflows on a tablet or at 200% zoom. Plus the
 * pure parts (the reasons agree with the service's, the request body, the answers read).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientKey } from '../../cli/commands/client.ts';
import { PATIENTS } from '../../src/demo/people.ts';
import { registerClient } from '../../src/platform/auth/clients.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { EMERGENCY_REASONS } from '../../src/services/emergency/model/reasons.ts';
import { declarationBody } from '../../web/clinic/emergency/api.ts';
import { REASONS, timeLeft } from '../../web/clinic/emergency/labels.ts';
import { declaredOf, essentialViewOf } from '../../web/clinic/emergency/model.ts';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, TABLET_PORTRAIT, ZOOM_200 } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const ACCESS_KEY = 'tsunagu.tsunagu-clinic.data.emergency-access';
// The tests are type-checked for Node (no DOM library): the page's globals named through globalThis.
type PageGlobals = { getComputedStyle(e: unknown): { backgroundColor: string }; document: { activeElement: unknown } };
const background = (l: Locator) => l.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor);
const focused = (l: Locator) => l.evaluate((el) => (globalThis as unknown as PageGlobals).document.activeElement === el);

describe('the emergency screens’ pure parts', () => {
  it('name the reasons as the service does', () => {
    expect(Object.keys(REASONS)).toEqual(Object.keys(EMERGENCY_REASONS));
    for (const [code, r] of Object.entries(EMERGENCY_REASONS)) expect(REASONS[code as keyof typeof REASONS]).toEqual(r);
  });

  it('send the card’s certificate, or the details with the chosen candidate — never both, no PIN', () => {
    const card = declarationBody({ reason: 'unconscious', reasonText: ' ', hours: 4, who: { by: 'card', certificate: 'PEM' } });
    expect(card.parameter).toEqual([
      { name: 'reason', valueCode: 'unconscious' },
      { name: 'hours', valueInteger: 4 },
      { name: 'certificate', valueString: 'PEM' },
    ]);
    const named = declarationBody({
      reason: 'other',
      reasonText: '転倒',
      hours: 8,
      who: { by: 'demographics', name: 'ヨシダ ハナコ', birthDate: '1981-08-05', sex: 'female', patient: 'p1' },
    });
    expect(named.parameter.map((p) => p.name)).toEqual(['reason', 'reasonText', 'hours', 'name', 'birthDate', 'sex', 'patient']);
    expect(JSON.stringify(named)).not.toMatch(/pin|certificate/i);
  });

  it('read the access, the candidates and the essential set', () => {
    const access = {
      name: 'access',
      part: [
        { name: 'id', valueString: 'a1' },
        { name: 'patient', valueReference: { reference: 'Patient/p1' } },
        { name: 'reasonDisplay', valueString: '心肺停止' },
        { name: 'end', valueInstant: '2026-12-03T10:00:00.000Z' },
        { name: 'views', valueInteger: 2 },
        { name: 'reviewState', valueCode: 'flagged' },
      ],
    };
    expect(declaredOf({ resourceType: 'Parameters', parameter: [access] })).toMatchObject({
      kind: 'opened',
      access: { id: 'a1', patient: 'p1', views: 2, reviewState: 'flagged' },
    });
    const candidates = declaredOf({
      resourceType: 'Parameters',
      parameter: [
        {
          name: 'candidate',
          part: [
            { name: 'patient', valueReference: { reference: 'Patient/p2' } },
            { name: 'name', valueString: '山田 花子' },
          ],
        },
      ],
    });
    expect(candidates).toEqual({ kind: 'candidates', candidates: [{ patient: 'p2', name: '山田 花子', kana: '', birthDate: '', sex: '' }] });
    const view = essentialViewOf({
      resourceType: 'Parameters',
      parameter: [
        access,
        {
          name: 'alert',
          part: [
            { name: 'code', valueCode: 'antithrombotic' },
            { name: 'text', valueString: '抗血栓薬を服用中' },
          ],
        },
        {
          name: 'drug',
          part: [
            { name: 'name', valueString: 'ワーファリン錠1mg' },
            { name: 'current', valueBoolean: true },
            { name: 'riskClass', valueCode: 'antithrombotic' },
            { name: 'riskClass2', valueCode: 'ignored' },
          ],
        },
        {
          name: 'procedure',
          part: [
            { name: 'tag', valueCode: 'dialysis' },
            { name: 'record', resource: { resourceType: 'Procedure', code: { text: '人工腎臓' }, performedDateTime: '2026-11-01' } },
          ],
        },
        { name: 'diagnosis', resource: { resourceType: 'Condition', id: 'c1', code: { text: '慢性腎不全' } } },
      ],
    });
    expect(view?.alerts).toEqual([{ code: 'antithrombotic', text: '抗血栓薬を服用中' }]);
    expect(view?.drugs[0]).toMatchObject({ name: 'ワーファリン錠1mg', current: true, riskClass: 'antithrombotic' });
    expect(view?.procedures).toEqual([{ tag: 'dialysis', name: '人工腎臓', date: '2026-11-01' }]);
    expect(view?.diagnoses.map((d) => d.name)).toEqual(['慢性腎不全']);
    expect(essentialViewOf({ resourceType: 'OperationOutcome' })).toBeUndefined();
    expect(timeLeft('2026-12-03T10:00:00Z', Date.parse('2026-12-03T02:30:00Z'))).toEqual({ ja: 'あと 7時間30分', en: '7 h 30 min left' });
    expect(timeLeft('2026-12-03T10:00:00Z', Date.parse('2026-12-03T10:00:01Z'))).toBeUndefined();
  });
});

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the emergency screens in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The browser logs the refusals the screens show (403, 404, 422) as console errors: those are expected. */
  const refusals = (text: string, url: string) => /^Failed to load resource: .*status of (403|404|422)/.test(text) && /\/fhir\//.test(url);

  /** A privacy officer's sign-in, by name (one at the clinic, one at the hospital). */
  const officer = (displayName: string) =>
    demoStaff(server.world, '個人情報保護管理者', server.world.signIns.find((x) => x.displayName === displayName)?.facilityCode);

  async function open(who: ReturnType<typeof demoStaff>, screen: string, options: BrowserContextOptions = CLINIC_PC) {
    const opened = await openPage(browser, options, refusals);
    await openClinicSignedIn(opened.page, server, who, screen);
    return opened;
  }

  const doctor = () => demoStaff(server.world, '医師');
  const tabs = (page: Page) => page.getByRole('navigation', { name: '画面の切り替え' }).getByRole('link').allTextContents();

  async function startForm(page: Page) {
    await page.getByRole('heading', { name: '救急時医療情報閲覧の開始' }).waitFor();
    await page.getByLabel('同意を得られない理由').selectOption('unconscious');
  }

  it('the doctor declares with 髙橋’s card file (no PIN): alerts, drugs, diagnoses, 閲覧期限; ends it; the 403 and 404 after', async () => {
    const { page, errors } = await open(doctor(), 'emergency');
    expect(await tabs(page)).toContain('救急時医療情報閲覧');
    expect(await tabs(page)).not.toContain('救急時閲覧の確認');
    const tab = page.getByRole('link', { name: '救急時医療情報閲覧' });
    expect(await background(tab)).toBe('rgb(164, 22, 26)');
    await page.getByRole('heading', { name: '救急時医療情報閲覧の開始' }).waitFor();
    expect(await page.getByText('患者さんには閲覧されたことが通知され').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);

    // Nothing chosen: the form's own refusals, at the fields.
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();
    await page.getByText('理由を選んでください。').waitFor();
    expect(await page.getByText('カードのファイルを選んでください。').count()).toBe(1);
    expect(await focused(page.getByLabel('同意を得られない理由'))).toBe(true);
    await page.getByLabel('同意を得られない理由').selectOption('other');
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();
    await page.getByText('理由が「その他」のときは理由の説明を記載してください。').waitFor();
    expect(await checkA11y(page)).toEqual([]);

    await page.getByLabel('同意を得られない理由').selectOption('unconscious');
    await page.getByLabel('理由の説明（「その他」のときは必須）').fill('救急搬送、呼びかけに反応なし');
    await page.getByLabel('閲覧時間').selectOption('2');
    const p = demoPatient(server.world, 'takahashi');
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(p.card);
    await page.getByText('カードを読み取りました。').waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0); // no PIN in an emergency
    expect(await page.getByLabel(/暗証番号（/).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-form', { docs: true });
    const before = Date.now();
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();

    await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).waitFor();
    expect(await page.locator('.emergency-patient').textContent()).toContain('髙橋 一郎');
    const until = await page.locator('.emergency-until').textContent();
    expect(until).toMatch(/^閲覧期限\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（あと (1時間(59|60)分|2時間0分)）$/);
    expect(await page.locator('.emergency-facts').textContent()).toContain('意識障害（意識がない・清明でない）: 救急搬送、呼びかけに反応なし');
    expect(await page.locator('.emergency-facts').textContent()).toContain('マイナンバーカード（暗証番号なし）');
    expect(await page.locator('.emergency-facts').textContent()).toContain(`（${doctor().displayName}）`);
    expect(await page.getByText('患者さんには救急時医療情報閲覧が行われたことが通知されます。閲覧はすべて記録（監査）され').count()).toBe(1);
    const highRisk = page.locator('.emergency-alerts li[data-code="high-risk"]');
    expect(await highRisk.textContent()).toMatch(/ハイリスク薬を服用中: .*アマリール.*（糖尿病用剤）/);
    expect(await highRisk.getAttribute('class')).toBe('emergency-alert-danger');
    expect(await background(highRisk)).toBe('rgb(164, 22, 26)');
    // The drug table: アマリール current and marked high-risk.
    const drugs = page.getByRole('table', { name: 'お薬（過去約6か月・新しい順）' });
    const amaryl = drugs.getByRole('row').filter({ hasText: 'アマリール' }).first();
    expect(await amaryl.textContent()).toContain('服用中');
    expect(await amaryl.textContent()).toContain('ハイリスク薬: 糖尿病用剤');
    expect(await amaryl.getAttribute('class')).toBe('emergency-row-current emergency-row-risk');
    expect(await drugs.getByRole('row').filter({ hasText: 'ノルバスク' }).first().locator('.emergency-badge-risk').count()).toBe(0);
    // His diagnoses, with the hospital's 狭心症; no letter, no check-up.
    const diagnoses = page.getByRole('table', { name: '傷病名' });
    for (const dx of ['高血圧症', '2型糖尿病', '脂質異常症', '狭心症'])
      expect(await diagnoses.getByRole('row').filter({ hasText: dx }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: '検査結果（項目ごとの最新）' }).getByText('HbA1c').count()).toBeGreaterThan(0);
    expect(await page.getByText('健診').count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-emergency-view', { docs: true });
    const accessId = await inPage<string>(page, `JSON.parse(sessionStorage.getItem('${ACCESS_KEY}'))`);
    expect(accessId).toMatch(/^[A-Za-z0-9.-]+$/);

    // Another screen and back: the open access is still shown (one more audited view).
    await page.getByRole('link', { name: '患者' }).click();
    await page.getByRole('link', { name: '救急時医療情報閲覧' }).click();
    await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).waitFor();
    expect(await page.locator('.emergency-facts').textContent()).toMatch(/閲覧回数2/);

    await page.getByRole('button', { name: '閲覧を終了' }).click();
    await page.getByRole('heading', { name: '救急時医療情報閲覧を終了しました' }).waitFor();
    expect(await inPage(page, `sessionStorage.getItem('${ACCESS_KEY}')`)).toBeNull();
    expect(Date.now() - before).toBeLessThan(120_000);

    // The ended access again (as if kept from before): the service refuses it in Japanese.
    await inPage(page, `sessionStorage.setItem('${ACCESS_KEY}', JSON.stringify('${accessId}'))`);
    await page.reload();
    const ended = page.getByRole('alert').filter({ hasText: 'この救急時閲覧の期間は' });
    await ended.waitFor();
    expect(await ended.textContent()).toContain('あらためて救急時閲覧を開始してください');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-ended');
    await page.getByRole('button', { name: '閉じて新しく開始する' }).click();
    await page.getByRole('heading', { name: '救急時医療情報閲覧の開始' }).waitFor();

    // The hospital's access of three days ago is not the clinic's: unknown here.
    const hospitals = server.world.emergencyAccesses?.[0];
    expect(hospitals).toBeTruthy();
    await inPage(page, `sessionStorage.setItem('${ACCESS_KEY}', JSON.stringify('${hospitals}'))`);
    await page.reload();
    await page.locator('.emergency-closed [role="alert"]').waitFor();
    expect(await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).count()).toBe(0);
    expect(await page.getByText('髙橋').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('by kana, birth date and sex for 𠮷田 花子: her penicillin allergy in red; someone unknown is the service’s 422', async () => {
    const { page, errors } = await open(doctor(), 'emergency', TABLET_PORTRAIT);
    await startForm(page);
    await page.getByLabel('氏名・生年月日・性別').check();
    const p = demoPatient(server.world, 'yoshida');
    const def = PATIENTS.find((x) => x.key === 'yoshida')!;
    await page.getByLabel('氏名（漢字またはカナ）').fill('ヨシダ　ハナコ');
    await page.getByLabel('生年月日', { exact: true }).fill(p.birthDate);
    await page.getByLabel('性別', { exact: true }).selectOption(def.sex === 'male' ? 'female' : 'male'); // the wrong sex first
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();
    const none = page.locator('.error[role="alert"]');
    await none.waitFor();
    expect(await none.textContent()).toContain('一致する登録者はいません');
    expect(await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-no-match', { docs: true });

    await page.getByLabel('郵便番号（任意・候補を絞り込みます）').fill('12-34');
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();
    await page.getByText('郵便番号は7桁（例 101-0041）です。').waitFor();
    await page.getByLabel('郵便番号（任意・候補を絞り込みます）').fill('');
    await page.getByLabel('性別', { exact: true }).selectOption(def.sex);
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();
    await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).waitFor();
    expect(await page.locator('.emergency-patient').textContent()).toContain('𠮷田 花子');
    expect(await page.locator('.emergency-facts').textContent()).toContain('氏名・生年月日・性別');
    const allergy = page.locator('.emergency-alerts li[data-code="drug-allergy"]');
    expect(await allergy.textContent()).toContain('アレルギー・禁忌 1件');
    expect(await background(allergy)).toBe('rgb(164, 22, 26)');
    expect(await page.getByRole('table', { name: 'アレルギー・禁忌' }).textContent()).toContain('ペニシリン系抗菌薬（アモキシシリン）');
    expect(await page.getByRole('table', { name: '傷病名' }).textContent()).toContain('気管支喘息');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-emergency-view-tablet', { docs: true });
    await page.getByRole('button', { name: '閲覧を終了' }).click();
    await page.getByRole('heading', { name: '救急時医療情報閲覧を終了しました' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('at 200% zoom: the form and the view fit, the keyboard reaches everything', async () => {
    const { page, errors } = await open(doctor(), 'emergency', ZOOM_200);
    await startForm(page);
    expect(await overflowsSideways(page)).toBe(false);
    // Keyboard only: the method radios and the file input are reachable by Tab.
    await page.getByLabel('同意を得られない理由').focus();
    const reached: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      reached.push(await inPage<string>(page, "document.activeElement?.id || document.activeElement?.getAttribute('type') || ''"));
    }
    expect(reached.some((r) => r === 'radio')).toBe(true);
    expect(reached.some((r) => r.endsWith('-file'))).toBe(true);
    await page.getByLabel('カードのファイル（カードリーダーの代わり）').setInputFiles(demoPatient(server.world, 'takahashi').card);
    await page.getByText('カードを読み取りました。').waitFor();
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-view-zoom200', { docs: true });
    await page.getByRole('button', { name: '閲覧を終了' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '救急時医療情報閲覧を終了しました' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('a nurse sees no emergency tab (nor can open it by address); a doctor no review tab', async () => {
    const { page, errors } = await open(demoStaff(server.world, '看護師'), 'emergency');
    expect(await tabs(page)).not.toContain('救急時医療情報閲覧');
    expect(await tabs(page)).not.toContain('救急時閲覧の確認');
    expect(await page.getByRole('heading', { name: '救急時医療情報閲覧の開始' }).count()).toBe(0);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toContain('救急');
    expect(errors).toEqual([]);
  });

  it('the hospital’s privacy officer flags 髙橋’s access of three days ago (a note is required); the filter', async () => {
    const { page, errors } = await open(officer('井上 誠'), 'emergency-review');
    // The officer reads no one's records: the review is the only screen
    expect(await tabs(page)).toEqual(['救急時閲覧の確認']);
    await page.getByRole('heading', { name: '救急時閲覧の確認' }).waitFor();
    const list = page.getByRole('table', { name: '救急時閲覧の一覧' });
    await list.waitFor();
    const row = list.getByRole('row').filter({ hasText: '髙橋 一郎' });
    expect(await row.count()).toBe(1);
    const text = await row.textContent();
    expect(text).toContain('中村 直樹');
    expect(text).toContain('意識障害（意識がない・清明でない）: 救急搬送、意識レベル JCS 200');
    expect(text).toContain('マイナンバーカード（暗証番号なし）');
    expect(text).toContain('未確認');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-review', { docs: true });

    await row.getByRole('button', { name: /^要確認/ }).click();
    const note = row.getByLabel('メモ（要確認とする理由）');
    expect(await focused(note)).toBe(true);
    await row.getByRole('button', { name: '要確認として記録' }).click();
    await row.getByRole('alert').filter({ hasText: '要確認とする理由をメモに記載してください。' }).waitFor();
    expect(await note.getAttribute('aria-invalid')).toBe('true');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-review-note');
    await note.fill('搬送時の記録と照合が必要（意識レベルの記載を確認）');
    await row.getByRole('button', { name: '要確認として記録' }).click();
    await row.getByText('記録しました').waitFor();
    expect(await row.locator('.emergency-state').textContent()).toBe('要確認');
    expect(await row.textContent()).toContain('搬送時の記録と照合が必要');
    expect(await row.textContent()).toContain('確認者: 井上 誠');

    // Filtered: flagged shows it, confirmed does not.
    await page.getByLabel('確認状態').selectOption('flagged');
    await page.getByRole('button', { name: '表示する' }).click();
    await list.getByRole('row').filter({ hasText: '髙橋 一郎' }).waitFor();
    await page.getByLabel('確認状態').selectOption('confirmed');
    await page.getByRole('button', { name: '表示する' }).click();
    await page.getByText('該当する救急時閲覧はありません。').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the clinic’s privacy officer confirms the clinic doctor’s accesses (妥当), on a tablet and at 200% zoom', async () => {
    const { page, errors } = await open(officer('山本 恵子'), 'emergency-review', TABLET_PORTRAIT);
    const list = page.getByRole('table', { name: '救急時閲覧の一覧' });
    await list.waitFor();
    const rows = list.getByRole('row').filter({ hasText: doctor().displayName });
    expect(await rows.count()).toBeGreaterThanOrEqual(3); // the stories above: 髙橋 twice, 𠮷田 once
    expect(await list.getByRole('row').filter({ hasText: '中村 直樹' }).count()).toBe(0); // the hospital's stays the hospital's
    const yoshida = rows.filter({ hasText: '𠮷田 花子' });
    expect(await yoshida.textContent()).toContain('氏名・生年月日・性別');
    await yoshida.getByRole('button', { name: /^妥当/ }).click();
    await yoshida.getByText('記録しました').waitFor();
    expect(await yoshida.locator('.emergency-state').textContent()).toBe('妥当');
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-emergency-review-tablet', { docs: true });

    const zoom = await open(officer('山本 恵子'), 'emergency-review', ZOOM_200);
    await zoom.page.getByRole('table', { name: '救急時閲覧の一覧' }).waitFor();
    expect(await overflowsSideways(zoom.page)).toBe(false);
    expect(await checkA11y(zoom.page)).toEqual([]);
    await screenshot(zoom.page, 'clinic-emergency-review-zoom200');
    expect([...errors, ...zoom.errors]).toEqual([]);
  });

  it('the card file is read as at reception: a file that is not a card is refused at the field', async () => {
    const { page, errors } = await open(doctor(), 'emergency');
    await startForm(page);
    const card = JSON.parse(readFileSync(demoPatient(server.world, 'takahashi').card, 'utf8')) as Record<string, unknown>;
    const { certificate: _dropped, ...noCert } = card;
    await page
      .getByLabel('カードのファイル（カードリーダーの代わり）')
      .setInputFiles({ name: 'card.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(noCert)) });
    await page.getByText('このカードのファイルには利用者証明用電子証明書がありません。').waitFor();
    await page
      .getByLabel('カードのファイル（カードリーダーの代わり）')
      .setInputFiles({ name: 'note.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
    await page.getByText('このファイルはマイナンバーカード（仮想）のファイルではありません。').waitFor();
    await page.getByRole('button', { name: '救急時医療情報閲覧を開始する' }).click();
    expect(await page.getByLabel('カードのファイル（カードリーダーの代わり）').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('heading', { name: '救急時医療情報閲覧中' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
  it('救急用サマリーの確認: a patient’s card verifies with the network off; a changed one is refused', async () => {
    // 髙橋 issues his summary (as the portal does, with a patient token)
    const takahashi = server.world.patients.find((p) => p.key === 'takahashi')!;
    const { publicJwk } = await generateClientKey();
    const client = await registerClient(server.t.platform.db, {
      clientId: 'shc-verify-test',
      name: '髙橋 (test)',
      kind: 'patient',
      patientId: takahashi.patientId,
      scopes: ['patient/*.rs'],
      jwks: { keys: [publicJwk] },
    });
    const token = await server.t.platform.tokens.issue(client, parseScopes(['patient/*.rs']));
    const issued = await fetch(`${server.url}/fhir/$emergency-health-card`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Parameters', parameter: [] }),
    });
    expect(issued.status).toBe(201);
    const qr = ((await issued.json()) as { parameter: { name: string; valueString?: string }[] }).parameter.find((x) => x.name === 'qr')!.valueString!;

    const { page, errors } = await open(demoStaff(server.world, '看護師'), 'health-card');
    await page.getByRole('heading', { name: '救急用サマリーの確認', level: 1 }).waitFor();
    await page.getByText(`${server.url}/shc`).waitFor(); // the key set was fetched and kept
    await page.context().setOffline(true);
    const field = page.getByLabel('QRコードの内容（shc:/ で始まる文字列）');
    await field.fill(qr);
    await page.getByRole('button', { name: '確認する' }).click();
    const ok = page.getByRole('region', { name: '✓ 本物の救急用サマリーです' });
    await ok.waitFor();
    expect(await ok.textContent()).toContain('髙橋');
    expect(await ok.textContent()).toContain('アマリール');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-health-card-verified', { docs: true });
    // One digit changed in the signed part: refused, with the reason
    const i = qr.length - 40;
    const changed = `${qr.slice(0, i)}${qr[i] === '1' ? '2' : '1'}${qr.slice(i + 1)}`;
    await field.fill(changed);
    await page.getByRole('button', { name: '確認する' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('確認できませんでした');
    expect(await ok.count()).toBe(0);
    await page.context().setOffline(false);
    expect(errors).toEqual([]);
  });
});
