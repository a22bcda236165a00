/** `tsunagu migrate`: apply pending database migrations and exit. */
import { closePlatform } from '../../src/platform/platform.ts';
import { openLocalPlatform, parse } from '../common.ts';

export async function migrateCommand(argv: string[]): Promise<number> {
  const args = parse(argv, {}, 'tsunagu migrate [--data-dir ./data]   (or DATABASE_URL=postgres://…)');
  if (!args) return 0;
  const p = await openLocalPlatform(args.values['data-dir']);
  const res = await p.db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
  console.log(`database ${p.db.location}: ${res.rows.map((r) => `${r.version} ${r.name}`).join(', ')}`);
  await closePlatform(p);
  return 0;
}
