/**
 * `tsunagu billing master import …` — imports the official 医科診療行為マスター (s_ALL*.csv, 社会保険診療報酬支払基金)
 * and the 医科電子点数表 tables (厚生労働省) into the billing service's tables of the local data directory or the
 * PostgreSQL database. Prints what was imported and every refused row (file, line, code, reason).
 * Exit codes: 0 every row imported, 1 some rows refused or the import failed, 2 bad arguments.
 */
import { configFromEnv } from '../../src/platform/config.ts';
import { migrate, registerMigrations } from '../../src/platform/storage/migrate.ts';
import { openDatabase } from '../../src/platform/storage/open.ts';
import {
  billingMigration,
  type FeeMasterFiles,
  type ImportResult,
  importFeeMaster,
  type MasterEncoding,
  MasterImportError,
} from '../../src/services/billing/master/index.ts';
import type { Exclusion } from '../../src/services/billing/model/types.ts';
import { subcommand } from '../common.ts';

const USAGE = `tsunagu billing master import [files] [options]   (data: --data-dir ./data, --database-url or DATABASE_URL=postgres://…)

  --items <s_ALL.csv>            医科診療行為マスター (社会保険診療報酬支払基金 基本マスター)
  --support <01補助マスターテーブル.csv>   電子点数表: the 包括 links of each item (包括単位・グループ番号)
  --inclusions <02包括テーブル.csv>       電子点数表: the items of each 包括 group
  --exclusions [day:|month:|same-time:|week:]<03-n背反テーブル.csv>   (repeatable) 背反テーブル; the kind is taken
                                 from the official name (03-1 1日 / 03-2 同一月 / 03-3 同時 / 03-4 1週間) unless given
  --count-limits <05算定回数テーブル.csv> 電子点数表: 算定回数 (日・週・月)
  --bundle-steps <file.csv>      まるめ steps (group,name,min_items,points,valid_from,valid_to,source)
  --encoding shift_jis|utf-8     default: detected (UTF-8 with a BOM or valid UTF-8, else Shift_JIS)
  --no-progress                  no progress bar (default: shown when stderr is a terminal)

  ファイルを検査してから、ファイルごとに1トランザクションで取り込みます。同じファイルを再度取り込んでも変わりません。
  Every file is checked first, then stored in one transaction per file; re-importing a file changes nothing.`;

const OPTIONS = {
  items: { type: 'string' },
  support: { type: 'string' },
  inclusions: { type: 'string' },
  exclusions: { type: 'string', multiple: true },
  'count-limits': { type: 'string' },
  'bundle-steps': { type: 'string' },
  encoding: { type: 'string' },
  'database-url': { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const;

/** `--exclusions day:path` or just the path (its kind from the file name). */
function exclusionArgument(v: string): NonNullable<FeeMasterFiles['exclusions']>[number] {
  const m = /^(day|month|same-time|week):(.+)$/.exec(v);
  return m ? { file: m[2], scope: m[1] as Exclusion['scope'] } : v;
}

function printResult(result: ImportResult): void {
  for (const f of result.files)
    console.log(
      `${f.file}: 取込 ${f.imported} 行・エラー ${f.refused} 行・対象外 ${f.skipped} 行 / imported ${f.imported}, refused ${f.refused}, skipped ${f.skipped}`,
    );
  console.log(`合計 取込 ${result.imported} 行・エラー ${result.refused.length} 行 / total imported ${result.imported}, refused ${result.refused.length}`);
  for (const r of result.refused) console.error(`  エラー ${r.file} ${r.line} 行目${r.code ? ` ${r.code}` : ''}: ${r.reason}`);
  for (const r of result.skipped) console.error(`  対象外 ${r.file} ${r.line} 行目${r.code ? ` ${r.code}` : ''}: ${r.reason}`);
}

async function importCommand(values: Record<string, string | boolean | string[] | undefined>): Promise<number> {
  const str = (k: string) => values[k] as string | undefined;
  const encoding = str('encoding');
  if (encoding !== undefined && encoding !== 'shift_jis' && encoding !== 'utf-8') {
    console.error(`--encoding は shift_jis か utf-8 です（${encoding}） / --encoding must be shift_jis or utf-8\n${USAGE}`);
    return 2;
  }
  const files: FeeMasterFiles = {
    items: str('items'),
    support: str('support'),
    inclusions: str('inclusions'),
    exclusions: ((values.exclusions as string[] | undefined) ?? []).map(exclusionArgument),
    countLimits: str('count-limits'),
    bundleSteps: str('bundle-steps'),
  };
  if (!files.items && !files.support && !files.inclusions && !files.exclusions?.length && !files.countLimits && !files.bundleSteps) {
    console.error(`取り込むファイルを指定してください / name at least one file\n${USAGE}`);
    return 2;
  }
  const config = configFromEnv(process.env, str('data-dir') ? { dataDir: str('data-dir') } : {});
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase({
      databaseUrl: str('database-url') ?? config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: 2,
      embeddedFsync: config.embeddedFsync,
    });
  } catch (err) {
    console.error(`データベースを開けません / cannot open the database: ${(err as Error).message}`);
    return 1;
  }
  try {
    registerMigrations([billingMigration]);
    await migrate(db);
    const progress = values['no-progress'] ? false : values.progress ? true : undefined;
    const result = await importFeeMaster(db, files, { encoding: encoding as MasterEncoding | undefined, progress });
    printResult(result);
    return result.refused.length ? 1 : 0;
  } catch (err) {
    if (err instanceof MasterImportError) {
      console.error(`取り込めません（何も変更していません） / import refused, nothing changed: ${err.message}`);
    } else {
      console.error(`取り込みに失敗しました / import failed: ${(err as Error).message}`);
      console.error(
        '  失敗したファイルの変更は取り消されました（それより前のファイルは取り込み済みです） / the failing file was rolled back; earlier files stay imported',
      );
    }
    return 1;
  } finally {
    await db.close();
  }
}

export async function billingMasterCommand(argv: string[]): Promise<number> {
  const parsed = subcommand(argv, OPTIONS, USAGE);
  if (typeof parsed === 'number') return parsed;
  if (parsed.sub !== 'import') {
    console.error(`不明なコマンドです: ${parsed.sub} / unknown command\n${USAGE}`);
    return 2;
  }
  return importCommand(parsed.args.values);
}
