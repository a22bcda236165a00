/**
 * Settings of the emergency service:
 *   TSUNAGU_EMERGENCY_HOURS       hours an emergency view stays open after the declaration (default 8, 1–24); the
 *                                 doctor may ask for fewer
 *   TSUNAGU_EMERGENCY_HISTORY_DAYS days of medication history shown (default 180: the half year that helped after the
 *                                 Noto earthquake)
 */
import { ConfigError } from '../../../platform/config.ts';

export interface EmergencyConfig {
  grantHours: number;
  historyDays: number;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer ${min}–${max} (got "${raw}")`);
  return n;
}

export function emergencyConfig(env: NodeJS.ProcessEnv): EmergencyConfig {
  return {
    grantHours: intSetting(env, 'TSUNAGU_EMERGENCY_HOURS', 8, 1, 24),
    historyDays: intSetting(env, 'TSUNAGU_EMERGENCY_HISTORY_DAYS', 180, 30, 3 * 365),
  };
}
