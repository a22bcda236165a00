/**
 * The audit HMAC key. It lives outside the database (a file the operator protects), so that someone who can
 * edit database rows cannot recompute the hash chain — the basis of tamper evidence (真正性).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AuditKey {
  /** Raw secret. */
  key: Buffer;
  /** HMAC inner / outer padded keys (64-byte block), so PostgreSQL can compute HMAC-SHA256 with sha256(). */
  ipad: Buffer;
  opad: Buffer;
}

export function auditKeyFrom(secret: Buffer): AuditKey {
  if (secret.length < 32 || secret.length > 64) throw new Error('audit key must be 32–64 bytes');
  const block = Buffer.alloc(64);
  secret.copy(block);
  const ipad = Buffer.alloc(64);
  const opad = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  return { key: secret, ipad, opad };
}

/** Reads the key file, creating it (mode 0600) on first use. */
export function loadOrCreateAuditKey(file: string): AuditKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  return auditKeyFrom(secret);
}

export function hmac(key: AuditKey, ...parts: (Buffer | Uint8Array | string)[]): Buffer {
  const h = createHmac('sha256', key.key);
  for (const p of parts) h.update(p);
  return h.digest();
}
