/**
 * Group writer for audit events of reads (閲覧の記録). A read must not return data before its audit event is
 * durable, but committing one row per read would cap read throughput at the commit rate: events queue and are
 * appended together (see GroupCommitter), so a read waits for about one commit.
 */
import type { Database } from '../storage/database.ts';
import { GroupCommitter } from '../storage/group-committer.ts';
import type { AuditChains } from './audit-chain.ts';
import { toAuditRow, type AuditRecord, type AuditRow } from './audit-record.ts';

export class GroupAuditWriter {
  private readonly committer: GroupCommitter<AuditRow>;

  constructor(db: Database, chains: AuditChains, parallel = 4) {
    this.committer = new GroupCommitter((rows) => chains.appendBatch(db, rows), { parallel, maxBatch: 1000 });
  }

  /** Resolves once the events are committed; rejects if they could not be written. */
  write(records: AuditRecord[]): Promise<void> {
    return this.committer.submit(records.map(toAuditRow));
  }

  drain(): Promise<void> {
    return this.committer.drain();
  }
}
