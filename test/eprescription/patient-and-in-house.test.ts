/**
 * The patient's side (status with 引換番号, the printable 控え with its QR code, the own medication history), in-house
 * prescriptions registered with their dispensing, the feed other services read, and what nobody else reaches: the
 * service's prescriptions are not store resources, so no generic read, search or history shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medicationRecords } from '../../src/services/eprescription/index.ts';
import { json } from '../helpers/tsunagu.ts';
import { ENGINES } from '../helpers/engines.ts';
import { DRUGS, OTHER_CLINIC, type RxWorld, out, outAll, part, rxWorld } from './eprescription-world.ts';

type Json = Record<string, unknown>;

describe.each(ENGINES)('patients, in-house prescriptions and the feed (%s)', (engine) => {
  let x: RxWorld;
  let id: string;
  let exchange: string;
  beforeAll(async () => {
    x = await rxWorld(engine);
    const r = await x.register(x.tokens.clinic, await x.sign(x.prescription(x.alice, { drugs: [DRUGS.carbocisteine], repeats: 1 })));
    id = out(r.body, 'prescription') as string;
    exchange = out(r.body, 'exchangeNumber') as string;
  }, 120_000);
  afterAll(() => x?.close());

  it('the patient sees their prescriptions with the 引換番号; another patient, insurers and other facilities do not', async () => {
    const mine = await x.op(x.tokens.alice, 'prescription-status', []);
    expect(mine.status).toBe(200);
    const p = outAll(mine.body, 'prescription').find((q) => part(q, 'id') === id)!;
    expect(part(p, 'exchangeNumber')).toBe(exchange);
    expect(part(p, 'usesAllowed')).toBe(2);
    expect(outAll((await x.op(x.tokens.bob, 'prescription-status', [])).body, 'prescription').map((q) => part(q, 'id'))).not.toContain(id);
    for (const token of [x.tokens.bob, x.tokens.other, x.tokens.insurer, x.tokens.pharmacy]) {
      const r = await x.op(token, 'prescription-status', [{ name: 'prescription', valueString: id }]);
      expect(r.status).toBe(404);
    }
  });

  it('the 控え: HTML with the 引換番号 as text and as a QR code, for the issuer and the patient only', async () => {
    for (const token of [x.tokens.clinic, x.tokens.alice]) {
      const r = await x.w.request({ method: 'GET', url: `/fhir/$prescription-copy?prescription=${id}`, token });
      expect(r.statusCode).toBe(200);
      const bin = json(r);
      expect(bin.resourceType).toBe('Binary');
      const html = Buffer.from(bin.data, 'base64').toString('utf8');
      expect(html).toContain(exchange);
      expect(html).toContain('<svg');
      expect(html).toContain('カルボシステイン錠２５０ｍｇ');
      expect(html).toContain('リフィル処方箋（2回まで使用可）');
    }
    for (const token of [x.tokens.bob, x.tokens.other, x.tokens.pharmacy])
      expect((await x.w.request({ method: 'GET', url: `/fhir/$prescription-copy?prescription=${id}`, token })).statusCode).toBe(404);
  });

  it('$my-prescriptions is the patient’s own only', async () => {
    const r = await x.op(x.tokens.alice, 'my-prescriptions', []);
    expect(outAll(r.body, 'record').some((q) => part(q, 'prescription') === id && part(q, 'name') === 'カルボシステイン錠２５０ｍｇ')).toBe(true);
    for (const token of [x.tokens.clinic, x.tokens.pharmacy, x.tokens.insurer]) expect((await x.op(token, 'my-prescriptions', [])).status).toBe(403);
  });

  it('an in-house prescription registers with its dispensing (no signature needed), is never open to a pharmacy', async () => {
    const rx = x.prescription(x.bob, { facility: OTHER_CLINIC, drugs: [{ ...DRUGS.loxonin, quantity: 6 }] });
    const r = await x.op(x.tokens.other, 'register-in-house-prescription', [{ name: 'resource', resource: rx }]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(out(r.body, 'receipt')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const s = await x.op(x.tokens.other, 'prescription-status', [{ name: 'prescription', valueString: out(r.body, 'prescription') as string }]);
    expect(part(outAll(s.body, 'prescription')[0], 'state')).toBe('completed');
    expect(part(outAll(s.body, 'prescription')[0], 'kind')).toBe('in-house');
    const records = await medicationRecords(x.w.s.t.platform.db, x.bob.id);
    const mine = records.filter((q) => q.prescriptionId === out(r.body, 'prescription'));
    expect(mine.map((q) => [q.source, q.facility, q.name, q.quantity])).toEqual([
      ['dispensing', OTHER_CLINIC, 'ロキソニン錠６０ｍｇ', 6],
      ['prescription', OTHER_CLINIC, 'ロキソニン錠６０ｍｇ', 6],
    ]);
    // a pharmacy cannot take it
    const ex = (
      await x.w.s.t.platform.db.query<{ exchange_number: string }>('SELECT exchange_number FROM eprescription_prescriptions WHERE prescription_id = $1', [
        out(r.body, 'prescription'),
      ])
    ).rows[0].exchange_number;
    const got = await x.op(x.tokens.pharmacy, 'retrieve-prescription', [
      { name: 'exchangeNumber', valueString: ex },
      { name: 'insuredNumber', valueString: x.bob.memberId },
      { name: 'birthDate', valueDate: x.bob.birthDate },
    ]);
    expect(got.status).toBe(404);
    // the in-house dispensing counts in the checks of another facility
    const check = await x.op(x.tokens.clinic, 'check-prescription', [
      { name: 'resource', resource: x.prescription(x.bob, { drugs: [DRUGS.loxoprofenSawai] }) },
    ]);
    expect(outAll(check.body, 'alert').map((a) => part(a, 'kind'))).toEqual(['duplicate-ingredient']);
  });

  it('an in-house dispensing of a drug that was not prescribed is refused, nothing stored', async () => {
    const before = (await medicationRecords(x.w.s.t.platform.db, x.bob.id)).length;
    const rx = x.prescription(x.bob, { facility: OTHER_CLINIC, drugs: [DRUGS.warfarin] });
    const r = await x.op(x.tokens.other, 'register-in-house-prescription', [
      { name: 'resource', resource: rx },
      {
        name: 'dispense',
        resource: {
          resourceType: 'MedicationDispense',
          status: 'completed',
          medicationCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: DRUGS.lipitor5.code }] },
          quantity: { value: 14 },
        },
      },
    ]);
    expect(r.status).toBe(422);
    expect((await medicationRecords(x.w.s.t.platform.db, x.bob.id)).length).toBe(before);
  });

  it('no generic FHIR interaction reaches prescriptions: read, search, history of Basic and MedicationRequest answer as absent', async () => {
    for (const token of [x.tokens.alice, x.tokens.other, x.tokens.pharmacy]) {
      expect((await x.w.request({ method: 'GET', url: `/fhir/Basic/${id}`, token })).statusCode).toBe(404);
      for (const url of ['/fhir/Basic', '/fhir/MedicationRequest', `/fhir/MedicationRequest?patient=Patient/${x.alice.id}`, '/fhir/MedicationDispense']) {
        const r = await x.w.request({ method: 'GET', url, token });
        expect([200, 403]).toContain(r.statusCode);
        if (r.statusCode === 200) expect(((json(r) as Json).entry as unknown[] | undefined) ?? []).toEqual([]);
      }
    }
  });

  it('the CapabilityStatement lists the operations and their definitions are served', async () => {
    const cs = json(await x.w.request({ method: 'GET', url: '/fhir/metadata' }));
    const ops = JSON.stringify(cs);
    for (const name of [
      'register-prescription',
      'retrieve-prescription',
      'accept-prescription',
      'dispense-prescription',
      'check-prescription',
      'prescription-copy',
    ])
      expect(ops).toContain(name);
    const def = await x.w.request({ method: 'GET', url: '/fhir/OperationDefinition/register-prescription', token: x.tokens.clinic });
    expect(def.statusCode).toBe(200);
  });
});
