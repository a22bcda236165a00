/**
 * `tsunagu serve`: migrate, then serve the API and web apps; prints the URL. On a fresh embedded data directory it
 * first creates the demo world (src/demo) and prints its sign-ins, unless TSUNAGU_DEMO=0 or --no-demo.
 */
import { resolve } from 'node:path';
import { createTsunagu, type Tsunagu } from '../../src/app.ts';
import { type DemoWorld, createDemoTsunagu, demoDefaults, demoOnStart, demoPaths, printSignIns, readDemoWorld, seedDemoWorld } from '../../src/demo/index.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { originsOf } from '../../src/platform/http/auth-routes.ts';
import { parse } from '../common.ts';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { webAppsBuilt } from '../../src/platform/http/web-apps.ts';

const USAGE = `tsunagu serve [--port 8080] [--host 0.0.0.0] [--data-dir ./data] [--ig <package.tgz>]... [--no-demo]

On the first start of an embedded data directory the demo world is created and its sign-ins printed (TSUNAGU_DEMO=0
or --no-demo: not; never with DATABASE_URL — run tsunagu demo for that).

Environment: PORT, HOST, TSUNAGU_DATA_DIR, DATABASE_URL (PostgreSQL instead of the embedded database),
TSUNAGU_IG (comma-separated IG packages), TSUNAGU_AUDIT_KEY_FILE,
TSUNAGU_PUBLIC_URL — the URL clients use (set it behind a proxy or under a DNS name): client assertions must name
<TSUNAGU_PUBLIC_URL>/auth/token as aud. Unset, the accepted aud is /auth/token at an address this server is bound to
(localhost, 127.0.0.1, [::1]; on a wildcard HOST also the machine's addresses and host name) — never the Host header.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, ig: { type: 'string', multiple: true }, 'no-demo': { type: 'boolean' } },
    USAGE,
  );
  if (!args) return 0;
  const v = args.values;
  const config = configFromEnv(process.env, {
    ...(v['data-dir'] ? { dataDir: resolve(v['data-dir']) } : {}),
    ...(v.port ? { port: Number(v.port) } : {}),
    ...(v.host ? { host: v.host } : {}),
  });
  if (v.ig) config.igPackages = [...config.igPackages, ...v.ig.map((p) => resolve(p))];
  // The web apps are rebuilt when their sources changed (npm start does it in prestart too); a failed build never stops the API.
  await ensureWebBuild({ quiet: true }).catch((e: Error) => console.error(`Web apps: the build failed (the API still starts): ${e.message}`));
  const logger = process.env.TSUNAGU_LOG === '1';
  const demo = demoOnStart({ env: process.env, noDemo: v['no-demo'] === true, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let t: Tsunagu;
  let world: DemoWorld | undefined;
  if (demo.seed) {
    console.log(`${demo.ja} / ${demo.en}`);
    const seeding = await createDemoTsunagu(config, { logger });
    t = seeding.t;
    world = await seedDemoWorld(t, { clock: seeding.clock }).catch((err: Error) => {
      console.error(`デモの世界を作成できませんでした（サーバーは起動します） / the demo world could not be created (serving anyway): ${err.message}`);
      return undefined;
    });
  } else {
    // a demo world made on an earlier start keeps its IG packages and its doctors' test HPKI unless set otherwise
    const defaults = demoDefaults({ env: process.env, dataDir: config.dataDir, igPackages: config.igPackages });
    if (defaults.igPackages) config.igPackages = defaults.igPackages;
    if (defaults.hpkiTrustDir) process.env.TSUNAGU_HPKI_TRUST_DIR = defaults.hpkiTrustDir;
    t = await createTsunagu(config, { logger });
  }
  await t.app.listen({ port: config.port, host: config.host });
  // The published origin, as the token endpoint computes it (the port actually bound: PORT=0 picks a free one).
  const shown = originsOf(t.app, config)[0];
  console.log(`Tsunagu ${t.platform.db.engine === 'pglite' ? `(embedded database: ${t.platform.db.location})` : `(PostgreSQL: ${t.platform.db.location})`}`);
  console.log(`  Web apps:   ${shown}/   ${webAppsBuilt() ? `(clinic: ${shown}/clinic/)` : '(not built yet: npm run build:web)'}`);
  console.log(`  FHIR API:   ${shown}/fhir   (CapabilityStatement: ${shown}/fhir/metadata)`);
  console.log(`  Token:      ${shown}/auth/token   (the aud of client assertions${config.publicUrl ? '' : '; behind a proxy set TSUNAGU_PUBLIC_URL'})`);
  if (world) console.log(printSignIns(world, { url: shown }));
  else if (config.dataDir !== 'memory://' && (await readDemoWorld(config.dataDir)))
    console.log(`  Demo:       ${shown}/demo/sign-ins   (デモの世界のサインイン / the demo world's sign-ins: ${demoPaths(config).world})`);
  const stop = async () => {
    await t.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}
