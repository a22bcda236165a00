/**
 * `tsunagu eprescription …` — the operator's (and the demo's) side of the e-prescription service, run on the machine
 * that holds the database:
 *   import-drugs <file>         the 医薬品マスター (receipt) or the 一般名処方マスタ (general) into the drug master
 *   drugs                       the imported drug-master sources and their row counts
 *   import-interactions <file>  the interaction CSV (併用禁忌・同効薬重複) as a named dataset
 *   interactions                the imported interaction datasets
 *   hpki init|issue|revoke|crl|list
 *                               a TEST HPKI (root + issuing CA), prescriber credentials, revocation with CRLs published
 *                               into the trust directory the service reads (TSUNAGU_HPKI_TRUST_DIR)
 *   new --input form.json       writes a JP_Bundle_ePrescriptionData from a form (PrescriptionInput JSON)
 *   sign <bundle.json>          signs a JP_Bundle_ePrescriptionData with a credential (Bundle.signature) for
 *                               $register-prescription
 *
 * A real deployment has no CA here: the HPKI CAs (日本医師会認証局, MEDIS, 日本薬剤師会認証局 …) issue the cards, and
 * the trust directory receives their CA certificates and CRLs. The test HPKI's files (unencrypted keys) are for tests
 * and the demo only.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { closePlatform } from '../../src/platform/platform.ts';
import { CARD_KEY_TYPES, REVOCATION_REASONS, normalizeSerial, type CardKeyType, type RevocationReason } from '../../src/services/eligibility/index.ts';
import {
  type HpkiAuthority,
  INTERACTION_CSV_COLUMNS,
  InteractionFileError,
  InteractionRuleSet,
  LICENSE_NUMBER_SYSTEM,
  PRESCRIBING_ROLES,
  PRESCRIPTION_PROFILE,
  PrescriptionInputError,
  QUALIFICATIONS,
  buildPrescription,
  createHpkiAuthority,
  drugSources,
  interactionDatasets,
  loadHpkiAuthority,
  localPrescriberKey,
  parseGeneralNameMaster,
  parseReceiptDrugMaster,
  readCredentialFile,
  saveDrugEntries,
  signPrescriptionBundle,
  writeCredentialFile,
  type DrugImportResult,
  type ImportReport,
  type PrescriberCredential,
  type PrescriptionInput,
  type QualificationRole,
  type TextEncoding,
} from '../../src/services/eprescription/index.ts';
import { parse } from '../common.ts';
import { describeError, openServicePlatform } from './eligibility-common.ts';

const DATA = '(data: --data-dir ./data, or DATABASE_URL=postgres://…)';

const IMPORT_DRUGS_USAGE = `tsunagu eprescription import-drugs <file> [--format receipt|general] [--encoding utf-8|shift_jis] [--source NAME]
        [--valid-from YYYY-MM-DD] [--valid-to YYYY-MM-DD] [--append] [--verbose] [--no-progress]   ${DATA}
  医薬品マスターを取り込みます / import a drug master file into the service's drug master:
    --format receipt   診療報酬情報提供サービス 医薬品マスター (y.csv: Shift_JIS, no header) — the default
    --format general   一般名処方マスタ (the MHLW Excel sheet saved as CSV); --valid-from / --valid-to give the
                       release's period (the file states none)
    --source NAME      the rows' source (default receipt-master / general-name-master); the source's earlier rows
                       are replaced in one transaction, --append keeps them
    --encoding         default: detected (valid UTF-8 is read as UTF-8, anything else as Shift_JIS)
  Refused rows are listed with their line numbers and reasons (the first 20; --verbose: all); the good rows are
  saved. Exit 0 when the file was imported (refused rows are not fatal), 1 when it cannot be read or holds no
  importable row, 2 on bad arguments. Running servers use the new master within TSUNAGU_ERX_REFRESH_MS (default 1 minute).`;

const DRUGS_USAGE = `tsunagu eprescription drugs   ${DATA}
  取り込んだ医薬品マスターの一覧 / the imported drug-master sources and their row counts`;

const IMPORT_INTERACTIONS_USAGE = `tsunagu eprescription import-interactions <file> --dataset NAME [--encoding utf-8|shift_jis] [--append]
        [--verbose] [--no-progress]   ${DATA}
  相互作用データ（併用禁忌・同効薬重複）を取り込みます / import an interaction CSV as the dataset NAME.
  Header (any order; # lines are comments): ${INTERACTION_CSV_COLUMNS.join(',')}
  (src/services/eprescription/checks/README.md). The dataset's earlier rows are replaced in one transaction;
  --append adds to them. Refused rows are listed with their line numbers (the first 20; --verbose: all).
  Exit 0 when the file was imported, 1 when it cannot be read (no header, a required column missing) or holds no
  importable row, 2 on bad arguments. Running servers use the new data within TSUNAGU_ERX_REFRESH_MS (default 1 minute).`;

const INTERACTIONS_USAGE = `tsunagu eprescription interactions   ${DATA}
  取り込んだ相互作用データの一覧 / the imported interaction datasets and their rule counts`;

const HPKI_USAGE = `tsunagu eprescription hpki <command> --dir DIR   — a TEST HPKI (テスト用 HPKI: not a real HPKI, keys unencrypted)

  init --dir DIR [--key-type P-256|RSA-2048]
        a root CA (DIR/root, 厚生労働省 HPKI root's role) and an issuing CA (DIR/issuing, an accredited CA's role),
        and the trust directory DIR/trust the service reads with TSUNAGU_HPKI_TRUST_DIR (*.crt.pem anchors,
        *.int.pem intermediates, *.crl.pem CRLs)
  issue --dir DIR --name NAME --role doctor|dentist|pharmacist --registration NUMBER --out cred.json
        [--key-type P-256|RSA-2048] [--valid-days 1825]
        a prescriber's signing certificate and key (氏名, 資格 as hcRole, 医籍登録番号 etc.) in a credential file
  revoke --dir DIR --serial SERIAL [--reason keyCompromise|cessationOfOperation|affiliationChanged|superseded|…]
        revoke a prescriber certificate (or, with the issuing CA's serial, the issuing CA) and publish the CRLs
        into DIR/trust
  crl --dir DIR
        publish fresh CRLs into DIR/trust (they are valid 24 hours; with TSUNAGU_HPKI_REQUIRE_CRL=1 run it daily)
  list --dir DIR
        the issued prescriber certificates and their revocation`;

const SIGN_USAGE = `tsunagu eprescription sign --credential cred.json <bundle.json> [--out signed.json]
  処方箋に電子署名します / sign a prescription Bundle (JP_Bundle_ePrescriptionData) with a prescriber credential
  (tsunagu eprescription hpki issue): Bundle.signature, a detached JWS over the canonical Bundle, ready for
  $register-prescription. Without --out the signed Bundle is written to standard output.`;

const NEW_USAGE = `tsunagu eprescription new --input form.json [--out rx.json]
  処方箋の文書を作ります / write a prescription document (JP_Bundle_ePrescriptionData) from a form: a PrescriptionInput
  JSON (issuedOn, patient, facility, practitioner, lines, …; src/services/eprescription/prescriptions/build-prescription.ts).
  The Bundle is unsigned: sign it with 'tsunagu eprescription sign', then $register-prescription. Without --out it is
  written to standard output. Exit 2 when the form is not JSON or not a valid prescription (every bad field is listed).`;

const USAGE = `tsunagu eprescription <command> [options]

  import-drugs <file>          医薬品マスター / 一般名処方マスタ import (progress, refused rows by line)
  drugs                        the imported drug-master sources
  import-interactions <file>   相互作用データ import (--dataset NAME)
  interactions                 the imported interaction datasets
  hpki init|issue|revoke|crl|list
                               a TEST HPKI, prescriber credentials, CRLs for TSUNAGU_HPKI_TRUST_DIR
  new --input form.json        write a prescription Bundle from a form (PrescriptionInput JSON)
  sign <bundle.json>           sign a prescription Bundle with a credential

Run 'tsunagu eprescription <command> --help' for the options of a command.`;

/** Refused rows printed without --verbose. */
const SHOWN_REFUSALS = 20;
/** The trust directory's file names: `tsunagu-test-hpki-<ca>.<crt|int|crl>.pem`. */
const TRUST_PREFIX = 'tsunagu-test-hpki';
const ROLES = ['doctor', 'dentist', 'pharmacist'] as const satisfies readonly QualificationRole[];
const REGISTRATION = /^[0-9A-Za-z-]{1,32}$/;

