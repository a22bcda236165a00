/**
 * The eligibility service's settings (its section of the configuration), read from the environment at start:
 *
 *   TSUNAGU_CARD_CA_DIR            the virtual card CA (default `<data>/card/ca`)
 *   TSUNAGU_CARD_TRUST_DIR         trusted CA certificates and CRLs (default `<data>/card/trust`)
 *   TSUNAGU_CARD_TRUST_REFRESH_MS  how often the trust directory is checked for changes (default 5000; 0 = never)
 *   TSUNAGU_ELIG_BATCH_PARALLEL    reception batch statements in flight at once (default 1: more share a round trip)
 *   TSUNAGU_ELIG_AUDIT_PARALLEL    reception audit appends in flight at once (default 1, likewise)
 *   TSUNAGU_VIRTUAL_READER         1 (default): the virtual card reader for browser apps and the patient's sign-in with a
 *                                  card file run on the platform; 0: off (a deployment with real readers and cards)
 *
 * (The limits of number input, TSUNAGU_NUMBER_LOOKUPS_PER_HOUR and TSUNAGU_NUMBER_FAILURES_PER_DAY, are platform
 * settings: docs/security.md.)
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../../platform/config.ts';

export interface EligibilityConfig {
  cardCaDir?: string;
  cardTrustDir?: string;
  trustRefreshMs: number;
  batchParallel: number;
  auditParallel: number;
  /** The virtual card reader (POST /eligibility/virtual-reader/authenticate) and the card-file sign-in. */
  virtualReader: boolean;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min)
    throw new ConfigError(`設定 ${name} は${min}以上の整数です（${raw}） / ${name} must be a whole number ≥ ${min}, got ${raw}`);
  return v;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === '0') return raw === '1';
  throw new ConfigError(`設定 ${name} は 0 か 1 です（${raw}） / ${name} must be 0 or 1, got ${raw}`);
}

export function eligibilityConfig(env: NodeJS.ProcessEnv = process.env): EligibilityConfig {
  return {
    cardCaDir: env.TSUNAGU_CARD_CA_DIR ? resolve(env.TSUNAGU_CARD_CA_DIR) : undefined,
    cardTrustDir: env.TSUNAGU_CARD_TRUST_DIR ? resolve(env.TSUNAGU_CARD_TRUST_DIR) : undefined,
    trustRefreshMs: whole(env, 'TSUNAGU_CARD_TRUST_REFRESH_MS', 5000),
    batchParallel: whole(env, 'TSUNAGU_ELIG_BATCH_PARALLEL', 1, 1),
    auditParallel: whole(env, 'TSUNAGU_ELIG_AUDIT_PARALLEL', 1, 1),
    virtualReader: onOff(env, 'TSUNAGU_VIRTUAL_READER', true),
  };
}
