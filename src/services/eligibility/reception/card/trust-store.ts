/**
 * What the platform trusts (信頼する認証局) and what it knows to be revoked (失効情報).
 *
 * THE SEAM TO REAL JPKI: `TrustStore` is the interface the verifier reads. A production deployment supplies
 * an implementation whose anchors are the J-LIS 利用者証明用 CA certificates and whose revocation data come
 * from J-LIS's revocation service for platform operators (CRL files or an OCSP-fed mirror), refreshed in
 * the background so `revocation()` stays a synchronous O(1) lookup on the hot path. `StaticTrustStore`
 * below is the file-based implementation used with the virtual card CA.
 *
 * Only configured anchors are trusted; intermediates help build paths but confer no trust by themselves.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprintOf, fromPem, normalizeSerial } from './algorithms.ts';
import { reasonFromCode, type RevocationReason } from './revocation.ts';
import { x509 } from './x509.ts';

export interface CaCertificate {
  der: Buffer;
  certificate: X509Certificate;
  fingerprint: string;
  subject: string;
  publicKey: KeyObject;
}

export interface RevocationEntry {
  serial: string;
  reason: RevocationReason;
  revokedAt: Date;
}

export interface TrustStore {
  /** Changes whenever anchors, intermediates or revocation data change (verifier caches key on it). */
  readonly version: number;
  /** Trusted CA certificates. */
  anchors(): readonly CaCertificate[];
  /** Known intermediate CA certificates (not trusted by themselves). */
  intermediates(): readonly CaCertificate[];
  /** O(1): the revocation of `serial` issued by the CA with fingerprint `caFingerprint`, if any. */
  revocation(caFingerprint: string, serial: string): RevocationEntry | undefined;
  /** Whether current revocation data (a CRL whose nextUpdate is after `at`) exist for that CA. */
  hasCurrentRevocationData(caFingerprint: string, at: Date): boolean;
}

interface CrlIndex {
  crlNumber: bigint | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
  entries: Map<string, RevocationEntry>;
}

/** The CRL number extension (2.5.29.20), a DER INTEGER, when present. */
function crlNumberOf(crl: x509.X509Crl): bigint | null {
  const ext = crl.extensions.find((e) => e.type === '2.5.29.20');
  if (!ext) return null;
  const v = new Uint8Array(ext.value);
  if (v[0] !== 0x02 || v[1] !== v.length - 2) return null;
  return BigInt(`0x${Buffer.from(v.subarray(2)).toString('hex') || '0'}`);
}

/** A CRL is older than the held one by CRL number when both have one, else by thisUpdate (ties: newer wins). */
function isOlder(thisUpdate: Date, crlNumber: bigint | null, held: CrlIndex): boolean {
  if (crlNumber !== null && held.crlNumber !== null) return crlNumber <= held.crlNumber;
  return thisUpdate < held.thisUpdate;
}

/** Parses a certificate into the shape path building uses (no CA check). Throws on bad DER. */
export function describeCertificate(der: Buffer): CaCertificate {
  const certificate = new X509Certificate(der);
  return { der, certificate, fingerprint: fingerprintOf(der), subject: certificate.subject, publicKey: certificate.publicKey };
}

function caCertificate(der: Buffer): CaCertificate {
  const ca = describeCertificate(der);
  if (!ca.certificate.ca) throw new Error(`not a CA certificate: ${ca.subject}`);
  return ca;
}

/** Trust anchors, intermediates and CRLs from PEM text or files. */
export class StaticTrustStore implements TrustStore {
  private anchorList: CaCertificate[] = [];
  private intermediateList: CaCertificate[] = [];
  private readonly crls = new Map<string, CrlIndex>();
  private versionNumber = 0;

  get version(): number {
    return this.versionNumber;
  }

  anchors(): readonly CaCertificate[] {
    return this.anchorList;
  }

  intermediates(): readonly CaCertificate[] {
    return this.intermediateList;
  }

