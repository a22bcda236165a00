/**
 * The demo world's sign-ins: `<data>/demo-world.json` (written last, so it exists only for a complete world) and the
 * block printed at the end of seeding — every staff sign-in and a few patients' card files with their PINs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignIn } from './staff.ts';
import { DEMO_WORLD_FILE } from './files.ts';

export type { SignIn };

export interface DemoPatientSignIn {
  key: string;
  /** 氏名 exactly as registered. */
  name: string;
  patientId: string;
  /** 被保険者個人識別子 保険者番号:記号:番号:枝番 (reception by number) and the birth date. */
  insuredNumber: string;
  birthDate: string;
  /** Consented at today's reception at the clinic (false: the clinic sees none of the shared information). */
  clinicConsent: boolean;
  /** The card's id (GET /demo/cards/<cardId>.json). */
  cardId: string;
  /** The card file. */
  card: string;
  pin: string;
}

export interface DemoWorld {
  format?: string;
  createdAt: string;
  /** The day the history is counted back from. */
  today: string;
  signIns: SignIn[];
  patients: DemoPatientSignIn[];
  /** The doctors' prescriber credential files (HPKI test certificates). */
  credentials?: { facilityCode: string; login: string; path: string }[];
  /** Prescriptions registered today and not yet dispensed (処方箋ID, 引換番号). */
  openPrescriptions?: { patient: string; prescription: string; exchangeNumber: string }[];
  /** 代理人: `proxy` (a patient key) may use the portal for `for` (another patient key). */
  proxies?: { proxy: string; for: string; relation: string }[];
  /** Emergency accesses made while seeding (the hospital doctor's view of 髙橋: $emergency-reviews lists it). */
  emergencyAccesses?: string[];
  /** Letters waiting in the clinic's inbox (ids for $retrieve-referral). */
  letters?: string[];
  /** Parts left out (e.g. an IG package missing), in Japanese and English. */
  skipped?: string[];
}

const FORMAT = 'tsunagu-demo-world/1';

export async function writeDemoWorld(dataDir: string, world: DemoWorld): Promise<void> {
  await writeFile(join(dataDir, DEMO_WORLD_FILE), `${JSON.stringify({ format: FORMAT, ...world }, null, 2)}\n`, { mode: 0o600 });
}

/** The demo world of this data directory, or undefined when there is none. */
export async function readDemoWorld(dataDir: string): Promise<DemoWorld | undefined> {
  try {
    const world = JSON.parse(await readFile(join(dataDir, DEMO_WORLD_FILE), 'utf8')) as DemoWorld;
    return world.format === FORMAT ? world : undefined;
  } catch {
    return undefined;
  }
}

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].reduce((w, c) => w + (/[\u3000-\uffef\u4e00-\u9fff]/.test(c) ? 2 : 1), 0)));

/** The sign-in block for the console (Japanese and English). */
export function printSignIns(world: DemoWorld, opts: { url?: string; patients?: number } = {}): string {
  const lines = [
    '',
    '================================================================================',
    ` デモの世界のサインイン / Demo world sign-ins${opts.url ? `   ${opts.url}` : ''}`,
    ' （デモ専用のパスワードです。本番のデータには使わないでください / demo-only passwords: never for real data）',
    '================================================================================',
    ` ${pad('職種 role', 18)} ${pad('施設 facility', 24)} ${pad('医療機関コード', 15)} ${pad('ログイン', 12)} パスワード password`,
  ];
  for (const s of world.signIns)
    lines.push(` ${pad(`${s.roleName} ${s.role}`, 18)} ${pad(s.facilityName, 24)} ${pad(s.facilityCode, 15)} ${pad(s.login, 12)} ${s.password}`);
  lines.push('', ' 患者のマイナンバーカード（仮想）と暗証番号 / patients’ virtual My Number cards and PINs:');
  for (const p of world.patients.slice(0, opts.patients ?? 5)) lines.push(` ${pad(p.name, 14)} PIN ${p.pin}   ${p.card}`);
  if (world.patients.length > (opts.patients ?? 5))
    lines.push(` … ほか ${world.patients.length - (opts.patients ?? 5)} 人 / and ${world.patients.length - (opts.patients ?? 5)} more: demo-world.json`);
  for (const s of world.skipped ?? []) lines.push(` 省略 / left out: ${s}`);
  lines.push('================================================================================', '');
  return lines.join('\n');
}
