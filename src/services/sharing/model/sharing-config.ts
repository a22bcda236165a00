/**
 * The sharing service's settings (its section of the configuration), read from the environment at start:
 *
 *   TSUNAGU_SHARING_PURGE_INTERVAL_MS  how often items past their retention are purged (default 86400000, a day;
 *                                      0 = never — views still hide expired items, `tsunagu sharing purge` runs it)
 */
import { ConfigError } from '../../../platform/config.ts';

export interface SharingConfig {
  purgeIntervalMs: number;
}

export function sharingConfig(env: NodeJS.ProcessEnv = process.env): SharingConfig {
  const name = 'TSUNAGU_SHARING_PURGE_INTERVAL_MS';
  const raw = env[name];
  if (raw === undefined || raw === '') return { purgeIntervalMs: 86_400_000 };
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) throw new ConfigError(`設定 ${name} は0以上の整数です（${raw}） / ${name} must be a whole number ≥ 0, got ${raw}`);
  return { purgeIntervalMs: v };
}
