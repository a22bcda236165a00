/**
 * `tsunagu eligibility …` — the insurer side of online eligibility verification, run by the operator (or an
 * insurer's batch) on the machine that holds the database:
 *   load <file.csv>        bulk-load an insurer file (progress bar, per-line error report, idempotent)
 *   generate               write a realistic test file (optionally with broken lines)
 *   history                a person's eligibility periods across insurers
 *   import-shared <b.json> receipt / check-up information (MedicationDispense, Procedure, Observation Bundle)
 */
import { closePlatform } from '../../src/platform/platform.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { generateBulkFile, importSharedInformation, loadBulkFile, type EligibilityRecord, type LoadReport } from '../../src/services/eligibility/index.ts';
import { parse } from '../common.ts';
import { describeError, openServicePlatform, operatorContext, personArgument } from './eligibility-common.ts';

const USAGE = `tsunagu eligibility <command> [options]   (data: --data-dir ./data, or DATABASE_URL=postgres://…)

  load <file.csv> [--report errors.csv] [--no-progress]
        資格情報一括登録ファイルを読み込みます / load an insurer bulk file. Good lines are stored even when
        others are bad; every bad line is reported with its line number and reason. Re-running the same
        file changes nothing. Exit 0 when every line loaded, 1 when some lines were refused.
  generate --rows <n> --out <file.csv> [--seed 1] [--bad-every <k>]
        realistic test data (old-style kanji, dependants, mid-month insurer changes); --bad-every breaks
        every k-th row in one of eight ways
  history (--patient <id> | --insured <保険者番号:記号:番号:枝番> [--birth-date YYYY-MM-DD])
        every eligibility period of the person
  import-shared <bundle.json>
        receipt and check-up information for registered people (MedicationDispense, Procedure, Observation
        naming the person by the JP-CLINS insured-person identifier)`;

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function printReport(report: LoadReport, reportPath?: string): void {
  const out = process.stdout;
  if (report.fatal) {
    console.error(`読み込めません / cannot load: ${report.fatal.line} 行目 / line ${report.fatal.line}: ${report.fatal.reason_ja} / ${report.fatal.reason_en}`);
    return;
  }
  out.write(
    `読込 ${report.lines} 行: 新規 ${report.created}（新しい方 ${report.newPersons}）・更新 ${report.updated}・変更なし ${report.unchanged}・エラー ${report.errors.length}（${report.seconds.toFixed(1)} 秒）\n` +
      `read ${report.lines} lines: created ${report.created} (new persons ${report.newPersons}), updated ${report.updated}, unchanged ${report.unchanged}, refused ${report.errors.length} (${report.seconds.toFixed(1)} s)\n`,
  );
  for (const e of report.errors.slice(0, 20)) console.error(`  ${e.line} 行目 / line ${e.line}: ${e.reason_ja} / ${e.reason_en}`);
  if (report.errors.length > 20)
    console.error(`  … ${report.errors.length - 20} more${reportPath ? ` (all in ${reportPath})` : ' (use --report errors.csv for all)'}`);
  if (reportPath) {
    const lines = [
      'line,reason_ja,reason_en,columns',
      ...report.errors.map((e) => [String(e.line), e.reason_ja, e.reason_en, (e.columns ?? []).join(' ')].map(csvField).join(',')),
    ];
    writeFileSync(reportPath, `\uFEFF${lines.join('\r\n')}\r\n`);
    out.write(`エラー報告 / error report: ${reportPath}\n`);
  }
}

async function load(argv: string[]): Promise<number> {
  const args = parse(argv, { report: { type: 'string' }, 'no-progress': { type: 'boolean' } }, USAGE, true);
  if (!args) return 0;
  const [file] = args.positionals;
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const platform = await openServicePlatform(args.values['data-dir']);
  const bar = args.values['no-progress']
    ? undefined
    : new SingleBar({
        format: '資格情報 loading |{bar}| {percentage}% | {lines} lines | {errors} refused | {rate} lines/s | ETA {eta_formatted}',
        noTTYOutput: true,
        notTTYSchedule: 5000,
        stream: process.stderr,
        hideCursor: true,
      });
  const started = performance.now();
  try {
    bar?.start(100, 0, { lines: 0, errors: 0, rate: 0 });
    const report = await loadBulkFile(platform, operatorContext('eligibility load'), file, (p) => {
      const pct = p.totalBytes ? Math.min(100, Math.floor((100 * (p.bytes ?? 0)) / p.totalBytes)) : 0;
      bar?.update(pct, { lines: p.lines, errors: p.errors, rate: Math.round(p.lines / ((performance.now() - started) / 1000)) });
    });
    bar?.update(100);
    bar?.stop();
    printReport(report, args.values.report);
    if (report.fatal) return 1;
    return report.errors.length ? 1 : 0;
  } catch (err) {
    bar?.stop();
    console.error(`読み込めません / cannot load: ${describeError(err)}`);
    return 1;
  } finally {
    await closePlatform(platform);
  }
}

