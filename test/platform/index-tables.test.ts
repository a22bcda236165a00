/**
 * The index table descriptors (src/platform/search/index-tables) against the schema the migrations build, on every
 * engine: the same columns with the same types, text columns indexed by their first characters only where the
 * descriptor says so, and the write statement putting each row key into its column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, engineHandle, type EngineHandle } from '../helpers/engines.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { migrate } from '../../src/platform/storage/migrate.ts';
import { columnList, columnOf } from '../../src/platform/search/index-tables/descriptor.ts';
import { INDEX_TABLE, INDEX_TABLE_LIST, emptyIndexRows } from '../../src/platform/search/index-tables/tables.ts';
import { INDEXED_CHARS } from '../../src/platform/search/index-tables/text-columns.ts';
import { buildWriteStatement } from '../../src/platform/store/write-statement.ts';

/** information_schema.columns.data_type of each array cast's element type. */
const DATA_TYPE: Record<string, string> = { 'text[]': 'text', 'timestamptz[]': 'timestamp with time zone', 'numeric[]': 'numeric' };
const KEY_COLUMNS = ['resource_type', 'resource_id', 'patient_key'];

/** The key list of an index definition (`… USING btree (a, "left"(b, 200)) WHERE …` → `a, left(b, 200)`). */
function indexKeys(indexdef: string): string {
  const start = indexdef.indexOf('(', indexdef.indexOf(' USING '));
  let depth = 0;
  for (let i = start; i < indexdef.length; i++) {
    if (indexdef[i] === '(') depth++;
    else if (indexdef[i] === ')' && --depth === 0) return indexdef.slice(start + 1, i).replaceAll('"left"(', 'left(');
  }
  throw new Error(`unreadable index definition ${indexdef}`);
}

/** One value of each cast, as the write statement sends it and as the table gives it back. */
const SAMPLE: Record<string, [sent: string, read: (v: unknown) => unknown]> = {
  'text[]': ['x', (v) => v],
  'timestamptz[]': ['2024-05-01T01:02:03.004Z', (v) => new Date(v as string).toISOString()],
  'numeric[]': ['5.25', (v) => String(v)],
};

describe('index table descriptors', () => {
  it('are listed under their own type, each with param first', () => {
    for (const [type, t] of Object.entries(INDEX_TABLE)) {
      expect(t.type).toBe(type);
      expect(columnList(t)[0]).toMatchObject({ key: 'param', name: 'param' });
      expect(Object.keys(t.empty()), type).toEqual(columnList(t).map((c) => c.key));
      expect(
        Object.values(t.empty()).every((v) => Array.isArray(v) && v.length === 0),
        type,
      ).toBe(true);
    }
    expect(Object.keys(emptyIndexRows()).sort()).toEqual(Object.keys(INDEX_TABLE).sort());
  });
});

describe.each(ENGINES)('index table descriptors against the migrated schema (%s)', (engine) => {
  let handle: EngineHandle;
  let db: Database;

  beforeAll(async () => {
    handle = engineHandle(engine);
    db = await handle.open();
    await migrate(db);
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it('name exactly the columns of their tables, with their types', async () => {
    for (const t of INDEX_TABLE_LIST) {
      const res = await db.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [t.table],
      );
      const schema = new Map(res.rows.map((r) => [r.column_name, r.data_type]));
      expect([...schema.keys()].sort(), t.table).toEqual([...KEY_COLUMNS, ...columnList(t).map((c) => c.name)].sort());
      for (const c of columnList(t)) expect(schema.get(c.name), `${t.table}.${c.name}`).toBe(DATA_TYPE[c.cast]);
    }
  });

  it('index text columns by their first INDEXED_CHARS characters exactly where the descriptor says so', async () => {
    for (const t of INDEX_TABLE_LIST) {
      const res = await db.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1', [t.table]);
      const keys = res.rows.map((r) => indexKeys(r.indexdef));
      for (const c of columnList(t)) {
        const prefix = `left(${c.name}, ${INDEXED_CHARS})`;
        const whole = new RegExp(`(^|[ ,(])${c.name}($|[ ,)])`);
        // No index holds a prefixed column whole (a long value would not fit an index entry).
        const wholeIn = keys.filter((k) => whole.test(k.split(prefix).join('')));
        if (c.prefixed) {
          expect(
            keys.some((k) => k.includes(prefix)),
            `${t.table}: an index on ${prefix}`,
          ).toBe(true);
          expect(wholeIn, `${t.table}: indexes holding ${c.name} whole`).toEqual([]);
        } else
          expect(
            keys.some((k) => k.includes(prefix)),
            `${t.table}.${c.name} is indexed by a prefix: mark it prefixed`,
          ).toBe(false);
      }
    }
  });

  it('are written by the write statement column by column', async () => {
    const rows = emptyIndexRows();
    for (const t of INDEX_TABLE_LIST) for (const c of columnList(t)) columnOf(rows[t.type], c.key).push(c.key === 'param' ? `p-${t.type}` : SAMPLE[c.cast][0]);
    const stmt = buildWriteStatement(
      {
        resourceType: 'Basic',
        id: 'descriptor-check',
        versionId: 1,
        lastUpdated: new Date().toISOString(),
        deleted: false,
        patientKey: '',
        owner: '',
        labels: [],
        dataDate: null,
        content: '{}',
      },
      rows,
      { mode: 'insert', replaceIndex: false },
    );
    await db.query(stmt.sql, stmt.params);
    for (const t of INDEX_TABLE_LIST) {
      const columns = columnList(t);
      const res = await db.query<Record<string, unknown>>(
        `SELECT ${columns.map((c) => c.name).join(', ')} FROM ${t.table} WHERE resource_id = 'descriptor-check'`,
      );
      expect(res.rows, t.table).toHaveLength(1);
      for (const c of columns) {
        const read = res.rows[0][c.name];
        expect(c.key === 'param' ? read : SAMPLE[c.cast][1](read), `${t.table}.${c.name}`).toBe(c.key === 'param' ? `p-${t.type}` : SAMPLE[c.cast][0]);
      }
    }
  });
});
