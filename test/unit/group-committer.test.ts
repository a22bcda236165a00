/** Group commit: batching under load, isolation of a failing item, drain. */
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/platform/storage/group-committer.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('GroupCommitter', () => {
  it('writes what queues up while a flush runs in one batch', async () => {
    const batches: number[][] = [];
    const g = new GroupCommitter<number>(
      async (items) => {
        batches.push(items);
        await tick();
      },
      { parallel: 1 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => g.submit([i])));
    expect(batches[0]).toEqual([0]);
    expect(
      batches
        .slice(1)
        .flat()
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches.length).toBeLessThan(10);
  });

  it('retries items alone when a batch fails, so only the bad one fails', async () => {
    const written: number[] = [];
    const g = new GroupCommitter<number>(
      async (items) => {
        await tick();
        if (items.includes(13)) throw new Error('bad item');
        written.push(...items);
      },
      { parallel: 1 },
    );
    const first = g.submit([1]);
    const results = await Promise.allSettled([first, ...[2, 13, 4].map((n) => g.submit([n]))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(written.sort((a, b) => a - b)).toEqual([1, 2, 4]);
  });

  it('drains', async () => {
    let done = 0;
    const g = new GroupCommitter<number>(async (items) => {
      await tick();
      done += items.length;
    });
    void g.submit([1, 2, 3]);
    await g.drain();
    expect(done).toBe(3);
  });
});

describe('GroupLoader', () => {
  it('fetches keys requested together in one call and answers each caller', async () => {
    const { GroupLoader } = await import('../../src/platform/storage/group-loader.ts');
    const calls: string[][] = [];
    const loader = new GroupLoader<number>(async (keys) => {
      calls.push(keys);
      await tick();
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
    }, 1);
    const results = await Promise.all(['a', 'bb', 'ccc', 'missing', 'bb'].map((k) => loader.load(k)));
    expect(results).toEqual([1, 2, 3, undefined, 2]);
    expect(calls[0]).toEqual(['a']);
    expect(calls[1].sort()).toEqual(['bb', 'ccc', 'missing']);
  });
});