async function generate(argv: string[]): Promise<number> {
  const args = parse(argv, { rows: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, 'bad-every': { type: 'string' } }, USAGE);
  if (!args) return 0;
  const rows = Number(args.values.rows);
  if (!Number.isInteger(rows) || rows <= 0 || !args.values.out) {
    console.error(USAGE);
    return 2;
  }
  const badEvery = args.values['bad-every'] ? Number(args.values['bad-every']) : undefined;
  const result = await generateBulkFile(rows, Number(args.values.seed ?? 1), args.values.out, { badEvery });
  console.log(JSON.stringify({ file: args.values.out, rows: result.rows, bytes: result.bytes, badLines: result.badLines.length }));
  return 0;
}

async function history(argv: string[]): Promise<number> {
  const args = parse(argv, { patient: { type: 'string' }, insured: { type: 'string' }, 'birth-date': { type: 'string' } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  if (!v.patient && !v.insured) {
    console.error(USAGE);
    return 2;
  }
  const platform = await openServicePlatform(v['data-dir']);
  try {
    const person = await personArgument(platform, v);
    if ('exitCode' in person) return person.exitCode;
    const { patientId } = person;
    const rows = (
      await platform.db.query<{ record: string; coverage_id: string }>(
        'SELECT record, coverage_id FROM elig_records WHERE patient_key = $1 ORDER BY acquired_on',
        [patientId],
      )
    ).rows;
    if (rows.length === 0) {
      console.error(`Patient/${patientId} の資格情報はありません / no eligibility registered`);
      return 1;
    }
    const records = rows.map((r) => ({ ...(JSON.parse(r.record) as EligibilityRecord), coverage: `Coverage/${r.coverage_id}` }));
    const last = records[records.length - 1];
    console.log(`Patient/${patientId}  ${last.familyName} ${last.givenName}（${last.familyNameKana} ${last.givenNameKana}）${last.birthDate}`);
    for (const r of records)
      console.log(
        `  ${r.acquiredOn} 〜 ${r.lostOn ? `${r.lostOn} 喪失` : '現在'}  ${r.insurerNumber} ${r.symbol || '-'} ${r.number} ${r.branch || '-'}  ${r.relationship === 'insured' ? '本人' : '家族'} ${r.copayRatio}割  ${r.coverage}`,
      );
    return 0;
  } finally {
    await closePlatform(platform);
  }
}

async function importShared(argv: string[]): Promise<number> {
  const args = parse(argv, {}, USAGE, true);
  if (!args) return 0;
  const [file] = args.positionals;
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`${file} を JSON として読めません / cannot read ${file} as JSON: ${(err as Error).message}`);
    return 2;
  }
  const platform = await openServicePlatform(args.values['data-dir']);
  try {
    const result = await importSharedInformation(platform, operatorContext('eligibility import-shared'), bundle);
    const by = new Map<string, number>();
    for (const c of result.created) by.set(c.category, (by.get(c.category) ?? 0) + 1);
    console.log(`取込み ${result.created.length} 件 / imported ${result.created.length}: ${[...by].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    return 0;
  } catch (err) {
    console.error(`取り込めません（何も変更していません）/ not imported (nothing changed): ${describeError(err)}`);
    return 1;
  } finally {
    await closePlatform(platform);
  }
}

export async function eligibilityCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'load':
      return load(rest);
    case 'generate':
      return generate(rest);
    case 'history':
      return history(rest);
    case 'import-shared':
      return importShared(rest);
    default:
      console.error(USAGE);
      return sub === '--help' || sub === '-h' ? 0 : 2;
  }
}
