import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/storage/database.ts';
import { StatisticsKeeper } from '../../src/platform/storage/statistics-keeper.ts';
import { ENGINES, engineHandle, type EngineHandle } from '../helpers/engines.ts';

describe.each(ENGINES)('statistics keeper (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  const reltuples = async (table: string) =>
    Number((await db.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE relname = $1', [table])).rows[0].n);
  const insert = (table: string, n: number) => db.query(`INSERT INTO ${table} SELECT g FROM generate_series(1, ${n}) g`);

  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
    await db.exec('CREATE TABLE stats_a (n int) WITH (autovacuum_enabled = false); CREATE TABLE stats_b (n int) WITH (autovacuum_enabled = false)');
  });
  afterAll(() => engine.dispose());

  it('analyzes a group once it has grown past the threshold, and not before', async () => {
    const keeper = new StatisticsKeeper(db, { minRows: 100, growth: 0.5 });
    keeper.register('g', ['stats_a', 'stats_b']);
    await insert('stats_a', 99);
    keeper.note('g', 99);
    await keeper.close();
    expect(await reltuples('stats_a')).toBeLessThan(1); // below minRows: never analyzed

    const again = new StatisticsKeeper(db, { minRows: 100, growth: 0.5 });
    again.register('g', ['stats_a', 'stats_b']);
    await insert('stats_a', 1);
    await insert('stats_b', 300);
    again.note('g', 100);
    await again.close();
    expect(await reltuples('stats_a')).toBe(100);
    expect(await reltuples('stats_b')).toBe(300); // the whole group is analyzed together
  });

  it('waits for growth relative to the size at the last ANALYZE', async () => {
    const keeper = new StatisticsKeeper(db, { minRows: 10, growth: 0.5 });
    keeper.register('g', ['stats_a']);
    await insert('stats_a', 20);
    keeper.note('g', 20); // 20 < 50% of 100 analyzed rows
    await keeper.close();
    expect(await reltuples('stats_a')).toBe(100);
  });

  it('rejects table names that are not plain identifiers', () => {
    expect(() => new StatisticsKeeper(db).register('x', ['resources; DROP TABLE resources'])).toThrow(/invalid table name/);
  });
});