/** A bad command line: the reason in Japanese and English, then how to ask for help. Exit code 2. */
class UsageError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
    readonly usage: string,
  ) {
    super(`${ja} / ${en}`);
  }
}

function usageError(ja: string, en: string, usage: string): never {
  throw new UsageError(ja, en, usage);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function encodingOption(value: string | undefined, usage: string): TextEncoding | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase().replace(/-/g, '_');
  if (v === 'utf_8' || v === 'utf8') return 'utf-8';
  if (v === 'shift_jis' || v === 'sjis' || v === 'cp932') return 'shift_jis';
  if (v === 'auto') return 'auto';
  return usageError(`文字コードは utf-8 か shift_jis です（${value}）`, `--encoding must be utf-8 or shift_jis, not ${value}`, usage);
}

function dateOption(name: string, value: string | undefined, usage: string): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value.trim());
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  if (!m || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso)
    return usageError(`--${name} は YYYY-MM-DD の日付です（${value}）`, `--${name} must be a date YYYY-MM-DD, not ${value}`, usage);
  return iso;
}

/** The file's bytes, or undefined (the reason printed) when it cannot be read. */
async function readInput(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    console.error(`${file} を読めません / cannot read ${file}: ${(err as Error).message}`);
    return undefined;
  }
}

