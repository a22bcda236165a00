/**
 * What the e-prescription service trusts to certify prescribers (信頼するHPKI認証局) and what it knows is revoked.
 *
 * THE SEAM TO REAL HPKI TRUST: `PrescriberTrust` is what the verifier reads. It is the shape of the eligibility
 * service's `TrustStore` (its `StaticTrustStore`, exported from its entry point, satisfies it and is the file-based
 * implementation used here). A production deployment supplies anchors = the HPKI root CA certificate(s) of 厚生労働省,
 * intermediates = the accredited issuing CAs (日本医師会認証局, MEDIS, 日本薬剤師会認証局 …), and the CRLs those CAs
 * publish, fetched in the background so `revocation()` stays a synchronous lookup.
 * Only anchors confer trust; intermediates help build paths.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { StaticTrustStore, type RevocationReason } from '../../eligibility/index.ts';
import type { HpkiAuthority } from './authority.ts';

/** A CA certificate as the trust store holds it. */
export interface TrustedCa {
  der: Buffer;
  certificate: X509Certificate;
  fingerprint: string;
  subject: string;
  publicKey: KeyObject;
}

export interface PrescriberTrust {
  anchors(): readonly TrustedCa[];
  intermediates(): readonly TrustedCa[];
  /** The revocation of `serial` issued by the CA with SHA-256 fingerprint `caFingerprint`, if any. */
  revocation(caFingerprint: string, serial: string): { serial: string; reason: RevocationReason; revokedAt: Date } | undefined;
  /** Whether current revocation data (a CRL valid at `at`) exist for that CA. */
  hasCurrentRevocationData(caFingerprint: string, at: Date): boolean;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    await stat(path);
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The trust a verifier needs for certificates of these test authorities: the top of each chain as anchor, every CA
 * below it as intermediate, and each authority's latest CRL (crl.pem) when one was published.
 */
export async function trustForAuthorities(authorities: readonly HpkiAuthority[]): Promise<StaticTrustStore> {
  const anchors = new Set<string>();
  const intermediates = new Set<string>();
  const crls: string[] = [];
  for (const a of authorities) {
    const chain = [a.certificatePem, ...a.chainPems];
    anchors.add(chain[chain.length - 1]);
    for (const pem of chain.slice(0, -1)) intermediates.add(pem);
    const crl = await readIfExists(join(a.dir, 'crl.pem'));
    if (crl) crls.push(crl);
  }
  return StaticTrustStore.fromPems({ anchors: [...anchors], intermediates: [...intermediates], crls });
}

/** Trust from a directory: `*.crt.pem` anchors, `*.int.pem` intermediates, `*.crl.pem` CRLs. */
export function trustFromDirectory(dir: string): Promise<StaticTrustStore> {
  return StaticTrustStore.fromDirectory(dir);
}
