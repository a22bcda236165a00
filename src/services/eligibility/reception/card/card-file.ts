/**
 * The virtual card file (JSON): everything the simulated IC chip holds, including its retry counters.
 * Written atomically (temporary file + rename) so a crash never leaves half a card.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { CARD_KEY_TYPES, type CardKeyType } from './algorithms.ts';
import type { SealedKey, WrappedKey } from './key-vault.ts';

export const CARD_FILE_FORMAT = 'tsunagu-virtual-card/1';

/** 暗証番号の試行回数: the third wrong PIN locks the card (as JPKI's 利用者証明用 PIN). */
export const PIN_TRIES = 3;
/** 管理コードの試行回数 before the card is blocked for good (re-issue needed). */
export const ADMIN_TRIES = 10;

export interface CardFile {
  format: typeof CARD_FILE_FORMAT;
  /** Opaque card identity; the certificate subject is CN=<cardId>. Not the My Number. */
  cardId: string;
  keyType: CardKeyType;
  /** 利用者証明用電子証明書 (PEM). */
  certificate: string;
  /** Intermediate CA certificates (PEM), empty for a single-level CA. */
  chain: string[];
  /** 券面の照合番号 (simulated): printed on the card, read by the face-authentication reader. */
  surfaceCode: string;
  privateKey: SealedKey;
  slots: { pin: WrappedKey; face: WrappedKey; admin: WrappedKey };
  pinRetriesLeft: number;
  pinLocked: boolean;
  adminRetriesLeft: number;
  /** Set when the admin code was exhausted: the card can no longer be used or reset. */
  blocked: boolean;
  issuedAt: string;
  renewedAt: string | null;
  /** Serials of earlier certificates of this card (renewals), oldest first. */
  previousSerials: string[];
}

export function isCardFile(v: unknown): v is CardFile {
  const c = v as CardFile;
  return (
    typeof c === 'object' &&
    c !== null &&
    c.format === CARD_FILE_FORMAT &&
    typeof c.cardId === 'string' &&
    CARD_KEY_TYPES.includes(c.keyType) &&
    typeof c.certificate === 'string' &&
    Array.isArray(c.chain) &&
    typeof c.surfaceCode === 'string' &&
    typeof c.privateKey === 'object' &&
    typeof c.slots?.pin === 'object' &&
    typeof c.slots?.face === 'object' &&
    typeof c.slots?.admin === 'object' &&
    Number.isInteger(c.pinRetriesLeft) &&
    typeof c.pinLocked === 'boolean' &&
    Number.isInteger(c.adminRetriesLeft) &&
    typeof c.blocked === 'boolean'
  );
}

export async function readCardFile(path: string): Promise<CardFile> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!isCardFile(parsed)) throw new Error(`${path} is not a ${CARD_FILE_FORMAT} card file`);
  return parsed;
}

export async function writeCardFile(path: string, card: CardFile, options: { exclusive?: boolean } = {}): Promise<void> {
  const text = `${JSON.stringify(card, null, 2)}\n`;
  if (options.exclusive) {
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    return;
  }
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}
