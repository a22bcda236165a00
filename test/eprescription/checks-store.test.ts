/**
 * The interaction table (src/services/eprescription/checks/store.ts, schema.ts) on every engine: the migration, an
 * import in batches with progress, a replace, the rules loaded back (with and without the sample), the rule set
 * loaded once and refreshed by an import, and a file with no good row changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/storage/database.ts';
import { migrate, registerMigrations } from '../../src/platform/storage/migrate.ts';
import { dataRevisionMigration } from '../../src/services/eprescription/model/data-revision.ts';
import {
  checkMedications,
  deleteInteractionDataset,
  INTERACTION_CSV_COLUMNS,
  type ImportProgress,
  InteractionFileError,
  InteractionRuleSet,
  interactionDatasets,
  type InteractionRule,
  interactionsMigration,
  keysFromYj,
  loadInteractionRules,
  type MedicationLine,
  sampleRules,
  saveInteractionRules,
} from '../../src/services/eprescription/checks/index.ts';
import { ENGINES, type EngineHandle, engineHandle } from '../helpers/engines.ts';

const HEADER = INTERACTION_CSV_COLUMNS.join(',');
const AT = '2026-04-11';
const line = (code: string, date: string): MedicationLine => ({
  drug: keysFromYj(code, code),
  date,
  facilityKind: 'medical',
  facilityCode: '1312222222',
  source: 'prescription',
});

describe.each(ENGINES)('interaction data table (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
    registerMigrations([interactionsMigration, dataRevisionMigration]);
    await migrate(db);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('is migration 302', () => {
    expect(interactionsMigration).toMatchObject({ version: 302, name: 'eprescription-interactions' });
  });

  it('saves rules in batches and loads them back, the same pair once', async () => {
    const rules: InteractionRule[] = Array.from(
      { length: 2503 },
      (_, i): InteractionRule => ({
        kind: 'contraindicated' as const,
        a: { scope: 'ingredient' as const, key: String(1000000 + i), name: `成分${i}` },
        b: { scope: i % 10 ? ('ingredient' as const) : ('class' as const), key: i % 10 ? String(2000000 + i) : '6241' },
        statement: i === 0 ? 'ある "引用" と, カンマ' : undefined,
      }),
    );
    // the first pair again, reversed: the same rule, the last wins
    const [first0] = rules;
    if (first0.kind === 'contraindicated') rules.push({ kind: 'contraindicated', a: first0.b, b: first0.a, statement: '後勝ち' });
    const progress: number[] = [];
    expect(await saveInteractionRules(db, 'bulk', rules, { batchSize: 1000, onProgress: (d) => progress.push(d) })).toBe(2503);
    expect(progress).toEqual([1000, 2000, 2503]);
    const loaded = await loadInteractionRules(db, { samples: false });
    expect(loaded).toHaveLength(2503);
    const first = loaded.find((r) => r.kind === 'contraindicated' && (r.a.key === '1000000' || r.b.key === '1000000'));
    expect(first).toMatchObject({ statement: '後勝ち', dataset: 'bulk' });
    expect(loaded.find((r) => r.kind === 'contraindicated' && r.a.key === '1000001')).toEqual({
      kind: 'contraindicated',
      a: { scope: 'ingredient', key: '1000001', name: '成分1' },
      b: { scope: 'ingredient', key: '2000001' },
      dataset: 'bulk',
    });
    expect(await interactionDatasets(db)).toEqual([{ dataset: 'bulk', kind: 'contraindicated', count: 2503 }]);
    expect((await loadInteractionRules(db)).length).toBe(2503 + sampleRules().length);
    expect(await deleteInteractionDataset(db, 'bulk')).toBe(2503);
    expect(await loadInteractionRules(db, { samples: false })).toEqual([]);
  });

  it('imports a file through the rule set, refreshing the index; a bad file changes nothing', async () => {
    const set = new InteractionRuleSet(db);
    const first = await set.index();
    expect(await set.index()).toBe(first); // loaded once
    const candidate = [line('3999001F1000', AT)];
    const history = [line('3999002F1000', '2026-04-01')];
    expect(checkMedications(candidate, history, first, { at: AT })).toEqual([]);

    const progress: ImportProgress[] = [];
    const report = await set.importCsv(
      [
        HEADER,
        'contraindicated,ingredient,3999001,甲,ingredient,3999002,乙,架空の併用禁忌,test',
        'duplicate-class,class,3998,,,,,,',
        'contraindicated,ingredient,x,,,,,,',
      ].join('\n'),
      { dataset: 'vendor-2026-04', onProgress: (p) => progress.push(p) },
    );
    expect(report).toMatchObject({ dataset: 'vendor-2026-04', rows: 3, saved: 2, refused: [{ line: 4 }] });
    expect(report.contraindications).toBe(first.contraindications + 1);
    expect(report.duplicateClasses).toBe(first.duplicateClassCount + 1);
    expect(progress.map((p) => p.phase)).toEqual(['read', 'save']);
    const after = await set.index();
    expect(after).not.toBe(first);
    expect(checkMedications(candidate, history, after, { at: AT })).toMatchObject([
      { kind: 'contraindicated', rule: { dataset: 'vendor-2026-04', statement: '架空の併用禁忌' } },
    ]);

    // a new release replaces the dataset
    await set.importCsv([HEADER, 'contraindicated,ingredient,3999001,,ingredient,3999003,,,'].join('\n'), { dataset: 'vendor-2026-04' });
    expect(checkMedications(candidate, history, await set.index(), { at: AT })).toEqual([]);
    expect(await interactionDatasets(db)).toEqual([{ dataset: 'vendor-2026-04', kind: 'contraindicated', count: 1 }]);

    // no good row, or no header: nothing changes
    const before = await set.index();
    const none = await set.importCsv([HEADER, 'contraindicated,ingredient,bad,,ingredient,3999003,,,'].join('\n'), { dataset: 'vendor-2026-04' });
    expect(none).toMatchObject({ saved: 0, refused: [{ line: 2 }] });
    await expect(set.importCsv('kind\n', { dataset: 'vendor-2026-04' })).rejects.toBeInstanceOf(InteractionFileError);
    expect(await set.index()).toBe(before);
    expect(await interactionDatasets(db)).toEqual([{ dataset: 'vendor-2026-04', kind: 'contraindicated', count: 1 }]);

    // another node's rule set sees the import once it refreshes
    const other = new InteractionRuleSet(db, { samples: false });
    expect((await other.index()).contraindications).toBe(1);
  });
});
