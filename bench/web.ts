/**
 * The web apps with the demo world, in Debian's headless Chromium on this machine: each app's initial JavaScript
 * (gzipped), and how long the clinic app takes to be usable — the sign-in page, from the sign-in form to the first
 * screen, a signed-in reload to the first screen, and the patient page of 髙橋 一郎 with his shared information and
 * lab chart drawn. The floor: the same browser loading the server's 404 page (HTML and CSS, no script) in the
 * same run, so the ratio says what the app adds to a page load here. Skipped (with the reason) without Chromium or
 * without the IG packages the demo's clinical data need.
 */
import type { Page } from 'playwright-core';
import { measureInitialJs } from '../scripts/build-web.ts';
import { CLINIC_PC, ensureChromium, launch, signInOnPage } from '../test/web/browser.ts';
import { DEMO_PACKAGES_FOUND, demoPatient, demoStaff, startDemoWebServer } from '../test/web/demo-web.ts';
import { percentiles } from './lib.ts';

export interface WebBench {
  initialJsKB: Record<string, number>;
  /** Milliseconds, median and worst of the runs. */
  floor404: { p50: number; max: number };
  signInPage: { p50: number; max: number };
  signInToFirstScreen: { p50: number; max: number };
  reloadToFirstScreen: { p50: number; max: number };
  patientPage: { p50: number; max: number };
  runs: number;
  seedSeconds: number;
}

const summary = (ms: number[]) => ({ p50: percentiles(ms).p50, max: Math.round(Math.max(...ms)) });

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function benchWeb(opts: { quick?: boolean } = {}): Promise<WebBench | { skipped: string }> {
  const chromium = ensureChromium();
  if (!chromium.ok) return { skipped: chromium.reason };
  if (DEMO_PACKAGES_FOUND.length === 0) return { skipped: 'the IG packages were not found (set TSUNAGU_SHARED_DIR or TSUNAGU_IG)' };
  const runs = opts.quick ? 3 : 7;
  const seedStart = Date.now();
  const server = await startDemoWebServer();
  const seedSeconds = Math.round((Date.now() - seedStart) / 100) / 10;
  const browser = await launch();
  const doctor = demoStaff(server.world, '医師');
  const patient = demoPatient(server.world, 'takahashi');
  const shell = (page: Page) => page.getByText(`${doctor.displayName}（${doctor.roleName}）`).waitFor();
  const ms = { floor404: [] as number[], signInPage: [] as number[], signInToFirstScreen: [] as number[], reload: [] as number[], patient: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(CLINIC_PC);
      const page = await context.newPage();
      ms.floor404.push(await timed(() => page.goto(`${server.url}/no-such-page`, { waitUntil: 'load' })));
      ms.signInPage.push(
        await timed(async () => {
          await page.goto(`${server.url}/clinic/`);
          await page.getByLabel('パスワード').waitFor();
        }),
      );
      ms.signInToFirstScreen.push(
        await timed(async () => {
          await signInOnPage(page, doctor);
          await shell(page);
          await page.getByRole('heading', { level: 1 }).waitFor();
        }),
      );
      ms.reload.push(
        await timed(async () => {
          await page.reload();
          await shell(page);
          await page.getByRole('heading', { level: 1 }).waitFor();
        }),
      );
      await page.evaluate(
        `sessionStorage.setItem('tsunagu.tsunagu-clinic.data.patient', ${JSON.stringify(JSON.stringify({ id: patient.patientId, name: patient.name }))})`,
      );
      ms.patient.push(
        await timed(async () => {
          await page.goto(`${server.url}/clinic/#patients`);
          await page.reload();
          await page.getByText('狭心症').first().waitFor({ timeout: 20_000 });
          await page.getByText('HbA1c').first().waitFor();
        }),
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const initialJsKB = Object.fromEntries(
    measureInitialJs()
      .filter((p) => p.files.length)
      .map((p) => [p.page, Math.round(p.gzipBytes / 100) / 10]),
  );
  return {
    initialJsKB,
    floor404: summary(ms.floor404),
    signInPage: summary(ms.signInPage),
    signInToFirstScreen: summary(ms.signInToFirstScreen),
    reloadToFirstScreen: summary(ms.reload),
    patientPage: summary(ms.patient),
    runs,
    seedSeconds,
  };
}

export function webTable(r: WebBench): Record<string, string | number>[] {
  const row = (what: string, v: { p50: number; max: number }) => ({
    'clinic app': what,
    'p50 ms': v.p50,
    'max ms': v.max,
    '× the 404 page (floor)': Math.round((v.p50 / Math.max(1, r.floor404.p50)) * 10) / 10,
  });
  return [
    row('404 page, no script (floor)', r.floor404),
    row('sign-in page', r.signInPage),
    row('sign-in form → first screen', r.signInToFirstScreen),
    row('signed-in reload → first screen', r.reloadToFirstScreen),
    row('patient page, shared info + lab chart', r.patientPage),
  ];
}
