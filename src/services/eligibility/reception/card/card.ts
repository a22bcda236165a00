/**
 * The simulated IC chip of a virtual My Number card (利用者証明用電子証明書 application).
 *
 * - The certificate is readable without a PIN (as on the real card).
 * - `sign(challenge, { pin })`: a wrong PIN decrements the retry counter, which is saved in the card file
 *   before the answer is given; the third wrong PIN locks the PIN path. A correct PIN restores the counter.
 *   A locked card refuses even the right PIN until the office resets it (`unlock`).
 * - `sign(challenge, { faceMatched: true })`: the 顔認証付きカードリーダー asserts that the holder's face
 *   matched the card photo; the chip signs without a PIN. A PIN lock does not block this path (the holder
 *   can still be identified by face), but a blocked card refuses everything.
 * - `unlock({ adminCode, newPin })` is the office flow (市区町村窓口で暗証番号を再設定): after checking the
 *   holder's identity in person, staff enter the card's 管理コード (kept in the issuing register) and
 *   the holder chooses a new PIN; the lock and the counter are reset. Ten wrong admin codes block the
 *   card for good.
 * Operations on one Card are serialised, so concurrent attempts cannot race past the counter.
 *
 * Where the chip's memory lives: `Card.open(path)` keeps it in the card file (written atomically before each
 * answer); `Card.fromState(state, persist)` keeps it in memory and hands every change to `persist` before the
 * answer (the platform's virtual reader, which keeps the counters in its database: ../virtual-reader.ts).
 */
import { createHmac, createPrivateKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Reason } from '../../model/reason.ts';
import { fromPem, signData, type CardKeyType } from './algorithms.ts';
import { ADMIN_TRIES, PIN_TRIES, isCardFile, readCardFile, writeCardFile, type CardFile } from './card-file.ts';
import { challengeSigningInput } from './challenge.ts';
import { openPrivateKey, unwrapDataKey, wrapDataKey } from './key-vault.ts';

/** How the holder proved presence at the reader. */
export type HolderProof = { pin: string } | { faceMatched: boolean };

/** What a card hands to the platform: the signed challenge and its certificates (DER, base64). */
export interface CardAssertion {
  challenge: string;
  /** Signature over challengeSigningInput(challenge), base64url. */
  signature: string;
  certificate: string;
  chain: string[];
  /** How the holder was verified (asserted by the reader). */
  method: 'pin' | 'face';
}

export type CardRefusal = 'wrong-pin' | 'pin-locked' | 'pin-format' | 'face-not-matched' | 'card-blocked' | 'wrong-admin-code';

export type CardFailure = { ok: false; retriesLeft?: number } & Reason<CardRefusal>;

export type SignResult = { ok: true; assertion: CardAssertion } | CardFailure;

export const PIN_PATTERN = /^\d{4}$/;

export function slotAad(cardId: string, slot: 'pin' | 'face' | 'admin' | 'key'): string {
  return `${cardId}/${slot}`;
}

function refusal(code: CardRefusal, ja: string, en: string, retriesLeft?: number): CardFailure {
  return { ok: false, code, ja, en, ...(retriesLeft === undefined ? {} : { retriesLeft }) };
}

/** The card file's protected memory does not hold together (a slot opens to a key that opens nothing). */
export class CorruptCardError extends Error {}

/** Saves the chip's state; called with a copy after every change, before the answer is given. */
export type PersistCard = (state: CardFile) => Promise<void>;

const BLOCKED = () => refusal('card-blocked', 'このカードは使用できません（再交付が必要です）', 'the card is blocked and must be re-issued');

export class Card {
  private state: CardFile;
  private certificates: { certificate: Buffer; chain: Buffer[] };
  private queue: Promise<unknown> = Promise.resolve();
  /** After one successful unwrap: the private key, and a keyed tag of the PIN that opened it. */
  private unlocked: { key: KeyObject; pinTag?: Buffer } | null = null;
  private readonly sessionKey = randomBytes(32);

  private constructor(
    state: CardFile,
    private readonly persist: PersistCard,
    private readonly filePath?: string,
  ) {
    this.state = state;
    this.certificates = Card.certificatesOf(state);
  }

  private static certificatesOf(state: CardFile): { certificate: Buffer; chain: Buffer[] } {
    return {
      certificate: fromPem(state.certificate, 'CERTIFICATE')[0],
      chain: state.chain.flatMap((pem) => fromPem(pem, 'CERTIFICATE')),
    };
  }

