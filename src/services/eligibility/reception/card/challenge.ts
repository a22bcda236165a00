/**
 * Challenges for card authentication at reception: random, bound to the facility that asked, short-lived,
 * and usable once.
 *
 * A challenge is self-describing and MACed with the platform's secret
 * (`v1.<facility>.<issued>.<expires>.<nonce>.<mac>`), so issuing one needs no storage and any node with
 * the secret can check it. Single use is enforced by a ChallengeStore that remembers redeemed nonces
 * until they expire: the in-memory store below serves one process; the platform supplies a
 * database-backed one for several nodes (an INSERT of the nonce that fails on a duplicate).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomPooled } from '../random-pool.ts';
import type { Reason } from '../../model/reason.ts';

/** What the card signs: a fixed context line, then the challenge (domain separation). */
export const CHALLENGE_CONTEXT = 'tsunagu-card-auth/1';

export function challengeSigningInput(challenge: string): Buffer {
  return Buffer.from(`${CHALLENGE_CONTEXT}\n${challenge}`, 'utf8');
}

export interface IssuedChallenge {
  challenge: string;
  facilityCode: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Replay guard: remembers redeemed challenge nonces at least until they expire. */
export interface ChallengeStore {
  /**
   * Atomically records that nonce `id` has been redeemed. Resolves true the first time, false if it
   * was already redeemed. The entry may be forgotten after `expiresAt`.
   */
  markUsed(id: string, expiresAt: Date): Promise<boolean>;
}

/** Process-local replay guard with amortised purging of expired nonces. */
export class InMemoryChallengeStore implements ChallengeStore {
  private readonly used = new Map<string, number>();
  private nextPurge = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async markUsed(id: string, expiresAt: Date): Promise<boolean> {
    const now = this.clock();
    if (now >= this.nextPurge) this.purge(now);
    if (this.used.has(id)) return false;
    this.used.set(id, expiresAt.getTime());
    return true;
  }

  /** Drops nonces whose challenge has expired (they can no longer be redeemed anyway). */
  purge(now: number = this.clock()): number {
    let dropped = 0;
    for (const [id, exp] of this.used) {
      if (exp <= now) {
        this.used.delete(id);
        dropped++;
      }
    }
    this.nextPurge = now + 10_000;
    return dropped;
  }

  get size(): number {
    return this.used.size;
  }
}

export type ChallengeFailure = 'unknown-challenge' | 'expired-challenge' | 'replayed-challenge' | 'challenge-facility-mismatch';

export type ChallengeRedemption = { ok: true; nonce: string; expiresAt: Date } | ({ ok: false } & Reason<ChallengeFailure>);

export interface ChallengeIssuerOptions {
  /** Shared MAC secret (at least 32 bytes); every node of a deployment uses the same one. */
  secret: Uint8Array;
  store: ChallengeStore;
  /** Lifetime of a challenge; default 2 minutes. */
  ttlMs?: number;
}

const b64url = (b: Buffer) => b.toString('base64url');

export class ChallengeIssuer {
  private readonly secret: Buffer;
  private readonly ttlMs: number;

  constructor(private readonly options: ChallengeIssuerOptions) {
    if (options.secret.byteLength < 32) throw new Error('the challenge secret must be at least 32 bytes');
    this.secret = Buffer.from(options.secret);
    this.ttlMs = options.ttlMs ?? 120_000;
  }

  private mac(body: string): string {
    return b64url(createHmac('sha256', this.secret).update(body).digest().subarray(0, 16));
  }

  /** A fresh challenge for an authenticated facility (its 医療機関コード or principal id). */
  issue(facilityCode: string, now: Date = new Date()): IssuedChallenge {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(facilityCode)) throw new Error(`bad facility code for a challenge: ${facilityCode}`);
    const issuedAt = now.getTime();
    const expiresAt = issuedAt + this.ttlMs;
    const body = `v1.${facilityCode}.${issuedAt.toString(36)}.${expiresAt.toString(36)}.${b64url(randomPooled(18))}`;
    return { challenge: `${body}.${this.mac(body)}`, facilityCode, issuedAt: new Date(issuedAt), expiresAt: new Date(expiresAt) };
  }

  /**
   * Checks a challenge without consuming it: ours (MAC), for this facility, not expired. What a reader may sign;
   * `redeem` checks it again and consumes it.
   */
  check(challenge: string, facilityCode: string, now: Date = new Date()): ChallengeRedemption {
    const parts = typeof challenge === 'string' ? challenge.split('.') : [];
    const unknown = (): ChallengeRedemption => ({
      ok: false,
      code: 'unknown-challenge',
      ja: 'チャレンジがこのプラットフォームで発行されたものではありません',
      en: 'the challenge was not issued by this platform',
    });
    if (parts.length !== 6 || parts[0] !== 'v1') return unknown();
    const body = parts.slice(0, 5).join('.');
    const given = Buffer.from(parts[5], 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return unknown();
    const [, facility, , expiresText, nonce] = parts;
    if (facility !== facilityCode) {
      return {
        ok: false,
        code: 'challenge-facility-mismatch',
        ja: 'チャレンジは別の医療機関に発行されたものです',
        en: 'the challenge was issued to another facility',
      };
    }
    const expiresAt = new Date(Number.parseInt(expiresText, 36));
    if (now.getTime() >= expiresAt.getTime()) {
      return {
        ok: false,
        code: 'expired-challenge',
        ja: 'チャレンジの有効期限が切れています。もう一度カードをかざしてください',
        en: 'the challenge has expired; present the card again',
      };
    }
    return { ok: true, nonce, expiresAt };
  }

  /**
   * Checks and consumes a challenge presented by `facilityCode`: it must be ours (MAC), for this
   * facility, not expired, and not redeemed before.
   */
  async redeem(challenge: string, facilityCode: string, now: Date = new Date()): Promise<ChallengeRedemption> {
    const checked = this.check(challenge, facilityCode, now);
    if (!checked.ok) return checked;
    if (!(await this.options.store.markUsed(checked.nonce, checked.expiresAt))) {
      return {
        ok: false,
        code: 'replayed-challenge',
        ja: 'このチャレンジは既に使用されています（再送の疑い）',
        en: 'the challenge has already been used (possible replay)',
      };
    }
    return checked;
  }
}
