/** The simulated IC chip: PIN counter persisted in the card file, lock on the 3rd wrong PIN, face path, office unlock. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TRIES, Card, SimulatedCardReader, issueCard, readCardFile } from '../../src/services/eligibility/reception/card/index.ts';
import { cardWorld, FACILITY, TEST_KDF_COST, type CardWorld } from './card-fixtures.ts';

let w: CardWorld;
beforeAll(async () => {
  w = await cardWorld();
});
afterAll(async () => {
  await w.close();
});

const challenge = () => w.challenges.issue(FACILITY).challenge;

describe('virtual card: PIN', () => {
  it('signs with the right PIN, and the platform accepts the signature', async () => {
    const { card, serial } = await w.issue();
    const signed = await card.sign(challenge(), { pin: '1234' });
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    expect(signed.assertion.method).toBe('pin');
    const v = await w.verifier.verify(signed.assertion, { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: true, serial, method: 'pin' });
  });

  it('counts wrong PINs in the card file and locks on the third', async () => {
    const { card } = await w.issue();
    const first = await card.sign(challenge(), { pin: '0000' });
    expect(first).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 2 });
    // The counter survives re-opening the card (it is on the "chip", not in memory).
    expect((await readCardFile(card.path)).pinRetriesLeft).toBe(2);
    const reopened = await Card.open(card.path);
    expect(await reopened.sign(challenge(), { pin: '1111' })).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 1 });
    const third = await reopened.sign(challenge(), { pin: '2222' });
    expect(third).toMatchObject({ ok: false, code: 'pin-locked', retriesLeft: 0 });
    if (!third.ok) expect(third.ja).toContain('3回');
    const file = await readCardFile(card.path);
    expect(file.pinLocked).toBe(true);
    // Locked: even the right PIN is refused, in this instance and in a fresh one.
    expect(await reopened.sign(challenge(), { pin: '1234' })).toMatchObject({ ok: false, code: 'pin-locked' });
    expect(await (await Card.open(card.path)).sign(challenge(), { pin: '1234' })).toMatchObject({ ok: false, code: 'pin-locked' });
  });

  it('restores the counter after a right PIN', async () => {
    const { card } = await w.issue();
    await card.sign(challenge(), { pin: '9999' });
    await card.sign(challenge(), { pin: '9998' });
    expect(card.pinRetriesLeft).toBe(1);
    expect((await card.sign(challenge(), { pin: '1234' })).ok).toBe(true);
    expect((await readCardFile(card.path)).pinRetriesLeft).toBe(3);
    // A wrong PIN after a successful one (cached unlock) still counts.
    expect(await card.sign(challenge(), { pin: '4321' })).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 2 });
  });

  it('does not count a malformed PIN', async () => {
    const { card } = await w.issue();
    expect(await card.sign(challenge(), { pin: '12345' })).toMatchObject({ ok: false, code: 'pin-format' });
    expect(await card.sign(challenge(), { pin: 'abcd' })).toMatchObject({ ok: false, code: 'pin-format' });
    expect(card.pinRetriesLeft).toBe(3);
  });

  it('cannot be raced past the counter by parallel attempts', async () => {
    const { card } = await w.issue();
    const results = await Promise.all(['1000', '1001', '1002', '1003', '1234'].map((pin) => card.sign(challenge(), { pin })));
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['wrong-pin', 'wrong-pin', 'pin-locked', 'pin-locked', 'pin-locked']);
    expect((await readCardFile(card.path)).pinRetriesLeft).toBe(0);
  });

  it('changes the PIN, checking the old one', async () => {
    const { card } = await w.issue();
    expect(await card.changePin('0000', '5678')).toMatchObject({ ok: false, code: 'wrong-pin' });
    expect(await card.changePin('1234', '5678')).toEqual({ ok: true });
    expect((await card.sign(challenge(), { pin: '5678' })).ok).toBe(true);
    expect(await (await Card.open(card.path)).sign(challenge(), { pin: '1234' })).toMatchObject({ ok: false, code: 'wrong-pin' });
  });
});

describe('virtual card: face authentication and the office unlock', () => {
  it('signs without a PIN when the reader asserts a face match, even with the PIN locked', async () => {
    const { card } = await w.issue();
    for (const pin of ['0001', '0002', '0003']) await card.sign(challenge(), { pin });
    expect(card.pinLocked).toBe(true);
    const reader = new SimulatedCardReader(await Card.open(card.path));
    const signed = await reader.authenticate(challenge(), { faceMatched: true });
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    expect(signed.assertion.method).toBe('face');
    expect((await w.verifier.verify(signed.assertion, { facilityCode: FACILITY })).ok).toBe(true);
    expect(await reader.authenticate(challenge(), { faceMatched: false })).toMatchObject({ ok: false, code: 'face-not-matched' });
  });

  it('unlocks with the admin code and a new PIN; a wrong admin code counts and finally blocks the card', async () => {
    const { card, adminCode, cardId } = await w.issue();
    expect(await w.ca.adminCodeFor(cardId)).toBe(adminCode);
    for (const pin of ['0001', '0002', '0003']) await card.sign(challenge(), { pin });
    expect(await card.unlock({ adminCode: '000000000000', newPin: '2468' })).toMatchObject({
      ok: false,
      code: 'wrong-admin-code',
      retriesLeft: ADMIN_TRIES - 1,
    });
    expect(await card.unlock({ adminCode, newPin: '2468' })).toEqual({ ok: true });
    const file = await readCardFile(card.path);
    expect(file).toMatchObject({ pinLocked: false, pinRetriesLeft: 3, adminRetriesLeft: ADMIN_TRIES });
    expect((await card.sign(challenge(), { pin: '2468' })).ok).toBe(true);

    for (let i = 0; i < ADMIN_TRIES - 1; i++) await card.unlock({ adminCode: '111111111111', newPin: '1357' });
    expect(await card.unlock({ adminCode: '111111111111', newPin: '1357' })).toMatchObject({ ok: false, code: 'card-blocked' });
    expect(await card.sign(challenge(), { faceMatched: true })).toMatchObject({ ok: false, code: 'card-blocked' });
    expect(await card.unlock({ adminCode, newPin: '1357' })).toMatchObject({ ok: false, code: 'card-blocked' });
  });
});

describe('virtual card file', () => {
  it('holds no person data and no clear private key', async () => {
    const { card, cardId } = await w.issue();
    const text = await readFile(card.path, 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toMatch(/"pin"\s*:\s*"1234"/);
    const file = await readCardFile(card.path);
    expect(file.cardId).toBe(cardId);
    expect(Object.keys(file).sort()).toEqual(
      [
        'adminRetriesLeft',
        'blocked',
        'cardId',
        'certificate',
        'chain',
        'format',
        'issuedAt',
        'keyType',
        'pinLocked',
        'pinRetriesLeft',
        'previousSerials',
        'privateKey',
        'renewedAt',
        'slots',
        'surfaceCode',
      ].sort(),
    );
  });

  it('is never overwritten by a new issue, and a PIN must be four digits', async () => {
    const { card } = await w.issue();
    await expect(issueCard({ authority: w.ca, path: card.path, pin: '1234', pinKdfCost: TEST_KDF_COST })).rejects.toThrow();
    await expect(issueCard({ authority: w.ca, path: `${card.path}.x`, pin: '12', pinKdfCost: TEST_KDF_COST })).rejects.toThrow(/four digits/);
  });
});