  /** A card whose memory is its file: every change is written to `path` (atomically) before the answer. */
  static async open(path: string): Promise<Card> {
    return new Card(await readCardFile(path), (state) => writeCardFile(path, state), path);
  }

  /** A card over a card file held in memory (an upload); `persist` receives every change before the answer. */
  static fromState(state: CardFile, persist: PersistCard): Card {
    if (!isCardFile(state)) throw new Error('not a tsunagu-virtual-card/1 card file');
    return new Card(structuredClone(state), persist);
  }

  /** The card file of a card opened with `Card.open`. */
  get path(): string {
    if (this.filePath === undefined) throw new Error(`card ${this.state.cardId} is held in memory (Card.fromState), not in a file`);
    return this.filePath;
  }

  /** The card file as it stands now, counters included (what a browser may save back). */
  snapshot(): CardFile {
    return structuredClone(this.state);
  }

  get cardId(): string {
    return this.state.cardId;
  }

  get keyType(): CardKeyType {
    return this.state.keyType;
  }

  get certificatePem(): string {
    return this.state.certificate;
  }

  get pinRetriesLeft(): number {
    return this.state.pinRetriesLeft;
  }

  get pinLocked(): boolean {
    return this.state.pinLocked;
  }

  get blocked(): boolean {
    return this.state.blocked;
  }

  /** 券面の照合番号 (what a face-authentication reader reads optically from the card surface). */
  get surfaceCode(): string {
    return this.state.surfaceCode;
  }

