/**
 * Group writer for audit events of reads (閲覧の記録). A read must not return data before its audit event is
 * durable, but committing one row per read would cap read throughput at the disk's flush rate. Events queue
 * here; each flush appends everything queued so far in one statement, and up to `parallel` flushes (on
 * different chains) run at once, so a read waits for at most about one commit.
 */
import type { Database } from '../storage/database.ts';
import type { AuditChains } from './audit-chain.ts';
import { toAuditRow, type AuditRecord, type AuditRow } from './audit-record.ts';

interface Pending {
  row: AuditRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupAuditWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly chains: AuditChains,
    private readonly parallel = 4,
    private readonly maxBatch = 1000,
  ) {}

  /** Resolves once the events are committed; rejects if they could not be written. */
  write(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const waits = records.map(
      (rec) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ row: toAuditRow(rec), resolve, reject });
        }),
    );
    if (this.inFlight < this.parallel) void this.flush();
    return Promise.all(waits).then(() => undefined);
  }

  /** Resolves when nothing is queued or being written (used at shutdown). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async flush(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.chains.appendBatch(this.db, batch.map((p) => p.row));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
    }
  }
}