/** A progress bar on stderr, one per phase (read, save); nothing when disabled. */
function progressBar(enabled: boolean, label: string) {
  const bar = enabled
    ? new SingleBar({
        format: `${label} {phase} |{bar}| {percentage}% | {value}/{total} rows | ETA {eta_formatted}`,
        noTTYOutput: true,
        notTTYSchedule: 5000,
        stream: process.stderr,
        hideCursor: true,
      })
    : undefined;
  let phase: string | undefined;
  return {
    update(next: string, done: number, total: number): void {
      if (!bar) return;
      if (next !== phase) {
        if (phase !== undefined) bar.stop();
        phase = next;
        bar.start(Math.max(total, 1), done, { phase: next });
      }
      bar.update(done, { phase: next });
    },
    stop(): void {
      if (bar && phase !== undefined) bar.stop();
      phase = undefined;
    },
  };
}

function printRefused(refused: readonly { line: number; reason: string }[], verbose: boolean): void {
  const shown = verbose ? refused : refused.slice(0, SHOWN_REFUSALS);
  for (const r of shown) console.error(`  ${r.line} 行目 / line ${r.line}: ${r.reason}`);
  if (shown.length < refused.length)
    console.error(`  … 他 ${refused.length - shown.length} 行（--verbose ですべて表示） / … ${refused.length - shown.length} more (--verbose for all)`);
}

// ---------------------------------------------------------------------------------------------------------------
// drug master

async function importDrugs(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      format: { type: 'string' },
      encoding: { type: 'string' },
      source: { type: 'string' },
      'valid-from': { type: 'string' },
      'valid-to': { type: 'string' },
      append: { type: 'boolean' },
      verbose: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
    },
    IMPORT_DRUGS_USAGE,
    true,
  );
  if (!args) return 0;
  const v = args.values;
  const [file, ...extra] = args.positionals;
  if (!file) usageError('ファイルを指定してください', 'give the file to import', IMPORT_DRUGS_USAGE);
  if (extra.length > 0) usageError(`ファイルは一つです（${extra.join(' ')}）`, `one file only (extra: ${extra.join(' ')})`, IMPORT_DRUGS_USAGE);
  const format = v.format ?? 'receipt';
  if (format !== 'receipt' && format !== 'general')
    usageError(`--format は receipt か general です（${format}）`, `--format must be receipt or general, not ${format}`, IMPORT_DRUGS_USAGE);
  const encoding = encodingOption(v.encoding, IMPORT_DRUGS_USAGE);
  const source = (v.source ?? (format === 'receipt' ? 'receipt-master' : 'general-name-master')).trim();
  if (!source) usageError('--source が空です', '--source is empty', IMPORT_DRUGS_USAGE);
  const validFrom = dateOption('valid-from', v['valid-from'], IMPORT_DRUGS_USAGE);
  const validTo = dateOption('valid-to', v['valid-to'], IMPORT_DRUGS_USAGE);
  if ((validFrom || validTo) && format !== 'general')
    usageError('--valid-from / --valid-to は --format general だけに使えます', '--valid-from / --valid-to apply to --format general only', IMPORT_DRUGS_USAGE);

  const data = await readInput(file!);
  if (!data) return 1;
  const started = performance.now();
  const bar = progressBar(!v['no-progress'], '医薬品マスター / drug master');
  let rows = 0;
  const onProgress = (done: number, total: number) => {
    rows = total;
    bar.update('read', done, total);
  };
  let parsed: DrugImportResult;
  try {
    parsed =
      format === 'receipt'
        ? parseReceiptDrugMaster(data, { source, encoding, onProgress })
        : parseGeneralNameMaster(data, { source, encoding, onProgress, validFrom, validTo });
  } catch (err) {
    bar.stop();
    console.error(`${file} を読めません / cannot read ${file}: ${describeError(err)}`);
    return 1;
  }
  if (parsed.entries.length === 0) {
    bar.stop();
    console.log(`読込 ${rows} 行: 保存 0・除外 ${parsed.refused.length} / read ${rows} rows: saved 0, refused ${parsed.refused.length}`);
    printRefused(parsed.refused, !!v.verbose);
    console.error(
      `取り込める行がありません（何も変更していません）。--format と --encoding を確認してください / no row could be imported (nothing changed); check --format (${format}) and --encoding`,
    );
    return 1;
  }
  let saved: number;
  const platform = await openServicePlatform(v['data-dir']);
  try {
    saved = await platform.db.transaction((tx) =>
      saveDrugEntries(tx, source, parsed.entries, { replace: !v.append, onProgress: (done, total) => bar.update('save', done, total) }),
    );
  } catch (err) {
    bar.stop();
    console.error(`保存できません（何も変更していません） / not saved (nothing changed): ${describeError(err)}`);
    return 1;
  } finally {
    await closePlatform(platform);
  }
  bar.stop();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `読込 ${rows} 行: 保存 ${saved}・除外 ${parsed.refused.length}（${seconds} 秒） / read ${rows} rows: saved ${saved}, refused ${parsed.refused.length} (${seconds} s)`,
  );
  const repeated = parsed.entries.length - saved;
  if (repeated > 0)
    console.log(`  同じコード・改定日の行 ${repeated} 行は後の行を採用しました / ${repeated} rows repeated a code and revision date (the last one kept)`);
  console.log(
    v.append
      ? `  ソース ${source} に追加しました / added to source ${source}`
      : `  ソース ${source} の以前の行を置き換えました / source ${source} replaced (its earlier rows dropped)`,
  );
  printRefused(parsed.refused, !!v.verbose);
  console.log(
    '  稼働中のサーバーは1分以内（TSUNAGU_ERX_REFRESH_MS）に新しいマスターを使います / running servers use the new master within a minute (TSUNAGU_ERX_REFRESH_MS)',
  );
  return 0;
}

