/**
 * The patient's sign-in with the card file + PIN (the eligibility service's PatientCardSignIn), on every engine:
 * the person's Patient id for the right PIN; a refusal with a clear reason for a wrong PIN, a locked, revoked,
 * expired, unlinked or malformed card; sign-in and reception challenges are not interchangeable; the whole SMART
 * sign-in of the portal with a real card.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientCardResult } from '../../src/platform/auth/app-launch/patient-sign-in.ts';
import { patientName, type CardSignIn } from '../../src/services/eligibility/reception/card-sign-in.ts';
import { slotAad } from '../../src/services/eligibility/reception/card/card.ts';
import { wrapDataKey } from '../../src/services/eligibility/reception/card/key-vault.ts';
import { ENGINES } from '../helpers/engines.ts';
import { authorizeQuery, codeOf as authCodeOf, exchange, pkcePair, postSignIn } from '../helpers/app-sign-in.ts';
import { json } from '../helpers/tsunagu.ts';
import { auditOf, codeOf, eligibilityWorld, paramsMap, personRecord, verifyAssertion, type EligibilityWorld } from './service-fixtures.ts';

describe.each(ENGINES)('patient sign-in with the card (%s)', (engine) => {
  let w: EligibilityWorld;
  let signIn: CardSignIn;
  let patientId: string;
  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([personRecord({ person_link_key: 'sign-in-person', family_name: '髙橋', given_name: '花子' })]);
    patientId = reg.results[0].patient!.split('/')[1];
    signIn = w.rt.cardSignIn!;
  });
  afterAll(async () => w?.close());

  async function newCard(opts: Parameters<EligibilityWorld['card']>[1] = {}) {
    const issued = await w.card(patientId, opts);
    return { ...issued, text: await readFile(issued.path, 'utf8') };
  }

  const attempt = (cardFile: string, pin: string): Promise<PatientCardResult> => signIn.authenticate({ cardFile, pin });

  it('is the method the authorization server uses', () => {
    expect(w.s.t.platform.signIn.patientCards).toBe(signIn);
  });

  it('the right PIN gives the person’s Patient id and name', async () => {
    const { text } = await newCard();
    expect(await attempt(text, '1234')).toEqual({ ok: true, patientId, name: '髙橋 花子' });
  });

  it('a wrong PIN is refused with the tries left, then the card locks; the chip is the one of the desk', async () => {
    const { text } = await newCard();
    expect(await attempt(text, '0000')).toMatchObject({ ok: false, code: 'wrong-pin', ja: '暗証番号が違います', retriesLeft: 2, patientId });
    // A wrong PIN at the desk's virtual reader counts on the same chip.
    const ch = paramsMap(json(await w.request({ method: 'POST', url: '/fhir/$card-challenge', token: w.tokens.clinic, body: { resourceType: 'Parameters' } })));
    const desk = await w.request({
      method: 'POST',
      url: '/eligibility/virtual-reader/authenticate',
      token: w.tokens.clinic,
      body: { card: JSON.parse(text), challenge: ch.challenge, pin: '0001' },
    });
    expect(json(desk)).toMatchObject({ code: 'wrong-pin', retriesLeft: 1 });
    const locked = await attempt(text, '0002');
    expect(locked).toMatchObject({ ok: false, code: 'pin-locked', retriesLeft: 0 });
    if (!locked.ok) expect(locked.ja).toContain('ロック');
    expect(await attempt(text, '1234')).toMatchObject({ ok: false, code: 'pin-locked' });
    expect(await attempt(text, '12')).toMatchObject({ ok: false, code: 'pin-format' });
  });

  it('a revoked or expired card is refused', async () => {
    const revoked = await newCard();
    await w.ca.revoke(revoked.serial, 'keyCompromise');
    await w.publishCrl();
    const r = await attempt(revoked.text, '1234');
    expect(r).toMatchObject({ ok: false, code: 'revoked', patientId });
    if (!r.ok) expect(r.ja).toContain('失効');
    const expired = await newCard({ now: new Date(Date.now() - 3 * 86_400_000), validDays: 1 });
    expect(await attempt(expired.text, '1234')).toMatchObject({ ok: false, code: 'expired-certificate' });
  });

  it('a card not linked to anyone is refused', async () => {
    const { text } = await newCard({ link: false });
    const r = await attempt(text, '1234');
    expect(r).toMatchObject({ ok: false, code: 'not-linked' });
    if (!r.ok) {
      expect(r.ja).toContain('登録されていません');
      expect(r.patientId).toBeUndefined();
    }
  });

  it('a malformed file is refused without touching any counter', async () => {
    const { text } = await newCard();
    const file = JSON.parse(text);
    for (const bad of [
      '',
      'not json',
      '[]',
      '{}',
      JSON.stringify({ ...file, slots: { ...file.slots, pin: { ...file.slots.pin, N: 1 << 20 } } }),
      'x'.repeat(70_000),
    ]) {
      const r = await attempt(bad, '0000');
      expect(r).toMatchObject({ ok: false, code: 'malformed' });
      if (!r.ok) expect(r.ja).toMatch(/カードのファイル/);
    }
    expect(await attempt(JSON.stringify({ ...file, surfaceCode: '000000000000' }), '0000')).toMatchObject({ ok: false, code: 'malformed' });
    const pin = await wrapDataKey(randomBytes(32), '0000', { kdf: 'scrypt', N: 1 << 10 }, slotAad(file.cardId, 'pin'));
    expect(await attempt(JSON.stringify({ ...file, slots: { ...file.slots, pin } }), '0000')).toMatchObject({ ok: false, code: 'malformed' });
    expect(await attempt(text, '0000')).toMatchObject({ code: 'wrong-pin', retriesLeft: 2 });
  });

  it('a reception challenge cannot be used for sign-in, nor a sign-in challenge at reception; each is single-use', async () => {
    const { card } = await newCard();
    const ch = paramsMap(json(await w.request({ method: 'POST', url: '/fhir/$card-challenge', token: w.tokens.clinic, body: { resourceType: 'Parameters' } })));
    const atDesk = await card.sign(ch.challenge as string, { pin: '1234' });
    if (!atDesk.ok) throw new Error(atDesk.en);
    expect(await signIn.verify(atDesk.assertion)).toMatchObject({ ok: false, code: 'unknown-challenge' });
    // The refused sign-in did not consume it: the desk still verifies it.
    expect((await verifyAssertion(w, atDesk.assertion as unknown as Record<string, unknown>)).out.result).toBe(true);

    const forSignIn = await card.sign(signIn.challenge(), { pin: '1234' });
    if (!forSignIn.ok) throw new Error(forSignIn.en);
    expect(codeOf((await verifyAssertion(w, forSignIn.assertion as unknown as Record<string, unknown>)).out)).toBe('unknown-challenge');
    expect(await signIn.verify(forSignIn.assertion)).toMatchObject({ ok: true, patientId });
    expect(await signIn.verify(forSignIn.assertion)).toMatchObject({ ok: false, code: 'replayed-challenge' });
  });

  it('signs the patient in to the portal through the sign-in page; refusals are in the person’s log', async () => {
    const { text } = await newCard();
    const { verifier, challenge } = pkcePair();
    const query = authorizeQuery({ clientId: 'tsunagu-portal', challenge });
    const wrong = await postSignIn(w.s.t.app, query, { method: 'card', cardFile: text, pin: '9999' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('暗証番号が違います（あと2回）');
    const r = await postSignIn(w.s.t.app, query, { method: 'card', cardFile: text, pin: '1234' });
    expect(r.statusCode).toBe(303);
    const t = await exchange(w.s.t.app, query, authCodeOf(r).code!, verifier);
    expect(t.patient).toBe(patientId);
    expect(t.tsunagu_user).toMatchObject({ kind: 'patient', name: '髙橋 花子', patientId });
    const signIns = (await auditOf(w, patientId)).filter((e) => e.subtype === 'sign-in');
    expect(signIns.some((e) => e.outcome === '4' && /wrong-pin/.test(e.desc ?? ''))).toBe(true);
    expect(signIns.some((e) => e.outcome === '0')).toBe(true);
  });
});

describe('patientName', () => {
  it('is the kanji (IDE) name of a JP_Patient', () => {
    const kana = { extension: [{ url: 'x', valueCode: 'SYL' }], text: 'タカハシ ハナコ' };
    const kanji = { extension: [{ url: 'x', valueCode: 'IDE' }], text: '髙橋 花子' };
    expect(patientName(JSON.stringify({ name: [kana, kanji] }))).toBe('髙橋 花子');
    expect(patientName(JSON.stringify({ name: [{ family: '山田', given: ['太郎'] }] }))).toBe('山田 太郎');
    expect(patientName(null)).toBe('');
  });
});
