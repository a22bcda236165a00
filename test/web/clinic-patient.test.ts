/**
 * 患者 (the clinic app's patient page) in headless Chromium against the demo world (src/demo/README.md): the 医師 of
 * つなぐ内科クリニック sees on a fresh browser (no sessionStorage) the patients the desk received today
 * ($reception-history), finds 髙橋 一郎 among the clinic's receptions by 「髙橋」 and 「タカハシ」 (and no one else: the
 * platform shows a facility its own receptions only — the hospital's 医師 sees none of them), opens patients set
 * as the current patient, and reads 髙橋 一郎's diagnoses from the clinic and さくら総合病院 (狭心症) with facility names
 * and dates, the lab trends (HbA1c 8.2 → 7.1) as a chart with its table, his e-prescriptions; 林 和子's 噴門癌 with
 * the 未告知 warning; 清水 浩's パーキンソン病 but never his 未提供 うつ病; 山﨑 真由美 (no consent): none of the
 * hospital's items and the no-consent message; 𠮷田 花子's check-ups over five years and penicillin allergy; the
 * eligibility of today's reception from the server (3割, 区分ウ); a 看護師 sees it too, a 事務 the eligibility only (the server refuses them the
 * rest). No serious axe violation in any state, nothing overflows on a tablet or at 200% zoom, no console error.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, TABLET_PORTRAIT, ZOOM_200 } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const PATIENT_KEY = 'tsunagu.tsunagu-clinic.data.patient';
const HOSPITAL = 'さくら総合病院';
const CLINIC = 'つなぐ内科クリニック';

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the clinic's patient page in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh profile; `errors` collects console errors and page exceptions (refusals the page shows are not errors). */
  // A refused read (403: no consent here) is shown on the page as a message; the browser logs its status anyway.
  const open = (options: BrowserContextOptions = CLINIC_PC) =>
    openPage(browser, options, (text, url) => /^Failed to load resource: .*status of 403/.test(text) && /\/fhir\//.test(url));

  async function signedIn(role: '医師' | '看護師' | '事務', options?: BrowserContextOptions) {
    const opened = await open(options);
    await openClinicSignedIn(opened.page, server, demoStaff(server.world, role), 'patients');
    return opened;
  }

  /** Makes the demo patient the current patient (as reception does) and shows their page. */
  async function openPatient(page: Page, key: string) {
    const p = demoPatient(server.world, key);
    await inPage(
      page,
      `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: p.patientId, name: p.name, birthDate: p.birthDate }))})`,
    );
    await page.reload();
    await page.getByText(`${p.name}`, { exact: false }).first().waitFor();
    await page.locator('#patient-diagnoses').getByText('読み込み中です…').waitFor({ state: 'detached' });
  }

  const section = (page: Page, id: string) => page.locator(`#${id}`);

  it('no patient yet: today’s receptions (from the server, on a fresh browser) open with one click; the search finds the clinic’s receptions', async () => {
    const { page, errors } = await signedIn('医師');
    await page.getByRole('heading', { name: '本日受付した患者さん' }).waitFor();
    const today = page.locator('section[aria-labelledby="patients-today"]');
    const received = server.world.patients.filter((x) => x.clinicConsent);
    await expect.poll(() => today.getByRole('button').count()).toBe(received.length);
    expect(received.length).toBe(18);
    const listed = await today.getByRole('button').allTextContents();
    for (const x of received) expect(listed.some((t) => t.includes(x.name))).toBe(true);
    expect(await page.getByText('本日この医療機関で受付した患者さんはいません。').count()).toBe(0);
    expect(await inPage<string | null>(page, `sessionStorage.getItem('tsunagu.tsunagu-clinic.data.reception-log')`)).toBeNull();
    await screenshot(page, 'clinic-patient-today', { docs: true });

    const p = demoPatient(server.world, 'takahashi');
    const find = page.locator('section[aria-labelledby="patients-find"]');
    await page.getByRole('button', { name: '検索する' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('氏名か生年月日を入力してください');
    for (const q of ['髙橋', 'タカハシ', 'たかはし']) {
      await page.getByLabel('氏名（漢字またはカナ）').fill(q);
      await page.getByRole('button', { name: '検索する' }).click();
      await find.getByText('1人見つかりました').waitFor();
      expect(await find.getByRole('button', { name: /髙橋 一郎/ }).count(), q).toBe(1);
    }
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-patient-search-found', { docs: true });
    await page.getByLabel('氏名（漢字またはカナ）').fill('');
    await page.getByLabel('生年月日').fill(p.birthDate);
    await page.getByRole('button', { name: '検索する' }).click();
    await find.getByRole('button', { name: /髙橋 一郎/ }).waitFor();
    await page.getByLabel('生年月日').fill('');
    await page.getByLabel('氏名（漢字またはカナ）').fill('該当者なし');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.getByText('該当する患者さんはいません').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-patient-search');
    await page.getByLabel('氏名（漢字またはカナ）').fill('髙橋');
    await page.getByRole('button', { name: '検索する' }).click();
    await find.getByRole('button', { name: /髙橋 一郎/ }).click();
    await page.getByRole('heading', { name: '傷病名' }).waitFor();
    expect(JSON.parse(await inPage<string>(page, `sessionStorage.getItem(${JSON.stringify(PATIENT_KEY)})`))).toMatchObject({ id: p.patientId, name: p.name });
    // The 資格 of the desk's reception, from the server.
    const eligibility = section(page, 'patient-eligibility');
    await expect.poll(() => eligibility.textContent()).toContain('3割');
    expect(await eligibility.textContent()).toContain('区分ウ');
    // 別の患者さんを開く goes back to the choice, 戻る to the patient.
    await page.getByRole('button', { name: '別の患者さんを開く' }).click();
    await today.getByRole('button').first().waitFor();
    await page.getByRole('button', { name: '戻る' }).click();
    await page.getByRole('heading', { name: '傷病名' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('the hospital’s 医師 sees none of the clinic’s receptions: not today’s, not by search, not the 資格', async () => {
    const opened = await open();
    const { page, errors } = opened;
    await openClinicSignedIn(page, server, demoStaff(server.world, '医師', '1310200124'), 'patients');
    await page.getByText('本日この医療機関で受付した患者さんはいません。').waitFor();
    await page.getByLabel('氏名（漢字またはカナ）').fill('タカハシ');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.getByText('該当する患者さんはいません').waitFor();
    const p = demoPatient(server.world, 'takahashi');
    const direct = await inPage<unknown>(
      page,
      `(async () => {
        const s = JSON.parse(sessionStorage.getItem('tsunagu.tsunagu-clinic.session'));
        const r = await fetch('/fhir/$reception-history?patient=Patient/${p.patientId}', { headers: { authorization: 'Bearer ' + s.accessToken } });
        return { status: r.status, body: await r.json() };
      })()`,
    );
    expect(direct).toEqual({ status: 200, body: { resourceType: 'Parameters', parameter: [{ name: 'count', valueInteger: 0 }] } });
    await inPage(page, `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: p.patientId, name: p.name }))})`);
    await page.reload();
    await section(page, 'patient-eligibility').getByText('この医療機関で過去3か月に受付（資格確認）をした記録がありません', { exact: false }).waitFor();
    expect(await section(page, 'patient-eligibility').textContent()).not.toContain('区分ウ');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-patient-other-facility');
    expect(errors).toEqual([]);
  });

  it('髙橋 一郎: diagnoses of the clinic and the hospital with names and dates, the lab trends, eligibility, e-prescriptions', async () => {
    const { page, errors } = await signedIn('医師');
    // Today's reception was done by the desk (the demo world's reception); the page reads it from the server.
    await openPatient(page, 'takahashi');

    const diagnoses = section(page, 'patient-diagnoses');
    const angina = diagnoses.getByRole('row').filter({ hasText: '狭心症' });
    await expect.poll(() => angina.textContent()).toContain(HOSPITAL);
    expect(await angina.textContent()).toMatch(/\d{4}\/\d{2}\/\d{2}/);
    expect(await angina.textContent()).toContain('循環器科');
    const hypertension = diagnoses.getByRole('row').filter({ hasText: '高血圧症' });
    expect(await hypertension.textContent()).toContain(`${CLINIC}（当院）`);
    for (const name of ['2型糖尿病', '脂質異常症']) expect(await diagnoses.getByText(name).count()).toBe(1);
    // Codes are shown by name only: no disease management number, no JSON.
    expect(await page.locator('main').textContent()).not.toMatch(/20058911|99999999|resourceType|\{"/);

    const labs = section(page, 'patient-labs');
    const hba1c = labs.locator('figure').filter({ hasText: 'HbA1c' });
    expect(await hba1c.locator('figcaption').textContent()).toContain('8.2 → 7.1');
    await hba1c.locator('canvas').first().waitFor();
    const rows = await hba1c.getByRole('row').allTextContents();
    expect(rows.some((r) => r.includes('8.2'))).toBe(true);
    expect(rows.some((r) => r.includes('7.1'))).toBe(true);
    for (const name of ['LDL-C', 'eGFR']) expect(await labs.locator('figure').filter({ hasText: name }).count()).toBe(1);

    const eligibility = section(page, 'patient-eligibility');
    expect(await eligibility.textContent()).toContain('3割');
    expect(await eligibility.textContent()).toContain('区分ウ');
    await expect.poll(() => eligibility.textContent()).toContain('国民健康保険');

    const medication = section(page, 'patient-medication');
    await medication.getByText('調剤済み').first().waitFor();
    const text = await medication.textContent();
    for (const drug of ['ノルバスク', 'アマリール', 'リピトール']) expect(text).toContain(drug);
    expect(await medication.getByText('未調剤（薬局での受付待ち）').count()).toBeGreaterThanOrEqual(1);

    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-patient-takahashi', { docs: true });
    await page.getByRole('navigation', { name: 'この画面の項目' }).getByRole('link', { name: '検査' }).click();
    expect(await inPage<string>(page, 'document.activeElement && document.activeElement.id')).toBe('patient-labs-title');
    expect(await inPage<string>(page, 'location.hash')).toBe('#patients');
    await screenshot(page, 'clinic-patient-labs-chart', { docs: true, fullPage: false });
    // English on the toggle, the same page.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Diagnoses' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reload' }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: '日本語' }).click();
    // 再読み込み reads everything again.
    await page.getByRole('button', { name: '再読み込み' }).click();
    await diagnoses.getByText('狭心症', { exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it('林 和子: the hospital’s 噴門癌 carries the 未告知 warning', async () => {
    const { page, errors } = await signedIn('医師');
    await openPatient(page, 'hayashi');
    const row = section(page, 'patient-diagnoses').getByRole('row').filter({ hasText: '噴門癌' });
    await expect.poll(() => row.textContent()).toContain(HOSPITAL);
    expect(await row.textContent()).toContain('患者さんに未告知');
    expect(await section(page, 'patient-diagnoses').getByText('患者さんに未告知').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-patient-uninformed');
    expect(errors).toEqual([]);
  });

  it('清水 浩: パーキンソン病 is shown, his 未提供 うつ病 nowhere', async () => {
    const { page, errors } = await signedIn('医師');
    await openPatient(page, 'shimizu');
    await section(page, 'patient-diagnoses').getByText('パーキンソン病').waitFor();
    await section(page, 'patient-checkups').getByText('読み込み中です…').waitFor({ state: 'detached' });
    expect(await page.locator('body').textContent()).not.toContain('うつ病');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('山﨑 真由美 (no consent here): none of the hospital’s items, and a plain no-consent message', async () => {
    const { page, errors } = await signedIn('医師');
    await openPatient(page, 'yamazaki');
    await page.getByText('この医療機関での閲覧の同意がないため、他の医療機関が登録した共有情報は表示していません。').waitFor();
    await section(page, 'patient-checkups').getByText('読み込み中です…').waitFor({ state: 'detached' });
    await section(page, 'patient-medication').getByText('読み込み中です…').first().waitFor({ state: 'detached' });
    expect(await page.locator('main').textContent()).not.toContain(HOSPITAL);
    expect(await section(page, 'patient-checkups').textContent()).toContain('健診情報の閲覧の同意がない');
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-patient-no-consent');
    expect(errors).toEqual([]);
  });

  it('𠮷田 花子: check-ups over five years and her penicillin allergy', async () => {
    const { page, errors } = await signedIn('医師');
    await openPatient(page, 'yoshida');
    await section(page, 'patient-allergies').getByText('ペニシリン系抗菌薬', { exact: false }).first().waitFor();
    // The name exactly as registered: 𠮷 (U+20BB7, outside the BMP), not 吉.
    expect(await page.locator('.patients-name').textContent()).toContain('𠮷田 花子');
    const checkups = section(page, 'patient-checkups');
    await checkups.getByText('5件の健診結果').waitFor();
    const years = await checkups.locator('thead th').allTextContents();
    expect(new Set(years.slice(1).map((y) => y.slice(0, 4))).size).toBe(5);
    expect(await checkups.getByRole('row').filter({ hasText: 'HbA1c' }).count()).toBeGreaterThan(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-patient-checkups');
    expect(errors).toEqual([]);
  });

  it('a 看護師 reads the page; a 事務 sees the eligibility only, and the server refuses them the shared views', async () => {
    const nurse = await signedIn('看護師');
    await openPatient(nurse.page, 'takahashi');
    await section(nurse.page, 'patient-diagnoses').getByText('狭心症', { exact: true }).waitFor();
    expect(nurse.errors).toEqual([]);

    const clerk = await signedIn('事務');
    const p = demoPatient(server.world, 'takahashi');
    await inPage(clerk.page, `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: p.patientId, name: p.name }))})`);
    await clerk.page.reload();
    await clerk.page.getByText('事務の職種では表示されません').waitFor();
    expect(await section(clerk.page, 'patient-eligibility').count()).toBe(1);
    // The desk's 事務 reads the reception history too (staffAction reception).
    await expect.poll(() => section(clerk.page, 'patient-eligibility').textContent()).toContain('区分ウ');
    expect(await section(clerk.page, 'patient-diagnoses').count()).toBe(0);
    const refused = await inPage<{ status: number; text: string }>(
      clerk.page,
      `(async () => {
        const s = JSON.parse(sessionStorage.getItem('tsunagu.tsunagu-clinic.session'));
        const r = await fetch('/fhir/Patient/${p.patientId}/$clinical-information', { headers: { authorization: 'Bearer ' + s.accessToken } });
        return { status: r.status, text: (await r.json()).issue[0].details.text };
      })()`,
    );
    expect(refused).toEqual({ status: 403, text: '事務は「共有された診療情報の閲覧」を行えません' });
    expect(await checkA11y(clerk.page)).toEqual([]);
    await screenshot(clerk.page, 'clinic-patient-clerk');
    expect(clerk.errors).toEqual([]);
  });

  it('nothing overflows on a tablet (portrait) or at 200% zoom', async () => {
    for (const [name, options] of [
      ['clinic-patient-tablet-portrait', TABLET_PORTRAIT],
      ['clinic-patient-zoom-200', ZOOM_200],
    ] as const) {
      const { page, errors } = await signedIn('医師', options);
      await openPatient(page, 'takahashi');
      await section(page, 'patient-labs').locator('canvas').first().waitFor();
      await section(page, 'patient-medication').getByText('読み込み中です…').first().waitFor({ state: 'detached' });
      expect(await overflowsSideways(page), name).toBe(false);
      expect(await checkA11y(page), name).toEqual([]);
      await screenshot(page, name);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});
