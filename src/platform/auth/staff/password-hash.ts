/**
 * Password hashes for staff accounts: scrypt (RFC 7914), a memory-hard function built into Node (no native module
 * to install), at N = 2^15, r = 8, p = 1 — 32 MiB and about 0.1 s per hash here, at least OWASP's scrypt minimum
 * (N = 2^17 with r = 8 is the top of its list; 2^15 keeps a clinic's sign-in quick on a 2-core machine). The stored
 * form names its parameters, so they can be raised later and old hashes still verify (`needsRehash`).
 *   scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1, keyLength: 32 } as const;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p, keyLength);
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `stored` (constant time in the hash); a malformed stored value never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 1 << 20) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length < 16) return false;
  const key = await derive(password, salt, N, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/** A hash made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const [, N, r] = stored.split('$').map(Number);
  return !(N >= SCRYPT_PARAMS.N && r >= SCRYPT_PARAMS.r);
}
