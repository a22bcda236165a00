/**
 * A test certification authority in the style of HPKI (保健医療福祉分野PKI認証局) that issues prescriber signing
 * certificates carrying the qualification (hcRole: 医師 / 歯科医師 / 薬剤師 …), the holder's name and registration
 * number; revocation through CRLs.
 *
 * Real HPKI has two levels: 厚生労働省's HPKI root CA and the issuing CAs accredited under it (日本医師会認証局,
 * MEDIS, 日本薬剤師会認証局 …; outside: the MHLW CP and the 日本薬剤師会 HPKI page). `parent` builds the same shape.
 *
 * The CA machinery (key, certificate, CRL, revocation register) is the eligibility service's virtual card CA
 * (`createCardAuthority`, exported from its entry point); this module adds what HPKI needs on top. Everything lives
 * in one directory chosen by the operator:
 *   ca.crt.pem, ca.key.pem (TEST PKI ONLY: unencrypted), chain.pem, authority.json, revoked.jsonl, crl.pem
 *                   the card CA's files (see the eligibility service's reception/card/authority.ts)
 *   hpki.json       marks the directory as an HPKI test CA
 *   holders.jsonl   one line per issued prescriber certificate (serial, name, hcRoles, registration number, validity)
 * A real deployment never runs this: the HPKI CAs issue the certificates and the platform trusts their CA
 * certificates and CRLs (trust.ts).
 */
import { generateKeyPair as generateNodeKeyPair, type KeyObject } from 'node:crypto';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createCardAuthority,
  fingerprintOf,
  loadCardAuthority,
  normalizeSerial,
  type CardAuthority,
  type CardKeyType,
  type RevocationReason,
} from '../../eligibility/index.ts';
import { CREDENTIAL_FORMAT, type PrescriberCredential } from './credential.ts';
import { REGISTRATION_NUMBER_ATTRIBUTE_OID } from './holder.ts';
import { QUALIFICATIONS, SUBJECT_DIRECTORY_ATTRIBUTES_OID, hcRoleExtensionValue, type QualificationRole } from './qualification.ts';
import { x509 } from './x509.ts';

const MARKER = 'hpki.json';
const HOLDERS = 'holders.jsonl';
const MARKER_FORMAT = 'tsunagu-hpki-authority/1';

export interface CreateHpkiAuthorityOptions {
  /** Directory to create the CA in; must not already hold one. */
  dir: string;
  commonName?: string;
  /** CA key type (default P-256: cheap for tests; real HPKI CAs use RSA). */
  keyType?: CardKeyType;
  validityDays?: number;
  /** Create an issuing CA under this (root) CA. */
  parent?: HpkiAuthority;
  now?: Date;
}

export interface IssuePrescriberOptions {
  /** 氏名 (subject CN). */
  name: string;
  /** The qualification to certify; its hcRole text goes into the certificate. */
  role: QualificationRole;
  /** Raw hcRole texts instead of `role`'s (negative tests: [] for none, an unknown text, several roles). */
  hcRoles?: readonly string[];
  /** 医籍登録番号 / 歯科医籍登録番号 / 薬剤師名簿登録番号: letters, digits and '-' only. */
  registrationNumber: string;
  /** Key type of the holder (default P-256; HPKI cards hold RSA-2048). */
  keyType?: CardKeyType;
  now?: Date;
  /** Validity (default 5 years from `now`, capped at the CA's own expiry). */
  validDays?: number;
  /** Explicit validity, for tests of certificates not yet valid or expired. */
  notBefore?: Date;
  notAfter?: Date;
}

/** One issued prescriber certificate, as the CA's register records it. */
export interface HolderEntry {
  serial: string;
  fingerprint: string;
  name: string;
  hcRoles: string[];
  registrationNumber: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
}

const generate = promisify(generateNodeKeyPair);

async function holderKeyPair(type: CardKeyType): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return type === 'P-256' ? generate('ec', { namedCurve: 'P-256' }) : generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
}

