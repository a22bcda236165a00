/**
 * Writes anchors — signed checkpoints of every chain head — to the anchor file: every `interval` seconds when some
 * head moved, at shutdown (close) and on demand (`tsunagu audit anchor`). Before appending, the writer checks that
 * the events anchored by the file's last line are still there with their hashes, and records (signed, in
 * `behind`) any chain that went back — so a tail removed and the head rewound is caught even when new events have
 * since passed the old head. Events after the last checkpoint are protected by their hash chain only (a removed
 * tail with a rewound head goes unnoticed there): the interval bounds that window.
 */
import { stat } from 'node:fs/promises';
import type { Queryable } from '../storage/database.ts';
import { FIRST_PREV, formatAnchor, lineLink, parseAnchor, sameHeads, type Anchor, type AnchoredHead, type BehindHead } from './audit-anchor.ts';
import { appendLine, readTail, withAnchorLock } from './audit-anchor-file.ts';
import type { AuditKey } from './audit-key.ts';

export interface CheckpointResult {
  file: string;
  written: boolean;
  /** The line written; when nothing moved, the file's last line (if it verifies). */
  anchor?: Anchor;
}

export async function readChainHeads(db: Queryable): Promise<AnchoredHead[]> {
  const r = await db.query<{ chain: number; seq: number; head: Uint8Array }>('SELECT chain, seq, head FROM audit_chains ORDER BY chain');
  return r.rows.map((h) => ({ chain: h.chain, seq: Number(h.seq), head: Buffer.from(h.head).toString('hex') }));
}

/** The stored hashes (hex) of the events at the given positions, keyed `<chain>:<seq>`; absent when missing. */
export async function storedHashes(db: Queryable, at: { chain: number; seq: number }[]): Promise<Map<string, string>> {
  const stored = await db.query<{ chain: number; seq: number; hash: Uint8Array }>(
    'SELECT e.chain, e.seq, e.hash FROM audit_events e JOIN unnest($1::int[], $2::bigint[]) AS a(chain, seq) ON e.chain = a.chain AND e.seq = a.seq',
    [at.map((a) => a.chain), at.map((a) => a.seq)],
  );
  return new Map(stored.rows.map((r) => [`${r.chain}:${Number(r.seq)}`, Buffer.from(r.hash).toString('hex')]));
}

/** The chains of `anchored` that went back in `heads`: head below the anchored seq, or the event there changed. */
export async function findBehind(db: Queryable, anchored: AnchoredHead[], heads: AnchoredHead[]): Promise<BehindHead[]> {
  const now = new Map(heads.map((h) => [h.chain, h]));
  const hashAt = await storedHashes(
    db,
    anchored.filter((a) => a.seq > 0),
  );
  const behind: BehindHead[] = [];
  for (const a of anchored) {
    const h = now.get(a.chain);
    if (!h || h.seq < a.seq || (a.seq > 0 && hashAt.get(`${a.chain}:${a.seq}`) !== a.head)) behind.push({ chain: a.chain, seq: a.seq, now: h ? h.seq : null });
  }
  return behind;
}

const fileSize = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => -1,
  );

export class AuditAnchorWriter {
  private timer: NodeJS.Timeout | undefined;
  /** Checkpoints of this writer run one at a time. */
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;
  private lastError: string | undefined;
  /** The file's size and the heads of its last line when this writer last looked (skips the lock when idle). */
  private seen: { size: number; heads: AnchoredHead[] } | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly key: AuditKey,
    readonly file: string,
  ) {}

  /** Checkpoints every `intervalSeconds` (none for 0); the timer does not keep the process alive. */
  start(intervalSeconds: number): void {
    if (!(intervalSeconds > 0) || this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Appends a checkpoint when some head moved since the file's last line. */
  checkpoint(): Promise<CheckpointResult> {
    const run = this.running.then(() => this.write());
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer and waits for a checkpoint under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** At shutdown: stops the timer and writes a last checkpoint (a failure is reported, not thrown). */
  async close(): Promise<void> {
    await this.stop();
    await this.checkpoint().catch((err) => this.report(err));
  }

  private tick(): void {
    if (this.busy) return;
    this.busy = true;
    this.checkpoint()
      .then(
        () => {
          if (this.lastError) console.error(`監査アンカーの書き込みが回復しました / audit anchors written again to ${this.file}`);
          this.lastError = undefined;
        },
        (err) => this.report(err),
      )
      .finally(() => (this.busy = false));
  }

  private report(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (message !== this.lastError) console.error(`監査アンカーを書けませんでした / could not write an audit anchor to ${this.file}: ${message}`);
    this.lastError = message;
  }

  private async write(): Promise<CheckpointResult> {
    const file = this.file;
    if (this.seen && sameHeads(this.seen.heads, await readChainHeads(this.db)) && (await fileSize(file)) === this.seen.size) return { file, written: false };
    return withAnchorLock(file, async () => {
      const tail = await readTail(file);
      // Read under the lock, so lines appended by several processes never go back.
      const heads = await readChainHeads(this.db);
      const last = tail?.last === undefined ? undefined : parseAnchor(this.key, tail.last);
      const moved = last === undefined ? heads.some((h) => h.seq > 0) : !last.ok || !sameHeads(last.anchor.heads, heads);
      if (!moved) {
        this.seen = { size: tail?.size ?? -1, heads };
        return { file, written: false, anchor: last?.ok ? last.anchor : undefined };
      }
      const behind = last?.ok ? await findBehind(this.db, last.anchor.heads, heads) : [];
      if (behind.length)
        console.error(
          `監査ログのチェーンが前回のアンカーより後退しています（改ざんまたはバックアップからの復元）/ audit chains went back since the last anchor (tampering, or a restored backup): ` +
            behind.map((b) => `chain ${b.chain} seq ${b.seq} → ${b.now ?? 'gone'}`).join(', '),
        );
      const link = tail?.last === undefined ? undefined : lineLink(tail.last);
      const { line, anchor } = formatAnchor(this.key, { n: (link?.n ?? 0) + 1, at: new Date().toISOString(), prev: link?.sig ?? FIRST_PREV, heads, behind });
      await appendLine(file, line, tail);
      this.seen = { size: (tail?.size ?? 0) + (tail?.partial ? 1 : 0) + Buffer.byteLength(line) + 1, heads };
      return { file, written: true, anchor };
    });
  }
}
