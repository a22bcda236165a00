/**
 * `tsunagu audit verify` — recomputes every audit hash chain and checks it against the anchor files; exit 1 when
 * anything was altered or removed. `tsunagu audit anchor` — appends a signed checkpoint of the chain heads now
 * (operator cron, before a backup).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditAnchorWriter } from '../../src/platform/audit/audit-anchor-writer.ts';
import { verifyAuditLog, type AuditProblem, type AuditVerifyResult } from '../../src/platform/audit/audit-verify.ts';
import { closePlatform, type PlatformParts } from '../../src/platform/platform.ts';
import { openLocalPlatform, parse } from '../common.ts';

const USAGE = `tsunagu audit verify [--data-dir ./data] [--anchors <file>]… [--json]
tsunagu audit anchor [--data-dir ./data] [--anchors <file>]
  (or DATABASE_URL=postgres://…; --anchors defaults to TSUNAGU_AUDIT_ANCHOR_FILE, <data>/audit/anchors.log)`;

const OPTIONS = { json: { type: 'boolean' }, anchors: { type: 'string', multiple: true } } as const;

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify' && sub !== 'anchor') {
    console.error(USAGE);
    return 2;
  }
  const args = parse(rest, OPTIONS, USAGE);
  if (!args) return 0;
  const given = (args.values.anchors ?? []).map((f) => resolve(f));
  const absent = given.filter((f) => !existsSync(f));
  if (sub === 'verify' && absent.length) {
    console.error(`アンカーファイルがありません / anchor file not found: ${absent.join(', ')}`);
    return 2;
  }
  if (sub === 'anchor' && given.length > 1) {
    console.error(`アンカーファイルは1つだけ指定します / give one anchor file\n${USAGE}`);
    return 2;
  }
  const p = await openLocalPlatform(args.values['data-dir']);
  try {
    await p.anchors.stop(); // this process writes only what the command asks for
    return sub === 'verify' ? await verify(p, given, args.values.json ?? false) : await anchor(p, given[0]);
  } finally {
    await closePlatform(p, { anchor: false });
  }
}

async function verify(p: PlatformParts, given: string[], json: boolean): Promise<number> {
  const files = given.length ? given : existsSync(p.config.auditAnchorFile) ? [p.config.auditAnchorFile] : [];
  const result = await verifyAuditLog(p.db, p.auditKey, { anchorFiles: files });
  if (json) console.log(JSON.stringify({ ...result, anchors: result.anchors ?? null }, null, 2));
  else {
    if (result.ok) console.log(`監査ログは改ざんされていません / audit log intact: ${result.events} events on ${result.chains} chains`);
    else {
      console.log(`監査ログの改ざんを検出しました / audit log TAMPERED: ${result.problems.length} problem(s)`);
      for (const pr of result.problems) console.log(`  ${describe(pr)}`);
    }
    console.log(anchorSummary(result, p.config.auditAnchorFile));
  }
  return result.ok ? 0 : 1;
}

const describe = (pr: AuditProblem) =>
  pr.kind === 'anchor-invalid' ? `${pr.file}:${pr.line}: ${pr.kind} — ${pr.message}` : `chain ${pr.chain} seq ${pr.seq}: ${pr.kind} — ${pr.message}`;

function anchorSummary(result: AuditVerifyResult, defaultFile: string): string {
  const a = result.anchors;
  if (!a)
    return (
      `アンカーは確認していません（${defaultFile} がありません）。末尾の削除と先頭の巻き戻しは検出できません / ` +
      `anchors not checked (${defaultFile} does not exist): a removed tail with a rewound head would go unnoticed`
    );
  if (a.checkpoints === 0)
    return `アンカーがまだありません / no checkpoints yet in ${a.files.join(', ')}: a removed tail with a rewound head would go unnoticed`;
  return (
    `アンカー ${a.checkpoints} 件（最新 ${a.lastAt}）を確認しました。それ以降の ${a.unanchoredEvents} 件はハッシュチェーンだけで守られています / ` +
    `anchors: ${a.checkpoints} checkpoints in ${a.files.join(', ')}, the last at ${a.lastAt}; ` +
    `the ${a.unanchoredEvents} event(s) after it are protected by the hash chain only (a removed tail there would go unnoticed)`
  );
}

async function anchor(p: PlatformParts, file = p.config.auditAnchorFile): Promise<number> {
  const writer = file === p.anchors.file ? p.anchors : new AuditAnchorWriter(p.db, p.auditKey, file);
  const r = await writer.checkpoint();
  const events = r.anchor?.heads.reduce((n, h) => n + h.seq, 0) ?? 0;
  if (!r.written)
    console.log(
      `前回のアンカーからチェーンの先頭は動いていません。書き込みません / no chain head moved since the last checkpoint` +
        (r.anchor ? ` (${r.anchor.n}, ${r.anchor.at})` : '') +
        `: nothing written to ${file}`,
    );
  else console.log(`監査アンカーを書きました / anchor written: checkpoint ${r.anchor!.n} of ${r.anchor!.heads.length} chains (${events} events) to ${file}`);
  if (r.written && r.anchor?.behind.length) {
    console.log(
      `チェーンが前回のアンカーより後退していました（改ざんまたは復元）/ chains had gone back since the last checkpoint (tampering, or a restored backup):`,
    );
    for (const b of r.anchor.behind) console.log(`  chain ${b.chain}: anchored seq ${b.seq}, now ${b.now ?? 'gone'}`);
    return 1;
  }
  return 0;
}
