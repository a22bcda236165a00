/**
 * Imports of the drug master and the interaction data made outside the running server (the CLI, another node) reach
 * it within TSUNAGU_ERX_REFRESH_MS: a new code becomes prescribable, a new pair starts alerting; a source dropped stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionRuleSet, deleteDrugSource, saveDrugEntries } from '../../src/services/eprescription/index.ts';
import { waitFor } from '../helpers/receiver.ts';
import { ENGINES } from '../helpers/engines.ts';
import { DRUGS, type RxWorld, outAll, part, rxWorld } from './eprescription-world.ts';

describe.each(ENGINES)('reference data refresh (%s)', (engine) => {
  let x: RxWorld;
  const saved = process.env.TSUNAGU_ERX_REFRESH_MS;
  beforeAll(async () => {
    process.env.TSUNAGU_ERX_REFRESH_MS = '200';
    x = await rxWorld(engine);
  }, 120_000);
  afterAll(async () => {
    if (saved === undefined) delete process.env.TSUNAGU_ERX_REFRESH_MS;
    else process.env.TSUNAGU_ERX_REFRESH_MS = saved;
    await x?.close();
  });

  const NEW = { system: 'receipt' as const, code: '629900401', display: '【架空】アタラシ錠５ｍｇ' };

  it('a code imported by another process becomes prescribable, and stops when its source is dropped', async () => {
    const check = () => x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: x.prescription(x.alice, { drugs: [NEW] }) }]);
    expect((await check()).status).toBe(422);
    const db = x.w.s.t.platform.db;
    await db.transaction((tx) =>
      saveDrugEntries(tx, 'test-import', [
        {
          receiptCode: NEW.code,
          name: '【架空】アタラシ錠５ｍｇ',
          unit: '錠',
          ingredientKey: '9999004',
          classKey: '9999',
          validFrom: '2020-01-01',
          source: 'x',
        },
      ]),
    );
    await waitFor(async () => (await check()).status === 200, 'the imported code');
    await db.transaction((tx) => deleteDrugSource(tx, 'test-import'));
    await waitFor(async () => (await check()).status === 422, 'the dropped source');
  });

  it('an interaction pair imported elsewhere starts alerting', async () => {
    await x.register(x.tokens.other, await x.sign(x.prescription(x.bob, { facility: '1311234569', drugs: [DRUGS.warfarin] })));
    const check = async () =>
      outAll(
        (await x.op(x.tokens.clinic, 'check-prescription', [{ name: 'resource', resource: x.prescription(x.bob, { drugs: [DRUGS.loxonin] }) }])).body,
        'alert',
      ).map((a) => part(a, 'kind'));
    expect(await check()).toEqual([]);
    const elsewhere = new InteractionRuleSet(x.w.s.t.platform.db);
    const csv =
      'kind,scope_a,key_a,name_a,scope_b,key_b,name_b,statement,reference\ncontraindicated,ingredient,3332001,ワルファリン,ingredient,1149019,ロキソプロフェン,TEST ONLY,test\n';
    expect((await elsewhere.importCsv(csv, { dataset: 'test-pairs' })).saved).toBe(1);
    await waitFor(async () => (await check()).includes('contraindicated'), 'the imported pair');
  });
});
