/**
 * Group commit for independent small writes. Callers submit items and wait; whatever is queued is written by
 * one `flush` call (one statement, one commit), with up to `parallel` flushes in progress at once. Under light
 * load a batch holds one item, so nobody waits for company; under heavy load the per-statement and per-commit
 * costs are shared. If a batch fails and holds several items, each is retried alone, so one bad item cannot
 * fail the others — unless the database is unavailable, when every item of the batch fails with that error.
 */
import { isDatabaseUnavailable } from './db-unavailable.ts';

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitterOptions {
  parallel?: number;
  maxBatch?: number;
}

export class GroupCommitter<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;
  private idle: (() => void)[] = [];
  private readonly parallel: number;
  private readonly maxBatch: number;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    opts: GroupCommitterOptions = {},
  ) {
    this.parallel = opts.parallel ?? 4;
    this.maxBatch = opts.maxBatch ?? 500;
  }

  /** Resolves once the items are committed; rejects if they could not be written. */
  submit(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const waits = items.map((item) => new Promise<void>((resolve, reject) => this.queue.push({ item, resolve, reject })));
    if (this.inFlight < this.parallel) void this.run();
    return Promise.all(waits).then(() => undefined);
  }

  /** Resolves when nothing is queued or being written (shutdown). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async run(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.flush(batch.map((p) => p.item));
          for (const p of batch) p.resolve();
        } catch (err) {
          // Retrying alone helps when one item was bad, not when the database is gone (nor when the COMMIT's
          // outcome is unknown: the batch may be in): then every item gets the failure.
          if (batch.length === 1 || isDatabaseUnavailable(err)) for (const p of batch) p.reject(err);
          else for (const p of batch) await this.flush([p.item]).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
    }
  }
}
