/**
 * `tsunagu demo` — creates the demo world in the configured database (DATABASE_URL, or the embedded one in the data
 * directory) and data directory, and prints its sign-ins. `npm start` does this by itself on a fresh embedded data
 * directory; this command is how to get one on PostgreSQL. Refuses when a demo world is already there.
 */
import { resolve } from 'node:path';
import { configFromEnv } from '../../src/platform/config.ts';
import { DemoExistsError, createDemoTsunagu, demoPaths, printSignIns, readDemoWorld, seedDemoWorld } from '../../src/demo/index.ts';
import { parse } from '../common.ts';

const USAGE = `tsunagu demo [--data-dir ./data] [--today YYYY-MM-DD]   (DATABASE_URL=postgres://… for PostgreSQL)

  デモの世界（診療所・病院・薬局・健診機関・保険者、職員、患者20人と5年分の記録）を作成し、サインイン情報を表示します。
  Creates the demo world (a clinic, a hospital, a pharmacy, a check-up provider, insurers, their staff, 20 patients
  with five years of history) and prints the sign-ins. The embedded database must not be open in a running server.
    --today   the day the history is counted back from (default: today)`;

export async function demoCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { today: { type: 'string' } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  let today: Date | undefined;
  if (v.today !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.today) || Number.isNaN(Date.parse(`${v.today}T12:00:00+09:00`))) {
      console.error(`--today は YYYY-MM-DD の日付です（${v.today}） / --today must be a date YYYY-MM-DD`);
      return 2;
    }
    today = new Date(`${v.today}T12:00:00+09:00`);
  }
  const config = configFromEnv(process.env, v['data-dir'] ? { dataDir: resolve(v['data-dir']) } : {});
  if (config.dataDir !== 'memory://' && (await readDemoWorld(config.dataDir))) {
    console.error(
      `デモの世界はこのデータディレクトリに作成済みです（${demoPaths(config).world}） / a demo world already exists in this data directory (${demoPaths(config).world})`,
    );
    return 1;
  }
  const { t, clock } = await createDemoTsunagu(config, { logger: false, now: today });
  try {
    const world = await seedDemoWorld(t, { clock, today });
    console.log(printSignIns(world));
    console.log(`  demo-world.json: ${demoPaths(config).world}`);
    if (config.databaseUrl)
      console.log(
        `  別に起動しているサーバーには / for a server started separately: TSUNAGU_HPKI_TRUST_DIR=${demoPaths(config).hpki.trust} (the demo doctors' HPKI), TSUNAGU_DATA_DIR=${config.dataDir}`,
      );
    return 0;
  } catch (err) {
    if (err instanceof DemoExistsError) {
      console.error(err.message);
      return 1;
    }
    console.error(`デモの世界を作成できません / cannot create the demo world: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await t.close();
  }
}
