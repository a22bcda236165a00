/** `tsunagu serve`: migrate, then serve the API and web apps; prints the URL. */
import { resolve } from 'node:path';
import { createTsunagu } from '../../src/app.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { originsOf } from '../../src/platform/http/auth-routes.ts';
import { parse } from '../common.ts';

const USAGE = `tsunagu serve [--port 8080] [--host 0.0.0.0] [--data-dir ./data] [--ig <package.tgz>]...

Environment: PORT, HOST, TSUNAGU_DATA_DIR, DATABASE_URL (PostgreSQL instead of the embedded database),
TSUNAGU_IG (comma-separated IG packages), TSUNAGU_AUDIT_KEY_FILE,
TSUNAGU_PUBLIC_URL — the URL clients use (set it behind a proxy or under a DNS name): client assertions must name
<TSUNAGU_PUBLIC_URL>/auth/token as aud. Unset, the accepted aud is /auth/token at an address this server is bound to
(localhost, 127.0.0.1, [::1]; on a wildcard HOST also the machine's addresses and host name) — never the Host header.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, ig: { type: 'string', multiple: true } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  const config = configFromEnv(process.env, {
    ...(v['data-dir'] ? { dataDir: resolve(v['data-dir']) } : {}),
    ...(v.port ? { port: Number(v.port) } : {}),
    ...(v.host ? { host: v.host } : {}),
  });
  if (v.ig) config.igPackages = [...config.igPackages, ...v.ig.map((p) => resolve(p))];
  const t = await createTsunagu(config, { logger: process.env.TSUNAGU_LOG === '1' });
  await t.app.listen({ port: config.port, host: config.host });
  // The published origin, as the token endpoint computes it (the port actually bound: PORT=0 picks a free one).
  const shown = originsOf(t.app, config)[0];
  console.log(`Tsunagu ${t.platform.db.engine === 'pglite' ? `(embedded database: ${t.platform.db.location})` : `(PostgreSQL: ${t.platform.db.location})`}`);
  console.log(`  FHIR API:   ${shown}/fhir   (CapabilityStatement: ${shown}/fhir/metadata)`);
  console.log(`  Token:      ${shown}/auth/token   (the aud of client assertions${config.publicUrl ? '' : '; behind a proxy set TSUNAGU_PUBLIC_URL'})`);
  const stop = async () => {
    await t.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}
