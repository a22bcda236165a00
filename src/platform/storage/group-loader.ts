/**
 * Batched lookups by key (the read-side twin of GroupCommitter): keys requested while a lookup is running are
 * fetched together by the next one, so concurrent reads share one statement and one round trip.
 */

interface Waiting<V> {
  key: string;
  resolve: (value: V | undefined) => void;
  reject: (err: unknown) => void;
}

export class GroupLoader<V> {
  private queue: Waiting<V>[] = [];
  private inFlight = 0;

  constructor(
    /** Fetches the values for `keys`; keys with no value are simply absent from the map. */
    private readonly fetch: (keys: string[]) => Promise<Map<string, V>>,
    private readonly parallel = 4,
    private readonly maxBatch = 200,
  ) {}

  load(key: string): Promise<V | undefined> {
    const p = new Promise<V | undefined>((resolve, reject) => this.queue.push({ key, resolve, reject }));
    if (this.inFlight < this.parallel) void this.run();
    return p;
  }

  private async run(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const found = await this.fetch([...new Set(batch.map((w) => w.key))]);
          for (const w of batch) w.resolve(found.get(w.key));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.inFlight--;
    }
  }
}
