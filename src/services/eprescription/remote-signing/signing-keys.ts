/**
 * The platform's remote signer (リモート署名): a 医師 / 歯科医師 signs prescriptions in the browser app without the key
 * ever reaching the browser — modelled on the HPKIセカンド電子証明書, whose key the HPKI電子証明書管理サービス holds and
 * uses only after the holder authenticates.
 *
 *   enrol   the signed-in prescriber hands over their HPKI credential once (the demo's / test CA's credential file),
 *           with a signing passphrase of their own. Refused unless: the caller is a signed-in staff member whose role
 *           prescribes; the key signs and the signature verifies against the trusted HPKI (chain, validity, CRL);
 *           the certificate's qualification is the account's role (医師 ↔ doctor, 歯科医師 ↔ dentist); the
 *           certificate's holder name is the account's name; the certificate is not enrolled for another account.
 *           The credential is then sealed: AES-256-GCM under a key derived from the passphrase with scrypt, with the
 *           staff id and the certificate fingerprint as associated data (a sealed row cannot be moved to another).
 *   unlock  at signing, the credential of the SIGNED-IN account only (there is no parameter naming a credential, so
 *           nobody can sign with another's), opened with the passphrase; LOCK_AFTER wrong passphrases in a row lock
 *           it for LOCK_MINUTES.
 *
 * What a real deployment replaces: the sealed row by the HPKI remote signing service (or an HSM); `unlock` by the
 * service's holder authentication, returning a PrescriberKey (signature/signer.ts) that sends only the digest.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import type { Bundle } from '@medplum/fhirtypes';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError, forbidden } from '../../../platform/fhir/errors.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import {
  CREDENTIAL_FORMAT,
  localPrescriberKey,
  PRESCRIBING_ROLES,
  type PrescriberCredential,
  signPrescriptionBundle,
  verifyPrescriptionSignature,
} from '../signature/index.ts';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const LOCK_AFTER = 5;
export const LOCK_MINUTES = 15;
export const MIN_PASSPHRASE_LENGTH = 8;
const KDF = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface SigningKeyInfo {
  holderName: string;
  role: string;
  registrationNumber?: string;
  serial: string;
  fingerprint: string;
  notAfter: Date;
  lockedUntil?: Date;
}

interface Row {
  staff_id: string;
  facility_code: string;
  holder_name: string;
  role: string;
  registration_number: string | null;
  certificate_serial: string;
  certificate_fingerprint: string;
  not_after: Date | string;
  sealed: string;
  failed_count: number;
  locked_until: Date | string | null;
}

const COLUMNS =
  'staff_id, facility_code, holder_name, role, registration_number, certificate_serial, certificate_fingerprint, not_after, sealed, failed_count, locked_until';

const infoOf = (r: Row, now: Date): SigningKeyInfo => ({
  holderName: r.holder_name,
  role: r.role,
  registrationNumber: r.registration_number ?? undefined,
  serial: r.certificate_serial,
  fingerprint: r.certificate_fingerprint,
  notAfter: new Date(r.not_after),
  lockedUntil: r.locked_until && new Date(r.locked_until) > now ? new Date(r.locked_until) : undefined,
});

/** The comparable form of a person's name: NFKC, no spaces of any width. */
const personName = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

/** The signed-in prescriber (a staff member of a facility whose role prescribes), or 403. */
export function signedInPrescriber(ctx: RequestContext): { staffId: string; name: string; role: 'doctor' | 'dentist'; facilityCode: string } {
  const p = ctx.principal;
  const u = p.user;
  if (p.kind !== 'facility' || !p.facilityCode || u?.kind !== 'staff')
    throw forbidden(
      '電子署名は、医療機関にサインインした医師・歯科医師本人が行います（システム連携の処方箋は $register-prescription で登録してください）',
      'remote signing is for a doctor or dentist signed in to a facility (systems register signed prescriptions with $register-prescription)',
    );
  if (u.role !== 'doctor' && u.role !== 'dentist') throw forbidden('電子署名は医師・歯科医師が行います', 'only a doctor or dentist signs prescriptions');
  return { staffId: u.id, name: u.name, role: u.role, facilityCode: p.facilityCode };
}

async function rowOf(rt: EprescriptionRuntime, staffId: string): Promise<Row | undefined> {
  return (await rt.platform.db.query<Row>(`SELECT ${COLUMNS} FROM eprescription_signing_keys WHERE staff_id = $1`, [staffId])).rows[0];
}

/** The signed-in prescriber's enrolled key, if any. */
export async function signingKeyOf(rt: EprescriptionRuntime, staffId: string): Promise<SigningKeyInfo | undefined> {
  const r = await rowOf(rt, staffId);
  return r ? infoOf(r, rt.clock()) : undefined;
}

