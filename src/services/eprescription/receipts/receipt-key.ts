/**
 * The service's own signing key for dispensing receipts (調剤結果の受付証), ES256, kept in the service's table so every
 * node signs with the same key; the public half is published at `/eprescription/jwks` (a JWKS) for pharmacies to
 * verify receipts offline. Separate from the platform's token key: a receipt key signs facts, not access.
 */
import { randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Queryable } from '../../../platform/storage/database.ts';
import { canonicalJson } from '../signature/index.ts';

export interface ReceiptSigner {
  kid: string;
  /** A compact JWS (RFC 7515) of the receipt's RFC 8785 canonical JSON, header `{ alg: ES256, kid, typ: tsunagu-receipt+jws }`. */
  sign(content: Record<string, unknown>): Promise<string>;
  jwks(): { keys: JWK[] };
}

type KeyRow = { kid: string; private_jwk: string; public_jwk: string };
const newest = 'SELECT kid, private_jwk, public_jwk FROM eprescription_receipt_keys ORDER BY created DESC, kid LIMIT 1';

export const RECEIPT_JWS_TYPE = 'tsunagu-receipt+jws';

export async function loadReceiptSigner(db: Queryable): Promise<ReceiptSigner> {
  let row = (await db.query<KeyRow>(newest)).rows[0];
  if (!row) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const priv = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
    const pub = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    await db.query('INSERT INTO eprescription_receipt_keys (kid, private_jwk, public_jwk) VALUES ($1, $2, $3)', [
      kid,
      JSON.stringify(priv),
      JSON.stringify(pub),
    ]);
    row = (await db.query<KeyRow>(newest)).rows[0]; // another node may have raced: the newest row wins for all
  }
  const publicJwk = JSON.parse(row.public_jwk) as JWK;
  const privateKey = (await importJWK(JSON.parse(row.private_jwk), 'ES256')) as CryptoKey;
  const kid = row.kid;
  return {
    kid,
    sign: (content) =>
      new CompactSign(new TextEncoder().encode(canonicalJson(content))).setProtectedHeader({ alg: 'ES256', kid, typ: RECEIPT_JWS_TYPE }).sign(privateKey),
    jwks: () => ({ keys: [publicJwk] }),
  };
}
