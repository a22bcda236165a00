/**
 * 検査・病名登録 in Chromium, on the demo world: the clinic's 医師, with 髙橋 一郎 as the current patient, registers by
 * hand a diagnosis (found in the disease master) and a HbA1c result; then imports an outsourced lab's result file
 * (Shift_JIS, written here, one row with a code the service does not know): the preview refuses that row with its
 * reason, the other rows are registered (one Bundle per patient and date: 髙橋 by 患者ID, 加藤 恵子 by insured number),
 * the refused row downloads as CSV; $clinical-information then holds exactly the new items, from the clinic, with the
 * values as entered. A 看護師 and a 事務 do not get the screen (and the server refuses them). No current patient: a
 * clear message and the way to reception. axe finds nothing on any state; nothing overflows at 200% zoom; no
 * console error but the expected refusals of the preview's checks. Also the file reader itself (lab-csv.ts).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateOf, decode, parseCsv, readLabFile, refusedCsv } from '../../web/clinic/records/lab-csv.ts';
import { CLINIC_PC, checkA11y, ensureChromium, inPage, launch, openPage, overflowsSideways, screenshot, ZOOM_200 } from './browser.ts';
import { DEMO_PACKAGES_FOUND, type DemoWebServer, demoPatient, demoStaff, openClinicSignedIn, startDemoWebServer } from './demo-web.ts';

type Json = Record<string, unknown>;
const chromium = ensureChromium();
const HBA1C = '3D046000001906202';
const LDL = '3F077000002327101';
const EGFR = '8A065000002391901';
const UNKNOWN = '3Z999000002327101';
const PATIENT_KEY = 'tsunagu.tsunagu-clinic.data.patient';

/** Shift_JIS (Windows-31J, as TextDecoder reads it) bytes of a text: the decoder's table turned around. */
function shiftJis(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('shift_jis');
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (lead > 0x9f && lead < 0xe0) continue;
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) out.push(c);
    else if (table.has(ch)) out.push(...(table.get(ch) as number[]));
    else throw new Error(`no Shift_JIS for ${ch}`);
  }
  return Buffer.from(out);
}

describe('the lab file reader (web/clinic/records/lab-csv.ts)', () => {
  it('RFC 4180: quotes, "" inside, commas and line breaks inside quotes, CRLF and LF, blank lines; an open quote is named', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n\r\n1,"x\ny",3\n').records).toEqual([
      { line: 1, fields: ['a', 'b,c', 'd "e"'] },
      { line: 3, fields: ['1', 'x\ny', '3'] },
    ]);
    expect(parseCsv('a,b\n"open,1\n').unterminated).toBe(2);
  });
  it('UTF-8 with and without BOM, Shift_JIS by detection or by choice', () => {
    const text = '検査日,結果値\n';
    expect(decode(new Uint8Array(Buffer.from(`\uFEFF${text}`)), 'auto')).toBe(text);
    expect(decode(new Uint8Array(Buffer.from(text)), 'utf-8')).toBe(text);
    expect(decode(new Uint8Array(shiftJis(text)), 'auto')).toBe(text);
    expect(decode(new Uint8Array(shiftJis('髙橋')), 'shift_jis')).toBe('髙橋');
  });
  it('dates as labs write them; rows refused with Japanese reasons; required columns; the refused rows as CSV', () => {
    expect([dateOf('2026-01-05'), dateOf('2026/1/5'), dateOf('20260105'), dateOf('２０２６０１０５'), dateOf('2026-02-30'), dateOf('2026105')]).toEqual([
      '2026-01-05',
      '2026-01-05',
      '2026-01-05',
      '2026-01-05',
      undefined,
      undefined,
    ]);
    const file = readLabFile(
      [
        '患者ID,検査日,JLAC10コード,項目名,結果値,単位,異常フラグ',
        `p1,2026/01/05,${HBA1C},HbA1c,7.1,%,H`,
        `p1,2026-13-01,${HBA1C},HbA1c,7.1,%,`,
        'p1,2026-01-05,3D04600,HbA1c,溶血,%,X',
        `,2026-01-05,${LDL},LDL,120,mg/dL,`,
        `p1,2026/01/05,${HBA1C},"HbA1c, again",7.2,%,`,
      ].join('\r\n'),
    );
    expect(file.error).toBeUndefined();
    expect(file.rows.map((r) => r.state)).toEqual(['ok', 'refused', 'refused', 'refused', 'refused']);
    expect(file.rows[0].lab).toEqual({ code: HBA1C, date: '2026-01-05', value: '7.1', name: 'HbA1c', unit: '%', flag: 'H' });
    expect(file.rows[1].reasons[0].ja).toBe('検査日「2026-13-01」が日付ではありません');
    expect(file.rows[2].reasons.map((x) => x.ja)).toEqual([
      'JLAC10コード「3D04600」は17桁ではありません（7桁）',
      '結果値「溶血」が数値ではありません',
      '異常フラグ「X」は H・L・N のいずれかです',
    ]);
    expect(file.rows[3].reasons[0].ja).toContain('患者の指定がありません');
    expect(file.rows[4].reasons[0].ja).toBe('同じ患者・検査日・検査項目の行が2行目にもあります');
    const csv = refusedCsv(file, file.rows.slice(4));
    expect(csv).toContain('"HbA1c, again"');
    expect(csv.startsWith('\uFEFF患者ID,')).toBe(true);
    expect(readLabFile('患者ID,検査日,結果値\np1,2026-01-05,1').error?.ja).toContain('JLAC10コード');
    expect(readLabFile('検査日,JLAC10コード,結果値\n2026-01-05,x,1').error?.ja).toContain('患者ID');
    expect(readLabFile('').error?.ja).toBe('ファイルが空です');
  });
});

