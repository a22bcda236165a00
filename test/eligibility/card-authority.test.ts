/** The card CA: persistence, CRLs with reasons, renewal that re-links, and a two-level chain. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Card,
  CardVerifier,
  StaticTrustStore,
  createCardAuthority,
  loadCardAuthority,
  renewCard,
  type CardAssertion,
} from '../../src/services/eligibility/reception/card/index.ts';
import { x509 } from '../../src/services/eligibility/reception/card/x509.ts';
import { cardWorld, FACILITY, type CardWorld } from './card-fixtures.ts';

let w: CardWorld;
beforeAll(async () => {
  w = await cardWorld();
});
afterAll(async () => {
  await w.close();
});

async function assertion(card: Card, world = w): Promise<CardAssertion> {
  const signed = await card.sign(world.challenges.issue(FACILITY).challenge, { pin: '1234' });
  if (!signed.ok) throw new Error(signed.en);
  return signed.assertion;
}

describe('card authority', () => {
  it('persists as PEM files and reloads with the same key', async () => {
    const pem = await readFile(join(w.ca.dir, 'ca.crt.pem'), 'utf8');
    expect(pem).toContain('BEGIN CERTIFICATE');
    expect(await readFile(join(w.ca.dir, 'ca.key.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    const again = await loadCardAuthority(w.ca.dir);
    expect(again.fingerprint).toBe(w.ca.fingerprint);
    // A card issued by the reloaded CA verifies against the original certificate.
    const { card } = await w.issue({ authority: again });
    expect((await w.verifier.verify(await assertion(card), { facilityCode: FACILITY })).ok).toBe(true);
    await expect(createCardAuthority({ dir: w.ca.dir })).rejects.toThrow(/already exists/);
  });

  it('issues user certificates without personal data, for digital signature and client authentication', async () => {
    const { card, cardId } = await w.issue();
    const cert = new x509.X509Certificate(card.certificatePem);
    expect(cert.subject).toBe(`CN=${cardId}`);
    expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String)).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
  });

  it('signs CRLs with reason codes and increasing CRL numbers; a CRL from an unknown CA is refused', async () => {
    const a = await w.issue();
    const b = await w.issue();
    await w.ca.revoke(a.serial, 'cessationOfOperation');
    await w.ca.revoke(b.serial, 'certificateHold');
    await w.ca.revoke(b.serial, 'keyCompromise'); // idempotent: the first revocation stands
    const crl = new x509.X509Crl(await w.ca.issueCrl());
    expect(await crl.verify({ publicKey: w.ca.certificate })).toBe(true);
    const reasons = new Map(crl.entries.map((e) => [e.serialNumber.replace(/^0+/, ''), e.reason]));
    expect(reasons.get(a.serial)).toBe(x509.X509CrlReason.cessationOfOperation);
    expect(reasons.get(b.serial)).toBe(x509.X509CrlReason.certificateHold);
    const number = (c: x509.X509Crl) => Buffer.from(c.extensions.find((e) => e.type === '2.5.29.20')!.value).readUIntBE(2, 1);
    const next = new x509.X509Crl(await w.ca.issueCrl());
    expect(number(next)).toBe(number(crl) + 1);
    const other = await cardWorld();
    try {
      await expect(w.trust.addCrl(await other.ca.issueCrl())).rejects.toThrow(/not signed by a known CA/);
    } finally {
      await other.close();
    }
  });
});

describe('certificate renewal', () => {
  it('gives the same card a new certificate, revokes the old one and names both for re-linking', async () => {
    const own = await cardWorld();
    try {
      const issued = await own.issue();
      const oldAssertion = await assertion(issued.card, own);
      const renewed = await renewCard({ authority: own.ca, path: issued.card.path, pin: '1234' });
      expect(renewed).toMatchObject({ cardId: issued.cardId, previousSerial: issued.serial, previousFingerprint: issued.fingerprint });
      if (!('serial' in renewed)) return;
      expect(renewed.serial).not.toBe(issued.serial);
      await own.publishCrl();
      // The old certificate no longer authenticates; the renewed card does, with the same card id.
      expect(await own.verifier.verify(oldAssertion, { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'revoked' });
      const card = await Card.open(issued.card.path);
      const v = await own.verifier.verify(await assertion(card, own), { facilityCode: FACILITY });
      expect(v).toMatchObject({ ok: true, serial: renewed.serial, cardId: issued.cardId });
      const register = await own.ca.issued();
      expect(register.find((e) => e.serial === renewed.serial)?.renewedFrom).toBe(issued.serial);
      expect((await card.sign('x', { pin: '1234' })).ok).toBe(true); // the PIN is unchanged
    } finally {
      await own.close();
    }
  });

  it('refuses with a wrong PIN or a locked card', async () => {
    const { card } = await w.issue();
    expect(await renewCard({ authority: w.ca, path: card.path, pin: '9999' })).toMatchObject({ ok: false, code: 'wrong-pin' });
    for (const pin of ['0001', '0002', '0003']) await card.sign('x', { pin });
    expect(await renewCard({ authority: w.ca, path: card.path, pin: '1234' })).toMatchObject({ ok: false, code: 'pin-locked' });
  });
});

describe('two-level CA (root + issuing CA)', () => {
  it('verifies through the chain the card presents, trusting only the root', async () => {
    const root = await createCardAuthority({ dir: join(w.dir, 'root'), keyType: 'RSA-2048' });
    const issuing = await createCardAuthority({ dir: join(w.dir, 'issuing'), parent: root });
    expect(issuing.chain.map((c) => c.subject)).toEqual([root.certificate.subject]);
    const trust = await StaticTrustStore.fromPems({ anchors: [root.certificatePem] });
    const verifier = new CardVerifier({ trustStore: trust, challenges: w.challenges });
    const { card } = await w.issue({ authority: issuing });
    expect(card.readCertificate().chain).toHaveLength(1);
    const v = await verifier.verify(await assertion(card), { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: true, issuerFingerprint: issuing.fingerprint, anchorFingerprint: root.fingerprint });

    // Without the intermediate the path cannot be built.
    const bare = { ...(await assertion(card)), chain: [] };
    expect(await verifier.verify(bare, { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'untrusted-ca' });

    // Revoking the issuing CA at the root revokes every card under it.
    const issuingSerial = issuing.certificate.serialNumber;
    await root.revoke(issuingSerial, 'keyCompromise');
    await trust.addCrl(await root.issueCrl());
    const r = await verifier.verify(await assertion(card), { facilityCode: FACILITY });
    expect(r).toMatchObject({ ok: false, code: 'revoked' });
    if (!r.ok) expect(r.ja).toContain('認証局');
  });
});