async function drugs(argv: string[]): Promise<number> {
  const args = parse(argv, {}, DRUGS_USAGE);
  if (!args) return 0;
  const platform = await openServicePlatform(args.values['data-dir']);
  try {
    const sources = await drugSources(platform.db);
    if (sources.length === 0) {
      console.log('取り込んだ医薬品マスターはありません（同梱のサンプルのみ） / no drug master imported (only the shipped sample)');
      return 0;
    }
    const width = Math.max(6, ...sources.map((s) => s.source.length));
    console.log(`${'source'.padEnd(width)}  rows`);
    for (const s of sources) console.log(`${s.source.padEnd(width)}  ${s.count}`);
    return 0;
  } finally {
    await closePlatform(platform);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// interaction data

async function importInteractions(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      dataset: { type: 'string' },
      encoding: { type: 'string' },
      append: { type: 'boolean' },
      verbose: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
    },
    IMPORT_INTERACTIONS_USAGE,
    true,
  );
  if (!args) return 0;
  const v = args.values;
  const [file, ...extra] = args.positionals;
  if (!file) usageError('ファイルを指定してください', 'give the file to import', IMPORT_INTERACTIONS_USAGE);
  if (extra.length > 0) usageError(`ファイルは一つです（${extra.join(' ')}）`, `one file only (extra: ${extra.join(' ')})`, IMPORT_INTERACTIONS_USAGE);
  const dataset = v.dataset?.trim();
  if (!dataset) usageError('--dataset でデータの名前を指定してください', 'give the dataset name with --dataset', IMPORT_INTERACTIONS_USAGE);
  const encoding = encodingOption(v.encoding, IMPORT_INTERACTIONS_USAGE);

  const data = await readInput(file!);
  if (!data) return 1;
  const started = performance.now();
  const bar = progressBar(!v['no-progress'], '相互作用 / interactions');
  const platform = await openServicePlatform(v['data-dir']);
  let report: ImportReport;
  try {
    report = await new InteractionRuleSet(platform.db, { samples: false }).importCsv(data, {
      dataset: dataset!,
      replace: !v.append,
      encoding,
      onProgress: (p) => bar.update(p.phase, p.done, p.total),
    });
  } catch (err) {
    bar.stop();
    if (err instanceof InteractionFileError) console.error(`読み込めません（何も変更していません） / cannot load (nothing changed): ${err.message}`);
    else console.error(`取り込めません（何も変更していません） / not imported (nothing changed): ${describeError(err)}`);
    return 1;
  } finally {
    await closePlatform(platform);
  }
  bar.stop();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `読込 ${report.rows} 行: 保存 ${report.saved}・除外 ${report.refused.length}（${seconds} 秒） / read ${report.rows} rows: saved ${report.saved}, refused ${report.refused.length} (${seconds} s)`,
  );
  if (report.saved === 0) {
    printRefused(report.refused, !!v.verbose);
    console.error(`取り込める行がありません（${dataset} は変更していません） / no row could be imported (${dataset} unchanged)`);
    return 1;
  }
  console.log(
    v.append
      ? `  データセット ${dataset} に追加しました / added to dataset ${dataset}`
      : `  データセット ${dataset} の以前の行を置き換えました / dataset ${dataset} replaced (its earlier rows dropped)`,
  );
  console.log(
    `  取込み済み全体: 併用禁忌 ${report.contraindications} 組・同効薬重複 ${report.duplicateClasses} 分類 / all imported data: ${report.contraindications} contraindicated pairs, ${report.duplicateClasses} duplicate classes`,
  );
  printRefused(report.refused, !!v.verbose);
  console.log(
    '  稼働中のサーバーは1分以内（TSUNAGU_ERX_REFRESH_MS）に新しいデータを使います / running servers use the new data within a minute (TSUNAGU_ERX_REFRESH_MS)',
  );
  return 0;
}