  /** Trusts the CA certificate(s) in `pem`. */
  addAnchor(pem: string): this {
    for (const der of fromPem(pem, 'CERTIFICATE')) {
      const ca = caCertificate(der);
      if (!this.anchorList.some((a) => a.fingerprint === ca.fingerprint)) this.anchorList = [...this.anchorList, ca];
    }
    this.versionNumber++;
    return this;
  }

  /** Adds intermediate CA certificate(s) for path building. */
  addIntermediate(pem: string): this {
    for (const der of fromPem(pem, 'CERTIFICATE')) {
      const ca = caCertificate(der);
      if (!this.intermediateList.some((a) => a.fingerprint === ca.fingerprint)) this.intermediateList = [...this.intermediateList, ca];
    }
    this.versionNumber++;
    return this;
  }

  /** Stops trusting a CA (by fingerprint). */
  removeAnchor(fingerprint: string): this {
    this.anchorList = this.anchorList.filter((a) => a.fingerprint !== fingerprint);
    this.versionNumber++;
    return this;
  }

  /**
   * Loads a CRL after checking it is signed by a known CA (anchor or intermediate).
   * A CRL older than the one held (by CRL number, else by thisUpdate) is ignored. Throws on an unknown issuer or a bad signature.
   */
  async addCrl(pem: string): Promise<void> {
    for (const der of fromPem(pem, 'X509 CRL')) {
      const crl = new x509.X509Crl(der);
      // The CA list is short: find the signer by trying each CA's key (no fragile name comparison).
      let signer: CaCertificate | undefined;
      for (const ca of [...this.anchorList, ...this.intermediateList]) {
        const verified = await crl.verify({ publicKey: new x509.X509Certificate(ca.der) }).catch(() => false);
        if (verified) {
          signer = ca;
          break;
        }
      }
      if (!signer) throw new Error(`CRL from "${crl.issuer}" is not signed by a known CA`);
      const held = this.crls.get(signer.fingerprint);
      const crlNumber = crlNumberOf(crl);
      if (held && isOlder(crl.thisUpdate, crlNumber, held)) continue;
      const entries = new Map<string, RevocationEntry>();
      for (const e of crl.entries) {
        const serial = normalizeSerial(e.serialNumber);
        entries.set(serial, { serial, reason: reasonFromCode(e.reason), revokedAt: e.revocationDate });
      }
      this.crls.set(signer.fingerprint, { crlNumber, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate ?? null, entries });
      this.versionNumber++;
    }
  }

  revocation(caFingerprint: string, serial: string): RevocationEntry | undefined {
    return this.crls.get(caFingerprint)?.entries.get(normalizeSerial(serial));
  }

  hasCurrentRevocationData(caFingerprint: string, at: Date): boolean {
    const crl = this.crls.get(caFingerprint);
    return !!crl && crl.thisUpdate <= at && (crl.nextUpdate === null || at < crl.nextUpdate);
  }

  /** Builds a store from PEM texts. */
  static async fromPems(options: { anchors: string[]; intermediates?: string[]; crls?: string[] }): Promise<StaticTrustStore> {
    const store = new StaticTrustStore();
    for (const pem of options.anchors) store.addAnchor(pem);
    for (const pem of options.intermediates ?? []) store.addIntermediate(pem);
    for (const pem of options.crls ?? []) await store.addCrl(pem);
    return store;
  }

  /**
   * Builds a store from a directory: `*.crt.pem` are anchors, `*.int.pem` intermediates, `*.crl.pem` CRLs.
   * (A card authority directory can be trusted with fromPems({ anchors: [ca.crt.pem], crls: [crl.pem] }).)
   */
  static async fromDirectory(dir: string): Promise<StaticTrustStore> {
    const names = (await readdir(dir)).sort();
    const read = (n: string) => readFile(join(dir, n), 'utf8');
    return StaticTrustStore.fromPems({
      anchors: await Promise.all(names.filter((n) => n.endsWith('.crt.pem')).map(read)),
      intermediates: await Promise.all(names.filter((n) => n.endsWith('.int.pem')).map(read)),
      crls: await Promise.all(names.filter((n) => n.endsWith('.crl.pem')).map(read)),
    });
  }
}
