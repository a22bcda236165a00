/**
 * Key types of the virtual card and how they sign.
 * JPKI's 利用者証明用電子証明書 uses RSA-2048 with SHA-256 (RSASSA-PKCS1-v1_5); ECDSA P-256 is offered too
 * because it is far cheaper for simulated readers in benchmarks. ECDSA signatures are IEEE P1363 (r‖s).
 */
import { createHash, generateKeyPair as generateNodeKeyPair, sign, verify, webcrypto, type KeyObject } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import { promisify } from 'node:util';

export type CardKeyType = 'P-256' | 'RSA-2048';

export const CARD_KEY_TYPES: readonly CardKeyType[] = ['P-256', 'RSA-2048'];

const generate = promisify(generateNodeKeyPair);

export async function generateKeyPair(type: CardKeyType): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (type === 'P-256') return generate('ec', { namedCurve: 'P-256' });
  return generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
}

/** WebCrypto parameters (for X.509 signing with @peculiar/x509). */
export function webCryptoAlgorithm(type: CardKeyType): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  return type === 'P-256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

export function signingAlgorithm(type: CardKeyType): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return type === 'P-256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
}

export async function toWebCryptoPrivateKey(key: KeyObject, type: CardKeyType): Promise<CryptoKey> {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, webCryptoAlgorithm(type), false, ['sign']);
}

export async function toWebCryptoPublicKey(key: KeyObject, type: CardKeyType): Promise<CryptoKey> {
  const der = key.export({ format: 'der', type: 'spki' });
  return webcrypto.subtle.importKey('spki', der, webCryptoAlgorithm(type), true, ['verify']);
}

/** The key type of a public or private key, or undefined when the card scheme does not accept it. */
export function keyTypeOf(key: KeyObject): CardKeyType | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'P-256';
  if (key.asymmetricKeyType === 'rsa' && details?.modulusLength === 2048) return 'RSA-2048';
  return undefined;
}

export function signData(key: KeyObject, type: CardKeyType, data: Uint8Array): Buffer {
  return type === 'P-256' ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', data, key);
}

export function verifyData(key: KeyObject, type: CardKeyType, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return type === 'P-256' ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha256', data, key, signature);
  } catch {
    return false;
  }
}

/** SHA-256 fingerprint of DER bytes, lowercase hex. */
export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Certificate serial numbers are compared as lowercase hex without leading zeros. */
export function normalizeSerial(hex: string): string {
  const s = hex
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/^0+/, '');
  return s === '' ? '0' : s;
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** All PEM blocks of `label` in `text`, as DER. */
export function fromPem(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}