async function interactions(argv: string[]): Promise<number> {
  const args = parse(argv, {}, INTERACTIONS_USAGE);
  if (!args) return 0;
  const platform = await openServicePlatform(args.values['data-dir']);
  try {
    const sets = await interactionDatasets(platform.db);
    if (sets.length === 0) {
      console.log('取り込んだ相互作用データはありません（同梱のサンプルのみ） / no interaction data imported (only the shipped sample)');
      return 0;
    }
    const width = Math.max(7, ...sets.map((s) => s.dataset.length));
    console.log(`${'dataset'.padEnd(width)}  ${'kind'.padEnd(15)}  rules`);
    for (const s of sets) console.log(`${s.dataset.padEnd(width)}  ${s.kind.padEnd(15)}  ${s.count}`);
    return 0;
  } finally {
    await closePlatform(platform);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// test HPKI

function hpkiPaths(dir: string) {
  const base = resolve(dir);
  return { base, root: join(base, 'root'), issuing: join(base, 'issuing'), trust: join(base, 'trust') };
}

function keyTypeOption(value: string | undefined, usage: string): CardKeyType {
  const keyType = (value ?? 'P-256') as CardKeyType;
  if (!CARD_KEY_TYPES.includes(keyType))
    usageError(`鍵の種類は ${CARD_KEY_TYPES.join(' / ')} です（${value}）`, `--key-type must be one of ${CARD_KEY_TYPES.join(', ')}, not ${value}`, usage);
  return keyType;
}

function dirOption(value: string | undefined): string {
  if (!value) usageError('--dir でテスト用 HPKI のディレクトリを指定してください', 'give the test HPKI directory with --dir', HPKI_USAGE);
  return value!;
}

async function openHpki(dir: string): Promise<{ root: HpkiAuthority; issuing: HpkiAuthority; paths: ReturnType<typeof hpkiPaths> }> {
  const paths = hpkiPaths(dir);
  if (!(await exists(join(paths.issuing, 'hpki.json'))) || !(await exists(join(paths.root, 'hpki.json'))))
    throw new Error(
      `${paths.base} にテスト用 HPKI がありません（tsunagu eprescription hpki init --dir ${dir}） / no test HPKI in ${paths.base} (run tsunagu eprescription hpki init --dir ${dir})`,
    );
  return { root: await loadHpkiAuthority(paths.root), issuing: await loadHpkiAuthority(paths.issuing), paths };
}

/** Publishes both CAs' CRLs into the trust directory; returns the files written. */
async function publishCrls(root: HpkiAuthority, issuing: HpkiAuthority, trustDir: string): Promise<string[]> {
  await mkdir(trustDir, { recursive: true });
  const files: string[] = [];
  for (const [name, ca] of [
    ['root', root],
    ['issuing', issuing],
  ] as const) {
    const target = join(trustDir, `${TRUST_PREFIX}-${name}.crl.pem`);
    await writeFile(target, await ca.publishCrl());
    files.push(target);
  }
  return files;
}

const serialOf = (pem: string) => normalizeSerial(new X509Certificate(pem).serialNumber);

async function hpkiInit(argv: string[]): Promise<number> {
  const args = parse(argv, { dir: { type: 'string' }, 'key-type': { type: 'string' } }, HPKI_USAGE);
  if (!args) return 0;
  const dir = dirOption(args.values.dir);
  const keyType = keyTypeOption(args.values['key-type'], HPKI_USAGE);
  const paths = hpkiPaths(dir);
  for (const d of [paths.root, paths.issuing])
    if (await exists(join(d, 'ca.crt.pem'))) {
      console.error(`テスト用 HPKI は作成済みです / a test HPKI already exists in ${paths.base} (${d})`);
      return 1;
    }
  const root = await createHpkiAuthority({ dir: paths.root, keyType });
  const issuing = await createHpkiAuthority({ dir: paths.issuing, parent: root, keyType });
  await mkdir(paths.trust, { recursive: true });
  const anchor = join(paths.trust, `${TRUST_PREFIX}-root.crt.pem`);
  const intermediate = join(paths.trust, `${TRUST_PREFIX}-issuing.int.pem`);
  await writeFile(anchor, root.certificatePem);
  await writeFile(intermediate, issuing.certificatePem);
  const crls = await publishCrls(root, issuing, paths.trust);
  console.log(
    [
      'テスト用 HPKI を作成しました — TEST PKI（本物の HPKI ではありません。鍵は暗号化されていません） / created a TEST HPKI (not a real HPKI; keys unencrypted)',
      `  root CA     ${paths.root}  ${new X509Certificate(root.certificatePem).subject.replace(/\n/g, ', ')}  sha256 ${root.fingerprint}`,
      `  issuing CA  ${paths.issuing}  ${new X509Certificate(issuing.certificatePem).subject.replace(/\n/g, ', ')}  sha256 ${issuing.fingerprint}`,
      `  trust       ${paths.trust}`,
      ...[anchor, intermediate, ...crls].map((f) => `                ${f.slice(paths.trust.length + 1)}`),
      'サーバーに設定してください / set for the server:',
      `  TSUNAGU_HPKI_TRUST_DIR=${paths.trust}`,
      `  (CRL は 24 時間有効です。TSUNAGU_HPKI_REQUIRE_CRL=1 のときは毎日 tsunagu eprescription hpki crl --dir ${dir} / CRLs are valid 24 h: with TSUNAGU_HPKI_REQUIRE_CRL=1 republish them daily)`,
      `処方医の証明書 / a prescriber: tsunagu eprescription hpki issue --dir ${dir} --name "氏名" --role doctor --registration 123456 --out doctor.json`,
    ].join('\n'),
  );
  return 0;
}

async function hpkiIssue(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      dir: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      registration: { type: 'string' },
      out: { type: 'string' },
      'key-type': { type: 'string' },
      'valid-days': { type: 'string' },
    },
    HPKI_USAGE,
  );
  if (!args) return 0;
  const v = args.values;
  const dir = dirOption(v.dir);
  const name = v.name?.trim();
  if (!name) usageError('--name で氏名を指定してください', 'give the holder name with --name', HPKI_USAGE);
  const role = v.role as (typeof ROLES)[number] | undefined;
  if (!role || !ROLES.includes(role))
    usageError(
      `--role は ${ROLES.map((r) => `${r}（${QUALIFICATIONS[r].ja}）`).join(' / ')} です${v.role ? `（${v.role}）` : ''}`,
      `--role must be one of ${ROLES.join(', ')}${v.role ? `, not ${v.role}` : ''}`,
      HPKI_USAGE,
    );
  if (!v.registration || !REGISTRATION.test(v.registration))
    usageError(
      `--registration は登録番号（英数字と - 、32 文字まで）です${v.registration ? `（${v.registration}）` : ''}`,
      `--registration must be the registration number (letters, digits, '-', up to 32)${v.registration ? `, not ${v.registration}` : ''}`,
      HPKI_USAGE,
    );
  if (!v.out) usageError('--out で資格情報ファイルの出力先を指定してください', 'give the credential file to write with --out', HPKI_USAGE);
  const keyType = keyTypeOption(v['key-type'], HPKI_USAGE);
  const validDays = v['valid-days'] === undefined ? undefined : Number(v['valid-days']);
  if (validDays !== undefined && (!Number.isInteger(validDays) || validDays <= 0))
    usageError(`--valid-days は正の整数です（${v['valid-days']}）`, `--valid-days must be a positive integer, not ${v['valid-days']}`, HPKI_USAGE);
  const out = resolve(v.out!);
  if (await exists(out)) {
    console.error(`${out} は既にあります（上書きしません） / ${out} exists (not overwritten)`);
    return 1;
  }
  const { issuing } = await openHpki(dir);
  let credential: PrescriberCredential;
  try {
    credential = await issuing.issue({ name: name!, role: role!, registrationNumber: v.registration!, keyType, validDays });
  } catch (err) {
    console.error(`発行できません / cannot issue: ${describeError(err)}`);
    return 1;
  }
  await mkdir(dirname(out), { recursive: true });
  await writeCredentialFile(out, credential);
  const cert = new X509Certificate(credential.certificatePem);
  console.log(
    JSON.stringify(
      {
        credential: out,
        name: credential.name,
        role: credential.role,
        qualification: QUALIFICATIONS[role!].ja,
        registrationNumber: credential.registrationNumber,
        serial: credential.serial,
        keyType,
        notAfter: new Date(cert.validTo).toISOString(),
        issuer: cert.issuer.replace(/\n/g, ', '),
      },
      null,
      2,
    ),
  );
  console.error('TEST PKI: 秘密鍵は暗号化されていません（テスト・デモ専用） / the private key is not encrypted (tests and the demo only)');
  return 0;
}

