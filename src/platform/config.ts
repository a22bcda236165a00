/** Runtime configuration, from environment variables (and CLI flags that override them). */
import { join, resolve } from 'node:path';

export interface PlatformConfig {
  /** Embedded data directory (PGlite data, audit key); `memory://` for an in-memory database. */
  dataDir: string;
  /** PostgreSQL connection string; when set the embedded database is not used. */
  databaseUrl?: string;
  port: number;
  host: string;
  /** Public URL (scheme://host[:port]) when behind a proxy; derived from requests otherwise. */
  publicUrl?: string;
  /** File holding the audit HMAC key; default `<dataDir>/secrets/audit-hmac.key`. */
  auditKeyFile: string;
  /** Number of parallel audit hash chains. */
  auditChains: number;
  /** FHIR IG packages (.tgz or folders) to load for validation. */
  igPackages: string[];
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Access token lifetime, seconds. */
  tokenLifetime: number;
  /** Connection pool size for PostgreSQL. */
  poolSize: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  const dataDir = overrides.dataDir ?? (env.TSUNAGU_DATA_DIR ? resolve(env.TSUNAGU_DATA_DIR) : resolve('data'));
  const secretsBase = dataDir === 'memory://' ? resolve('.tsunagu') : dataDir;
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '0.0.0.0',
    publicUrl: env.TSUNAGU_PUBLIC_URL || undefined,
    auditKeyFile: env.TSUNAGU_AUDIT_KEY_FILE ? resolve(env.TSUNAGU_AUDIT_KEY_FILE) : join(secretsBase, 'secrets', 'audit-hmac.key'),
    auditChains: Number(env.TSUNAGU_AUDIT_CHAINS ?? 16),
    igPackages: (env.TSUNAGU_IG ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((p) => resolve(p)),
    bodyLimit: Number(env.TSUNAGU_BODY_LIMIT ?? 16 * 1024 * 1024),
    tokenLifetime: Number(env.TSUNAGU_TOKEN_LIFETIME ?? 300),
    poolSize: Number(env.TSUNAGU_POOL_SIZE ?? 20),
    ...overrides,
  };
}
