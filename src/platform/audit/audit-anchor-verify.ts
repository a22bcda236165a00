/**
 * Checking the audit log against anchor files (`tsunagu audit verify`). Every line must carry a valid signature and
 * follow the line before it ('anchor-invalid' otherwise). A chain is 'behind-anchor' when a line records it gone
 * back since the line before (the writer checks at every checkpoint), or when the database no longer holds what the
 * last line of a file anchored: the head is below the anchored seq, the chain is gone, or the event at that seq
 * does not carry the anchored hash — a tail removed and the head rewound. Given intact hash chains, the last line
 * matching means every earlier anchored event is still there too.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Queryable } from '../storage/database.ts';
import { FIRST_PREV, lineLink, parseAnchor, type Anchor, type AnchoredHead } from './audit-anchor.ts';
import { storedHashes } from './audit-anchor-writer.ts';
import type { AuditKey } from './audit-key.ts';
import type { AuditProblem } from './audit-verify.ts';

export interface AnchorCoverage {
  files: string[];
  /** Lines whose signature verifies. */
  checkpoints: number;
  /** Time of the newest checkpoint. */
  lastAt?: string;
  /** Per chain: events 1..anchoredSeq are protected by the anchors; the head seq now (null: no chain). */
  chains: { chain: number; anchoredSeq: number; headSeq: number | null }[];
  /** Events after the last checkpoint of their chain: protected by the hash chain only. */
  unanchoredEvents: number;
}

interface FileSummary {
  checkpoints: number;
  last?: Anchor;
  lastLine?: number;
}

const where = (file: string, line: number) => `${file}:${line}`;

/** Reads one anchor file, reporting lines that do not verify or do not follow the line before. */
async function readAnchorFile(key: AuditKey, file: string, report: (p: AuditProblem) => void): Promise<FileSummary> {
  const summary: FileSummary = { checkpoints: 0 };
  // Where the next line may chain on: the last verified line's sig, and the sig an unverified line claims.
  let follows: string[] | undefined;
  let previousAt: string | undefined;
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    lineNo++;
    if (text.trim() === '') continue;
    const parsed = parseAnchor(key, text);
    if (!parsed.ok) {
      report({ kind: 'anchor-invalid', file, line: lineNo, message: `アンカー行が検証できません / anchor line does not verify: ${parsed.reason}` });
      const claimed = lineLink(text)?.sig;
      follows = [...(follows ?? []), ...(claimed ? [claimed] : [])];
      continue;
    }
    const a = parsed.anchor;
    if (follows === undefined ? a.prev !== FIRST_PREV : !follows.includes(a.prev))
      report({
        kind: 'anchor-invalid',
        file,
        line: lineNo,
        message:
          follows === undefined
            ? `先頭のアンカー行が失われています / the first anchor lines are missing: this is checkpoint ${a.n}`
            : `前の行に続いていません（行の削除・入れ替え）/ does not follow the line before it (lines removed or reordered; this is checkpoint ${a.n})`,
      });
    for (const b of a.behind)
      report({
        kind: 'behind-anchor',
        chain: b.chain,
        seq: b.seq,
        message:
          `${where(file, lineNo)} (${a.at}): ` +
          (b.now === null
            ? `チェーンが削除されていました / the chain was gone`
            : b.now < b.seq
              ? `先頭が ${b.seq} から ${b.now} に戻されていました（末尾の削除）/ the head had gone back from ${b.seq} to ${b.now} (tail removed, head rewound)`
              : `seq ${b.seq} の記録が置き換えられていました / the event at seq ${b.seq} had been replaced (tail removed, head rewound, new events appended)`) +
          (previousAt ? ` — ${previousAt} 以降 / since ${previousAt}` : ''),
      });
    follows = [a.sig];
    previousAt = a.at;
    summary.checkpoints++;
    summary.last = a;
    summary.lastLine = lineNo;
  }
  return summary;
}

/** Checks the anchor files against the chain heads (as read by the verifier) and the stored events. */
export async function verifyAnchors(
  db: Queryable,
  key: AuditKey,
  heads: { chain: number; seq: number }[],
  files: string[],
  report: (p: AuditProblem) => void,
): Promise<AnchorCoverage> {
  const headSeq = new Map(heads.map((h) => [h.chain, Number(h.seq)]));
  const anchoredSeq = new Map<number, number>();
  const checks: { head: AnchoredHead; at: string; line: string }[] = [];
  let checkpoints = 0;
  let lastAt: string | undefined;
  for (const file of files) {
    const s = await readAnchorFile(key, file, report);
    checkpoints += s.checkpoints;
    if (!s.last) continue;
    if (!lastAt || s.last.at > lastAt) lastAt = s.last.at;
    for (const h of s.last.heads) {
      checks.push({ head: h, at: s.last.at, line: where(file, s.lastLine!) });
      anchoredSeq.set(h.chain, Math.max(anchoredSeq.get(h.chain) ?? 0, h.seq));
    }
  }
  const hashAt = await storedHashes(
    db,
    checks.map((c) => c.head).filter((h) => h.seq > 0),
  );
  for (const { head: a, at, line } of checks) {
    const now = headSeq.get(a.chain);
    const since = `${line} (${at})`;
    if (now === undefined)
      report({
        kind: 'behind-anchor',
        chain: a.chain,
        seq: a.seq,
        message: `アンカーされたチェーンがありません / the chain anchored at seq ${a.seq} by ${since} is gone`,
      });
    else if (now < a.seq)
      report({
        kind: 'behind-anchor',
        chain: a.chain,
        seq: a.seq,
        message: `先頭 ${now} がアンカー ${a.seq} より前です（末尾の削除）/ the head is at ${now}, below seq ${a.seq} anchored by ${since}: events ${now + 1}..${a.seq} were removed and the head rewound`,
      });
    else if (a.seq > 0 && hashAt.get(`${a.chain}:${a.seq}`) !== a.head)
      report({
        kind: 'behind-anchor',
        chain: a.chain,
        seq: a.seq,
        message: hashAt.has(`${a.chain}:${a.seq}`)
          ? `アンカーされた記録が置き換えられています / the event at seq ${a.seq} does not carry the hash anchored by ${since}: the chain was rewritten after it`
          : `アンカーされた記録がありません / the event at seq ${a.seq} anchored by ${since} is missing`,
      });
  }
  let unanchoredEvents = 0;
  const chains = [...new Set([...headSeq.keys(), ...anchoredSeq.keys()])]
    .sort((x, y) => x - y)
    .map((chain) => {
      const anchored = anchoredSeq.get(chain) ?? 0;
      const head = headSeq.get(chain) ?? null;
      if (head !== null) unanchoredEvents += Math.max(0, head - anchored);
      return { chain, anchoredSeq: anchored, headSeq: head };
    });
  return { files, checkpoints, lastAt, chains, unanchoredEvents };
}
