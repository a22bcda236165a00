/**
 * Checking a card file that arrives from outside (an upload to the virtual reader, the patient's sign-in): every
 * field of `tsunagu-virtual-card/1` with bounded sizes and key-derivation costs (a file must not make the server
 * spend unbounded memory on scrypt), and that the file is a genuine card — its face slot (opened with the
 * 券面の照合番号 it holds, as the face-authentication reader does) opens a private key that belongs to its
 * certificate, whose subject names the card. A file edited to carry another card's id or certificate fails here,
 * before any retry counter is touched. Nothing else is trusted: the certificate is verified by the CardVerifier.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { Reason } from '../../model/reason.ts';
import { CARD_KEY_TYPES, fingerprintOf, fromPem, keyTypeOf } from './algorithms.ts';
import { ADMIN_TRIES, CARD_FILE_FORMAT, PIN_TRIES, type CardFile } from './card-file.ts';
import { slotAad } from './card.ts';
import { openPrivateKey, unwrapDataKey, type SealedKey, type WrappedKey } from './key-vault.ts';

/** scrypt costs a card file may name (2^10 for tests … 2^15, the issuing default). */
export const MIN_SCRYPT_N = 1 << 10;
export const MAX_SCRYPT_N = 1 << 15;
const MAX_PEM = 8192;
const MAX_CHAIN = 3;

export type CheckedCardFile = { ok: true; file: CardFile; certificateDer: Buffer; fingerprint: string } | ({ ok: false; field: string } & Reason<'malformed'>);

class Malformed extends Error {
  constructor(
    readonly field: string,
    readonly ja: string,
  ) {
    super(field);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Malformed(field, 'オブジェクトではありません');
  return v as Record<string, unknown>;
}

function text(v: unknown, field: string, max: number, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max || (pattern && !pattern.test(v))) throw new Malformed(field, '値が正しくありません');
  return v;
}

function whole(v: unknown, field: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw new Malformed(field, `${min}から${max}の整数ではありません`);
  return v as number;
}

function flag(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new Malformed(field, 'true / false ではありません');
  return v;
}

const b64 = (v: unknown, field: string, max: number) => text(v, field, max, BASE64);

function sealed(v: unknown, field: string): SealedKey {
  const o = object(v, field);
  return { iv: b64(o.iv, `${field}.iv`, 32), tag: b64(o.tag, `${field}.tag`, 32), ciphertext: b64(o.ciphertext, `${field}.ciphertext`, 4096) };
}

function wrapped(v: unknown, field: string, kdf: 'scrypt' | 'hkdf-sha256'): WrappedKey {
  const o = object(v, field);
  const box = { iv: b64(o.iv, `${field}.iv`, 32), tag: b64(o.tag, `${field}.tag`, 32), wrapped: b64(o.wrapped, `${field}.wrapped`, 128) };
  const salt = b64(o.salt, `${field}.salt`, 64);
  if (o.kdf !== kdf) throw new Malformed(`${field}.kdf`, `${kdf} ではありません`);
  if (kdf === 'hkdf-sha256') return { kdf, salt, ...box };
  const N = whole(o.N, `${field}.N`, MIN_SCRYPT_N, MAX_SCRYPT_N);
  if ((N & (N - 1)) !== 0) throw new Malformed(`${field}.N`, '2のべき乗ではありません');
  if (o.r !== 8 || o.p !== 1) throw new Malformed(`${field}.r`, 'scrypt の r=8, p=1 ではありません');
  return { kdf, salt, N, r: 8, p: 1, ...box };
}

function certificatePem(v: unknown, field: string): { pem: string; der: Buffer; cert: X509Certificate } {
  const pem = text(v, field, MAX_PEM);
  const ders = fromPem(pem, 'CERTIFICATE');
  if (ders.length !== 1) throw new Malformed(field, 'PEM の証明書が1つではありません');
  try {
    return { pem, der: ders[0], cert: new X509Certificate(ders[0]) };
  } catch {
    throw new Malformed(field, '証明書を読み取れません');
  }
}

