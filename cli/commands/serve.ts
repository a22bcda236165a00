/** `tsunagu serve`: migrate, then serve the API and web apps; prints the URL. */
import { resolve } from 'node:path';
import { createTsunagu } from '../../src/app.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { parse } from '../common.ts';

const USAGE = `tsunagu serve [--port 8080] [--host 0.0.0.0] [--data-dir ./data] [--ig <package.tgz>]...

Environment: PORT, HOST, TSUNAGU_DATA_DIR, DATABASE_URL (PostgreSQL instead of the embedded database),
TSUNAGU_IG (comma-separated IG packages), TSUNAGU_PUBLIC_URL, TSUNAGU_AUDIT_KEY_FILE.`;

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
  // The port actually bound (PORT=0 picks a free one).
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shown = config.publicUrl ?? `http://localhost:${port}`;
  console.log(`Tsunagu ${t.platform.db.engine === 'pglite' ? '(embedded database: ' + t.platform.db.location + ')' : '(PostgreSQL: ' + t.platform.db.location + ')'}`);
  console.log(`  FHIR API:   ${shown}/fhir   (CapabilityStatement: ${shown}/fhir/metadata)`);
  console.log(`  Token:      ${shown}/auth/token`);
  const stop = async () => {
    await t.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}
