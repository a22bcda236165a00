/** Shared set-up for the virtual card tests: a CA in a temporary directory, cards, a verifier. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Card,
  CardVerifier,
  ChallengeIssuer,
  InMemoryChallengeStore,
  StaticTrustStore,
  createCardAuthority,
  issueCard,
  type CardAuthority,
  type CardKeyType,
  type IssueCardOptions,
} from '../../src/services/eligibility/reception/card/index.ts';

export const FACILITY = '1318010015';
/** Cheap scrypt for tests (the default cost is for real use). */
export const TEST_KDF_COST = 1 << 10;

export interface CardWorld {
  dir: string;
  ca: CardAuthority;
  challenges: ChallengeIssuer;
  trust: StaticTrustStore;
  verifier: CardVerifier;
  issue(
    options?: Partial<IssueCardOptions> & { keyType?: CardKeyType },
  ): Promise<{ card: Card; serial: string; fingerprint: string; adminCode: string; cardId: string }>;
  /** Re-issues the CRL and loads it into the trust store. */
  publishCrl(now?: Date): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function cardWorld(options: { caKeyType?: CardKeyType; now?: Date } = {}): Promise<CardWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'tsunagu-card-'));
  const ca = await createCardAuthority({ dir: join(dir, 'ca'), keyType: options.caKeyType ?? 'P-256', now: options.now });
  const challenges = new ChallengeIssuer({ secret: randomBytes(32), store: new InMemoryChallengeStore() });
  const trust = await StaticTrustStore.fromPems({ anchors: [ca.certificatePem] });
  const verifier = new CardVerifier({ trustStore: trust, challenges });
  return {
    dir,
    ca,
    challenges,
    trust,
    verifier,
    async issue(o = {}) {
      const issued = await issueCard({
        authority: o.authority ?? ca,
        path: o.path ?? join(dir, `card-${++counter}.json`),
        pin: o.pin ?? '1234',
        keyType: o.keyType ?? 'P-256',
        pinKdfCost: TEST_KDF_COST,
        now: o.now ?? options.now,
        validDays: o.validDays,
      });
      return { card: await Card.open(issued.path), serial: issued.serial, fingerprint: issued.fingerprint, adminCode: issued.adminCode, cardId: issued.cardId };
    },
    async publishCrl(now?: Date) {
      await trust.addCrl(await ca.issueCrl({ now }));
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
