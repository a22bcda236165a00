/**
 * The card CA of the virtual My Number card (test PKI standing in for JPKI's 利用者証明用 CA).
 *
 * Design: one CA level by default, like JPKI, whose user-authentication CA (J-LIS) is a self-signed CA that
 * issues the 利用者証明用電子証明書 directly. `parent` creates a subordinate CA instead (root + issuing CA),
 * which exercises real chain building; the verifier accepts either shape.
 *
 * Everything lives in one directory chosen by the caller:
 *   ca.crt.pem      the CA certificate            ca.key.pem   its PKCS#8 key (unencrypted: TEST PKI ONLY)
 *   chain.pem       certificates above this CA    authority.json  key type and CRL number
 *   issued.jsonl    one line per issued certificate (the issuing office's register, incl. admin codes)
 *   revoked.jsonl   one line per revocation       crl.pem      the latest CRL
 * A real deployment never runs this: J-LIS operates the CA, and the platform only receives the CA
 * certificates and revocation data (see trust-store.ts).
 */
import { randomBytes, createPrivateKey, type KeyObject, type webcrypto } from 'node:crypto';
import { appendFile, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fingerprintOf,
  fromPem,
  generateKeyPair,
  keyTypeOf,
  normalizeSerial,
  signingAlgorithm,
  toPem,
  toWebCryptoPrivateKey,
  type CardKeyType,
} from './algorithms.ts';
import { REVOCATION_REASONS, type RevocationReason } from './revocation.ts';
import { x509 } from './x509.ts';

const FILES = {
  cert: 'ca.crt.pem',
  key: 'ca.key.pem',
  chain: 'chain.pem',
  meta: 'authority.json',
  issued: 'issued.jsonl',
  revoked: 'revoked.jsonl',
  crl: 'crl.pem',
} as const;

export interface CreateCardAuthorityOptions {
  /** Directory to create the CA in; must not already hold one. */
  dir: string;
  commonName?: string;
  keyType?: CardKeyType;
  validityDays?: number;
  /** Create a subordinate (issuing) CA signed by this CA. */
  parent?: CardAuthority;
  now?: Date;
}

/** One issued user certificate, as the issuing office records it. */
export interface IssuedEntry {
  serial: string;
  fingerprint: string;
  cardId: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  /** Serial of the certificate this one renewed. */
  renewedFrom?: string;
  /** 管理コード for 暗証番号の再設定 (a PUK held by the office); only on the card's first certificate. */
  adminCode?: string;
}

export interface RevokedEntry {
  serial: string;
  reason: RevocationReason;
  revokedAt: string;
}

export interface CertificateParams {
  subject: string;
  /** SPKI DER or a KeyObject. */
  publicKey: KeyObject | Uint8Array;
  notBefore: Date;
  notAfter: Date;
  extensions: x509.Extension[];
  serial?: string;
}

interface AuthorityMeta {
  format: 'tsunagu-card-authority/1';
  keyType: CardKeyType;
  crlNumber: number;
  createdAt: string;
}

/** Random positive 128-bit serial (RFC 5280: positive, at most 20 octets). */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  b[0] |= 0x10;
  return b.toString('hex');
}

function spkiOf(key: KeyObject | Uint8Array): Uint8Array {
  return key instanceof Uint8Array ? key : key.export({ format: 'der', type: 'spki' });
}

/** A normalised serial as the even-length, non-negative hex the X.509 encoder expects. */
function serialHexForDer(serial: string): string {
  const even = serial.length % 2 ? `0${serial}` : serial;
  return Number.parseInt(even[0], 16) >= 8 ? `00${even}` : even;
}

