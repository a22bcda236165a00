/**
 * The platform's own signing key for access tokens (ES256). Kept in the database so every node of a
 * deployment signs and verifies with the same key; the public half is published at `/auth/jwks`.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Queryable } from '../storage/database.ts';

export interface PlatformKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function loadOrCreatePlatformKey(db: Queryable): Promise<PlatformKey> {
  const existing = await db.query<{ kid: string; private_jwk: string; public_jwk: string }>(
    'SELECT kid, private_jwk, public_jwk FROM platform_keys WHERE active ORDER BY created DESC LIMIT 1',
  );
  let row = existing.rows[0];
  if (!row) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const priv = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
    const pub = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    await db.query('INSERT INTO platform_keys (kid, private_jwk, public_jwk) VALUES ($1, $2, $3)', [kid, JSON.stringify(priv), JSON.stringify(pub)]);
    // Another node may have raced us: whichever row is newest wins for everyone.
    const again = await db.query<{ kid: string; private_jwk: string; public_jwk: string }>(
      'SELECT kid, private_jwk, public_jwk FROM platform_keys WHERE active ORDER BY created DESC, kid LIMIT 1',
    );
    row = again.rows[0];
  }
  const publicJwk = JSON.parse(row.public_jwk) as JWK;
  return {
    kid: row.kid,
    privateKey: (await importJWK(JSON.parse(row.private_jwk), 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
    publicJwk,
  };
}