async function hpkiRevoke(argv: string[]): Promise<number> {
  const args = parse(argv, { dir: { type: 'string' }, serial: { type: 'string' }, reason: { type: 'string' } }, HPKI_USAGE);
  if (!args) return 0;
  const v = args.values;
  const dir = dirOption(v.dir);
  if (!v.serial || !/^[0-9a-fA-F:]+$/.test(v.serial))
    usageError(
      `--serial は証明書のシリアル番号（16 進）です${v.serial ? `（${v.serial}）` : ''}`,
      `--serial must be the certificate serial (hex)${v.serial ? `, not ${v.serial}` : ''}`,
      HPKI_USAGE,
    );
  const reason = (v.reason ?? 'keyCompromise') as RevocationReason;
  if (!Object.hasOwn(REVOCATION_REASONS, reason))
    usageError(
      `失効事由は ${Object.keys(REVOCATION_REASONS).join(' / ')} です（${v.reason}）`,
      `--reason must be one of ${Object.keys(REVOCATION_REASONS).join(', ')}, not ${v.reason}`,
      HPKI_USAGE,
    );
  const serial = normalizeSerial(v.serial!);
  const { root, issuing, paths } = await openHpki(dir);
  const holder = (await issuing.holders()).find((h) => h.serial === serial);
  let revoked: { serial: string; what: string };
  if (holder) {
    await issuing.revoke(serial, reason);
    revoked = { serial, what: `${holder.name} (${holder.hcRoles.join(', ')}, ${holder.registrationNumber})` };
  } else if (serialOf(issuing.certificatePem) === serial) {
    await root.revoke(serial, reason);
    revoked = { serial, what: 'the issuing CA (every certificate under it)' };
  } else {
    console.error(
      `シリアル番号 ${serial} の証明書はこのテスト用 HPKI が発行していません（hpki list で確認） / no certificate with serial ${serial} was issued by this test HPKI (see hpki list)`,
    );
    return 1;
  }
  const crls = await publishCrls(root, issuing, paths.trust);
  console.log(JSON.stringify({ revoked: revoked.serial, certificate: revoked.what, reason, crls }, null, 2));
  console.error(
    '稼働中のサーバーは1分以内（TSUNAGU_ERX_REFRESH_MS）に信頼ディレクトリを読み直します / running servers re-read the trust directory within a minute',
  );
  return 0;
}

