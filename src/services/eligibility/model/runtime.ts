/**
 * Per-platform state of the eligibility service: trust store (configured CA certificates and CRLs), the
 * challenge issuer with its database replay guard, the card verifier (per-certificate path cache), visit tokens,
 * the limits of number input (../reception/probe-guard.ts), and — unless TSUNAGU_VIRTUAL_READER=0 — the virtual card
 * reader with its chip memory and the patient's card sign-in (a challenge issuer and verifier of its own).
 * Created once when the service registers; tests and the CLI reach it through `eligibilityRuntime(platform)`.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { PlatformConfig } from '../../../platform/config.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { eligibilityConfig, type EligibilityConfig } from './eligibility-config.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { GroupAuditWriter } from '../../../platform/audit/audit-writer.ts';
import { ChallengeIssuer } from '../reception/card/challenge.ts';
import { CardVerifier } from '../reception/card/verifier.ts';
import { ReceptionBatcher } from '../reception/challenge-store.ts';
import { ReceptionLog } from '../reception/reception-history.ts';
import { ProbeGuard } from '../reception/probe-guard.ts';
import { ReloadableTrustStore } from '../reception/trust.ts';
import { VisitTokens } from '../reception/visit-token.ts';
import { ChipMemory } from '../reception/chip-memory.ts';
import { VirtualReader } from '../reception/virtual-reader.ts';
import { CardSignIn } from '../reception/card-sign-in.ts';
import { certificateHolder } from '../reception/cards.ts';

export interface EligibilityOptions {
  /** Directory of trusted card CA certificates and CRLs (TSUNAGU_CARD_TRUST_DIR; default `<data>/card/trust`). */
  trustDir?: string;
  /** How often the trust directory is checked for changes, ms (TSUNAGU_CARD_TRUST_REFRESH_MS; default 5000; 0 = never). */
  trustRefreshMs?: number;
  /** Lifetime of a card challenge, ms (default 2 minutes). */
  challengeTtlMs?: number;
  /** Lifetime of a visit token (time to record the consent at the reader), ms (default 30 minutes). */
  visitTtlMs?: number;
}

export interface EligibilityRuntime {
  platform: ServicePlatform;
  /**
   * Audit events of reception (one per verification): a group writer of its own with one append in flight, so
   * under load the events of many verifications share one statement (the platform's general writer keeps several
   * appends in flight, for latency at light load).
   */
  audit: GroupAuditWriter;

  trust: ReloadableTrustStore;
  challenges: ChallengeIssuer;
  /** Replay guard and person lookup of card verifications, batched into one statement. */
  reception: ReceptionBatcher;
  /** The facilities' reception history (reception/reception-history.ts), written in batches. */
  receptions: ReceptionLog;
  verifier: CardVerifier;
  visits: VisitTokens;
  /** Per-client and per-number limits of number input at reception. */
  probes: ProbeGuard;
  /** The virtual card reader and the card sign-in (absent with TSUNAGU_VIRTUAL_READER=0). */
  virtualReader?: VirtualReader;
  cardSignIn?: CardSignIn;
  close(): Promise<void>;
}

/** Where the card files live for a data directory: the test CA, the trust directory, issued card files. */
export function cardPaths(config: Pick<PlatformConfig, 'dataDir'>, settings: Pick<EligibilityConfig, 'cardCaDir' | 'cardTrustDir'> = eligibilityConfig()) {
  const base = config.dataDir === 'memory://' ? resolve('.tsunagu') : config.dataDir;
  return {
    caDir: settings.cardCaDir ?? join(base, 'card', 'ca'),
    trustDir: settings.cardTrustDir ?? join(base, 'card', 'trust'),
    cardsDir: join(base, 'card', 'cards'),
  };
}

/** A secret shared by every node, created on first use (stored in the database like the platform keys). */
export async function sharedSecret(db: Queryable, name: string): Promise<Buffer> {
  await db.query('INSERT INTO elig_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32)]);
  const res = await db.query<{ value: Uint8Array }>('SELECT value FROM elig_secrets WHERE name = $1', [name]);
  return Buffer.from(res.rows[0].value);
}

/** The virtual reader, and the card sign-in over it with sign-in challenges of their own (own secret, same replay guard). */
async function startVirtualReader(platform: ServicePlatform, trust: ReloadableTrustStore, replayGuard: ReceptionBatcher, options: EligibilityOptions) {
  const virtualReader = new VirtualReader(new ChipMemory(platform.db));
  const challenges = new ChallengeIssuer({ secret: await sharedSecret(platform.db, 'card-sign-in'), store: replayGuard, ttlMs: options.challengeTtlMs });
  const cardSignIn = new CardSignIn({
    reader: virtualReader,
    challenges,
    verifier: new CardVerifier({ trustStore: trust, challenges }),
    holder: (fingerprint) => certificateHolder(platform, fingerprint),
  });
  return { virtualReader, cardSignIn };
}

const runtimes = new WeakMap<ServicePlatform, EligibilityRuntime>();

export async function startRuntime(
  platform: ServicePlatform,
  options: EligibilityOptions = {},
  settings: EligibilityConfig = eligibilityConfig(),
): Promise<EligibilityRuntime> {
  const trustDir = options.trustDir ?? cardPaths(platform.config, settings).trustDir;
  const trust = new ReloadableTrustStore(trustDir);
  await trust.reload(true);
  trust.watch(options.trustRefreshMs ?? settings.trustRefreshMs);
  const reception = new ReceptionBatcher(platform.db, (type, idSql) => platform.system.contentSql(type, idSql), { parallel: settings.batchParallel });
  const audit = new GroupAuditWriter(platform.db, platform.chains, settings.auditParallel);
  const challenges = new ChallengeIssuer({
    secret: await sharedSecret(platform.db, 'card-challenge'),
    store: reception,
    ttlMs: options.challengeTtlMs,
  });
  const verifier = new CardVerifier({ trustStore: trust, challenges });
  const visits = new VisitTokens(await sharedSecret(platform.db, 'reception-visit'), options.visitTtlMs);
  const probes = new ProbeGuard(platform.db, platform.config);
  const { virtualReader, cardSignIn } = settings.virtualReader ? await startVirtualReader(platform, trust, reception, options) : {};
  const runtime: EligibilityRuntime = {
    platform,
    audit,
    trust,
    challenges,
    reception,
    receptions: new ReceptionLog(platform.db),
    verifier,
    visits,
    probes,
    virtualReader,
    cardSignIn,
    async close() {
      trust.close();
      probes.close();
      reception.close();
      await reception.drain();
      await runtime.receptions.drain();
      await audit.drain();
    },
  };
  runtimes.set(platform, runtime);
  return runtime;
}

/** The running service state of a platform (throws when the eligibility service is not registered). */
export function eligibilityRuntime(platform: ServicePlatform): EligibilityRuntime {
  const r = runtimes.get(platform);
  if (!r) throw new Error('the eligibility service is not running on this platform');
  return r;
}
