/**
 * The drug master's table (src/services/eprescription/master/store.ts, schema version 301) on every engine: the
 * migration, a save in unnest batches with progress, versions of one code side by side, a replace, a source dropped,
 * and the master loaded back merged over the shipped sample.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/storage/database.ts';
import { migrate, registerMigrations } from '../../src/platform/storage/migrate.ts';
import { dataRevisionMigration } from '../../src/services/eprescription/model/data-revision.ts';
import {
  type DrugEntry,
  deleteDrugSource,
  drugMasterMigration,
  drugSources,
  isDrugProblem,
  loadDrugMaster,
  parseReceiptDrugMaster,
  saveDrugEntries,
} from '../../src/services/eprescription/master/index.ts';
import { ENGINES, type EngineHandle, engineHandle } from '../helpers/engines.ts';

const jst = (day: string) => new Date(`${day}T12:00:00+09:00`);

describe.each(ENGINES)('e-prescription drug master table (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
    registerMigrations([drugMasterMigration, dataRevisionMigration]);
    await migrate(db);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('is schema version 301', async () => {
    expect(drugMasterMigration).toMatchObject({ version: 301, name: 'eprescription-drug-master' });
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations WHERE version = 301');
    expect(rows).toEqual([{ name: 'eprescription-drug-master' }]);
  });

  it('saves rows in batches and loads them back with every field and their dates', async () => {
    const entries: DrugEntry[] = Array.from({ length: 1203 }, (_, i) => ({
      receiptCode: String(620500000 + i),
      yjCode: `2189015F${String(1000 + i).slice(-4)}`,
      priceCode: `2189015F${String(1000 + i).slice(-4)}`,
      generalCode: '2189015F2ZZZ',
      name: `試験薬${i}`,
      generalName: '【般】アトルバスタチン錠１０ｍｇ',
      unit: '錠',
      validTo: i % 2 ? '2025-03-31' : undefined,
      revisedOn: '2024-04-01',
      source: 'ignored',
    }));
    entries.push({ ...entries[0], name: '重複は後勝ち' });
    const progress: number[] = [];
    expect(await saveDrugEntries(db, 'import:y', entries, { batchSize: 500, onProgress: (d) => progress.push(d) })).toBe(1203);
    expect(progress).toEqual([500, 1000, 1203]);

    const master = await loadDrugMaster(db, { samples: false });
    const first = master.lookup('receipt', '620500000', jst('2025-06-01'));
    expect(first).toEqual({
      receiptCode: '620500000',
      yjCode: '2189015F1000',
      priceCode: '2189015F1000',
      generalCode: '2189015F2ZZZ',
      hot9: undefined,
      name: '重複は後勝ち',
      generalName: '【般】アトルバスタチン錠１０ｍｇ',
      unit: '錠',
      ingredientKey: '2189015',
      classKey: '2189',
      validFrom: undefined,
      validTo: undefined,
      revisedOn: '2024-04-01',
      source: 'import:y',
    });
    expect(master.lookup('yj', '2189015F1001', jst('2025-06-01'))).toMatchObject({ problem: 'expired', date: '2025-03-31' });
    expect(await drugSources(db)).toEqual([{ source: 'import:y', count: 1203 }]);
  });

  it('keeps a code’s versions side by side: the name of the prescription date is shown', async () => {
    await saveDrugEntries(db, 'import:rename', [
      { receiptCode: '620600001', name: '旧名錠１０ｍｇ', revisedOn: '2022-04-01', source: '' },
      { receiptCode: '620600001', name: '新名錠１０ｍｇ', revisedOn: '2024-12-01', source: '' },
    ]);
    const master = await loadDrugMaster(db, { samples: false });
    expect(master.nameOf('620600001', jst('2024-11-30'))).toBe('旧名錠１０ｍｇ');
    expect(master.nameOf('620600001', jst('2024-12-01'))).toBe('新名錠１０ｍｇ');
  });

  it('replaces a source’s rows with a new release, drops a source, and merges over the sample', async () => {
    const release = parseReceiptDrugMaster(
      '0,Y,620098801,10,ロキソニン錠６０ｍｇ（新版）,13,ﾛｷｿﾆﾝｼﾞｮｳ60MG,16,1,錠,1,10.80,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,,20260401,99999999,1149019F1560,006789000,0,ロキソニン錠６０ｍｇ,0,1149019F1ZZZ,【般】ロキソプロフェンＮａ錠６０ｍｇ,2,0,0,1',
      { source: 'import:y' },
    );
    await db.transaction((tx) => saveDrugEntries(tx, 'import:y', release.entries, { replace: true }));
    expect(await drugSources(db)).toEqual([
      { source: 'import:rename', count: 2 },
      { source: 'import:y', count: 1 },
    ]);
    const merged = await loadDrugMaster(db);
    // the import's row (same revision as the sample's) wins; the sample's other drugs stay
    expect(merged.nameOf('620098801', jst('2026-05-01'))).toBe('ロキソニン錠６０ｍｇ（新版）');
    expect(merged.nameOf('612450118', jst('2026-05-01'))).toBe('プレドニン錠５ｍｇ');
    expect(isDrugProblem(merged.lookup('receipt', '620500000', jst('2025-06-01')))).toBe(true);

    expect(await deleteDrugSource(db, 'import:rename')).toBe(2);
    expect(await drugSources(db)).toEqual([{ source: 'import:y', count: 1 }]);
  });
});
