/**
 * 処方 (the clinic app's e-prescription screen) in headless Chromium against the demo world (src/demo/README.md): the
 * clinic's 医師 enrols their HPKI test credential (world.credentials) with a signing passphrase, prescribes リポバス
 * for 伊藤 正 picked from the drug master, sees the 併用禁忌 alert with イトリゾール (さくら総合病院, 24 days ago),
 * acknowledges it with a reason, signs and issues — the 引換番号 shown large; the registered prescription carries the
 * master's name (checked through the API). For 髙橋 一郎 a drug he does not take: 「重複・併用禁忌はありません」. Bad
 * input (no drug, dose 0) gives Japanese messages and registers nothing. The 看護師 has no 処方 tab and the server
 * refuses her check and issue; another doctor cannot enrol the clinic doctor's credential. axe [] in every state,
 * nothing overflows at 200% zoom, no console error.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, ZOOM_200 } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

const chromium = ensureChromium();
const PATIENT_KEY = 'tsunagu.tsunagu-clinic.data.patient';
const PASSPHRASE = 'demo-sign-2026';
const SIMVASTATIN = 'リポバス錠５　５ｍｇ';
const AFTER_DINNER = '1011040000000000';

type Json = Record<string, unknown>;

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`the clinic's prescription screen in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = (options: BrowserContextOptions = CLINIC_PC) => openPage(browser, options);

  /** The clinic doctor signed in on the 処方 screen with `key` as the current patient (as reception sets it). */
  async function prescribingFor(key: string, options?: BrowserContextOptions) {
    const opened = await open(options);
    await openClinicSignedIn(opened.page, server, demoStaff(server.world, '医師'), 'prescriptions');
    const p = demoPatient(server.world, key);
    await inPage(
      opened.page,
      `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: p.patientId, name: p.name, birthDate: p.birthDate }))})`,
    );
    await opened.page.reload();
    await opened.page.getByRole('heading', { name: '処方内容' }).waitFor();
    return { ...opened, patient: p };
  }

  /** The signed-in person's access token (the app's session). */
  const tokenOf = async (page: Page) =>
    JSON.parse((await inPage<string>(page, "sessionStorage.getItem('tsunagu.tsunagu-clinic.session')")) ?? '{}').accessToken as string;
  const api = async (token: string | undefined, method: 'GET' | 'POST', path: string, body?: Json) => {
    const res = await fetch(`${server.url}/fhir/${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        accept: 'application/fhir+json',
        ...(body ? { 'content-type': 'application/fhir+json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const issueText = (b: Json) => ((b.issue as { details?: { text?: string } }[]) ?? []).map((i) => i.details?.text).join(' ');
  const count = async () => Number((await server.t.platform.db.query<{ n: string }>('SELECT count(*) AS n FROM eprescription_prescriptions')).rows[0].n);

  async function pick(page: Page, name: string, q: string) {
    await page.getByLabel('薬剤名（1行目）').fill(q);
    await page.getByRole('button', { name }).click();
    await page.getByText('選んだ薬剤:').waitFor();
  }

  it('伊藤 正: enrol, リポバス from the master, the 併用禁忌 alert with イトリゾール, acknowledged, signed and issued', async () => {
    const { page, errors, patient } = await prescribingFor('ito');
    tokens.医師 = await tokenOf(page);
    // the first time: the doctor's own HPKI credential and a signing passphrase
    await page.getByRole('heading', { name: '署名用電子証明書の登録（初回のみ）' }).waitFor();
    const clinicCode = server.world.signIns[0].facilityCode;
    const credential = server.world.credentials!.find((c) => c.facilityCode === clinicCode && c.login === 'doctor')!;
    await page.getByLabel('電子証明書ファイル（.json）').setInputFiles(credential.path);
    await page.getByLabel('署名用パスフレーズ（8文字以上）').fill(PASSPHRASE);
    await page.getByLabel('署名用パスフレーズ（確認）').fill(PASSPHRASE);
    await page.getByRole('button', { name: '証明書を登録' }).click();
    await page.getByRole('heading', { name: '署名用電子証明書の登録（初回のみ）' }).waitFor({ state: 'detached' });

    await pick(page, SIMVASTATIN, 'リポバス');
    expect(await page.locator('.prescriptions-picked-name').textContent()).toContain(SIMVASTATIN);
    await page.getByLabel('1回量（錠）').fill('1');
    await page.getByLabel('用法').selectOption(AFTER_DINNER);
    await page.getByLabel('日数（日分）').fill('28');
    await page.getByText('計 28錠（1回1錠 × 1日1回 × 28日分）').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-prescription-form', { docs: true });

    await page.getByRole('button', { name: '確認（重複・併用禁忌チェック）' }).click();
    const alert = page.locator('.prescriptions-alert');
    await alert.first().waitFor();
    const text = (await alert.first().textContent()) ?? '';
    expect(text).toContain('併用禁忌');
    expect(text).toContain('イトリゾール');
    expect(text).toContain('24日前');
    expect(text).toContain('さくら総合病院（医科）・処方');
    expect(text).toContain(SIMVASTATIN);
    const sign = page.getByRole('button', { name: '署名して発行' });
    expect(await sign.isDisabled()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-prescription-alert', { docs: true });

    await page.getByLabel('上記の注意を確認し、処方する必要があると判断しました').check();
    expect(await sign.isDisabled()).toBe(true);
    await page.getByLabel('処方する理由（必須・処方箋と一緒に記録されます）').fill('イトリゾールは休薬期間中で、次のパルスは行わない方針のため');
    await page.getByLabel('署名用パスフレーズ', { exact: true }).fill(PASSPHRASE);
    expect(await sign.isDisabled()).toBe(false);
    await sign.click();
    const slip = page.locator('.prescriptions-slip');
    await slip.getByRole('heading', { name: '電子処方箋を発行しました（処方内容の控え）' }).waitFor();
    const exchange = ((await slip.locator('.prescriptions-exchange').textContent()) ?? '').trim();
    expect(exchange).toMatch(/^\d{6}$/);
    const id = ((await slip.locator('.prescriptions-id').textContent()) ?? '').trim();
    // today's list shows it, cancellable
    await page.locator('.prescriptions-today-item').filter({ hasText: exchange }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-prescription-issued', { docs: true });

    // the registered prescription, through the API: the master's name, signed by the clinic's doctor, the reason kept
    const status = await api(tokens.医師, 'GET', `$prescription-status?prescription=${id}`);
    expect(status.status).toBe(200);
    const listed = JSON.stringify(status.body);
    expect(listed).toContain(SIMVASTATIN);
    expect(listed).toContain(exchange);
    const row = (
      await server.t.platform.db.query<{ prescriber: string; override_reason: string; patient_key: string }>(
        'SELECT prescriber, override_reason, patient_key FROM eprescription_prescriptions WHERE prescription_id = $1',
        [id],
      )
    ).rows[0];
    expect(JSON.parse(row.prescriber)).toMatchObject({ name: '佐藤 健一', signed: true });
    expect(row.override_reason).toContain('休薬期間中');
    expect(row.patient_key).toBe(patient.patientId);

    // 取消 while no pharmacy holds it (two steps)
    await page.getByRole('button', { name: `取消（引換番号 ${exchange}）` }).click();
    await page.getByRole('button', { name: '取り消す', exact: true }).click();
    await page.getByText(`処方箋 ${id} を取り消しました`).waitFor();
    await page.locator('.prescriptions-today-item').filter({ hasText: exchange }).getByText('取消済み').waitFor();
    expect(await page.getByRole('button', { name: `取消（引換番号 ${exchange}）` }).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('髙橋 一郎: a drug he does not take — 「重複・併用禁忌はありません」; bad input is refused in Japanese, nothing registered', async () => {
    const { page, errors } = await prescribingFor('takahashi');
    const before = await count();
    // nothing picked, the dose 0
    await page.getByLabel('1回量').fill('0');
    await page.getByRole('button', { name: '確認（重複・併用禁忌チェック）' }).click();
    const problems = page.locator('.prescriptions-problems');
    await problems.getByText('1行目: 薬剤を医薬品マスターから選んでください').waitFor();
    expect(await problems.textContent()).toContain('1行目: 1回量は0より大きい数を入力してください');
    expect(await problems.textContent()).toContain('1行目: 用法を選んでください');
    expect(await checkA11y(page)).toEqual([]);
    // the server refuses the same in Japanese
    const bad = await api(tokens.医師, 'POST', '$issue-prescription', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'patient', valueString: demoPatient(server.world, 'takahashi').patientId },
        {
          name: 'line',
          part: [
            { name: 'dose', valueDecimal: 0 },
            { name: 'usage', valueCode: AFTER_DINNER },
            { name: 'days', valueInteger: 14 },
          ],
        },
        { name: 'passphrase', valueString: PASSPHRASE },
      ],
    });
    expect(bad.status).toBe(400);
    expect(issueText(bad.body)).toContain('薬剤が選ばれていません');
    expect(issueText(bad.body)).toContain('1回量は0より大きい数');
    expect(await count()).toBe(before);

    await pick(page, 'ジルテック錠５　５ｍｇ', 'ジルテック');
    await page.getByLabel('1回量（錠）').fill('1');
    await page.getByLabel('用法').selectOption('1011100000000000');
    await page.getByLabel('日数（日分）').fill('14');
    await page.getByRole('button', { name: '確認（重複・併用禁忌チェック）' }).click();
    await page.getByText('重複・併用禁忌はありません').waitFor();
    expect(await page.locator('.prescriptions-alert').count()).toBe(0);
    // the prescription the clinic issued today (the demo's open one) is listed
    await page.locator('.prescriptions-today-item').first().waitFor();
    expect(await page.locator('#prescriptions-today-title + *').count()).toBeGreaterThan(0);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-prescription-no-alert');
    expect(await count()).toBe(before);
    expect(errors).toEqual([]);
  });

  it('at 200% zoom nothing overflows; with no current patient a message and the way to reception', async () => {
    const { page, errors } = await prescribingFor('takahashi', ZOOM_200);
    await pick(page, 'ジルテック錠５　５ｍｇ', 'ジルテック');
    await page.getByLabel('1回量（錠）').fill('1');
    await page.getByLabel('用法').selectOption('1011100000000000');
    await page.getByLabel('日数（日分）').fill('14');
    await page.getByRole('button', { name: '確認（重複・併用禁忌チェック）' }).click();
    await page.getByText('重複・併用禁忌はありません').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    await screenshot(page, 'clinic-prescription-zoom200');
    await inPage(page, `sessionStorage.removeItem(${JSON.stringify(PATIENT_KEY)})`);
    await page.reload();
    await page.getByText('処方する患者さんが選ばれていません。').waitFor();
    expect(await page.getByRole('link', { name: '受付で患者さんを選んでください' }).getAttribute('href')).toBe('#reception');
    expect(await checkA11y(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('the 看護師 has no 処方 tab; the server refuses her check and issue, and anyone’s use of another doctor’s credential', async () => {
    const { page, errors } = await open();
    await openClinicSignedIn(page, server, demoStaff(server.world, '看護師'));
    await page.getByRole('navigation').first().waitFor();
    tokens.看護師 = await tokenOf(page);
    const hospitalCode = server.world.signIns.find((s) => s.roleName === '医師' && s.facilityCode !== server.world.signIns[0].facilityCode)!.facilityCode;
    const other = await open();
    await openClinicSignedIn(other.page, server, demoStaff(server.world, '医師', hospitalCode));
    tokens.hospital = await tokenOf(other.page);
    expect(await page.getByRole('link', { name: '処方', exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
    const ito = demoPatient(server.world, 'ito').patientId;
    const check = await api(tokens.看護師, 'POST', '$check-prescription', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'patient', valueString: ito },
        { name: 'medication', valueCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: '612180263' }] } },
      ],
    });
    expect(check.status).toBe(403);
    expect(issueText(check.body)).toContain('看護師');
    const issue = await api(tokens.看護師, 'POST', '$issue-prescription', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'patient', valueString: ito },
        {
          name: 'line',
          part: [
            { name: 'system', valueCode: 'receipt' },
            { name: 'code', valueString: '612180263' },
            { name: 'dose', valueDecimal: 1 },
            { name: 'usage', valueCode: AFTER_DINNER },
            { name: 'days', valueInteger: 7 },
          ],
        },
        { name: 'passphrase', valueString: PASSPHRASE },
      ],
    });
    expect(issue.status).toBe(403);
    // the hospital's doctor cannot enrol (nor so sign with) the clinic doctor's credential
    const clinicCode = server.world.signIns[0].facilityCode;
    const credential = server.world.credentials!.find((c) => c.facilityCode === clinicCode)!;
    const enrol = await api(tokens.hospital, 'POST', '$enrol-signing-credential', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'credential', valueString: readFileSync(credential.path, 'utf8') },
        { name: 'passphrase', valueString: 'hospital-2026' },
      ],
    });
    expect(enrol.status).toBe(422);
    expect(issueText(enrol.body)).toContain('一致しません');
    expect((await api(undefined, 'GET', '$search-drugs?q=リポバス')).status).toBe(401);
  });
});
