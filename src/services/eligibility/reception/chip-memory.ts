/**
 * The chip memory of the virtual card reader (ICチップの記憶): a browser uploads the card FILE, so the retry counters
 * in it are only a copy the holder could replace with an older one. The platform keeps the counters of every card
 * used through its reader in `elig_card_chips` (per opaque card id, no person) and merges each upload with them:
 *
 *   - the stored state wins: PIN tries left and 管理コード tries left are the smaller, locked / blocked if either says
 *     so — a re-uploaded older copy cannot reset anything;
 *   - a PIN slot never seen before means the PIN was set anew on the card (the office reset `tsunagu card unlock`,
 *     or a PIN change): the card's PIN counter and lock are taken from the file (blocked stays blocked);
 *   - a PIN slot seen before but replaced since is an old copy from before such a reset: refused (`card-outdated`),
 *     as the old PIN no longer opens the real chip.
 *
 * Writes are compare-and-set on a version, so readers on several nodes never lose a counted attempt: a write made
 * from a state that changed meanwhile fails with ChipConflict and the reader starts over (virtual-reader.ts).
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { CardFile } from './card/card-file.ts';
import type { WrappedKey } from './card/key-vault.ts';
import type { Reason } from '../model/reason.ts';

export interface ChipRow {
  pinRetriesLeft: number;
  pinLocked: boolean;
  adminRetriesLeft: number;
  blocked: boolean;
  /** Identity of the PIN slot the counters belong to (pinSlotId). */
  pinSlot: string;
  /** PIN slots replaced since (oldest first): their copies are outdated. */
  previousPinSlots: string[];
  version: number;
}

/** A PIN slot changes exactly when the PIN is set anew (new salt, new wrapping). */
export function pinSlotId(slot: WrappedKey): string {
  return createHash('sha256').update(`${slot.salt}|${slot.iv}|${slot.tag}|${slot.wrapped}`).digest('base64url');
}

export type ChipMerge = { ok: true; state: CardFile } | ({ ok: false } & Reason<'card-outdated'>);

/** The card file as the chip stands: the upload merged with the stored memory (see the module comment). */
export function mergeChip(file: CardFile, row: ChipRow | undefined): ChipMerge {
  if (!row) return { ok: true, state: file };
  const slot = pinSlotId(file.slots.pin);
  if (row.previousPinSlots.includes(slot))
    return {
      ok: false,
      code: 'card-outdated',
      ja: 'このカードのファイルは暗証番号の再設定・変更より前の古い写しです。最新のファイルを使ってください',
      en: 'this card file is an old copy from before the PIN was reset or changed; use the latest file',
    };
  if (slot !== row.pinSlot) return { ok: true, state: { ...file, blocked: file.blocked || row.blocked } };
  return {
    ok: true,
    state: {
      ...file,
      pinRetriesLeft: Math.min(file.pinRetriesLeft, row.pinRetriesLeft),
      pinLocked: file.pinLocked || row.pinLocked,
      adminRetriesLeft: Math.min(file.adminRetriesLeft, row.adminRetriesLeft),
      blocked: file.blocked || row.blocked,
    },
  };
}

/** Another request changed the chip since it was read. */
export class ChipConflict extends Error {
  constructor(cardId: string) {
    super(`the chip memory of card ${cardId} changed meanwhile`);
  }
}

const MAX_PREVIOUS_SLOTS = 100;

interface DbRow {
  pin_retries_left: number;
  pin_locked: boolean;
  admin_retries_left: number;
  blocked: boolean;
  pin_slot: string;
  previous_pin_slots: string;
  version: number;
}

export class ChipMemory {
  constructor(private readonly db: Queryable) {}

  async load(cardId: string): Promise<ChipRow | undefined> {
    const res = await this.db.query<DbRow>(
      `SELECT pin_retries_left, pin_locked, admin_retries_left, blocked, pin_slot, previous_pin_slots, version FROM elig_card_chips WHERE card_id = $1`,
      [cardId],
    );
    const r = res.rows[0];
    if (!r) return undefined;
    return {
      pinRetriesLeft: r.pin_retries_left,
      pinLocked: r.pin_locked,
      adminRetriesLeft: r.admin_retries_left,
      blocked: r.blocked,
      pinSlot: r.pin_slot,
      previousPinSlots: JSON.parse(r.previous_pin_slots) as string[],
      version: r.version,
    };
  }

  /** Stores the chip's state if it is still the one `read` (undefined: none was stored); returns the new row. */
  async save(state: CardFile, read: ChipRow | undefined): Promise<ChipRow> {
    const pinSlot = pinSlotId(state.slots.pin);
    const previous = read && read.pinSlot !== pinSlot ? [...read.previousPinSlots, read.pinSlot].slice(-MAX_PREVIOUS_SLOTS) : (read?.previousPinSlots ?? []);
    const next: ChipRow = {
      pinRetriesLeft: state.pinRetriesLeft,
      pinLocked: state.pinLocked,
      adminRetriesLeft: state.adminRetriesLeft,
      blocked: state.blocked,
      pinSlot,
      previousPinSlots: previous,
      version: (read?.version ?? 0) + 1,
    };
    const values = [state.cardId, next.pinRetriesLeft, next.pinLocked, next.adminRetriesLeft, next.blocked, pinSlot, JSON.stringify(previous), next.version];
    const res = read
      ? await this.db.query(
          `UPDATE elig_card_chips SET pin_retries_left = $2, pin_locked = $3, admin_retries_left = $4, blocked = $5, pin_slot = $6,
                  previous_pin_slots = $7, version = $8, updated = now()
            WHERE card_id = $1 AND version = $9`,
          [...values, read.version],
        )
      : await this.db.query(
          `INSERT INTO elig_card_chips (card_id, pin_retries_left, pin_locked, admin_retries_left, blocked, pin_slot, previous_pin_slots, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (card_id) DO NOTHING`,
          values,
        );
    if (res.rowCount !== 1) throw new ChipConflict(state.cardId);
    return next;
  }
}
