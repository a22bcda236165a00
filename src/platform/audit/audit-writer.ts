/**
 * Group writer for audit events of reads (閲覧の記録). A read must not return data before its audit event is
 * durable, but committing one row per read would cap read throughput at the disk's fsync rate. Events queue
 * here; one flush commits everything queued while the previous flush ran, then every waiting read proceeds.
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
  private flushing = false;

  constructor(
    private readonly db: Database,
    private readonly chains: AuditChains,
    private readonly maxBatch = 2000,
  ) {}

  /** Resolves once the event is committed; rejects if it could not be written. */
  write(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const waits = records.map(
      (rec) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ row: toAuditRow(rec), resolve, reject });
        }),
    );
    if (!this.flushing) void this.flushLoop();
    return Promise.all(waits).then(() => undefined);
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.db.transaction((tx) => this.chains.appendBatch(tx, batch.map((p) => p.row)));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