describe.skipIf(!chromium.ok || DEMO_PACKAGES_FOUND.length === 0)(`検査・病名登録 in Chromium (${chromium.reason})`, () => {
  let server: DemoWebServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoWebServer(), launch()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // The preview's checks (check=true) of a refused row answer 400/422 by design; the browser logs the status.
  const open = (options: BrowserContextOptions = CLINIC_PC) =>
    openPage(
      browser,
      { ...options, acceptDownloads: true },
      (text, url) => text.startsWith('Failed to load resource') && url.includes('$register-simple-entry'),
    );
  const tokenOf = async (page: Page) =>
    JSON.parse((await inPage<string>(page, "sessionStorage.getItem('tsunagu.tsunagu-clinic.session')")) ?? '{}').accessToken as string;
  const api = async (token: string, path: string, init: { method?: string; body?: Json } = {}) => {
    const res = await fetch(`${server.url}/fhir/${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json', ...(init.body ? { 'content-type': 'application/fhir+json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const items = async (token: string, patientId: string) => {
    const r = await api(token, `Patient/${patientId}/$clinical-information?_count=1000`);
    expect(r.status).toBe(200);
    return ((r.body.entry as { resource: Json; search?: { mode?: string } }[]) ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource);
  };
  const a11y = async (page: Page, state: string) => expect(await checkA11y(page), state).toEqual([]);

  it('the 医師 registers by hand and from a lab file; the API holds exactly the new items from the clinic', async () => {
    const world = server.world;
    const doctor = demoStaff(world, '医師');
    const takahashi = demoPatient(world, 'takahashi');
    const kato = demoPatient(world, 'kato');
    const { page, errors } = await open();
    await openClinicSignedIn(page, server, doctor, 'records');
    await page.getByRole('heading', { level: 1, name: '検査・病名登録' }).waitFor();

    // No current patient: the message and the way to reception.
    await page.getByText('診察中の患者が選ばれていません').waitFor();
    expect(await page.getByRole('link', { name: '受付へ' }).getAttribute('href')).toBe('#reception');
    await a11y(page, 'no patient');
    await screenshot(page, 'clinic-records-no-patient');

    const token = await tokenOf(page);
    const before = { takahashi: await items(token, takahashi.patientId), kato: await items(token, kato.patientId) };
    const known = new Set([...before.takahashi, ...before.kato].map((r) => `${r.resourceType}/${r.id}`));

    await inPage(
      page,
      `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: takahashi.patientId, name: takahashi.name, birthDate: takahashi.birthDate }))})`,
    );
    await page.reload();
    await page.getByText(`診察中の患者：${takahashi.name}`).waitFor();

    // A name the master does not have: said so, with the way to add it uncoded; a result that is no number: said so.
    await page.getByLabel('病名（一部でも可）').fill('睡眠時無呼吸');
    await page.getByRole('button', { name: '病名マスターを検索' }).click();
    await page.getByText('病名マスターに一致する病名がありません').waitFor();
    await page.getByLabel('検査項目').selectOption({ label: 'LDLコレステロール' });
    await page.getByLabel('結果値').fill('溶血');
    await page.getByRole('button', { name: '検査結果を一覧に追加' }).click();
    expect(await page.getByRole('alert').filter({ hasText: '結果値を数値で入力してください' }).count()).toBe(1);
    await a11y(page, 'form messages');
    // A diagnosis from the disease master.
    await page.getByLabel('病名（一部でも可）').fill('腹痛');
    await page.getByRole('button', { name: '病名マスターを検索' }).click();
    await page.getByRole('radio', { name: /^腹痛症/ }).check();
    await page.getByLabel('疑い病名').check();
    await page.getByRole('button', { name: '病名を一覧に追加' }).click();
    // A HbA1c result of today.
    await page.getByLabel('検査項目').selectOption({ label: 'HbA1c（NGSP）' });
    expect(await page.getByLabel('単位', { exact: true }).inputValue()).toBe('%');
    await page.getByLabel('結果値').fill('7.0');
    await page.getByLabel('基準値下限（任意）').fill('4.9');
    await page.getByLabel('基準値上限（任意）').fill('6.0');
    await page.getByRole('button', { name: '検査結果を一覧に追加' }).click();
    await page.getByRole('cell', { name: 'HbA1c（NGSP） 7.0 %', exact: true }).waitFor();
    await page.getByRole('cell', { name: '腹痛症［疑い病名］', exact: true }).waitFor();
    await a11y(page, 'hand entry');
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-records-hand', { docs: true });

    await page.getByRole('button', { name: '登録する', exact: true }).click();
    await page.getByText('登録しました: 2 件を登録しました').waitFor();
    await a11y(page, 'hand registered');

    // The lab's file: Shift_JIS, 髙橋 by 患者ID, 加藤 by insured number, one row with an unknown code.
    const yesterday = new Date(Date.now() + 9 * 3_600_000 - 86_400_000).toISOString().slice(0, 10).replace(/-/g, '/');
    const [insurer, symbol, number, branch] = kato.insuredNumber.split(':');
    const csv = [
      '患者ID,患者氏名,保険者番号,被保険者証記号,被保険者証番号,枝番,生年月日,検査日,JLAC10コード,項目名,結果値,単位,基準値下限,基準値上限,異常フラグ',
      `${takahashi.patientId},${takahashi.name},,,,,,${yesterday},${LDL},LDLコレステロール,131,mg/dL,65,139,`,
      `${takahashi.patientId},${takahashi.name},,,,,,${yesterday},${EGFR},"推算GFR（eGFR）",61.5,mL/min/1.73m2,60,,`,
      `${takahashi.patientId},${takahashi.name},,,,,,${yesterday},${UNKNOWN},謎の検査,12,mg/dL,,,`,
      `,${kato.name},${insurer},${symbol},${number},${branch},${kato.birthDate},${yesterday},${HBA1C},HbA1c,6.4,%,4.9,6.0,H`,
    ].join('\r\n');
    await page.getByLabel('文字コード').selectOption('shift_jis');
    await page.getByLabel('結果ファイル（CSV）').setInputFiles({ name: 'gaichu-kekka.csv', mimeType: 'text/csv', buffer: shiftJis(`${csv}\r\n`) });
    await page.getByRole('heading', { name: '取込の確認: gaichu-kekka.csv' }).waitFor();
    await page.getByText('4 件の行: 登録できる行 3 行、登録できません 1 行').waitFor();
    const refusedRow = page.getByRole('row').filter({ hasText: UNKNOWN });
    expect(await refusedRow.textContent()).toContain(`JLAC10コード ${UNKNOWN} はサービスのコード一覧（臨床検査項目基本コードセット）にないか、有効期間外です`);
    expect(await page.getByRole('row').filter({ hasText: LDL }).textContent()).toContain('登録できます');
    await a11y(page, 'csv preview');
    await screenshot(page, 'clinic-records-csv-preview', { docs: true });

    await page.getByRole('button', { name: '登録できる行を登録する（3）' }).click();
    await page.getByText('3 件を登録しました。1 件は登録していません（理由は表のとおり）').waitFor();
    expect(await page.getByRole('row').filter({ hasText: LDL }).textContent()).toContain('登録しました');
    expect(await refusedRow.textContent()).toContain('登録できません');
    await a11y(page, 'csv done');
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'clinic-records-done');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '登録できない行をCSVで保存（1）' }).click()]);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(saved).toContain(UNKNOWN);
    expect(saved).toContain('サービスのコード一覧');
    expect(download.suggestedFilename()).toBe('gaichu-kekka-登録できない行.csv');

    // Through the API: exactly the new items, from the clinic, the values as entered.
    const after = { takahashi: await items(token, takahashi.patientId), kato: await items(token, kato.patientId) };
    const fresh = (list: Json[]) => list.filter((r) => !known.has(`${r.resourceType}/${r.id}`));
    const newT = fresh(after.takahashi);
    const newK = fresh(after.kato);
    expect(newT.length).toBe(4);
    expect(newK.length).toBe(1);
    const clinic = doctor.facility;
    for (const r of [...newT, ...newK]) expect(JSON.stringify(r.extension)).toContain(clinic);
    const lab = (list: Json[], code: string) => list.find((r) => JSON.stringify(r.code).includes(code)) as Json;
    const quantity = (r: Json) => r.valueQuantity as { value: number; unit: string };
    expect(quantity(lab(newT, HBA1C))).toEqual({ value: 7, unit: '%' });
    expect(JSON.stringify(lab(newT, HBA1C).interpretation)).toContain('"H"');
    expect(quantity(lab(newT, LDL))).toEqual({ value: 131, unit: 'mg/dL' });
    expect(quantity(lab(newT, EGFR))).toEqual({ value: 61.5, unit: 'mL/min/1.73m2' });
    expect((lab(newT, EGFR).effectiveDateTime as string).slice(0, 10)).toBe(yesterday.replace(/\//g, '-'));
    expect(quantity(lab(newK, HBA1C))).toEqual({ value: 6.4, unit: '%' });
    const dx = newT.find((r) => r.resourceType === 'Condition') as Json;
    expect((dx.code as { text: string }).text).toBe('腹痛症');
    expect(JSON.stringify(dx.code)).toContain('20075383');
    expect(JSON.stringify(dx.verificationStatus)).toContain('unconfirmed');
    expect([...newT, ...newK].some((r) => JSON.stringify(r.code).includes(UNKNOWN))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a 看護師 and a 事務 do not get the screen, and the server refuses their registration', async () => {
    const takahashi = demoPatient(server.world, 'takahashi');
    for (const role of ['看護師', '事務'] as const) {
      const { page, errors } = await open();
      await openClinicSignedIn(page, server, demoStaff(server.world, role), 'records');
      await page.getByRole('navigation', { name: '画面の切り替え' }).waitFor();
      expect(await page.getByRole('link', { name: '検査・病名登録' }).count(), role).toBe(0);
      expect(await page.getByRole('heading', { level: 1, name: '検査・病名登録' }).count(), role).toBe(0);
      await a11y(page, role);
      const r = await api(await tokenOf(page), '$register-simple-entry', {
        method: 'POST',
        body: { patient: takahashi.patientId, lab: [{ code: HBA1C, value: 6.1, date: new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10) }] },
      });
      expect(r.status, role).toBe(403);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it('at 200% zoom the hand form and the preview fit the window', async () => {
    const takahashi = demoPatient(server.world, 'takahashi');
    const { page, errors } = await open(ZOOM_200);
    await openClinicSignedIn(page, server, demoStaff(server.world, '医師'), 'records');
    await inPage(
      page,
      `sessionStorage.setItem(${JSON.stringify(PATIENT_KEY)}, ${JSON.stringify(JSON.stringify({ id: takahashi.patientId, name: takahashi.name }))})`,
    );
    await page.reload();
    await page.getByText(`診察中の患者：${takahashi.name}`).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await page.getByLabel('結果ファイル（CSV）').setInputFiles({
      name: 'x.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`患者ID,検査日,JLAC10コード,結果値\n${takahashi.patientId},2020-01-01,${UNKNOWN},1\n`),
    });
    await page.getByRole('heading', { name: '取込の確認: x.csv' }).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await a11y(page, 'zoom preview');
    await screenshot(page, 'clinic-records-zoom-200');
    expect(errors).toEqual([]);
  });
});
