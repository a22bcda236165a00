/**
 * Delivery settings (environment variables, all optional):
 *
 *   TSUNAGU_SUBSCRIPTION_POLL_MS        how often the dispatcher looks for due work (1000)
 *   TSUNAGU_SUBSCRIPTION_ATTEMPTS       failed attempts (handshake or notification) before status `error` (5)
 *   TSUNAGU_SUBSCRIPTION_RETRY_MS       first retry delay, doubled per failure (2000) …
 *   TSUNAGU_SUBSCRIPTION_RETRY_MAX_MS   … up to this (300000)
 *   TSUNAGU_SUBSCRIPTION_RETENTION_DAYS delivered events kept for $events (30)
 *   TSUNAGU_SUBSCRIPTION_WS_TOKEN_SECONDS lifetime of a websocket binding token (60)
 *   TSUNAGU_SUBSCRIPTION_MAX_PER_OWNER  Subscriptions one organisation (or patient) may hold (100)
 *   TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS  1: rest-hooks may go to this machine (http) and private addresses (off)
 */
import { ConfigError } from '../config.ts';

export interface SubscriptionSettings {
  pollMs: number;
  attempts: number;
  retryMs: number;
  retryMaxMs: number;
  retentionDays: number;
  wsTokenSeconds: number;
  maxPerOwner: number;
  /** rest-hook endpoints on this machine or private networks (endpoint-guard.ts); off by default. */
  allowPrivateEndpoints: boolean;
  /** Default and largest channel timeout (backport-timeout), seconds. */
  timeoutSeconds: number;
  maxTimeoutSeconds: number;
  /** Default and largest events per notification (backport-max-count). */
  maxCount: number;
  maxMaxCount: number;
}

/** The numeric settings. */
type NumericSetting = { [K in keyof SubscriptionSettings]: SubscriptionSettings[K] extends number ? K : never }[keyof SubscriptionSettings];

const VARIABLES: [string, NumericSetting, number][] = [
  ['TSUNAGU_SUBSCRIPTION_POLL_MS', 'pollMs', 1000],
  ['TSUNAGU_SUBSCRIPTION_ATTEMPTS', 'attempts', 5],
  ['TSUNAGU_SUBSCRIPTION_RETRY_MS', 'retryMs', 2000],
  ['TSUNAGU_SUBSCRIPTION_RETRY_MAX_MS', 'retryMaxMs', 300_000],
  ['TSUNAGU_SUBSCRIPTION_RETENTION_DAYS', 'retentionDays', 30],
  ['TSUNAGU_SUBSCRIPTION_WS_TOKEN_SECONDS', 'wsTokenSeconds', 60],
  ['TSUNAGU_SUBSCRIPTION_MAX_PER_OWNER', 'maxPerOwner', 100],
];

export function subscriptionSettings(env: NodeJS.ProcessEnv = {}): SubscriptionSettings {
  const out: SubscriptionSettings = {
    pollMs: 1000,
    attempts: 5,
    retryMs: 2000,
    retryMaxMs: 300_000,
    retentionDays: 30,
    wsTokenSeconds: 60,
    maxPerOwner: 100,
    allowPrivateEndpoints: false,
    timeoutSeconds: 10,
    maxTimeoutSeconds: 60,
    maxCount: 20,
    maxMaxCount: 100,
  };
  for (const [name, key, fallback] of VARIABLES) {
    const raw = env[name];
    const v = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isSafeInteger(v) || v < 1)
      throw new ConfigError(`設定 ${name} は1以上の整数です（${String(raw)}） / ${name} must be a whole number ≥ 1, got ${String(raw)}`);
    out[key] = v;
  }
  const priv = env.TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS;
  if (priv !== undefined && priv !== '' && !['0', '1', 'true', 'false'].includes(priv))
    throw new ConfigError(
      `設定 TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS は 0 か 1 です（${priv}） / TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS must be 0 or 1, got ${priv}`,
    );
  out.allowPrivateEndpoints = priv === '1' || priv === 'true';
  return out;
}
