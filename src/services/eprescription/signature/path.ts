/**
 * Certificate path building (認証パスの構築) from a signer's certificate to a trusted HPKI anchor: each certificate
 * must name the next as issuer and verify with its key; every CA on the way must be a CA. The result lists the path
 * with what the time and revocation checks need; those run per verification (verify.ts).
 *
 * The eligibility service's CardVerifier does the same for card assertions but is bound to its challenges and
 * client-authentication key usage, so the e-prescription service builds its own paths over the same trust store.
 */
import { X509Certificate } from 'node:crypto';
import { fingerprintOf, normalizeSerial } from '../../eligibility/index.ts';
import type { PrescriberTrust, TrustedCa } from './trust.ts';
import { x509 } from './x509.ts';

export interface PathLink {
  role: 'signer' | 'intermediate' | 'anchor';
  subject: string;
  serial: string;
  /** Fingerprint of the CA that issued this certificate (absent for the anchor). */
  issuerFingerprint?: string;
  notBefore: number;
  notAfter: number;
}

export type PathResult =
  | { ok: true; der: Buffer; certificate: X509Certificate; links: PathLink[]; anchorFingerprint: string }
  | { ok: false; code: 'malformed' | 'untrusted-chain' };

const MAX_PATH = 4;

function validityOf(cert: X509Certificate): { notBefore: number; notAfter: number } {
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/**
 * Answers about fixed certificates, kept: whether a certificate (by fingerprint) is signed by a CA (by fingerprint),
 * whether a CA may sign certificates. The same prescribers and CAs come back with every prescription; the cache is
 * cleared when it grows past CACHE_MAX (a certificate's fingerprint names its exact bytes, so an answer never changes).
 */
const CACHE_MAX = 10_000;
const answers = new Map<string, boolean>();
function remembered(key: string, compute: () => boolean): boolean {
  const known = answers.get(key);
  if (known !== undefined) return known;
  const v = compute();
  if (answers.size >= CACHE_MAX) answers.clear();
  answers.set(key, v);
  return v;
}

function issuedBy(cert: X509Certificate, fingerprint: string, ca: TrustedCa): boolean {
  return remembered(`issued|${fingerprint}|${ca.fingerprint}`, () => {
    try {
      return cert.checkIssued(ca.certificate) && cert.verify(ca.publicKey);
    } catch {
      return false;
    }
  });
}

/** CA flag and keyCertSign (when keyUsage is present) of a CA certificate. */
function actsAsCa(ca: TrustedCa): boolean {
  if (!ca.certificate.ca) return false;
  return remembered(`ca|${ca.fingerprint}`, () => {
    try {
      const usage = new x509.X509Certificate(ca.der).getExtension(x509.KeyUsagesExtension);
      return !usage || (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0;
    } catch {
      return false;
    }
  });
}

function describe(der: Buffer): TrustedCa {
  const certificate = new X509Certificate(der);
  return { der, certificate, fingerprint: fingerprintOf(der), subject: certificate.subject, publicKey: certificate.publicKey };
}

/** Builds the path of the x5c certificates (base64 DER, signer first) to an anchor of `trust`. */
export function buildPath(x5c: readonly string[], trust: PrescriberTrust): PathResult {
  let signer: TrustedCa;
  let presented: TrustedCa[];
  try {
    signer = describe(Buffer.from(x5c[0], 'base64'));
    presented = x5c.slice(1).map((b64) => describe(Buffer.from(b64, 'base64')));
  } catch {
    return { ok: false, code: 'malformed' };
  }
  const anchors = trust.anchors();
  const helpers = [...presented, ...trust.intermediates()];
  const links: PathLink[] = [];
  let current = signer.certificate;
  let currentFingerprint = signer.fingerprint;
  let role: PathLink['role'] = 'signer';
  for (let depth = 0; depth < MAX_PATH; depth++) {
    const link: PathLink = { role, subject: current.subject, serial: normalizeSerial(current.serialNumber), ...validityOf(current) };
    links.push(link);
    const anchor = anchors.find((ca) => issuedBy(current, currentFingerprint, ca));
    if (anchor) {
      link.issuerFingerprint = anchor.fingerprint;
      links.push({ role: 'anchor', subject: anchor.subject, serial: normalizeSerial(anchor.certificate.serialNumber), ...validityOf(anchor.certificate) });
      return { ok: true, der: signer.der, certificate: signer.certificate, links, anchorFingerprint: anchor.fingerprint };
    }
    const next = helpers.find((ca) => !links.some((l) => l.role !== 'signer' && l.subject === ca.subject) && issuedBy(current, currentFingerprint, ca));
    if (!next || !actsAsCa(next)) break;
    link.issuerFingerprint = next.fingerprint;
    current = next.certificate;
    currentFingerprint = next.fingerprint;
    role = 'intermediate';
  }
  return { ok: false, code: 'untrusted-chain' };
}
