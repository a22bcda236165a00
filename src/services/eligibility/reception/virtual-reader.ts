/**
 * The virtual card reader (仮想カードリーダー): the stand-in for the 顔認証付きカードリーダー at the desk, run by the
 * platform because a browser cannot run the simulated chip. It takes a checked card file (card/card-file-check.ts),
 * a challenge and the holder's proof (PIN, or the reader's face match), runs the chip (`Card.fromState`) over the
 * file merged with the chip memory the platform keeps (chip-memory.ts), and answers what the chip answers — the
 * signed challenge, exactly what ReceptionClient sends to `$verify-card`, or the chip's refusal — with the card file
 * as it now stands, for the browser to save.
 *
 * Attempts on one card are serialised in this process, and every outcome is stored compare-and-set before it is
 * answered: a signature is given only when the state it was decided on is still the stored one, so parallel
 * attempts (on any node) cannot get more PIN tries than the chip allows.
 */
import { Card, CorruptCardError, type CardAssertion, type CardFailure, type HolderProof, type SignResult } from './card/card.ts';
import type { CardFile } from './card/card-file.ts';
import type { Reason } from '../model/reason.ts';
import { ChipConflict, mergeChip, pinSlotId, type ChipMemory, type ChipRow } from './chip-memory.ts';

export type ReaderAnswer =
  | { ok: true; assertion: CardAssertion; card: CardFile }
  | (CardFailure & { card: CardFile })
  | ({ ok: false; retriesLeft?: undefined; card?: undefined } & Reason<'card-outdated' | 'malformed'>);

/** A PIN slot that opens to a key which opens nothing: the file was put together by hand. */
const CORRUPT: { ok: false } & Reason<'malformed'> = {
  ok: false,
  code: 'malformed',
  ja: 'カードのファイルが壊れているか、書き換えられています（発行されたファイルをそのまま使ってください）',
  en: 'the card file is damaged or altered: its PIN slot does not hold the card key',
};

/** The counters of `state` are the stored ones. */
function stored(state: CardFile, row: ChipRow | undefined): boolean {
  return (
    row !== undefined &&
    row.pinRetriesLeft === state.pinRetriesLeft &&
    row.pinLocked === state.pinLocked &&
    row.adminRetriesLeft === state.adminRetriesLeft &&
    row.blocked === state.blocked &&
    row.pinSlot === pinSlotId(state.slots.pin)
  );
}

/** Attempts before giving up when other nodes keep changing the same card (each attempt re-reads it). */
const MAX_ATTEMPTS = 10;

export class VirtualReader {
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(private readonly memory: ChipMemory) {}

  /** Has the card (a file already checked) sign `challenge` after the holder's proof. */
  authenticate(file: CardFile, challenge: string, proof: HolderProof): Promise<ReaderAnswer> {
    return this.exclusive(file.cardId, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.once(file, challenge, proof);
        } catch (err) {
          if (!(err instanceof ChipConflict) || attempt >= MAX_ATTEMPTS) throw err;
        }
      }
    });
  }

  private async once(file: CardFile, challenge: string, proof: HolderProof): Promise<ReaderAnswer> {
    let read: ChipRow | undefined = await this.memory.load(file.cardId);
    const merged = mergeChip(file, read);
    if (!merged.ok) return merged;
    let saved = false;
    // The chip saves each change of its counters before it answers; a conflict aborts the attempt.
    const card = Card.fromState(merged.state, async (state) => {
      read = await this.memory.save(state, read);
      saved = true;
    });
    let result: SignResult;
    try {
      result = await card.sign(challenge, proof);
    } catch (err) {
      if (err instanceof CorruptCardError) return CORRUPT;
      throw err;
    }
    // The chip did not save: store the first sight of a card or a merge that tightened the counters, and confirm a
    // signature against the stored version (a refusal from an unchanged state needs no write).
    if (!saved && (result.ok || !stored(card.snapshot(), read))) await this.memory.save(card.snapshot(), read);
    return { ...result, card: card.snapshot() };
  }

  /** Runs `op` after every earlier operation on the same card of this process. */
  private exclusive<T>(cardId: string, op: () => Promise<T>): Promise<T> {
    const before = this.busy.get(cardId) ?? Promise.resolve();
    const run = before.then(op, op);
    const tail = run.catch(() => undefined);
    this.busy.set(cardId, tail);
    void tail.then(() => {
      if (this.busy.get(cardId) === tail) this.busy.delete(cardId);
    });
    return run;
  }
}
