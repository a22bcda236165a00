/**
 * Issuing and renewing virtual My Number cards (what `tsunagu card issue` / `card renew` do).
 *
 * Issuing: a key pair of the requested type, a 利用者証明用 certificate from the card CA (subject CN is an
 * opaque card id, never a name or the My Number), the private key sealed under the PIN / face / admin
 * slots, and a JSON card file. The returned serial and fingerprint are what the platform links to the
 * person (証明書シリアル番号 ↔ 個人); the card knows nothing about the person.
 *
 * Renewal (証明書の更新): the same card gets a new key pair and certificate; the old certificate is revoked
 * as `superseded` by default. The result names both serials so the linking layer can move the link from the
 * old certificate to the new one — the person keeps one identity.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { fingerprintOf, fromPem, generateKeyPair, normalizeSerial, toPem, type CardKeyType } from './algorithms.ts';
import type { CardAuthority } from './authority.ts';
import { ADMIN_TRIES, CARD_FILE_FORMAT, PIN_TRIES, readCardFile, writeCardFile, type CardFile } from './card-file.ts';
import { PIN_PATTERN, slotAad, type CardFailure } from './card.ts';
import { DEFAULT_SCRYPT_N, newDataKey, sealPrivateKey, unwrapDataKey, wrapDataKey } from './key-vault.ts';

export interface IssueCardOptions {
  authority: CardAuthority;
  /** Where to write the card file; an existing file is never overwritten. */
  path: string;
  /** 暗証番号 (4 digits) chosen by the holder. */
  pin: string;
  keyType?: CardKeyType;
  /** Certificate validity in days (default 5 years, capped at the CA's expiry). */
  validDays?: number;
  now?: Date;
  /** scrypt cost N for the PIN and admin slots (default 2^15; tests may lower it). */
  pinKdfCost?: number;
}

export interface IssuedCard {
  path: string;
  cardId: string;
  keyType: CardKeyType;
  serial: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  certificatePem: string;
  /** 管理コード for PIN reset at the office; also kept in the CA's issuing register. */
  adminCode: string;
}

export interface RenewedCard extends Omit<IssuedCard, 'adminCode'> {
  previousSerial: string;
  previousFingerprint: string;
}

function randomDigits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

async function newCertificate(authority: CardAuthority, cardId: string, keyType: CardKeyType, now: Date, validDays?: number) {
  const keys = await generateKeyPair(keyType);
  const issued = await authority.issueUserCertificate({ publicKey: keys.publicKey, cardId, now, validDays });
  return { keys, ...issued, pem: toPem(new Uint8Array(issued.certificate.rawData), 'CERTIFICATE') };
}

/** Issues a new virtual card for a registered person (the caller links the returned serial to them). */
export async function issueCard(options: IssueCardOptions): Promise<IssuedCard> {
  const { authority, path, pin } = options;
  if (!PIN_PATTERN.test(pin)) throw new Error('the PIN must be four digits');
  const keyType = options.keyType ?? 'P-256';
  const now = options.now ?? new Date();
  const cardId = randomBytes(12).toString('hex');
  const adminCode = randomDigits(12);
  // 照合番号 (simulated): birth date and expiry would be printed on a real card; random digits here.
  const surfaceCode = randomDigits(12);
  const cert = await newCertificate(authority, cardId, keyType, now, options.validDays);
  const dataKey = newDataKey();
  const N = options.pinKdfCost ?? DEFAULT_SCRYPT_N;
  const card: CardFile = {
    format: CARD_FILE_FORMAT,
    cardId,
    keyType,
    certificate: cert.pem,
    chain: authority.certificate.subject === authority.certificate.issuer ? [] : [authority.certificatePem, ...authority.chainPems.slice(0, -1)],
    surfaceCode,
    privateKey: sealPrivateKey(dataKey, cert.keys.privateKey.export({ format: 'der', type: 'pkcs8' }), slotAad(cardId, 'key')),
    slots: {
      pin: await wrapDataKey(dataKey, pin, { kdf: 'scrypt', N }, slotAad(cardId, 'pin')),
      face: await wrapDataKey(dataKey, surfaceCode, { kdf: 'hkdf-sha256' }, slotAad(cardId, 'face')),
      admin: await wrapDataKey(dataKey, adminCode, { kdf: 'scrypt', N }, slotAad(cardId, 'admin')),
    },
    pinRetriesLeft: PIN_TRIES,
    pinLocked: false,
    adminRetriesLeft: ADMIN_TRIES,
    blocked: false,
    issuedAt: now.toISOString(),
    renewedAt: null,
    previousSerials: [],
  };
  await writeCardFile(path, card, { exclusive: true });
  await authority.recordIssued({
    serial: cert.serial,
    fingerprint: cert.fingerprint,
    cardId,
    notBefore: cert.certificate.notBefore.toISOString(),
    notAfter: cert.certificate.notAfter.toISOString(),
    issuedAt: now.toISOString(),
    adminCode,
  });
  return {
    path,
    cardId,
    keyType,
    serial: cert.serial,
    fingerprint: cert.fingerprint,
    notBefore: cert.certificate.notBefore,
    notAfter: cert.certificate.notAfter,
    certificatePem: cert.pem,
    adminCode,
  };
}

