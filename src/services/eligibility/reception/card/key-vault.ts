/**
 * Envelope encryption of the card's private key (the simulated IC chip's protected memory).
 *
 * The PKCS#8 private key is sealed once under a random 256-bit data key (AES-256-GCM). The data key is
 * wrapped in three slots, each opened by a different proof of the holder or the office:
 *   pin   — scrypt(4-digit 暗証番号): the PIN path at the reader;
 *   face  — HKDF(券面の照合番号): the face-authentication path, where the reader has read the card surface
 *           and asserts the face matched (the real reader reads the face photo the same way);
 *   admin — scrypt(管理コード): the office's PIN reset after a lock.
 * A 4-digit PIN has 10,000 values, so the file alone is no protection against offline guessing: what
 * stands in for the chip's tamper resistance is the retry counter the Card class enforces. This is a
 * simulation for tests and benchmarks, not a key store.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt as scryptCb } from 'node:crypto';

export interface ScryptParams {
  kdf: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
}

export interface HkdfParams {
  kdf: 'hkdf-sha256';
  salt: string;
}

/** A data key wrapped under a secret-derived key. Base64 fields. */
export type WrappedKey = (ScryptParams | HkdfParams) & { iv: string; tag: string; wrapped: string };

/** The private key sealed under the data key. */
export interface SealedKey {
  iv: string;
  tag: string;
  ciphertext: string;
}

/** Default scrypt cost for PIN and admin slots (N = 2^15, r = 8, p = 1). */
export const DEFAULT_SCRYPT_N = 1 << 15;

function scrypt(secret: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(secret, salt, 32, { N, r, p, maxmem: 256 * N * r + (1 << 20) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function gcmSeal(key: Buffer, plain: Buffer, aad: string): { iv: string; tag: string; data: string } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(plain), c.final()]);
  return { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function gcmOpen(key: Buffer, iv: string, tag: string, data: string, aad: string): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]);
  } catch {
    return null;
  }
}

async function slotKey(params: ScryptParams | HkdfParams, secret: string): Promise<Buffer> {
  const salt = Buffer.from(params.salt, 'base64');
  if (params.kdf === 'scrypt') return scrypt(secret, salt, params.N, params.r, params.p);
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret), salt, 'tsunagu-card-face-slot', 32));
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

/** Wraps the data key under `secret`; `aad` binds the slot to its card and purpose. */
export async function wrapDataKey(
  dataKey: Buffer,
  secret: string,
  kdf: { kdf: 'scrypt'; N?: number } | { kdf: 'hkdf-sha256' },
  aad: string,
): Promise<WrappedKey> {
  const salt = randomBytes(16).toString('base64');
  const params: ScryptParams | HkdfParams =
    kdf.kdf === 'scrypt' ? { kdf: 'scrypt', salt, N: kdf.N ?? DEFAULT_SCRYPT_N, r: 8, p: 1 } : { kdf: 'hkdf-sha256', salt };
  const sealed = gcmSeal(await slotKey(params, secret), dataKey, aad);
  return { ...params, iv: sealed.iv, tag: sealed.tag, wrapped: sealed.data };
}

/** The data key, or null when `secret` is not the one the slot was wrapped under. */
export async function unwrapDataKey(slot: WrappedKey, secret: string, aad: string): Promise<Buffer | null> {
  return gcmOpen(await slotKey(slot, secret), slot.iv, slot.tag, slot.wrapped, aad);
}

export function sealPrivateKey(dataKey: Buffer, pkcs8: Buffer, aad: string): SealedKey {
  const s = gcmSeal(dataKey, pkcs8, aad);
  return { iv: s.iv, tag: s.tag, ciphertext: s.data };
}

export function openPrivateKey(dataKey: Buffer, sealed: SealedKey, aad: string): Buffer | null {
  return gcmOpen(dataKey, sealed.iv, sealed.tag, sealed.ciphertext, aad);
}