/** DER INTEGER for the CRL number extension. */
function derInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readJsonLines<T>(path: string): Promise<T[]> {
  if (!(await exists(path))) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export class CardAuthority {
  private constructor(
    readonly dir: string,
    /** The CA certificate. */
    readonly certificate: x509.X509Certificate,
    /** Certificates above this CA (empty for a root). */
    readonly chain: x509.X509Certificate[],
    readonly keyType: CardKeyType,
    private readonly signingKey: webcrypto.CryptoKey,
    private meta: AuthorityMeta,
  ) {}

  get certificatePem(): string {
    return toPem(new Uint8Array(this.certificate.rawData), 'CERTIFICATE');
  }

  get chainPems(): string[] {
    return this.chain.map((c) => toPem(new Uint8Array(c.rawData), 'CERTIFICATE'));
  }

  /** SHA-256 fingerprint (hex) of the CA certificate. */
  get fingerprint(): string {
    return fingerprintOf(new Uint8Array(this.certificate.rawData));
  }

  /** Creates a new CA (root, or subordinate of `parent`) in an empty directory. */
  static async create(options: CreateCardAuthorityOptions): Promise<CardAuthority> {
    const { dir, parent } = options;
    if (await exists(join(dir, FILES.cert))) throw new Error(`a card authority already exists in ${dir}`);
    await mkdir(dir, { recursive: true });
    const keyType = options.keyType ?? 'P-256';
    const now = options.now ?? new Date();
    const keys = await generateKeyPair(keyType);
    const name = `CN=${options.commonName ?? (parent ? 'Tsunagu Virtual JPKI Issuing CA' : 'Tsunagu Virtual JPKI User Authentication CA')}, O=Tsunagu Test PKI, C=JP`;
    const notAfter = new Date(now.getTime() + (options.validityDays ?? 3650) * 86400_000);
    const signingKey = await toWebCryptoPrivateKey(keys.privateKey, keyType);
    const caExtensions = async () => [
      new x509.BasicConstraintsExtension(true, parent ? 0 : undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(spkiOf(keys.publicKey)),
    ];
    let certificate: x509.X509Certificate;
    let chain: x509.X509Certificate[] = [];
    if (parent) {
      certificate = await parent.signCertificate({
        subject: name,
        publicKey: keys.publicKey,
        notBefore: now,
        notAfter: new Date(Math.min(notAfter.getTime(), parent.certificate.notAfter.getTime())),
        extensions: await caExtensions(),
      });
      chain = [parent.certificate, ...parent.chain];
    } else {
      certificate = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: name,
        issuer: name,
        notBefore: now,
        notAfter,
        publicKey: spkiOf(keys.publicKey),
        signingKey,
        signingAlgorithm: signingAlgorithm(keyType),
        extensions: await caExtensions(),
      });
    }
    const meta: AuthorityMeta = { format: 'tsunagu-card-authority/1', keyType, crlNumber: 0, createdAt: now.toISOString() };
    const keyPath = join(dir, FILES.key);
    await writeFile(keyPath, keys.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    await chmod(keyPath, 0o600);
    await writeFile(join(dir, FILES.cert), toPem(new Uint8Array(certificate.rawData), 'CERTIFICATE'));
    await writeFile(join(dir, FILES.chain), chain.map((c) => toPem(new Uint8Array(c.rawData), 'CERTIFICATE')).join(''));
    await writeFile(join(dir, FILES.meta), JSON.stringify(meta, null, 2));
    return new CardAuthority(dir, certificate, chain, keyType, signingKey, meta);
  }

  /** Opens an existing CA directory. */
  static async load(dir: string): Promise<CardAuthority> {
    const meta = JSON.parse(await readFile(join(dir, FILES.meta), 'utf8')) as AuthorityMeta;
    if (meta.format !== 'tsunagu-card-authority/1') throw new Error(`${dir} is not a card authority directory`);
    const certificate = new x509.X509Certificate(await readFile(join(dir, FILES.cert), 'utf8'));
    const chainText = (await exists(join(dir, FILES.chain))) ? await readFile(join(dir, FILES.chain), 'utf8') : '';
    const chain = fromPem(chainText, 'CERTIFICATE').map((der) => new x509.X509Certificate(der));
    const privateKey = createPrivateKey(await readFile(join(dir, FILES.key), 'utf8'));
    if (keyTypeOf(privateKey) !== meta.keyType) throw new Error(`the CA key in ${dir} is not ${meta.keyType}`);
    return new CardAuthority(dir, certificate, chain, meta.keyType, await toWebCryptoPrivateKey(privateKey, meta.keyType), meta);
  }

  /**
   * Signs a certificate with the CA key (low level: the caller chooses every extension).
   * issueUserCertificate is the normal path; this one also serves negative tests.
   */
  async signCertificate(params: CertificateParams): Promise<x509.X509Certificate> {
    return x509.X509CertificateGenerator.create({
      serialNumber: params.serial ?? randomSerial(),
      subject: params.subject,
      issuer: this.certificate.subject,
      notBefore: params.notBefore,
      notAfter: params.notAfter,
      publicKey: spkiOf(params.publicKey),
      signingKey: this.signingKey,
      signingAlgorithm: signingAlgorithm(this.keyType),
      extensions: [...params.extensions, await x509.AuthorityKeyIdentifierExtension.create(this.certificate)],
    });
  }

  /**
   * Issues a 利用者証明用 user certificate: subject CN is the card's opaque id (never a name or My Number),
   * digitalSignature only, clientAuth. Capped at the CA's own expiry.
   */
  async issueUserCertificate(params: {
    publicKey: KeyObject;
    cardId: string;
    now?: Date;
    validDays?: number;
  }): Promise<{ certificate: x509.X509Certificate; serial: string; fingerprint: string }> {
    const now = params.now ?? new Date();
    const notAfter = new Date(Math.min(now.getTime() + (params.validDays ?? 5 * 365) * 86400_000, this.certificate.notAfter.getTime()));
    const certificate = await this.signCertificate({
      subject: `CN=${params.cardId}`,
      publicKey: params.publicKey,
      notBefore: now,
      notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create(spkiOf(params.publicKey)),
      ],
    });
    return {
      certificate,
      serial: normalizeSerial(certificate.serialNumber),
      fingerprint: fingerprintOf(new Uint8Array(certificate.rawData)),
    };
  }

  /** Appends to the issuing register. */
  async recordIssued(entry: IssuedEntry): Promise<void> {
    await appendFile(join(this.dir, FILES.issued), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  async issued(): Promise<IssuedEntry[]> {
    return readJsonLines<IssuedEntry>(join(this.dir, FILES.issued));
  }

  /** The 管理コード recorded when the card was first issued (for 暗証番号の再設定 at the office). */
  async adminCodeFor(cardId: string): Promise<string | undefined> {
    return (await this.issued()).find((e) => e.cardId === cardId && e.adminCode)?.adminCode;
  }

  /** Revokes a certificate issued by this CA (idempotent). Takes effect in the next CRL. */
  async revoke(serial: string, reason: RevocationReason, at: Date = new Date()): Promise<void> {
    if (!(reason in REVOCATION_REASONS)) throw new Error(`unknown revocation reason ${reason}`);
    const s = normalizeSerial(serial);
    if ((await this.revocations()).some((r) => r.serial === s)) return;
    await appendFile(join(this.dir, FILES.revoked), `${JSON.stringify({ serial: s, reason, revokedAt: at.toISOString() })}\n`);
  }

  async revocations(): Promise<RevokedEntry[]> {
    return readJsonLines<RevokedEntry>(join(this.dir, FILES.revoked));
  }

  /** Issues a CRL (X.509 v2, CRL number, reason codes) of every revocation so far and saves it as crl.pem. */
  async issueCrl(options: { now?: Date; validHours?: number } = {}): Promise<string> {
    const now = options.now ?? new Date();
    this.meta = { ...this.meta, crlNumber: this.meta.crlNumber + 1 };
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.certificate.subject,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + (options.validHours ?? 24) * 3600_000),
      signingKey: this.signingKey,
      signingAlgorithm: signingAlgorithm(this.keyType),
      entries: (await this.revocations()).map((r) => ({
        serialNumber: serialHexForDer(r.serial),
        revocationDate: new Date(r.revokedAt),
        reason: REVOCATION_REASONS[r.reason].code,
      })),
      extensions: [
        new x509.Extension('2.5.29.20', false, derInteger(this.meta.crlNumber)),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    const pem = toPem(new Uint8Array(crl.rawData), 'X509 CRL');
    await writeFile(join(this.dir, FILES.crl), pem);
    await writeFile(join(this.dir, FILES.meta), JSON.stringify(this.meta, null, 2));
    return pem;
  }
}

/** Creates a card CA in `options.dir` (see CardAuthority). */
export function createCardAuthority(options: CreateCardAuthorityOptions): Promise<CardAuthority> {
  return CardAuthority.create(options);
}

export function loadCardAuthority(dir: string): Promise<CardAuthority> {
  return CardAuthority.load(dir);
}
