/**
 * The imported code lists' table (src/services/sharing/codes/code-store.ts) on every engine: the migration, a save
 * in batches, a replace, and the lists loaded back merged with the samples and the IG package's CodeSystems.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFhirPackage } from '../../src/platform/conformance/packages/package-reader.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { migrate, registerMigrations } from '../../src/platform/storage/migrate.ts';
import {
  type CodeEntry,
  checkItemCodes,
  codeSources,
  codeTablesMigration,
  deleteCodeSource,
  loadCodeLists,
  parseJfagyList,
  saveCodeEntries,
} from '../../src/services/sharing/codes/index.ts';
import { ENGINES, engineHandle, type EngineHandle } from '../helpers/engines.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';

const AT = new Date('2025-06-01T12:00:00+09:00');

describe.each(ENGINES)('sharing code lists table (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
    registerMigrations([codeTablesMigration]);
    await migrate(db);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('saves entries in batches and loads them back with their dates', async () => {
    const entries: CodeEntry[] = Array.from({ length: 1203 }, (_, i) => ({
      list: 'yj',
      code: `1141007F${String(i).padStart(4, '0')}`,
      display: `薬${i}`,
      validTo: i % 2 ? '2025-03-31' : undefined,
      source: 'ignored',
    }));
    entries.push({ list: 'jlac10-core', code: '3H015000002326101', item: 'K', display: 'カリウム', validFrom: '2024-04-01', source: 'x' });
    entries.push({ ...entries[0], display: '重複は後勝ち' });
    const progress: number[] = [];
    expect(await saveCodeEntries(db, 'import:test', entries, { batchSize: 500, onProgress: (d) => progress.push(d) })).toBe(1204);
    expect(progress).toEqual([500, 1000, 1204]);

    const lists = await loadCodeLists(db, { samples: false });
    expect(lists.size('yj')).toBe(1203);
    expect(lists.display('yj', '1141007F0000')).toBe('重複は後勝ち');
    expect(lists.has('yj', '1141007F0000', AT)).toBe(true);
    expect(lists.validity('yj', '1141007F0001', AT)).toEqual({ state: 'expired', on: '2025-03-31' });
    expect(lists.itemOf('jlac10-core', '3H015000002326101')).toBe('K');
    expect(lists.validity('jlac10-core', '3H015000002326101', new Date('2024-03-31T12:00:00+09:00'))).toEqual({ state: 'not-yet', from: '2024-04-01' });
    expect(await codeSources(db)).toEqual([
      { source: 'import:test', list: 'jlac10-core', count: 1 },
      { source: 'import:test', list: 'yj', count: 1203 },
    ]);
  });

  it('replaces a source atomically inside a transaction, and deletes one', async () => {
    const { entries } = parseJfagyList('code,display\nJ9FA32540000,キウイフルーツ\nJ9FA15000000,小麦\n', { source: 'import:jfagy' });
    await saveCodeEntries(db, 'import:jfagy', entries);
    await db.transaction((tx) => saveCodeEntries(tx, 'import:jfagy', entries.slice(1), { replace: true }));
    let lists = await loadCodeLists(db, { samples: false });
    expect(lists.has('jfagy', 'J9FA32540000')).toBe(false);
    expect(lists.has('jfagy', 'J9FA15000000')).toBe(true);
    await expect(
      db.transaction(async (tx) => {
        await saveCodeEntries(tx, 'import:jfagy', [], { replace: true });
        throw new Error('import aborted');
      }),
    ).rejects.toThrow('import aborted');
    expect((await loadCodeLists(db, { samples: false })).has('jfagy', 'J9FA15000000')).toBe(true);
    expect(await deleteCodeSource(db, 'import:jfagy')).toBe(1);
    lists = await loadCodeLists(db, { samples: false });
    expect(lists.size('jfagy')).toBe(0);
  });

  it('merges the samples, the package CodeSystems and the table for the checks', async () => {
    const pkg = readFhirPackage(join(sharedFhirDir(), 'packages', 'jp-eCSCLINS.r4-1.5.2-snap.tgz'));
    const lists = await loadCodeLists(db, { codeSystems: pkg.resources.map((r) => r.resource) });
    expect(lists.size('jlac10-core')).toBe(437);
    expect(lists.has('disease', '20064049')).toBe(true);
    // An imported YJ code lets its ZZZ form through; the expired one is refused with its date.
    const rx = (code: string) => ({
      resourceType: 'MedicationRequest',
      medicationCodeableConcept: { coding: [{ system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode', code }], text: 'x' },
    });
    expect(checkItemCodes('prescription', rx('1141007F0ZZZ'), lists, AT)).toEqual([]);
    await saveCodeEntries(db, 'import:old', [{ list: 'yj', code: '3999999F1013', validTo: '2020-03-31', source: '' }]);
    const again = await loadCodeLists(db);
    expect(checkItemCodes('prescription', rx('3999999F1ZZZ'), again, AT)[0].en).toMatch(/expired on 2020-03-31/);
  });
});
