/**
 * A listening Tsunagu with the demo world (src/demo) for the clinic app's browser stories: the demo's services and
 * clock, the IG packages found beside the checkout, the web apps built, the world seeded (about 10–20 s). Skips —
 * with the reason — when the IG packages are not found (the demo leaves the clinical data out without them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createDemoTsunagu, type DemoWorld, seedDemoWorld } from '../../src/demo/index.ts';
import { findDemoPackages } from '../../src/demo/packages.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { ensureWebBuilt, signInOnPage, type WebServer } from './browser.ts';

export const DEMO_PACKAGES_FOUND = findDemoPackages();

export interface DemoWebServer extends WebServer {
  world: DemoWorld;
}

export async function startDemoWebServer(): Promise<DemoWebServer> {
  await ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-demo-web-'));
  const config = configFromEnv(
    {},
    {
      dataDir,
      auditKeyFile: join(dataDir, 'audit.key'),
      auditChains: 4,
      embeddedFsync: false,
      port: 0,
      host: '127.0.0.1',
      igPackages: DEMO_PACKAGES_FOUND,
    },
  );
  const demo = await createDemoTsunagu(config, { logger: 'silent' });
  const world = await seedDemoWorld(demo.t, { clock: demo.clock, log: () => {} });
  if (world.skipped?.length) throw new Error(`the demo world is incomplete: ${world.skipped.join('; ')}`);
  await demo.t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = demo.t.app.server.address() as AddressInfo;
  return {
    t: demo.t,
    world,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      await demo.t.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The demo sign-in of a role at a facility (default: the clinic, つなぐ内科クリニック). */
export function demoStaff(
  world: DemoWorld,
  roleName: '医師' | '看護師' | '事務' | '薬剤師' | '個人情報保護管理者',
  facilityCode = world.signIns[0].facilityCode,
) {
  const s = world.signIns.find((x) => x.roleName === roleName && x.facilityCode === facilityCode);
  if (!s) throw new Error(`no demo sign-in for ${roleName} at ${facilityCode}`);
  return { facility: s.facilityCode, login: s.login, password: s.password, displayName: s.displayName, roleName: s.roleName };
}

/** The demo patient with this key (e.g. `takahashi`). */
export function demoPatient(world: DemoWorld, key: string) {
  const p = world.patients.find((x) => x.key === key);
  if (!p) throw new Error(`no demo patient ${key} (there are ${world.patients.map((x) => x.key).join(', ')})`);
  return p;
}

/** Opens the clinic app (`#screen`), signs in on the sign-in page and waits for the shell with the person's name. */
export async function openClinicSignedIn(page: Page, server: DemoWebServer, who: ReturnType<typeof demoStaff>, screen = ''): Promise<void> {
  await page.goto(`${server.url}/clinic/${screen ? `#${screen}` : ''}`);
  await page.waitForURL(/\/auth\/authorize\?/);
  await signInOnPage(page, who);
  await page.getByText(`${who.displayName}（${who.roleName}）`).waitFor();
}
