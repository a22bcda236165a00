/**
 * The virtual card reader over HTTP, on every engine: it signs and `$verify-card` accepts the assertion; the PIN
 * counter lives in the platform's chip memory (a re-uploaded older file resets nothing; an office reset is taken);
 * who may call it; bad input changes nothing; refused PINs in the holder's log; TSUNAGU_VIRTUAL_READER=0.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/platform/config.ts';
import { createEligibilityService } from '../../src/services/eligibility/index.ts';
import { eligibilityConfig } from '../../src/services/eligibility/model/eligibility-config.ts';
import { Card, type CardFile } from '../../src/services/eligibility/reception/card/index.ts';
import { slotAad } from '../../src/services/eligibility/reception/card/card.ts';
import { wrapDataKey } from '../../src/services/eligibility/reception/card/key-vault.ts';
import { ChipMemory } from '../../src/services/eligibility/reception/chip-memory.ts';
import { VirtualReader } from '../../src/services/eligibility/reception/virtual-reader.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { auditOf, codeOf, eligibilityWorld, paramsMap, personRecord, verifyAssertion, type EligibilityWorld } from './service-fixtures.ts';

const READER = '/eligibility/virtual-reader/authenticate';

describe.each(ENGINES)('virtual card reader (%s)', (engine) => {
  let w: EligibilityWorld;
  let patientId: string;
  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([personRecord({ person_link_key: 'reader-person' })]);
    patientId = reg.results[0].patient!.split('/')[1];
  });
  afterAll(async () => w?.close());

  /** A new linked card; its file as the browser would upload it. */
  async function newCard(opts: { link?: boolean } = {}) {
    const issued = await w.card(patientId, opts);
    const file = JSON.parse(await readFile(issued.path, 'utf8')) as CardFile;
    return { ...issued, file };
  }

  async function challenge(token = w.tokens.clinic): Promise<string> {
    const r = await w.request({ method: 'POST', url: '/fhir/$card-challenge', token, body: { resourceType: 'Parameters' } });
    return paramsMap(json(r)).challenge as string;
  }

  /** `token` null: no Authorization header. */
  async function read(body: Record<string, unknown>, token: string | null = w.tokens.clinic) {
    const r = await w.request({ method: 'POST', url: READER, token: token ?? undefined, body });
    return { status: r.statusCode, body: json(r) };
  }

  const withPin = async (card: CardFile, pin: string) => read({ card, challenge: await challenge(), pin });

  it('signs with the PIN or the face match, and $verify-card accepts the assertion', async () => {
    const { file, serial } = await newCard();
    const r = await withPin(file, '1234');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, assertion: { method: 'pin' }, card: { cardId: file.cardId, pinRetriesLeft: 3 } });
    expect(Object.keys(r.body.assertion).sort()).toEqual(['certificate', 'chain', 'challenge', 'method', 'signature']);
    const v = await verifyAssertion(w, r.body.assertion);
    expect(v.status).toBe(200);
    expect(v.out).toMatchObject({ result: true, method: 'card-pin', certificateSerial: serial });
    expect(v.out.patientReference).toEqual({ reference: `Patient/${patientId}` });
    // The same assertion twice is a replay; the face path signs without a PIN.
    expect(codeOf((await verifyAssertion(w, r.body.assertion)).out)).toBe('replayed-challenge');
    const face = await read({ card: file, challenge: await challenge(), faceMatched: true });
    expect(face.body).toMatchObject({ ok: true, assertion: { method: 'face' } });
    expect((await verifyAssertion(w, face.body.assertion)).out).toMatchObject({ result: true, method: 'card-face' });
    expect((await read({ card: file, challenge: await challenge(), faceMatched: false })).body).toMatchObject({ ok: false, code: 'face-not-matched' });
  });

  it('counts wrong PINs: 2, 1, then locked — the right PIN is refused after, the face still works', async () => {
    const { file } = await newCard();
    const first = await withPin(file, '0000');
    expect(first.body).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 2, card: { pinRetriesLeft: 2 } });
    expect(first.body.ja).toContain('残り2回');
    expect((await withPin(first.body.card, '0001')).body).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 1 });
    const third = await withPin(file, '0002');
    expect(third.body).toMatchObject({ ok: false, code: 'pin-locked', retriesLeft: 0, card: { pinLocked: true } });
    expect((await withPin(file, '1234')).body).toMatchObject({ ok: false, code: 'pin-locked' });
    expect((await read({ card: file, challenge: await challenge(), faceMatched: true })).body.ok).toBe(true);
  });

  it('a re-uploaded older copy of the file does not reset the counter', async () => {
    const { file } = await newCard();
    expect((await withPin(file, '0000')).body.retriesLeft).toBe(2);
    // The original file (3 tries left) again: the stored counter wins.
    expect((await withPin(file, '0001')).body).toMatchObject({ code: 'wrong-pin', retriesLeft: 1 });
    expect((await withPin(file, '0002')).body).toMatchObject({ code: 'pin-locked' });
    expect((await withPin({ ...file, pinRetriesLeft: 3, pinLocked: false }, '1234')).body).toMatchObject({ ok: false, code: 'pin-locked' });
    // The right PIN restores the counter, in the chip and in the answer's file.
    const other = await newCard();
    await withPin(other.file, '0000');
    expect((await withPin(other.file, '1234')).body).toMatchObject({ ok: true, card: { pinRetriesLeft: 3 } });
    expect((await withPin(other.file, '0000')).body.retriesLeft).toBe(2);
  });

  it('takes an office reset of the card file, and refuses a copy from before it', async () => {
    const { file, path } = await newCard();
    for (const pin of ['0000', '0001', '0002']) await withPin(file, pin);
    const adminCode = (await w.ca.adminCodeFor(file.cardId))!;
    // The holder takes the card to the municipal office: a new PIN is set with the 管理コード.
    const card = await Card.open(path);
    expect(await card.unlock({ adminCode, newPin: '2468' })).toEqual({ ok: true });
    const reset = JSON.parse(await readFile(path, 'utf8')) as CardFile;
    expect((await withPin(reset, '2468')).body).toMatchObject({ ok: true });
    const old = await withPin(file, '1234');
    expect(old.body).toMatchObject({ ok: false, code: 'card-outdated' });
    expect(old.body.ja).toContain('古い写し');
  });

  it('parallel attempts get no more tries than the chip allows, on one node and across two', async () => {
    const { file } = await newCard();
    const codes = async (answers: Promise<{ ok: boolean; code?: string }>[]) => (await Promise.all(answers)).map((a) => (a.ok ? 'ok' : a.code));
    const http = await codes(['1000', '1001', '1002', '1003', '1004'].map(async (pin) => (await withPin(file, pin)).body));
    expect(http.filter((c) => c === 'wrong-pin')).toHaveLength(2);
    expect(http.filter((c) => c === 'pin-locked')).toHaveLength(3);
    // Two readers with their own process-local queues over the same table: compare-and-set keeps the count.
    const second = await newCard();
    const nodes = [new VirtualReader(new ChipMemory(w.s.t.platform.db)), new VirtualReader(new ChipMemory(w.s.t.platform.db))];
    const issue = () => w.rt.challenges.issue('1312345679').challenge;
    const both = await codes(['2000', '2001', '2002', '2003', '2004', '2005'].map((pin, i) => nodes[i % 2].authenticate(second.file, issue(), { pin })));
    expect(both.filter((c) => c === 'wrong-pin')).toHaveLength(2);
    expect(both.filter((c) => c === 'pin-locked')).toHaveLength(4);
    expect((await nodes[0].authenticate(second.file, issue(), { pin: '1234' })).ok).toBe(false);
  });

  it('answers bad input with 400 and changes nothing', async () => {
    const { file } = await newCard();
    const ch = await challenge();
    // A PIN slot wrapping some other key under a chosen PIN: it opens, but to nothing.
    const forged = {
      ...file,
      slots: { ...file.slots, pin: await wrapDataKey(randomBytes(32), '0000', { kdf: 'scrypt', N: 1 << 10 }, slotAad(file.cardId, 'pin')) },
    };
    const bad: [Record<string, unknown>, string][] = [
      [{ card: forged, challenge: ch, pin: '0000' }, 'card'],
      [{ card: { format: 'x' }, challenge: ch, pin: '0000' }, 'card.format'],
      [{ card: { ...file, cardId: 'ffffffffffffffffffffffff' }, challenge: ch, pin: '0000' }, 'card'],
      [{ card: file, pin: '0000' }, 'challenge'],
      [{ card: file, challenge: ch }, 'pin'],
      [{ card: file, challenge: ch, pin: '0000', faceMatched: true }, 'pin'],
      [{ card: file, challenge: ch, pin: 1234 }, 'pin'],
      [{ card: file, challenge: ch, faceMatched: 'yes' }, 'faceMatched'],
      [{ card: file, challenge: ch, pin: '0000', visitDate: '2025-01-01' }, 'visitDate'],
      [{ card: file, challenge: 'v1.x.y', pin: '0000' }, 'challenge'],
      [{ card: file, challenge: await challenge(w.tokens.otherClinic), pin: '0000' }, 'challenge'],
    ];
    for (const [body, field] of bad) {
      const r = await read(body);
      expect(r.status, field).toBe(400);
      expect(r.body.resourceType).toBe('OperationOutcome');
      expect(r.body.issue[0].details.text).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      expect(r.body.issue[0].diagnostics).toBeTruthy();
      expect(r.body.issue[0].expression).toEqual([field]);
    }
    expect((await read({ card: file, challenge: await challenge(w.tokens.otherClinic), pin: '0000' })).body.issue[0].diagnostics).toContain(
      'challenge-facility-mismatch',
    );
    expect((await w.request({ method: 'POST', url: READER, token: w.tokens.clinic, body: '[1]' })).statusCode).toBe(400);
    // A malformed PIN reaches the chip but is not counted.
    expect((await withPin(file, '12345')).body).toMatchObject({ ok: false, code: 'pin-format' });
    expect((await withPin(file, '0000')).body).toMatchObject({ code: 'wrong-pin', retriesLeft: 2 });
  });

  it('is for facilities and pharmacies: a patient, an insurer, a municipality and no token are refused', async () => {
    const { file } = await newCard();
    const ch = await challenge();
    const patient = await w.s.addClient({ kind: 'patient', patientId, scopes: ['patient/*.rs'] });
    for (const token of [patient.token, w.tokens.kyokai, w.tokens.municipality]) {
      const r = await read({ card: file, challenge: ch, pin: '1234' }, token);
      expect(r.status).toBe(403);
      expect(r.body.resourceType).toBe('OperationOutcome');
    }
    expect((await read({ card: file, challenge: ch, pin: '1234' }, null)).status).toBe(401);
    // Nothing was counted, and a pharmacy may use it with its own challenge.
    const pharmacy = await read({ card: file, challenge: await challenge(w.tokens.pharmacy), pin: '0000' }, w.tokens.pharmacy);
    expect(pharmacy.body).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 2 });
  });

  it('records refused PINs in the card holder’s access log, not the reader’s successes', async () => {
    const { file } = await newCard();
    await withPin(file, '0000');
    await withPin(file, '1234');
    const events = (await auditOf(w, patientId)).filter((e) => e.subtype === 'virtual-reader');
    expect(events.some((e) => e.outcome === '4' && /wrong-pin \(2 tries left\)/.test(e.desc ?? ''))).toBe(true);
    expect(events.every((e) => e.outcome === '4')).toBe(true);
    // An unlinked card has no one to tell.
    const stranger = await newCard({ link: false });
    expect((await withPin(stranger.file, '0000')).body.code).toBe('wrong-pin');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = json(await w.request({ method: 'GET', url: '/eligibility/openapi.json' }));
    expect(Object.keys(doc.paths[READER].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});

describe.each(ENGINES)('TSUNAGU_VIRTUAL_READER=0 (%s)', (engine) => {
  let w: EligibilityWorld;
  beforeAll(async () => {
    const service = createEligibilityService();
    w = await eligibilityWorld(engine, { services: [{ ...service, config: (env) => eligibilityConfig({ ...env, TSUNAGU_VIRTUAL_READER: '0' }) }] });
  });
  afterAll(async () => w?.close());

  it('turns the reader and the card sign-in off', async () => {
    const r = await w.request({ method: 'POST', url: READER, token: w.tokens.clinic, body: { card: {}, challenge: 'x', pin: '1234' } });
    expect(r.statusCode).toBe(404);
    expect(w.rt.virtualReader).toBeUndefined();
    expect(w.s.t.platform.signIn.patientCards).toBeUndefined();
    expect(Object.keys(json(await w.request({ method: 'GET', url: '/eligibility/openapi.json' })).paths)).not.toContain(READER);
  });
});

describe('the TSUNAGU_VIRTUAL_READER setting', () => {
  it('is 1 by default, 0 or 1 when set', () => {
    expect(eligibilityConfig({}).virtualReader).toBe(true);
    expect(eligibilityConfig({ TSUNAGU_VIRTUAL_READER: '0' }).virtualReader).toBe(false);
    expect(() => eligibilityConfig({ TSUNAGU_VIRTUAL_READER: 'yes' })).toThrow(ConfigError);
  });
});