async function hpkiCrl(argv: string[]): Promise<number> {
  const args = parse(argv, { dir: { type: 'string' } }, HPKI_USAGE);
  if (!args) return 0;
  const { root, issuing, paths } = await openHpki(dirOption(args.values.dir));
  console.log(JSON.stringify({ crls: await publishCrls(root, issuing, paths.trust) }, null, 2));
  return 0;
}

async function hpkiList(argv: string[]): Promise<number> {
  const args = parse(argv, { dir: { type: 'string' } }, HPKI_USAGE);
  if (!args) return 0;
  const { issuing, root } = await openHpki(dirOption(args.values.dir));
  const revoked = new Map((await issuing.ca.revocations()).map((r) => [r.serial, r]));
  const caRevoked = (await root.ca.revocations()).find((r) => r.serial === serialOf(issuing.certificatePem));
  console.log(
    JSON.stringify(
      {
        issuingCa: { serial: serialOf(issuing.certificatePem), revoked: caRevoked ? { reason: caRevoked.reason, at: caRevoked.revokedAt } : undefined },
        holders: (await issuing.holders()).map((h) => {
          const r = revoked.get(h.serial);
          return { ...h, revoked: r ? { reason: r.reason, at: r.revokedAt } : undefined };
        }),
      },
      null,
      2,
    ),
  );
  return 0;
}

