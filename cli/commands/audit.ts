/** `tsunagu audit verify` — recomputes every audit hash chain; exit 1 when anything was altered or removed. */
import { verifyAuditLog } from '../../src/platform/audit/audit-verify.ts';
import { openLocalPlatform, parse } from '../common.ts';

const USAGE = 'tsunagu audit verify [--data-dir ./data] [--json]   (or DATABASE_URL=postgres://…)';

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') {
    console.error(USAGE);
    return 2;
  }
  const args = parse(rest, { json: { type: 'boolean' } }, USAGE);
  if (!args) return 0;
  const p = await openLocalPlatform(args.values['data-dir']);
  try {
    const result = await verifyAuditLog(p.db, p.auditKey);
    if (args.values.json) console.log(JSON.stringify(result, null, 2));
    else if (result.ok) console.log(`監査ログは改ざんされていません / audit log intact: ${result.events} events on ${result.chains} chains`);
    else {
      console.log(`監査ログの改ざんを検出しました / audit log TAMPERED: ${result.problems.length} problem(s)`);
      for (const pr of result.problems) console.log(`  chain ${pr.chain} seq ${pr.seq}: ${pr.kind} — ${pr.message}`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await p.db.close();
  }
}
