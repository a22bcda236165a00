/**
 * `tsunagu audit verify`: walks every chain and recomputes each link. Detects an altered row (link mismatch),
 * a deleted row (gap in seq), rows removed from the end (head mismatch) and rows on unknown chains. Rows removed
 * from the end together with a rewound head leave a consistent chain: only the anchor files (signed checkpoints
 * kept outside the database, audit-anchor-verify.ts) reveal them.
 */
import type { Queryable } from '../storage/database.ts';
import type { AuditKey } from './audit-key.ts';
import { genesisLink, nextLink } from './audit-chain.ts';
import { verifyAnchors, type AnchorCoverage } from './audit-anchor-verify.ts';
import { auditEventId, auditMaterial, fromStoredAuditRow, type StoredAuditRow } from './audit-record.ts';

export type AuditProblem =
  | {
      kind: 'altered' | 'missing' | 'truncated' | 'unknown-chain' | 'bad-genesis' | 'behind-anchor';
      chain: number;
      seq: number;
      message: string;
    }
  | {
      /** An anchor line whose signature does not verify, or that does not follow the line before it. */
      kind: 'anchor-invalid';
      file: string;
      line: number;
      message: string;
    };

export interface AuditVerifyOptions {
  /** Anchor files to check the chains against; none: anchors are not checked. */
  anchorFiles?: string[];
  /** Stop after this many problems. */
  maxProblems?: number;
}

export interface AuditVerifyResult {
  ok: boolean;
  chains: number;
  events: number;
  problems: AuditProblem[];
  /** What the anchor files cover; undefined when no anchor file was given. */
  anchors?: AnchorCoverage;
}

type StoredRow = StoredAuditRow & { hash: Uint8Array };

const PAGE = 5000;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

export async function verifyAuditLog(db: Queryable, key: AuditKey, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  const maxProblems = opts.maxProblems ?? 100;
  const heads = await db.query<{ chain: number; seq: number; head: Uint8Array }>('SELECT chain, seq, head FROM audit_chains ORDER BY chain');
  const problems: AuditProblem[] = [];
  let events = 0;
  const known = new Set(heads.rows.map((h) => h.chain));
  const strays = await db.query<{ chain: number; n: number }>(
    'SELECT chain, count(*)::int AS n FROM audit_events WHERE NOT (chain = ANY($1::int[])) GROUP BY chain',
    [[...known]],
  );
  for (const s of strays.rows) problems.push({ chain: s.chain, seq: 0, kind: 'unknown-chain', message: `${s.n} events on a chain with no head` });

  for (const head of heads.rows) {
    let link: Uint8Array = genesisLink(key, head.chain);
    let expectedSeq = 1;
    for (;;) {
      const page = await db.query<StoredRow>(
        `SELECT chain, seq, hash, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, detail
         FROM audit_events WHERE chain = $1 AND seq >= $2 ORDER BY seq LIMIT ${PAGE}`,
        [head.chain, expectedSeq],
      );
      for (const r of page.rows) {
        events++;
        if (r.seq !== expectedSeq) {
          problems.push({
            chain: r.chain,
            seq: expectedSeq,
            kind: 'missing',
            message: `events ${expectedSeq}..${r.seq - 1} are missing`,
          });
          // Continue from the stored link so later rows are still checked.
          link = r.hash;
          expectedSeq = r.seq + 1;
          continue;
        }
        const material = auditMaterial(r.chain, fromStoredAuditRow(r));
        const expected = nextLink(key, link, r.seq, material);
        if (!same(expected, r.hash)) {
          problems.push({ chain: r.chain, seq: r.seq, kind: 'altered', message: `event ${auditEventId(r.chain, r.seq)} does not match its link` });
        }
        link = r.hash;
        expectedSeq++;
      }
      if (page.rows.length < PAGE || problems.length >= maxProblems) break;
    }
    if (head.seq !== expectedSeq - 1) {
      problems.push({
        chain: head.chain,
        seq: expectedSeq,
        kind: head.seq > expectedSeq - 1 ? 'truncated' : 'altered',
        message: `chain head says ${head.seq} events, found ${expectedSeq - 1}`,
      });
    } else if (!same(link, head.head)) {
      problems.push({ chain: head.chain, seq: head.seq, kind: 'altered', message: 'chain head does not match the last event' });
    }
    if (problems.length >= maxProblems) break;
  }
  const anchors = opts.anchorFiles?.length
    ? await verifyAnchors(db, key, heads.rows, opts.anchorFiles, (p) => {
        if (problems.length < maxProblems) problems.push(p);
      })
    : undefined;
  return { ok: problems.length === 0, chains: heads.rows.length, events, problems, anchors };
}
