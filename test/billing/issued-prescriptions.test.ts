/**
 * The e-prescription service's answer the fee calculation reads (prescriptionsIssuedOn): the prescriptions a clinic
 * registered for a person on a day, with their lines' 一般名処方 flag — another clinic, another person or another day
 * finds none. On both engines, with the real e-prescription service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prescriptionsIssuedOn } from '../../src/services/eprescription/index.ts';
import { CLINIC, DRUGS, OTHER_CLINIC, rxWorld, type RxWorld } from '../eprescription/eprescription-world.ts';
import { ENGINES } from '../helpers/engines.ts';

describe.each(ENGINES)('prescriptions issued at a visit (%s)', (engine) => {
  let x: RxWorld;
  beforeAll(async () => {
    x = await rxWorld(engine);
    const r = await x.register(x.tokens.clinic, await x.sign(x.prescription(x.alice, { drugs: [DRUGS.loxonin] })));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });
  afterAll(async () => x?.close());

  it('lists the clinic’s prescription of the day with its lines (a brand-name line is not 一般名処方)', async () => {
    const found = await prescriptionsIssuedOn(x.w.s.t.platform.db, { facilityCode: CLINIC, patientKey: x.alice.id, date: x.today() });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'outpatient', lines: [{ generic: false }] });
    expect(found[0].lines[0].name).toMatch(/ロキソニン/);
  });

  it('finds nothing for another clinic, another person or another day', async () => {
    const db = x.w.s.t.platform.db;
    expect(await prescriptionsIssuedOn(db, { facilityCode: OTHER_CLINIC, patientKey: x.alice.id, date: x.today() })).toEqual([]);
    expect(await prescriptionsIssuedOn(db, { facilityCode: CLINIC, patientKey: x.bob.id, date: x.today() })).toEqual([]);
    expect(await prescriptionsIssuedOn(db, { facilityCode: CLINIC, patientKey: x.alice.id, date: '2020-01-01' })).toEqual([]);
  });
});