/** Characters that would need escaping in a distinguished name string (RFC 4514 §2.4), refused in names. */
const DN_SPECIAL = /[,+"\\<>;=#\n\r]/;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class HpkiAuthority {
  private constructor(
    /** The underlying CA (the eligibility service's card CA machinery). */
    readonly ca: CardAuthority,
  ) {}

  get dir(): string {
    return this.ca.dir;
  }

  get certificatePem(): string {
    return this.ca.certificatePem;
  }

  /** CA certificates above this one (empty for a root). */
  get chainPems(): string[] {
    return this.ca.chainPems;
  }

  get fingerprint(): string {
    return this.ca.fingerprint;
  }

  static async create(options: CreateHpkiAuthorityOptions): Promise<HpkiAuthority> {
    const commonName = options.commonName ?? (options.parent ? 'Tsunagu Test HPKI Issuing CA' : 'Tsunagu Test HPKI Root CA');
    const ca = await createCardAuthority({
      dir: options.dir,
      commonName,
      keyType: options.keyType,
      validityDays: options.validityDays,
      parent: options.parent?.ca,
      now: options.now,
    });
    await writeFile(join(options.dir, MARKER), JSON.stringify({ format: MARKER_FORMAT, commonName }, null, 2));
    return new HpkiAuthority(ca);
  }

  static async load(dir: string): Promise<HpkiAuthority> {
    const marker = (await exists(join(dir, MARKER))) ? (JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as { format?: string }) : {};
    if (marker.format !== MARKER_FORMAT) throw new Error(`${dir} is not an HPKI test authority directory`);
    return new HpkiAuthority(await loadCardAuthority(dir));
  }

  /**
   * Issues a prescriber signing certificate and a fresh key: subject CN = name, serialNumber = registration number,
   * C = JP; keyUsage digitalSignature + nonRepudiation (critical); not a CA; hcRole in subjectDirectoryAttributes.
   */
  async issue(options: IssuePrescriberOptions): Promise<PrescriberCredential> {
    const name = options.name.trim();
    if (name === '' || DN_SPECIAL.test(name)) throw new Error(`name "${options.name}" is empty or has a character not allowed in a certificate name`);
    if (!/^[0-9A-Za-z-]{1,32}$/.test(options.registrationNumber))
      throw new Error(`registration number "${options.registrationNumber}" must be letters, digits or '-'`);
    const hcRoles = [...(options.hcRoles ?? [QUALIFICATIONS[options.role].hcRole])];
    const now = options.now ?? new Date();
    const notBefore = options.notBefore ?? now;
    const caNotAfter = this.ca.certificate.notAfter.getTime();
    const notAfter = options.notAfter ?? new Date(Math.min(notBefore.getTime() + (options.validDays ?? 5 * 365) * 86400_000, caNotAfter));
    const keys = await holderKeyPair(options.keyType ?? 'P-256');
    const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      await x509.SubjectKeyIdentifierExtension.create(spki),
    ];
    if (hcRoles.length > 0) extensions.push(new x509.Extension(SUBJECT_DIRECTORY_ATTRIBUTES_OID, false, hcRoleExtensionValue(hcRoles)));
    const certificate = await this.ca.signCertificate({
      subject: `CN=${name}, ${REGISTRATION_NUMBER_ATTRIBUTE_OID}=${options.registrationNumber}, C=JP`,
      publicKey: keys.publicKey,
      notBefore,
      notAfter,
      extensions,
    });
    const der = new Uint8Array(certificate.rawData);
    const serial = normalizeSerial(certificate.serialNumber);
    const entry: HolderEntry = {
      serial,
      fingerprint: fingerprintOf(der),
      name,
      hcRoles,
      registrationNumber: options.registrationNumber,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      issuedAt: now.toISOString(),
    };
    await appendFile(join(this.dir, HOLDERS), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    return {
      format: CREDENTIAL_FORMAT,
      name,
      role: options.hcRoles ? undefined : options.role,
      hcRoles,
      registrationNumber: options.registrationNumber,
      serial,
      certificatePem: certificate.toString('pem'),
      chainPems: [this.certificatePem, ...this.chainPems],
      privateKeyPem: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    };
  }

  /** The register of issued prescriber certificates. */
  async holders(): Promise<HolderEntry[]> {
    if (!(await exists(join(this.dir, HOLDERS)))) return [];
    return (await readFile(join(this.dir, HOLDERS), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as HolderEntry);
  }

  /**
   * Revokes a certificate (idempotent); it appears on the next CRL. For a lost card use 'keyCompromise'; for a
   * withdrawn qualification (免許の取消・業務停止) 'cessationOfOperation' (the card CA has no privilegeWithdrawn).
   */
  async revoke(serial: string, reason: RevocationReason, at?: Date): Promise<void> {
    await this.ca.revoke(serial, reason, at);
  }

  /** Publishes a CRL of every revocation so far (saved as crl.pem); returns its PEM. */
  async publishCrl(options: { now?: Date; validHours?: number } = {}): Promise<string> {
    return this.ca.issueCrl(options);
  }
}

export function createHpkiAuthority(options: CreateHpkiAuthorityOptions): Promise<HpkiAuthority> {
  return HpkiAuthority.create(options);
}

export function loadHpkiAuthority(dir: string): Promise<HpkiAuthority> {
  return HpkiAuthority.load(dir);
}