const refused = (ja: string, en: string) => FhirError.of(422, 'security', ja, en, ['credential']);

function parseCredential(text: string): PrescriberCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refused(
      '電子証明書ファイルを読めません（HPKI 資格情報ファイル .json を選んでください）',
      'the credential file is not JSON (choose the HPKI credential .json file)',
    );
  }
  const c = parsed as Partial<PrescriberCredential> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    c.format !== CREDENTIAL_FORMAT ||
    typeof c.certificatePem !== 'string' ||
    typeof c.privateKeyPem !== 'string' ||
    !Array.isArray(c.chainPems)
  )
    throw refused('HPKI 資格情報ファイルではありません', `not an HPKI credential file (${CREDENTIAL_FORMAT})`);
  return c as PrescriberCredential;
}

/** A tiny Bundle the credential signs at enrolment, to prove the key and verify certificate, chain and qualification. */
const PROBE: Bundle = { resourceType: 'Bundle', type: 'collection', identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:tsunagu:signing-enrolment' } };

async function seal(credential: PrescriberCredential, passphrase: string, aad: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scrypt(passphrase.normalize('NFKC'), salt, 32, KDF);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(credential), 'utf8'), cipher.final()]);
  return JSON.stringify({
    v: 1,
    kdf: 'scrypt',
    N: KDF.N,
    r: KDF.r,
    p: KDF.p,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  });
}

async function unseal(sealed: string, passphrase: string, aad: string): Promise<PrescriberCredential | undefined> {
  const s = JSON.parse(sealed) as { N: number; r: number; p: number; salt: string; iv: string; tag: string; data: string };
  const key = await scrypt(passphrase.normalize('NFKC'), Buffer.from(s.salt, 'base64'), 32, { N: s.N, r: s.r, p: s.p, maxmem: KDF.maxmem });
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as PrescriberCredential;
  } catch {
    return undefined;
  }
}

const ROLE_JA = { doctor: '医師', dentist: '歯科医師', pharmacist: '薬剤師' } as Record<string, string>;

