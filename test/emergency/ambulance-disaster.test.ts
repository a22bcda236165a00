/**
 * Ambulance crews (救急隊) read eligibility and medication from the card and nothing else; disaster mode (災害時) opens
 * the disaster view in the declared prefectures for the declared period only, to facilities there and medical teams
 * deployed there. Both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { partsOf } from '../portal/portal-world.ts';
import { emergencyWorld, WARFARIN_YJ, type EmergencyWorld } from './emergency-world.ts';

type Json = Record<string, any>;
const p = (name: string, v: Json) => ({ name, ...v });
const HOUR = 3600_000;

describe.each(ENGINES)('ambulance and disaster access (%s)', (engine) => {
  let ew: EmergencyWorld;
  const named = (body: Json, name: string) => ((body.parameter ?? []) as Json[]).filter((x) => x.name === name);

  beforeAll(async () => {
    ew = await emergencyWorld(engine);
  }, 240_000);
  afterAll(async () => ew?.close());

  describe('ambulance lookup', () => {
    const lookup = (token: string, extra: Json[] = []) =>
      ew.op(token, 'ambulance-lookup', [p('reason', { valueCode: 'unconscious' }), p('certificate', { valueString: ew.carol.certificate }), ...extra]);

    it('gives the eligibility in force and the medication, nothing clinical', async () => {
      const r = await lookup(ew.clients.ambulance);
      expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
      expect(named(r.body, 'eligible')[0].valueBoolean).toBe(true);
      const elig = partsOf(r.body, 'eligibility')[0];
      expect(elig).toMatchObject({ insurerNumber: '01130012', copayRatio: 30 });
      expect(named(r.body, 'eligibility')[0].part.some((x: Json) => x.name === 'specificDisease' && x.valueString.includes('人工腎臓'))).toBe(true);
      expect(partsOf(r.body, 'drug').some((d) => d.code?.code === WARFARIN_YJ && d.riskClass === 'antithrombotic')).toBe(true);
      for (const name of ['diagnosis', 'infection', 'allergy', 'lab', 'procedure']) expect(named(r.body, name), name).toHaveLength(0);
      expect(partsOf(r.body, 'access')[0]).toMatchObject({ mode: 'ambulance', identifiedBy: 'card' });
    });

    it('is for ambulance clients only, and an ambulance reads nothing beyond it', async () => {
      for (const token of [ew.staff.doctor, ew.clients.clinicSystem, ew.clients.team13, ew.clients.carol]) expect((await lookup(token)).status).toBe(403);
      for (const ref of [`Patient/${ew.carol.id}`, ew.items.diagnosis, ew.receipt.warfarin]) {
        const r = await ew.request({ method: 'GET', url: `/fhir/${ref}`, token: ew.clients.ambulance });
        expect([403, 404], ref).toContain(r.statusCode);
      }
      const search = await ew.request({ method: 'GET', url: `/fhir/MedicationDispense?patient=Patient/${ew.carol.id}`, token: ew.clients.ambulance });
      expect(json(search).entry ?? []).toHaveLength(0);
      expect((await ew.view(ew.clients.ambulance, ew.carol.id)).status).toBe(403);
      expect(
        (
          await ew.op(ew.clients.ambulance, 'emergency-access', [
            p('reason', { valueCode: 'unconscious' }),
            p('certificate', { valueString: ew.carol.certificate }),
          ])
        ).status,
      ).toBe(403);
      expect(
        (await ew.op(ew.clients.ambulance, 'disaster-view', [p('name', { valueString: '𠮷田和子' }), p('birthDate', { valueDate: '1948-03-03' })])).status,
      ).toBe(403);
      expect((await ew.op(ew.clients.ambulance, 'medication-history', undefined, 'GET', `?patient=${ew.carol.id}`)).status).toBeGreaterThanOrEqual(400);
    });

    it('refuses bad input and several matches by name (no candidate list leaves for a crew)', async () => {
      expect((await ew.op(ew.clients.ambulance, 'ambulance-lookup', [p('certificate', { valueString: ew.carol.certificate })])).status).toBe(400);
      const twins = await ew.op(ew.clients.ambulance, 'ambulance-lookup', [
        p('reason', { valueCode: 'unconscious' }),
        p('name', { valueString: '鈴木一郎' }),
        p('birthDate', { valueDate: '1950-01-01' }),
        p('sex', { valueCode: 'male' }),
      ]);
      expect(twins.status).toBe(422);
      expect(JSON.stringify(twins.body)).not.toContain(ew.twins[0]);
    });

    it("is recorded in the person's log as an emergency access", async () => {
      const log = partsOf((await ew.op(ew.clients.carol, 'access-log', undefined, 'GET')).body, 'access');
      expect(log.some((a) => a.operation === 'ambulance-lookup' && a.emergency && a.purpose === 'ETREAT' && a.clientKind === 'ambulance')).toBe(true);
    });
  });

  describe('disaster mode', () => {
    let disasterId: string;
    const dview = (token: string, extra: Json[] = []) =>
      ew.op(token, 'disaster-view', [p('name', { valueString: '𠮷田 和子' }), p('birthDate', { valueDate: '1948-03-03' }), ...extra]);
    const declare = (token: string, params: Json[]) => ew.op(token, 'declare-disaster', params);
    const at = (ms: number) => new Date(ew.clock.now.getTime() + ms).toISOString();

    it('is closed before any declaration', async () => {
      const r = await dview(ew.staff.doctor);
      expect(r.status).toBe(403);
      expect(r.body.issue[0].details.text).toContain('東京都');
    });

    it('only operators declare, with prefectures and a valid period', async () => {
      const good = [
        p('name', { valueString: '首都直下地震' }),
        p('prefecture', { valueString: '13' }),
        p('prefecture', { valueString: '神奈川県' }),
        p('start', { valueDateTime: at(HOUR) }),
        p('end', { valueDateTime: at(25 * HOUR) }),
      ];
      expect((await declare(ew.staff.doctor, good)).status).toBe(403);
      expect((await declare(ew.clients.team13, good)).status).toBe(403);
      const bad: [Json[], RegExp][] = [
        [[good[0], p('prefecture', { valueString: '48' }), good[3], good[4]], /都道府県/],
        [[good[0], good[3], good[4]], /都道府県/],
        [[good[0], good[1], p('start', { valueDateTime: at(5 * HOUR) }), p('end', { valueDateTime: at(HOUR) })], /終了は開始より後/],
        [[good[0], good[1], good[3], p('end', { valueDateTime: at(400 * 24 * HOUR) })], /180日/],
        [[good[0], good[1], p('start', { valueDateTime: 'yesterday' }), good[4]], /開始/],
      ];
      for (const [params, message] of bad) {
        const r = await declare(ew.tokens.operator, params);
        expect(r.status, JSON.stringify(r.body).slice(0, 200)).toBe(400);
        expect(r.body.issue[0].details.text).toMatch(message);
      }
      const ok = await declare(ew.tokens.operator, good);
      expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(201);
      const d = partsOf(ok.body, 'disaster')[0];
      disasterId = d.id;
      expect(
        named(ok.body, 'disaster')[0]
          .part.filter((x: Json) => x.name === 'prefecture')
          .map((x: Json) => x.valueCoding.code),
      ).toEqual(['13', '14']);
      const list = partsOf((await ew.op(ew.staff.nurse, 'disasters', undefined, 'GET')).body, 'disaster');
      expect(list.find((x) => x.id === disasterId)).toMatchObject({ inForce: false });
    });

    it('opens at its start, only in its prefectures, for facilities there and teams deployed there', async () => {
      expect((await dview(ew.staff.doctor)).status).toBe(403); // not started yet
      ew.clock.now = new Date(ew.clock.now.getTime() + HOUR + 1000);
      const r = await dview(ew.staff.nurse);
      expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
      const refs = (name: string) => named(r.body, name).map((x) => `${x.resource.resourceType}/${x.resource.id}`);
      expect(refs('diagnosis')).toEqual([ew.items.diagnosis]);
      expect(refs('allergy')).toEqual([ew.items.allergy]);
      expect(refs('infection')).toEqual([ew.items.infection]);
      expect(named(r.body, 'lab')).toHaveLength(0);
      expect(named(r.body, 'procedure')).toHaveLength(0);
      expect(partsOf(r.body, 'drug').some((d) => d.code?.code === WARFARIN_YJ)).toBe(true);
      expect(partsOf(r.body, 'access')[0]).toMatchObject({ mode: 'disaster' });
      expect((await dview(ew.clients.team13)).status).toBe(200);
      expect((await dview(ew.clients.team17)).status).toBe(403);
      expect((await dview(ew.clients.osaka)).status).toBe(403);
      expect((await dview(ew.clients.carol)).status).toBe(403);
      // identified by name and birth date: candidates when two match
      const twins = await ew.op(ew.staff.nurse, 'disaster-view', [p('name', { valueString: 'スズキ イチロウ' }), p('birthDate', { valueDate: '1950-01-01' })]);
      expect(twins.status).toBe(200);
      expect(partsOf(twins.body, 'candidate')).toHaveLength(2);
      expect(named(twins.body, 'diagnosis')).toHaveLength(0);
      expect((await ew.op(ew.staff.nurse, 'disaster-view', [p('certificate', { valueString: ew.carol.certificate })])).status).toBe(400);
    });

    it('is audited as DISASTER and shown to the person highlighted, with a notice', async () => {
      const log = partsOf((await ew.op(ew.clients.carol, 'access-log', undefined, 'GET')).body, 'access');
      const d = log.find((a) => a.operation === 'disaster-view' && a.outcome === 'allowed');
      expect(d).toMatchObject({ emergency: true, basis: 'disaster', purpose: 'DISASTER' });
      const mine = partsOf((await ew.op(ew.clients.carol, 'my-emergency-accesses', undefined, 'GET')).body, 'access');
      expect(mine.some((a) => a.mode === 'disaster')).toBe(true);
    });

    it('ends by itself at its end, and an operator can end one early', async () => {
      ew.clock.now = new Date(ew.clock.now.getTime() + 24 * HOUR);
      expect((await dview(ew.staff.nurse)).status).toBe(403);
      const again = await declare(ew.tokens.operator, [
        p('name', { valueString: '豪雨' }),
        p('prefecture', { valueString: '13' }),
        p('start', { valueDateTime: at(-HOUR) }),
        p('end', { valueDateTime: at(48 * HOUR) }),
      ]);
      const id = partsOf(again.body, 'disaster')[0].id;
      expect((await dview(ew.staff.nurse)).status).toBe(200);
      expect((await ew.op(ew.staff.doctor, 'end-disaster', [p('disaster', { valueString: id })])).status).toBe(403);
      expect((await ew.op(ew.tokens.operator, 'end-disaster', [p('disaster', { valueString: id })])).status).toBe(200);
      expect((await dview(ew.staff.nurse)).status).toBe(403);
      expect((await ew.op(ew.tokens.operator, 'end-disaster', [p('disaster', { valueString: id })])).status).toBe(403);
      expect((await ew.op(ew.tokens.operator, 'end-disaster', [p('disaster', { valueString: 'nope' })])).status).toBe(404);
      expect(disasterId).toBeTruthy();
    });
  });
});
