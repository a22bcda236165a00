/** Challenges: MAC-bound to the facility, short-lived, single use; the replay guard forgets only expired nonces. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChallengeIssuer, InMemoryChallengeStore, challengeSigningInput } from '../../src/services/eligibility/reception/card/index.ts';

const T0 = new Date('2026-04-01T09:00:00+09:00');

describe('ChallengeIssuer', () => {
  it('redeems a fresh challenge once', async () => {
    const issuer = new ChallengeIssuer({ secret: randomBytes(32), store: new InMemoryChallengeStore(() => T0.getTime()) });
    const c = issuer.issue('1318010015', T0);
    expect(c.expiresAt.getTime() - c.issuedAt.getTime()).toBe(120_000);
    expect(await issuer.redeem(c.challenge, '1318010015', T0)).toMatchObject({ ok: true });
    expect(await issuer.redeem(c.challenge, '1318010015', T0)).toMatchObject({ ok: false, code: 'replayed-challenge' });
  });

  it('refuses at and after expiry, for another facility, and when altered', async () => {
    const issuer = new ChallengeIssuer({ secret: randomBytes(32), store: new InMemoryChallengeStore(), ttlMs: 1000 });
    const c = issuer.issue('F1', T0);
    expect(await issuer.redeem(c.challenge, 'F1', new Date(T0.getTime() + 1000))).toMatchObject({ ok: false, code: 'expired-challenge' });
    const d = issuer.issue('F1', T0);
    expect(await issuer.redeem(d.challenge, 'F2', T0)).toMatchObject({ ok: false, code: 'challenge-facility-mismatch' });
    const parts = d.challenge.split('.');
    const extended = [...parts.slice(0, 3), (T0.getTime() + 9e9).toString(36), ...parts.slice(4)].join('.');
    expect(await issuer.redeem(extended, 'F1', T0)).toMatchObject({ ok: false, code: 'unknown-challenge' });
    expect(await issuer.redeem('garbage', 'F1', T0)).toMatchObject({ ok: false, code: 'unknown-challenge' });
    // The untouched challenge was not consumed by those failed attempts.
    expect(await issuer.redeem(d.challenge, 'F1', T0)).toMatchObject({ ok: true });
  });

  it('works across issuers sharing the secret and the store (several nodes)', async () => {
    const secret = randomBytes(32);
    const store = new InMemoryChallengeStore();
    const a = new ChallengeIssuer({ secret, store });
    const b = new ChallengeIssuer({ secret, store });
    const c = a.issue('F1', T0);
    expect((await b.redeem(c.challenge, 'F1', T0)).ok).toBe(true);
    expect(await a.redeem(c.challenge, 'F1', T0)).toMatchObject({ ok: false, code: 'replayed-challenge' });
  });

  it('requires a real secret and a sane facility code', () => {
    expect(() => new ChallengeIssuer({ secret: randomBytes(8), store: new InMemoryChallengeStore() })).toThrow();
    const issuer = new ChallengeIssuer({ secret: randomBytes(32), store: new InMemoryChallengeStore() });
    expect(() => issuer.issue('a.b')).toThrow();
  });

  it('signs a domain-separated input', () => {
    expect(challengeSigningInput('abc').toString()).toBe('tsunagu-card-auth/1\nabc');
  });
});

describe('InMemoryChallengeStore', () => {
  it('forgets nonces only after their expiry', async () => {
    let now = T0.getTime();
    const store = new InMemoryChallengeStore(() => now);
    expect(await store.markUsed('n1', new Date(now + 1000))).toBe(true);
    expect(await store.markUsed('n2', new Date(now + 60_000))).toBe(true);
    expect(await store.markUsed('n1', new Date(now + 1000))).toBe(false);
    now += 20_000;
    expect(store.purge()).toBe(1);
    expect(store.size).toBe(1);
    expect(await store.markUsed('n2', new Date(now + 60_000))).toBe(false);
  });
});