function lockedError(until: Date): FhirError {
  const at = until.toLocaleTimeString('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });
  return FhirError.of(
    429,
    'throttled',
    `署名用パスフレーズの誤りが続いたため、電子署名を ${at} まで停止しています`,
    `signing is locked after repeated wrong passphrases until ${until.toISOString()}`,
    ['passphrase'],
  );
}

/** Enrols the signed-in prescriber's credential (replacing their earlier one). */
export async function enrolSigningKey(rt: EprescriptionRuntime, ctx: RequestContext, credentialText: string, passphrase: string): Promise<SigningKeyInfo> {
  const who = signedInPrescriber(ctx);
  const now = rt.clock();
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw FhirError.of(
      400,
      'invalid',
      `署名用パスフレーズは${MIN_PASSPHRASE_LENGTH}文字以上にしてください`,
      `the signing passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters`,
      ['passphrase'],
    );
  const before = await rowOf(rt, who.staffId);
  if (before?.locked_until && new Date(before.locked_until) > now) throw lockedError(new Date(before.locked_until));
  const credential = parseCredential(credentialText);
  if (!rt.trust)
    throw FhirError.of(
      422,
      'not-supported',
      '電子署名を検証する HPKI 認証局が設定されていません。運用者に TSUNAGU_HPKI_TRUST_DIR の設定を依頼してください',
      'no trusted HPKI CA is configured (TSUNAGU_HPKI_TRUST_DIR)',
    );
  let signed: Bundle;
  try {
    signed = await signPrescriptionBundle(PROBE, localPrescriberKey(credential), { at: now });
  } catch {
    throw refused(
      '電子証明書ファイルの鍵で署名できません（ファイルが壊れているか、形式が違います）',
      'the credential key cannot sign (damaged or unsupported file)',
    );
  }
  const v = await verifyPrescriptionSignature(signed, rt.trust, {
    at: now,
    requiredRole: PRESCRIBING_ROLES,
    requireCurrentRevocationData: rt.requireCurrentCrl,
  });
  if (!v.ok) throw refused(`この電子証明書は使えません: ${v.ja}`, `the certificate is refused (${v.code}): ${v.en}`);
  const signer = v.signer;
  if (signer.role !== who.role)
    throw refused(
      `証明書の資格（${ROLE_JA[signer.role] ?? signer.role}）がサインイン中の職種（${ROLE_JA[who.role]}）と一致しません`,
      `the certificate's qualification (${signer.role}) is not the signed-in role (${who.role})`,
    );
  if (personName(signer.name) !== personName(who.name))
    throw refused(
      `証明書の氏名（${signer.name}）がサインイン中の方（${who.name}）と一致しません。ご本人の電子証明書だけを登録できます`,
      `the certificate's holder (${signer.name}) is not the signed-in person (${who.name}); only one's own certificate can be enrolled`,
    );
  const sealed = await seal(credential, passphrase, `${who.staffId}|${signer.fingerprint}`);
  const res = await rt.platform.db
    .query<Row>(
      `INSERT INTO eprescription_signing_keys (staff_id, facility_code, holder_name, role, registration_number, certificate_serial, certificate_fingerprint,
       not_after, sealed, failed_count, locked_until, enrolled_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, NULL, $10)
     ON CONFLICT (staff_id) DO UPDATE SET facility_code = EXCLUDED.facility_code, holder_name = EXCLUDED.holder_name, role = EXCLUDED.role,
       registration_number = EXCLUDED.registration_number, certificate_serial = EXCLUDED.certificate_serial,
       certificate_fingerprint = EXCLUDED.certificate_fingerprint, not_after = EXCLUDED.not_after, sealed = EXCLUDED.sealed,
       failed_count = 0, locked_until = NULL, enrolled_at = EXCLUDED.enrolled_at
     RETURNING ${COLUMNS}`,
      [
        who.staffId,
        who.facilityCode,
        signer.name,
        signer.role,
        signer.registrationNumber ?? null,
        signer.serial,
        signer.fingerprint,
        signer.notAfter.toISOString(),
        sealed,
        now.toISOString(),
      ],
    )
    .catch((e: Error) => {
      if (/unique|duplicate/i.test(e.message))
        throw FhirError.of(409, 'conflict', 'この電子証明書は別のアカウントに登録されています', 'this certificate is enrolled for another account', [
          'credential',
        ]);
      throw e;
    });
  return infoOf(res.rows[0], now);
}

/**
 * The signed-in prescriber's credential, opened with their passphrase — never anyone else's. A wrong passphrase is
 * counted (403); after LOCK_AFTER in a row the key is locked (429) for LOCK_MINUTES.
 */
export async function unlockSigningKey(rt: EprescriptionRuntime, ctx: RequestContext, passphrase: string | undefined): Promise<PrescriberCredential> {
  const who = signedInPrescriber(ctx);
  const now = rt.clock();
  const r = await rowOf(rt, who.staffId);
  if (!r)
    throw FhirError.of(
      409,
      'business-rule',
      '電子署名用の証明書が登録されていません。先に「署名用電子証明書の登録」を行ってください',
      'no signing credential is enrolled for you: enrol it first',
    );
  if (r.locked_until && new Date(r.locked_until) > now) throw lockedError(new Date(r.locked_until));
  if (!passphrase) throw FhirError.of(400, 'required', '署名用パスフレーズを入力してください', 'give the signing passphrase', ['passphrase']);
  const credential = await unseal(r.sealed, passphrase, `${r.staff_id}|${r.certificate_fingerprint}`);
  if (!credential) {
    const failed = r.failed_count + 1;
    const lock = failed >= LOCK_AFTER ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
    await rt.platform.db.query('UPDATE eprescription_signing_keys SET failed_count = $2, locked_until = $3 WHERE staff_id = $1', [
      r.staff_id,
      lock ? 0 : failed,
      lock?.toISOString() ?? null,
    ]);
    if (lock) throw lockedError(lock);
    throw FhirError.of(
      403,
      'security',
      `署名用パスフレーズが違います（あと${LOCK_AFTER - failed}回誤ると一時停止します）`,
      `wrong signing passphrase (${LOCK_AFTER - failed} more and signing is locked)`,
      ['passphrase'],
    );
  }
  await rt.platform.db.query('UPDATE eprescription_signing_keys SET failed_count = 0, last_used_at = $2 WHERE staff_id = $1', [r.staff_id, now.toISOString()]);
  return credential;
}

/**
 * A signed-in prescriber registers only what they signed themselves: the verified signer's certificate must be the
 * one enrolled for their account (system clients — the facility's own EHR — answer for their signers themselves).
 */
export async function assertSignerIsCaller(rt: EprescriptionRuntime, ctx: RequestContext, fingerprint: string | undefined): Promise<void> {
  const u = ctx.principal.user;
  if (u?.kind !== 'staff') return;
  const r = await rowOf(rt, u.id);
  if (!r || !fingerprint || r.certificate_fingerprint !== fingerprint)
    throw FhirError.of(
      422,
      'security',
      'この処方箋の電子署名はサインイン中の医師のものではありません。ご自身の電子証明書で署名してください',
      'the prescription is not signed with the signed-in prescriber’s enrolled certificate',
      ['Bundle.signature'],
    );
}
