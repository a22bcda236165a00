/**
 * The virtual card without its file (what the browser apps need): the chip over an in-memory state with a persistence
 * callback, the check of an uploaded card file (fields, bounds, genuineness), and the merge with the chip memory.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Card, readCardFile, type CardFile } from '../../src/services/eligibility/reception/card/index.ts';
import { checkCardFile, MAX_SCRYPT_N } from '../../src/services/eligibility/reception/card/card-file-check.ts';
import { mergeChip, pinSlotId, type ChipRow } from '../../src/services/eligibility/reception/chip-memory.ts';
import { cardWorld, FACILITY, type CardWorld } from './card-fixtures.ts';

let w: CardWorld;
beforeAll(async () => {
  w = await cardWorld();
});
afterAll(async () => {
  await w.close();
});

const challenge = () => w.challenges.issue(FACILITY).challenge;

async function issuedFile(): Promise<{ file: CardFile; adminCode: string; path: string }> {
  const issued = await w.issue();
  return { file: await readCardFile(issued.card.path), adminCode: issued.adminCode, path: issued.card.path };
}

describe('Card.fromState', () => {
  it('runs the chip over an in-memory state: every change goes to persist before the answer, the caller’s object untouched', async () => {
    const { file, path } = await issuedFile();
    const saved: CardFile[] = [];
    const card = Card.fromState(file, async (state) => {
      saved.push(state);
    });
    expect(await card.sign(challenge(), { pin: '0000' })).toMatchObject({ ok: false, code: 'wrong-pin', retriesLeft: 2 });
    expect(saved.map((s) => s.pinRetriesLeft)).toEqual([2]);
    expect(file.pinRetriesLeft).toBe(3);
    const signed = await card.sign(challenge(), { pin: '1234' });
    expect(signed.ok).toBe(true);
    if (signed.ok) expect((await w.verifier.verify(signed.assertion, { facilityCode: FACILITY })).ok).toBe(true);
    expect(saved.map((s) => s.pinRetriesLeft)).toEqual([2, 3]);
    expect(card.snapshot()).toEqual({ ...file, pinRetriesLeft: 3 });
    // The file on disk is not involved; an in-memory card has no path and cannot be reloaded from one.
    expect((await readCardFile(path)).pinRetriesLeft).toBe(3);
    expect(() => card.path).toThrow(/in memory/);
    await expect(card.reload()).rejects.toThrow(/in memory/);
  });

  it('locks on the third wrong PIN; a persist that fails fails the attempt', async () => {
    const { file } = await issuedFile();
    const card = Card.fromState(file, async () => undefined);
    for (const pin of ['0001', '0002']) await card.sign(challenge(), { pin });
    expect(await card.sign(challenge(), { pin: '0003' })).toMatchObject({ ok: false, code: 'pin-locked', retriesLeft: 0 });
    expect(card.snapshot()).toMatchObject({ pinLocked: true, pinRetriesLeft: 0 });
    const failing = Card.fromState(file, async () => {
      throw new Error('disk full');
    });
    await expect(failing.sign(challenge(), { pin: '9999' })).rejects.toThrow('disk full');
    expect(() => Card.fromState({ format: 'x' } as unknown as CardFile, async () => undefined)).toThrow(/card file/);
  });

  it('Card.open keeps writing the card file as before', async () => {
    const { card } = await w.issue();
    await card.sign(challenge(), { pin: '0000' });
    expect((await readCardFile(card.path)).pinRetriesLeft).toBe(2);
    expect(card.snapshot().pinRetriesLeft).toBe(2);
  });
});

describe('checkCardFile', () => {
  it('accepts an issued file and names its certificate; drops unknown fields', async () => {
    const { path } = await issuedFile();
    const parsed = JSON.parse(await readFile(path, 'utf8'));
    const checked = await checkCardFile({ ...parsed, extra: 'x' });
    expect(checked.ok).toBe(true);
    if (checked.ok) {
      expect(checked.file).toEqual(parsed);
      expect(checked.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses what is not a card file, naming the field', async () => {
    const { file } = await issuedFile();
    const cases: [unknown, string][] = [
      [null, 'card'],
      ['text', 'card'],
      [{ ...file, format: 'other/1' }, 'card.format'],
      [{ ...file, certificate: 'not a PEM' }, 'card.certificate'],
      [{ ...file, pinRetriesLeft: 7 }, 'card.pinRetriesLeft'],
      [{ ...file, chain: ['x', 'y', 'z', 'w'] }, 'card.chain'],
      [{ ...file, slots: { ...file.slots, pin: { ...file.slots.pin, N: MAX_SCRYPT_N * 2 } } }, 'card.slots.pin.N'],
      [{ ...file, slots: { ...file.slots, pin: { ...file.slots.pin, N: 3000 } } }, 'card.slots.pin.N'],
      [{ ...file, slots: { ...file.slots, admin: { ...file.slots.admin, r: 64 } } }, 'card.slots.admin.r'],
      [{ ...file, slots: { ...file.slots, face: { ...file.slots.pin } } }, 'card.slots.face.kdf'],
      [{ ...file, privateKey: { ...file.privateKey, ciphertext: '!!' } }, 'card.privateKey.ciphertext'],
    ];
    for (const [value, field] of cases) {
      const r = await checkCardFile(value);
      expect(r, field).toMatchObject({ ok: false, code: 'malformed', field });
      if (!r.ok) expect(r.ja).toContain('仮想マイナンバーカードのファイルではありません');
    }
  });

  it('refuses a file edited to carry another card’s id, certificate or surface code', async () => {
    const a = (await issuedFile()).file;
    const b = (await issuedFile()).file;
    for (const edited of [
      { ...a, cardId: b.cardId },
      { ...a, certificate: b.certificate },
      { ...a, surfaceCode: b.surfaceCode },
      { ...a, privateKey: b.privateKey },
      { ...a, keyType: 'RSA-2048' as const },
    ]) {
      const r = await checkCardFile(edited);
      expect(r).toMatchObject({ ok: false, code: 'malformed', field: 'card' });
      if (!r.ok) expect(r.ja).toContain('書き換えられています');
    }
  });
});

describe('mergeChip', () => {
  const row = (file: CardFile, over: Partial<ChipRow> = {}): ChipRow => ({
    pinRetriesLeft: 3,
    pinLocked: false,
    adminRetriesLeft: 10,
    blocked: false,
    pinSlot: pinSlotId(file.slots.pin),
    previousPinSlots: [],
    version: 1,
    ...over,
  });

  it('takes the more restrictive of the stored state and the file', async () => {
    const { file } = await issuedFile();
    expect(mergeChip(file, undefined)).toEqual({ ok: true, state: file });
    expect(mergeChip(file, row(file, { pinRetriesLeft: 1, adminRetriesLeft: 4 }))).toMatchObject({
      ok: true,
      state: { pinRetriesLeft: 1, adminRetriesLeft: 4 },
    });
    expect(mergeChip({ ...file, pinRetriesLeft: 2 }, row(file))).toMatchObject({ state: { pinRetriesLeft: 2 } });
    expect(mergeChip(file, row(file, { pinLocked: true, pinRetriesLeft: 0 }))).toMatchObject({ state: { pinLocked: true, pinRetriesLeft: 0 } });
    expect(mergeChip({ ...file, blocked: true }, row(file))).toMatchObject({ state: { blocked: true } });
  });

  it('adopts the counters of a PIN set anew on the card; refuses a copy from before it', async () => {
    const { file, path, adminCode } = await issuedFile();
    const card = await Card.open(path);
    expect(await card.unlock({ adminCode, newPin: '2468' })).toEqual({ ok: true });
    const reset = await readCardFile(path);
    const stored = row(file, { pinLocked: true, pinRetriesLeft: 0 });
    expect(mergeChip(reset, stored)).toMatchObject({ ok: true, state: { pinLocked: false, pinRetriesLeft: 3 } });
    expect(mergeChip(reset, { ...stored, blocked: true })).toMatchObject({ state: { blocked: true } });
    const after = row(reset, { previousPinSlots: [pinSlotId(file.slots.pin)] });
    expect(mergeChip(file, after)).toMatchObject({ ok: false, code: 'card-outdated' });
  });
});
