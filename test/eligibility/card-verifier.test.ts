/** Platform-side verification: success for a good card, and the precise reason for each way it can fail. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CardVerifier,
  ChallengeIssuer,
  InMemoryChallengeStore,
  createCardAuthority,
  type CardAssertion,
} from '../../src/services/eligibility/reception/card/index.ts';
import { generateKeyPair } from '../../src/services/eligibility/reception/card/algorithms.ts';
import { x509 } from '../../src/services/eligibility/reception/card/x509.ts';
import { cardWorld, FACILITY, type CardWorld } from './card-fixtures.ts';

let w: CardWorld;
beforeAll(async () => {
  w = await cardWorld();
});
afterAll(async () => {
  await w.close();
});

async function assertion(card: Awaited<ReturnType<CardWorld['issue']>>['card'], world = w): Promise<CardAssertion> {
  const signed = await card.sign(world.challenges.issue(FACILITY).challenge, { pin: '1234' });
  if (!signed.ok) throw new Error(signed.en);
  return signed.assertion;
}

describe('CardVerifier: success', () => {
  it('verifies a P-256 card and reports the certificate, never a person', async () => {
    const { card, serial, fingerprint, cardId } = await w.issue();
    const v = await w.verifier.verify(await assertion(card), { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: true, serial, fingerprint, cardId, keyType: 'P-256', anchorFingerprint: w.ca.fingerprint });
  });

  it('verifies RSA-2048 cards (what JPKI uses), also under an RSA CA', async () => {
    const rsa = await w.issue({ keyType: 'RSA-2048' });
    expect(await w.verifier.verify(await assertion(rsa.card), { facilityCode: FACILITY })).toMatchObject({ ok: true, keyType: 'RSA-2048' });
    const rsaWorld = await cardWorld({ caKeyType: 'RSA-2048' });
    try {
      const onRsaCa = await rsaWorld.issue({ keyType: 'P-256' });
      expect((await rsaWorld.verifier.verify(await assertion(onRsaCa.card, rsaWorld), { facilityCode: FACILITY })).ok).toBe(true);
    } finally {
      await rsaWorld.close();
    }
  });

  it('caches the path: a repeat verification of the same certificate is a cache hit', async () => {
    const { card } = await w.issue();
    const verifier = new CardVerifier({ trustStore: w.trust, challenges: w.challenges });
    await verifier.verify(await assertion(card), { facilityCode: FACILITY });
    await verifier.verify(await assertion(card), { facilityCode: FACILITY });
    expect(verifier.stats()).toMatchObject({ size: 1, misses: 1, hits: 1 });
  });
});

describe('CardVerifier: refusals', () => {
  it('tampered signature', async () => {
    const { card } = await w.issue();
    const a = await assertion(card);
    const sig = Buffer.from(a.signature, 'base64url');
    sig[10] ^= 0x01;
    const v = await w.verifier.verify({ ...a, signature: sig.toString('base64url') }, { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('signature made for another challenge', async () => {
    const { card } = await w.issue();
    const a = await assertion(card);
    const b = await assertion(card);
    expect(await w.verifier.verify({ ...b, signature: a.signature }, { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('replayed challenge', async () => {
    const { card } = await w.issue();
    const a = await assertion(card);
    expect((await w.verifier.verify(a, { facilityCode: FACILITY })).ok).toBe(true);
    const again = await w.verifier.verify(a, { facilityCode: FACILITY });
    expect(again).toMatchObject({ ok: false, code: 'replayed-challenge' });
  });

  it('expired challenge', async () => {
    const { card } = await w.issue();
    const issued = w.challenges.issue(FACILITY);
    const signed = await card.sign(issued.challenge, { pin: '1234' });
    if (!signed.ok) throw new Error(signed.en);
    const v = await w.verifier.verify(signed.assertion, { facilityCode: FACILITY, now: new Date(issued.expiresAt.getTime() + 1) });
    expect(v).toMatchObject({ ok: false, code: 'expired-challenge' });
  });

  it('challenge issued to another facility, or not issued by the platform', async () => {
    const { card } = await w.issue();
    const a = await assertion(card);
    expect(await w.verifier.verify(a, { facilityCode: '1310000004' })).toMatchObject({ ok: false, code: 'challenge-facility-mismatch' });
    const other = new ChallengeIssuer({ secret: randomBytes(32), store: new InMemoryChallengeStore() });
    const forged = await card.sign(other.issue(FACILITY).challenge, { pin: '1234' });
    if (!forged.ok) throw new Error(forged.en);
    expect(await w.verifier.verify(forged.assertion, { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'unknown-challenge' });
  });

  it('certificate from an untrusted CA, including one that copies the trusted CA name', async () => {
    const other = await cardWorld();
    try {
      const foreign = await other.issue();
      const a = await foreign.card.sign(w.challenges.issue(FACILITY).challenge, { pin: '1234' });
      if (!a.ok) throw new Error(a.en);
      expect(await w.verifier.verify(a.assertion, { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'untrusted-ca' });
    } finally {
      await other.close();
    }
    const impostorDir = join(w.dir, 'impostor');
    const impostor = await createCardAuthority({ dir: impostorDir, commonName: 'Tsunagu Virtual JPKI User Authentication CA' });
    expect(impostor.certificate.subject).toBe(w.ca.certificate.subject);
    const forged = await w.issue({ authority: impostor });
    const v = await w.verifier.verify(await assertion(forged.card), { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: false, code: 'untrusted-ca' });
  });

  it('revoked certificate (after the CRL is loaded), with the reason', async () => {
    const { card, serial } = await w.issue();
    expect((await w.verifier.verify(await assertion(card), { facilityCode: FACILITY })).ok).toBe(true);
    await w.ca.revoke(serial, 'keyCompromise');
    await w.publishCrl();
    const v = await w.verifier.verify(await assertion(card), { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: false, code: 'revoked' });
    if (!v.ok) {
      expect(v.ja).toContain('紛失');
      expect(v.en).toContain('key compromise');
    }
  });

  it('expired and not-yet-valid certificates, judged at the verification time', async () => {
    const { card } = await w.issue({ validDays: 30 });
    const a = await assertion(card);
    const later = new Date(Date.now() + 31 * 86400_000);
    // The challenge must still be fresh at that time: issue a verifier whose challenges live long enough.
    const long = new ChallengeIssuer({ secret: randomBytes(32), store: new InMemoryChallengeStore(), ttlMs: 60 * 86400_000 });
    const verifier = new CardVerifier({ trustStore: w.trust, challenges: long });
    const signed = await card.sign(long.issue(FACILITY).challenge, { pin: '1234' });
    if (!signed.ok) throw new Error(signed.en);
    expect(await verifier.verify(signed.assertion, { facilityCode: FACILITY, now: later })).toMatchObject({ ok: false, code: 'expired-certificate' });
    const early = await card.sign(long.issue(FACILITY, new Date(Date.now() - 86400_000)).challenge, { pin: '1234' });
    if (!early.ok) throw new Error(early.en);
    expect(await verifier.verify(early.assertion, { facilityCode: FACILITY, now: new Date(Date.now() - 3600_000) })).toMatchObject({
      ok: false,
      code: 'not-yet-valid',
    });
    expect((await w.verifier.verify(a, { facilityCode: FACILITY })).ok).toBe(true);
  });

  it('certificates not meant for user authentication', async () => {
    const keys = await generateKeyPair('P-256');
    const now = new Date();
    const signingOnly = await w.ca.signCertificate({
      subject: 'CN=not-auth',
      publicKey: keys.publicKey,
      notBefore: now,
      notAfter: new Date(now.getTime() + 86400_000),
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true)],
    });
    const base = await assertion((await w.issue()).card);
    const v = await w.verifier.verify({ ...base, certificate: Buffer.from(signingOnly.rawData).toString('base64') }, { facilityCode: FACILITY });
    expect(v).toMatchObject({ ok: false, code: 'bad-key-usage' });
    const caAsLeaf = await w.verifier.verify({ ...base, certificate: Buffer.from(w.ca.certificate.rawData).toString('base64') }, { facilityCode: FACILITY });
    expect(caAsLeaf).toMatchObject({ ok: false, code: 'bad-key-usage' });
  });

  it('malformed assertions', async () => {
    const base = await assertion((await w.issue()).card);
    const ctx = { facilityCode: FACILITY };
    expect(await w.verifier.verify({ ...base, certificate: 'bm90IGEgY2VydA==' }, ctx)).toMatchObject({ ok: false, code: 'malformed' });
    expect(await w.verifier.verify({ ...base, signature: 'not base64!' }, ctx)).toMatchObject({ ok: false, code: 'malformed' });
    expect(await w.verifier.verify({ ...base, method: 'magic' } as unknown as CardAssertion, ctx)).toMatchObject({ ok: false, code: 'malformed' });
    expect(await w.verifier.verify(null as unknown as CardAssertion, ctx)).toMatchObject({ ok: false, code: 'malformed' });
  });

  it('a CA removed from the trust store is no longer trusted (the cache follows the store)', async () => {
    const own = await cardWorld();
    try {
      const { card } = await own.issue();
      expect((await own.verifier.verify(await assertion(card, own), { facilityCode: FACILITY })).ok).toBe(true);
      own.trust.removeAnchor(own.ca.fingerprint);
      expect(await own.verifier.verify(await assertion(card, own), { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'untrusted-ca' });
    } finally {
      await own.close();
    }
  });

  it('can require current revocation data', async () => {
    const own = await cardWorld();
    try {
      const { card } = await own.issue();
      const strict = new CardVerifier({ trustStore: own.trust, challenges: own.challenges, requireCurrentRevocationData: true });
      expect(await strict.verify(await assertion(card, own), { facilityCode: FACILITY })).toMatchObject({ ok: false, code: 'revocation-unknown' });
      await own.publishCrl();
      expect((await strict.verify(await assertion(card, own), { facilityCode: FACILITY })).ok).toBe(true);
      const afterNextUpdate = new Date(Date.now() + 25 * 3600_000);
      const c = own.challenges.issue(FACILITY, new Date(afterNextUpdate.getTime() - 1000));
      const s = await card.sign(c.challenge, { pin: '1234' });
      if (!s.ok) throw new Error(s.en);
      expect(await strict.verify(s.assertion, { facilityCode: FACILITY, now: afterNextUpdate })).toMatchObject({ ok: false, code: 'revocation-unknown' });
    } finally {
      await own.close();
    }
  });
});