/** The fields, checked and copied (unknown fields are dropped). */
function fields(value: unknown): { file: CardFile; der: Buffer; cert: X509Certificate } {
  const o = object(value, 'card');
  if (o.format !== CARD_FILE_FORMAT) throw new Malformed('card.format', `${CARD_FILE_FORMAT} ではありません`);
  const cardId = text(o.cardId, 'card.cardId', 64, /^[A-Za-z0-9_-]+$/);
  if (!CARD_KEY_TYPES.includes(o.keyType as CardFile['keyType'])) throw new Malformed('card.keyType', 'P-256 / RSA-2048 ではありません');
  const leaf = certificatePem(o.certificate, 'card.certificate');
  if (!Array.isArray(o.chain) || o.chain.length > MAX_CHAIN) throw new Malformed('card.chain', `${MAX_CHAIN}件までの配列ではありません`);
  const chain = o.chain.map((c, i) => certificatePem(c, `card.chain[${i}]`).pem);
  const slots = object(o.slots, 'card.slots');
  if (o.renewedAt !== null && typeof o.renewedAt !== 'string') throw new Malformed('card.renewedAt', '日時ではありません');
  if (!Array.isArray(o.previousSerials) || o.previousSerials.length > 100) throw new Malformed('card.previousSerials', '配列ではありません');
  const file: CardFile = {
    format: CARD_FILE_FORMAT,
    cardId,
    keyType: o.keyType as CardFile['keyType'],
    certificate: leaf.pem,
    chain,
    surfaceCode: text(o.surfaceCode, 'card.surfaceCode', 64),
    privateKey: sealed(o.privateKey, 'card.privateKey'),
    slots: {
      pin: wrapped(slots.pin, 'card.slots.pin', 'scrypt'),
      face: wrapped(slots.face, 'card.slots.face', 'hkdf-sha256'),
      admin: wrapped(slots.admin, 'card.slots.admin', 'scrypt'),
    },
    pinRetriesLeft: whole(o.pinRetriesLeft, 'card.pinRetriesLeft', 0, PIN_TRIES),
    pinLocked: flag(o.pinLocked, 'card.pinLocked'),
    adminRetriesLeft: whole(o.adminRetriesLeft, 'card.adminRetriesLeft', 0, ADMIN_TRIES),
    blocked: flag(o.blocked, 'card.blocked'),
    issuedAt: text(o.issuedAt, 'card.issuedAt', 64),
    renewedAt: o.renewedAt === null ? null : text(o.renewedAt, 'card.renewedAt', 64),
    previousSerials: o.previousSerials.map((s, i) => text(s, `card.previousSerials[${i}]`, 64, /^[0-9a-fA-F]+$/)),
  };
  return { file, der: leaf.der, cert: leaf.cert };
}

/** The face slot opens a private key whose public half is the certificate's, and the certificate names the card. */
async function genuine(file: CardFile, cert: X509Certificate): Promise<string | undefined> {
  const cn = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  if (cn?.slice(3) !== file.cardId) return 'the certificate does not name this card';
  if (keyTypeOf(cert.publicKey) !== file.keyType) return 'the key type does not match the certificate';
  const dataKey = await unwrapDataKey(file.slots.face, file.surfaceCode, slotAad(file.cardId, 'face'));
  const pkcs8 = dataKey && openPrivateKey(dataKey, file.privateKey, slotAad(file.cardId, 'key'));
  if (!pkcs8) return 'the sealed key does not open';
  try {
    const publicKey = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    const spki = (k: typeof publicKey) => k.export({ format: 'der', type: 'spki' });
    return spki(publicKey).equals(spki(cert.publicKey)) ? undefined : 'the key does not belong to the certificate';
  } catch {
    return 'the sealed key cannot be read';
  }
}

/** Checks a card file given as parsed JSON. A refusal names the field (`card.slots.pin.N` …). */
export async function checkCardFile(value: unknown): Promise<CheckedCardFile> {
  try {
    const { file, der, cert } = fields(value);
    const problem = await genuine(file, cert);
    if (problem)
      return {
        ok: false,
        code: 'malformed',
        field: 'card',
        ja: 'カードのファイルが壊れているか、書き換えられています（発行されたファイルをそのまま使ってください）',
        en: `the card file is damaged or altered: ${problem}`,
      };
    return { ok: true, file, certificateDer: der, fingerprint: fingerprintOf(der) };
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    return {
      ok: false,
      code: 'malformed',
      field: err.field,
      ja: `仮想マイナンバーカードのファイルではありません（${err.field}: ${err.ja}）`,
      en: `not a ${CARD_FILE_FORMAT} card file (${err.field} is missing or invalid)`,
    };
  }
}