/** Renewal takes the issuing options but the KDF cost (the card keeps its slots); `pin` is the holder's PIN
 * (renewal happens with the holder present; a wrong PIN is refused, not counted). */
export interface RenewCardOptions extends Omit<IssueCardOptions, 'pinKdfCost'> {
  /** Revoke the previous certificate as superseded (default true). */
  revokePrevious?: boolean;
}

/** Renews the card's certificate: new key pair and certificate, same card, old one revoked. */
export async function renewCard(options: RenewCardOptions): Promise<RenewedCard | CardFailure> {
  const { authority, path } = options;
  const state = await readCardFile(path);
  if (state.blocked) return { ok: false, code: 'card-blocked', ja: 'このカードは使用できません', en: 'the card is blocked' };
  if (state.pinLocked)
    return { ok: false, code: 'pin-locked', ja: '暗証番号がロックされています。先に再設定してください', en: 'the PIN is locked; reset it first' };
  const dataKey = await unwrapDataKey(state.slots.pin, options.pin, slotAad(state.cardId, 'pin'));
  if (!dataKey) return { ok: false, code: 'wrong-pin', ja: '暗証番号が違います', en: 'wrong PIN' };
  const now = options.now ?? new Date();
  const keyType = options.keyType ?? state.keyType;
  const previousFingerprint = fingerprintOf(fromPem(state.certificate, 'CERTIFICATE')[0]);
  const previous = (await authority.issued()).find((e) => e.fingerprint === previousFingerprint);
  if (!previous) throw new Error(`card ${state.cardId} was not issued by the CA in ${authority.dir}`);
  const cert = await newCertificate(authority, state.cardId, keyType, now, options.validDays);
  const next: CardFile = {
    ...state,
    keyType,
    certificate: cert.pem,
    privateKey: sealPrivateKey(dataKey, cert.keys.privateKey.export({ format: 'der', type: 'pkcs8' }), slotAad(state.cardId, 'key')),
    renewedAt: now.toISOString(),
    previousSerials: [...state.previousSerials, previous.serial],
  };
  await writeCardFile(path, next);
  await authority.recordIssued({
    serial: cert.serial,
    fingerprint: cert.fingerprint,
    cardId: state.cardId,
    notBefore: cert.certificate.notBefore.toISOString(),
    notAfter: cert.certificate.notAfter.toISOString(),
    issuedAt: now.toISOString(),
    renewedFrom: previous.serial,
  });
  if (options.revokePrevious ?? true) await authority.revoke(previous.serial, 'superseded', now);
  return {
    path,
    cardId: state.cardId,
    keyType,
    serial: cert.serial,
    fingerprint: cert.fingerprint,
    notBefore: cert.certificate.notBefore,
    notAfter: cert.certificate.notAfter,
    certificatePem: cert.pem,
    previousSerial: normalizeSerial(previous.serial),
    previousFingerprint,
  };
}
