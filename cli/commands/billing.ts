/**
 * `tsunagu billing` — the fee calculation for vendors and operators:
 *   calc <case.json>…        points and window payment of each case (text, or --json for comparing with a receipt computer)
 *   receipt <case.json>      the 領収証・明細書 of the case's visit (--out receipt.html | receipt.pdf)
 *   claim <case.json>…       the month's レセ電 claim file of the cases' visits (--month, --out RECEIPTC.UKE)
 *   master import …          import the official 医科診療行為マスター and the 電子点数表 relations
 * Exit codes: 0 done, 1 a case could not be calculated (its OperationOutcome is printed), 2 bad arguments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { closePlatform } from '../../src/platform/platform.ts';
import {
  billingCaseReport,
  calculateMonth,
  calculateVisit,
  checkCase,
  claimFile,
  claimPayerOf,
  type FeeMaster,
  loadFeeMaster,
  receiptHtml,
  receiptPdf,
  sampleFeeMaster,
} from '../../src/services/billing/index.ts';
import { openLocalPlatform, parse } from '../common.ts';

const USAGE = `tsunagu billing <calc|receipt|claim|master> …

  calc <case.json>… [--json] [--master sample|database]
        points and window payment of each case (docs/billing.md: the case format)
  receipt <case.json> --out <file.html|file.pdf> [--master …]
        the 領収証・明細書 of the case's visit
  claim <case.json>… --month YYYY-MM --out <RECEIPTC.UKE> [--payer shaho|kokuho] [--master …]
        the month's claim file (レセプト電算処理システム, Shift_JIS) of every visit in the cases
  master import --items <file> [--inclusions f] [--exclusions f] [--count-limits f] [--bundle-steps f] …
        import the official fee master into the data directory (tsunagu billing master import --help)

  --master sample     the sample master shipped with Tsunagu (令和6年度 values; not for billing)
  --master database   the master imported into --data-dir / DATABASE_URL (default when one was imported)`;

const OPTIONS = {
  json: { type: 'boolean' },
  master: { type: 'string' },
  out: { type: 'string' },
  month: { type: 'string' },
  payer: { type: 'string' },
} as const;

/** The master the command uses: the sample, or the imported one (sample when nothing was imported and none was asked). */
async function openMaster(choice: string | undefined, dataDir: string | undefined): Promise<FeeMaster> {
  if (choice === 'sample') return sampleFeeMaster();
  if (choice !== undefined && choice !== 'database') throw new UsageError(`--master は sample か database です（${choice}）`);
  const parts = await openLocalPlatform(dataDir);
  try {
    const master = await loadFeeMaster(parts.db);
    if (master.itemCount > 0 || choice === 'database') return master;
    return sampleFeeMaster();
  } finally {
    await closePlatform(parts);
  }
}

class UsageError extends Error {}

function readCase(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UsageError(`${file} を読めません / cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return checkCase(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError) throw new CaseError(file, `JSON として読めません（${e.message}）`);
    if (e instanceof FhirError) throw new CaseError(file, outcomeText(e.outcome));
    throw e;
  }
}

class CaseError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

function outcomeText(oo: OperationOutcome): string {
  return (oo.issue ?? []).map((i) => `${i.details?.text ?? i.diagnostics ?? i.code}${i.expression?.length ? ` [${i.expression.join(', ')}]` : ''}`).join('; ');
}

/** Runs `fn`; a case that cannot be calculated prints its OperationOutcome text and gives exit code 1. */
function calculated<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FhirError) throw new CaseError(file, outcomeText(e.outcome));
    throw e;
  }
}

async function calc(files: string[], values: Record<string, unknown>): Promise<number> {
  if (files.length === 0) throw new UsageError('case.json を指定してください');
  const master = await openMaster(values.master as string | undefined, values['data-dir'] as string | undefined);
  let failed = 0;
  const results: unknown[] = [];
  for (const file of files) {
    try {
      const c = readCase(file);
      const result = calculated(file, () => calculateVisit(master, c));
      if (values.json) results.push({ file, result });
      else console.log(`# ${file}\n${billingCaseReport(c, result)}\n`);
    } catch (e) {
      if (!(e instanceof CaseError)) throw e;
      failed++;
      if (values.json) results.push({ file, error: e.detail });
      else console.error(`算定できません / cannot calculate — ${e.message}`);
    }
  }
  if (values.json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  return failed ? 1 : 0;
}

async function receipt(files: string[], values: Record<string, unknown>): Promise<number> {
  const out = values.out as string | undefined;
  if (files.length !== 1 || !out) throw new UsageError('receipt には case.json 1つと --out が必要です');
  const master = await openMaster(values.master as string | undefined, values['data-dir'] as string | undefined);
  const c = readCase(files[0]);
  const result = calculated(files[0], () => calculateVisit(master, c));
  if (out.endsWith('.pdf')) writeFileSync(out, await receiptPdf(c, result));
  else writeFileSync(out, receiptHtml(c, result));
  console.log(`${out} を書きました（窓口負担 ${result.copay.patientYen.toLocaleString('ja-JP')} 円） / wrote ${out}`);
  return 0;
}

async function claim(files: string[], values: Record<string, unknown>): Promise<number> {
  const out = values.out as string | undefined;
  const month = values.month as string | undefined;
  const payer = (values.payer as string | undefined) ?? 'shaho';
  if (!files.length || !out || !month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new UsageError('claim には case.json、--month YYYY-MM と --out が必要です');
  if (payer !== 'shaho' && payer !== 'kokuho') throw new UsageError('--payer は shaho（社保）か kokuho（国保）です');
  const master = await openMaster(values.master as string | undefined, values['data-dir'] as string | undefined);
  const cases = files.map((f) => ({ file: f, c: readCase(f) }));
  const facility = cases[0].c.facility;
  const visits = cases.flatMap(({ file, c }) => {
    if (c.facility.code !== facility.code) throw new UsageError(`${file}: 医療機関コードが他のケースと異なります（${c.facility.code}）`);
    return calculated(file, () => calculateMonth(master, c))
      .filter(({ visit }) => visit.date.startsWith(month) && claimPayerOf(c.patient.insurance) === payer)
      .map(({ visit, result }) => ({ visitCase: { ...c, visit, history: [] }, result }));
  });
  if (visits.length === 0) throw new UsageError(`${month} の${payer === 'shaho' ? '社保' : '国保'}の受診がありません（--payer を確認してください）`);
  const file = claimFile({ facility, month, payer, visits });
  writeFileSync(out, file.bytes);
  console.log(`${out}: ${file.receipts} 件、${file.totalPoints.toLocaleString('ja-JP')} 点 / ${file.receipts} receipts, ${file.totalPoints} points`);
  for (const note of file.notes) console.log(`注意: ${note}`);
  return 0;
}

export async function billingCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'master') return (await import('./billing-master.ts')).billingMasterCommand(rest);
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  try {
    const args = parse(rest, OPTIONS, USAGE, true);
    if (!args) return 0;
    const run = { calc, receipt, claim }[sub];
    if (!run) throw new UsageError(`不明なサブコマンド ${sub}`);
    return await run(args.positionals, args.values);
  } catch (e) {
    if (e instanceof CaseError) {
      console.error(`算定できません / cannot calculate — ${e.message}`);
      return 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`引数が正しくありません / ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
