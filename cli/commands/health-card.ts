/**
 * `tsunagu health-card verify` — a facility verifies an emergency summary card (救急用サマリーQR) offline against the
 * issuer's key set saved beforehand (`${iss}/.well-known/jwks.json`). Nothing is fetched. Exit 0 verified, 1 refused,
 * 2 bad arguments or unreadable files.
 */
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { HealthCardError, verifyHealthCard, type HealthCardSummary, type VerifiedHealthCard } from '../../src/services/emergency/health-card/index.ts';
import { parse } from '../common.ts';

const USAGE = `tsunagu health-card verify <file|-> --jwks <jwks.json> [--issuer <URL>] [--json]

  <file|->   the scanned text (shc:/…) or the compact JWS; '-' reads standard input
  --jwks     the issuer's key set, saved from <issuer>/.well-known/jwks.json (nothing is fetched)
  --issuer   refuse cards of any other issuer (iss)
  --json     print the verified card as JSON`;

const OPTIONS = { jwks: { type: 'string' }, issuer: { type: 'string' }, json: { type: 'boolean' } } as const;

const GENDER: Record<string, string> = { male: '男性', female: '女性', other: 'その他', unknown: '不明' };
const CRITICALITY: Record<string, string> = { high: '高', low: '低', 'unable-to-assess': '評価不能' };

/** `2026-12-03 19:30 (日本時間)`. */
function japanTime(at: Date): string {
  const t = new Date(at.getTime() + 9 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)} (日本時間)`;
}

function list(title: string, lines: string[]): string[] {
  return [`${title}:`, ...(lines.length ? lines.map((l) => `  - ${l}`) : ['  なし / none'])];
}

function describe(card: VerifiedHealthCard): string {
  const s: HealthCardSummary = card.summary;
  const p = s.patient;
  const paren = (v: string | undefined, label = '') => (v ? `(${label}${v})` : '');
  return [
    '検証済み / verified: 救急用サマリー (SMART Health Card)',
    `発行者 / issuer: ${card.issuer}`,
    `発行日時 / issued: ${japanTime(card.issuedAt)}`,
    `鍵 / kid: ${card.kid}`,
    `患者: ${p.name}${paren(p.kana)}  生年月日 ${p.birthDate ?? '不明'}  性別 ${GENDER[p.gender ?? 'unknown'] ?? p.gender}`,
    ...list(
      'アレルギー',
      s.allergies.map(
        (a) => `${a.text}${paren(a.criticality && (CRITICALITY[a.criticality] ?? a.criticality), '重篤度: ')}${a.recorded ? ` 記録 ${a.recorded}` : ''}`,
      ),
    ),
    ...list(
      '服用中の薬',
      s.drugs.map((d) => `${d.text}${d.riskClass ? ` [${d.riskClass}]` : ''}${d.dosage ? ` ${d.dosage}` : ''}${d.date ? ` (${d.date})` : ''}`),
    ),
    ...list(
      '主な病名',
      s.diagnoses.map((d) => `${d.text}${paren(d.onset, '発症 ')}`),
    ),
    ...list(
      '感染症',
      s.infections.map((i) => `${i.text}: ${i.result}${i.date ? ` (${i.date})` : ''}`),
    ),
  ].join('\n');
}

/** The file's text without a BOM and whitespace (line breaks of a pasted code). */
function readCard(file: string): string {
  return readFileSync(file === '-' ? 0 : file, 'utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, '');
}

function readJwks(file: string): { keys: JWK[] } {
  const jwks = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as { keys?: unknown };
  if (!Array.isArray(jwks.keys)) throw new Error('no "keys" array');
  return jwks as { keys: JWK[] };
}

export async function healthCardCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (sub !== 'verify') {
    console.error(USAGE);
    return 2;
  }
  let args: ReturnType<typeof parse<typeof OPTIONS>>;
  try {
    args = parse(rest, OPTIONS, USAGE, true);
  } catch (e) {
    console.error(`引数が正しくありません / ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!args) return 0;
  const [file] = args.positionals;
  if (!file || args.positionals.length > 1 || !args.values.jwks) {
    console.error(USAGE);
    return 2;
  }
  let text: string;
  let jwks: { keys: JWK[] };
  try {
    text = readCard(file);
  } catch (e) {
    console.error(`カードのファイルを読めません / cannot read the card file: ${(e as Error).message}`);
    return 2;
  }
  try {
    jwks = readJwks(args.values.jwks);
  } catch (e) {
    console.error(`鍵一覧 (JWKS) を読めません / cannot read the JWKS file: ${(e as Error).message}`);
    return 2;
  }
  try {
    const card = await verifyHealthCard(text, jwks, { issuer: args.values.issuer });
    console.log(args.values.json ? JSON.stringify({ ...card, issuedAt: card.issuedAt.toISOString() }, null, 2) : describe(card));
    return 0;
  } catch (e) {
    if (!(e instanceof HealthCardError)) throw e;
    console.error(`検証できません / REFUSED (${e.code})\n  ${e.ja}\n  ${e.en}`);
    return 1;
  }
}