async function hpki(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'init':
      return hpkiInit(rest);
    case 'issue':
      return hpkiIssue(rest);
    case 'revoke':
      return hpkiRevoke(rest);
    case 'crl':
      return hpkiCrl(rest);
    case 'list':
      return hpkiList(rest);
    case '--help':
    case '-h':
      console.log(HPKI_USAGE);
      return 0;
    default:
      return usageError(
        sub ? `hpki のコマンド ${sub} はありません` : 'hpki のコマンドを指定してください',
        sub ? `unknown hpki command ${sub}` : 'give an hpki command',
        HPKI_USAGE,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// writing a prescription

async function newPrescription(argv: string[]): Promise<number> {
  const args = parse(argv, { input: { type: 'string' }, out: { type: 'string' } }, NEW_USAGE);
  if (!args) return 0;
  const v = args.values;
  if (!v.input) usageError('--input で処方内容のフォーム（JSON）を指定してください', 'give the form JSON file with --input', NEW_USAGE);
  const bytes = await readInput(v.input!);
  if (!bytes) return 1;
  let form: unknown;
  try {
    form = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    console.error(`${v.input} を JSON として読めません / cannot read ${v.input} as JSON: ${(err as Error).message}`);
    return 2;
  }
  let bundle: Bundle;
  try {
    bundle = buildPrescription(form as PrescriptionInput);
  } catch (err) {
    if (!(err instanceof PrescriptionInputError)) throw err;
    console.error(
      [
        `${v.input} は処方箋の入力として正しくありません / ${v.input} is not a valid prescription form:`,
        ...err.problems.map((p) => `  ${p.field}: ${p.ja} / ${p.en}`),
      ].join('\n'),
    );
    return 2;
  }
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  const summary = {
    documentId: bundle.identifier?.value,
    issuedOn: (form as PrescriptionInput).issuedOn,
    lines: bundle.entry?.filter((e) => e.resource?.resourceType === 'MedicationRequest').length,
  };
  if (v.out) {
    await mkdir(dirname(resolve(v.out)), { recursive: true });
    await writeFile(v.out, text);
    console.log(JSON.stringify({ written: resolve(v.out), ...summary, next: `tsunagu eprescription sign --credential cred.json ${v.out}` }, null, 2));
  } else {
    process.stdout.write(text);
    console.error(`処方箋を作成しました（未署名） / wrote an unsigned prescription: ${summary.documentId}, ${summary.lines} line(s)`);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// signing

/** The registration numbers (医籍登録番号 …) the Bundle's Practitioners carry. */
function licenceNumbersOf(bundle: { entry?: { resource?: Record<string, unknown> }[] }): string[] {
  return (bundle.entry ?? [])
    .map((e) => e?.resource)
    .filter((r) => r?.resourceType === 'Practitioner')
    .flatMap((r) => (r!.qualification as { identifier?: { system?: string; value?: string }[] }[] | undefined) ?? [])
    .flatMap((q) => q?.identifier ?? [])
    .filter((i) => i?.system === LICENSE_NUMBER_SYSTEM && typeof i.value === 'string')
    .map((i) => i.value!.normalize('NFKC').trim());
}

async function sign(argv: string[]): Promise<number> {
  const args = parse(argv, { credential: { type: 'string' }, out: { type: 'string' } }, SIGN_USAGE, true);
  if (!args) return 0;
  const v = args.values;
  const [file, ...extra] = args.positionals;
  if (!v.credential) usageError('--credential で資格情報ファイルを指定してください', 'give the credential file with --credential', SIGN_USAGE);
  if (!file) usageError('署名する Bundle の JSON ファイルを指定してください', 'give the Bundle JSON file to sign', SIGN_USAGE);
  if (extra.length > 0) usageError(`ファイルは一つです（${extra.join(' ')}）`, `one file only (extra: ${extra.join(' ')})`, SIGN_USAGE);
  let credential: PrescriberCredential;
  try {
    credential = await readCredentialFile(v.credential!);
  } catch (err) {
    console.error(`資格情報ファイルを読めません / cannot read the credential file ${v.credential}: ${describeError(err)}`);
    return 1;
  }
  let bundle: Record<string, unknown>;
  try {
    bundle = JSON.parse(await readFile(file!, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    console.error(`${file} を JSON として読めません / cannot read ${file} as JSON: ${(err as Error).message}`);
    return 1;
  }
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle) || bundle.resourceType !== 'Bundle') {
    console.error(`${file} は FHIR Bundle ではありません / ${file} is not a FHIR Bundle`);
    return 1;
  }
  const licences = licenceNumbersOf(bundle as { entry?: { resource?: Record<string, unknown> }[] });
  if (licences.length > 0 && !licences.includes(credential.registrationNumber.normalize('NFKC'))) {
    console.error(
      `署名者（登録番号 ${credential.registrationNumber}）は処方箋の処方医（登録番号 ${licences.join(', ')}）ではありません。登録時に拒否されます / the signer (registration ${credential.registrationNumber}) is not the prescriber the Bundle names (${licences.join(', ')}); $register-prescription would refuse it`,
    );
    return 1;
  }
  const profiles = ((bundle.meta as { profile?: unknown } | undefined)?.profile as unknown[] | undefined) ?? [];
  if (!profiles.some((p) => typeof p === 'string' && p.startsWith(PRESCRIPTION_PROFILE)))
    console.error(`注意: meta.profile に ${PRESCRIPTION_PROFILE} がありません / note: meta.profile does not name ${PRESCRIPTION_PROFILE}`);
  if (!credential.role || !PRESCRIBING_ROLES.includes(credential.role))
    console.error(
      `注意: 処方箋には医師・歯科医師の署名が必要です（この資格情報: ${credential.hcRoles.join(', ') || 'なし / none'}） / note: a prescription needs a doctor's or dentist's signature`,
    );
  if (bundle.signature !== undefined) console.error('注意: 既存の署名を置き換えます / note: the existing signature is replaced');
  let signed: Bundle & { signature: { when?: string } };
  try {
    signed = await signPrescriptionBundle(bundle as unknown as Bundle, localPrescriberKey(credential));
  } catch (err) {
    console.error(`署名できません / cannot sign: ${describeError(err)}`);
    return 1;
  }
  const text = `${JSON.stringify(signed, null, 2)}\n`;
  const summary = {
    signer: credential.name,
    role: credential.role,
    registrationNumber: credential.registrationNumber,
    serial: credential.serial,
    when: signed.signature.when,
  };
  if (v.out) {
    await mkdir(dirname(resolve(v.out)), { recursive: true });
    await writeFile(v.out, text);
    console.log(JSON.stringify({ signed: resolve(v.out), ...summary }, null, 2));
  } else {
    process.stdout.write(text);
    console.error(
      `署名しました / signed: ${summary.signer} (${summary.role ?? '-'}, ${summary.registrationNumber}), serial ${summary.serial}, ${summary.when}`,
    );
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------

const SUBCOMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  'import-drugs': { run: importDrugs, usage: IMPORT_DRUGS_USAGE },
  drugs: { run: drugs, usage: DRUGS_USAGE },
  'import-interactions': { run: importInteractions, usage: IMPORT_INTERACTIONS_USAGE },
  interactions: { run: interactions, usage: INTERACTIONS_USAGE },
  hpki: { run: hpki, usage: HPKI_USAGE },
  new: { run: newPrescription, usage: NEW_USAGE },
  sign: { run: sign, usage: SIGN_USAGE },
};

/** Errors of node:util parseArgs (unknown option, missing value, unexpected argument). */
function isParseArgsError(err: unknown): err is Error {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function eprescriptionCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    console.error(USAGE);
    return 2;
  }
  if (sub === '--help' || sub === '-h') {
    console.log(USAGE);
    return 0;
  }
  const command = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!command) {
    console.error(`コマンド ${sub} はありません / unknown command ${sub}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.ja} / ${err.en}\n\n${err.usage}`);
      return 2;
    }
    if (isParseArgsError(err)) {
      console.error(`引数が正しくありません / invalid arguments: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`エラー / error: ${describeError(err)}`);
    return 1;
  }
}
