/**
 * The emergency service's signing key for SMART Health Cards (救急用サマリーQRの署名鍵), ES256, kept in the service's
 * table so every node signs with the same key. `kid` is the base64url RFC 7638 SHA-256 JWK thumbprint, the payload is
 * raw-DEFLATE compressed before signing and the header is `{alg: ES256, zip: DEF, kid}` (SMART Health Cards
 * Framework, "Health Cards are Compact", https://spec.smarthealth.cards/#health-cards-are-compact). The JWKS holds every
 * key ever used (cards do not expire, so old cards must still verify), public parts only.
 */
import { deflateRawSync } from 'node:zlib';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE emergency_health_card_keys (
  kid text PRIMARY KEY,
  private_jwk text NOT NULL,
  public_jwk text NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);
`;

/** Schema version 501: the health-card signing keys. */
export const healthCardKeysMigration: Migration = { version: 501, name: 'emergency-health-card-keys', sql };

export interface HealthCardSigner {
  kid: string;
  /** A compact JWS of the minified, raw-DEFLATE-compressed payload, header `{ alg: ES256, zip: DEF, kid }`. */
  sign(payloadJson: Record<string, unknown>): Promise<string>;
  /** The issuer's key set for `${iss}/.well-known/jwks.json`: public keys only. */
  jwks(): { keys: JWK[] };
}

type KeyRow = { kid: string; private_jwk: string; public_jwk: string };
const all = 'SELECT kid, private_jwk, public_jwk FROM emergency_health_card_keys ORDER BY created DESC, kid';

/** The public half of an EC P-256 key as the spec's JWKS lists it (kty, crv, x, y, kid, use, alg; never `d`). */
function publicOf(jwk: JWK, kid: string): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, use: 'sig', alg: 'ES256' };
}

export async function loadHealthCardSigner(db: Queryable): Promise<HealthCardSigner> {
  let rows = (await db.query<KeyRow>(all)).rows;
  if (!rows.length) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint({ kty: priv.kty, crv: priv.crv, x: priv.x, y: priv.y }, 'sha256');
    await db.query('INSERT INTO emergency_health_card_keys (kid, private_jwk, public_jwk) VALUES ($1, $2, $3) ON CONFLICT (kid) DO NOTHING', [
      kid,
      JSON.stringify({ ...priv, kid, alg: 'ES256', use: 'sig' }),
      JSON.stringify(publicOf(priv, kid)),
    ]);
    rows = (await db.query<KeyRow>(all)).rows; // another node may have raced: the newest row wins for all
  }
  const newest = rows[0];
  const kid = newest.kid;
  const privateKey = (await importJWK(JSON.parse(newest.private_jwk) as JWK, 'ES256')) as CryptoKey;
  const keys = rows.map((r) => publicOf(JSON.parse(r.public_jwk) as JWK, r.kid));
  return {
    kid,
    sign: (payloadJson) =>
      new CompactSign(deflateRawSync(Buffer.from(JSON.stringify(payloadJson), 'utf8'))).setProtectedHeader({ alg: 'ES256', zip: 'DEF', kid }).sign(privateKey),
    jwks: () => ({ keys: keys.map((k) => ({ ...k })) }),
  };
}