  /** Public part of the chip: the user certificate and its intermediates, DER. No PIN needed. */
  readCertificate(): { certificate: Buffer; chain: Buffer[] } {
    return this.certificates;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private pinTag(pin: string): Buffer {
    return createHmac('sha256', this.sessionKey).update(pin).digest();
  }

  private async save(): Promise<void> {
    await this.persist(this.snapshot());
  }

  private keyFrom(dataKey: Buffer): KeyObject {
    const pkcs8 = openPrivateKey(dataKey, this.state.privateKey, slotAad(this.state.cardId, 'key'));
    if (!pkcs8) throw new CorruptCardError(`card ${this.state.cardId}: private key does not open with its data key (corrupt card file)`);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  }

  /** Checks the PIN and counts a failure; returns the private key when right. */
  private async checkPin(pin: string): Promise<{ ok: true; key: KeyObject } | CardFailure> {
    if (this.state.blocked) return BLOCKED();
    if (!PIN_PATTERN.test(pin)) return refusal('pin-format', '暗証番号は数字4桁です', 'the PIN is four digits');
    if (this.state.pinLocked) {
      return refusal(
        'pin-locked',
        '暗証番号がロックされています。顔認証を利用するか、市区町村の窓口で暗証番号を再設定してください',
        'the PIN is locked; use face authentication or have it reset at the municipal office',
        0,
      );
    }
    let key: KeyObject | null = null;
    const tag = this.pinTag(pin);
    if (this.unlocked?.pinTag) {
      if (timingSafeEqual(this.unlocked.pinTag, tag)) key = this.unlocked.key;
    } else {
      const dataKey = await unwrapDataKey(this.state.slots.pin, pin, slotAad(this.state.cardId, 'pin'));
      if (dataKey) {
        key = this.keyFrom(dataKey);
        this.unlocked = { key, pinTag: tag };
      }
    }
    if (!key) {
      this.state = { ...this.state, pinRetriesLeft: Math.max(0, this.state.pinRetriesLeft - 1) };
      if (this.state.pinRetriesLeft === 0) this.state = { ...this.state, pinLocked: true };
      await this.save();
      if (this.state.pinLocked) {
        return refusal('pin-locked', '暗証番号を3回間違えたため、ロックされました', 'the PIN was wrong three times; the card is now locked', 0);
      }
      return refusal(
        'wrong-pin',
        `暗証番号が違います（残り${this.state.pinRetriesLeft}回）`,
        `wrong PIN (${this.state.pinRetriesLeft} tries left)`,
        this.state.pinRetriesLeft,
      );
    }
    if (this.state.pinRetriesLeft !== PIN_TRIES) {
      this.state = { ...this.state, pinRetriesLeft: PIN_TRIES };
      await this.save();
    }
    return { ok: true, key };
  }

  private async faceKey(): Promise<KeyObject> {
    if (this.unlocked) return this.unlocked.key;
    const dataKey = await unwrapDataKey(this.state.slots.face, this.state.surfaceCode, slotAad(this.state.cardId, 'face'));
    if (!dataKey) throw new CorruptCardError(`card ${this.state.cardId}: face slot does not open (corrupt card file)`);
    const key = this.keyFrom(dataKey);
    this.unlocked = { key };
    return key;
  }

  /** Signs a challenge after the holder proves presence (PIN, or a face match asserted by the reader). */
  sign(challenge: string, proof: HolderProof): Promise<SignResult> {
    return this.serial(async () => {
      let key: KeyObject;
      let method: CardAssertion['method'];
      if ('pin' in proof) {
        const checked = await this.checkPin(proof.pin);
        if (!checked.ok) return checked;
        key = checked.key;
        method = 'pin';
      } else {
        if (this.state.blocked) return BLOCKED();
        if (proof.faceMatched !== true) return refusal('face-not-matched', '顔認証で本人確認ができませんでした', 'the face did not match the card photo');
        key = await this.faceKey();
        method = 'face';
      }
      const { certificate, chain } = this.readCertificate();
      return {
        ok: true,
        assertion: {
          challenge,
          signature: signData(key, this.state.keyType, challengeSigningInput(challenge)).toString('base64url'),
          certificate: certificate.toString('base64'),
          chain: chain.map((c) => c.toString('base64')),
          method,
        },
      };
    });
  }

  /** Changes the PIN (the old one is checked and counted like any PIN attempt). */
  changePin(oldPin: string, newPin: string): Promise<{ ok: true } | CardFailure> {
    return this.serial(async () => {
      if (!PIN_PATTERN.test(newPin)) return refusal('pin-format', '暗証番号は数字4桁です', 'the PIN is four digits');
      const checked = await this.checkPin(oldPin);
      if (!checked.ok) return checked;
      const dataKey = await unwrapDataKey(this.state.slots.pin, oldPin, slotAad(this.state.cardId, 'pin'));
      if (!dataKey) throw new Error('PIN slot changed underneath');
      await this.rewrapPin(dataKey, newPin);
      return { ok: true };
    });
  }

  private async rewrapPin(dataKey: Buffer, newPin: string): Promise<void> {
    const N = this.state.slots.pin.kdf === 'scrypt' ? this.state.slots.pin.N : undefined;
    const pinSlot = await wrapDataKey(dataKey, newPin, { kdf: 'scrypt', N }, slotAad(this.state.cardId, 'pin'));
    this.state = { ...this.state, slots: { ...this.state.slots, pin: pinSlot }, pinRetriesLeft: PIN_TRIES, pinLocked: false };
    this.unlocked = null;
    await this.save();
  }

  /** Office flow: with the card's 管理コード, set a new PIN and clear the lock. */
  unlock(options: { adminCode: string; newPin: string }): Promise<{ ok: true } | CardFailure> {
    return this.serial(async () => {
      if (this.state.blocked) return BLOCKED();
      if (!PIN_PATTERN.test(options.newPin)) return refusal('pin-format', '暗証番号は数字4桁です', 'the PIN is four digits');
      const dataKey = await unwrapDataKey(this.state.slots.admin, options.adminCode, slotAad(this.state.cardId, 'admin'));
      if (!dataKey) {
        const left = Math.max(0, this.state.adminRetriesLeft - 1);
        this.state = { ...this.state, adminRetriesLeft: left, blocked: left === 0 };
        await this.save();
        if (left === 0) return BLOCKED();
        return refusal('wrong-admin-code', `管理コードが違います（残り${left}回）`, `wrong admin code (${left} tries left)`, left);
      }
      this.state = { ...this.state, adminRetriesLeft: ADMIN_TRIES };
      await this.rewrapPin(dataKey, options.newPin);
      return { ok: true };
    });
  }

  /** Reloads the card file (e.g. after a renewal wrote a new certificate); only for a card opened from its file. */
  reload(): Promise<void> {
    return this.serial(async () => {
      this.state = await readCardFile(this.path);
      this.certificates = Card.certificatesOf(this.state);
      this.unlocked = null;
    });
  }
}
