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
  /** Extra terminology files (CodeSystem / ValueSet JSON, e.g. a drug master) for validation. */
  terminologyFiles: string[];
  /** Apply JP-CLINS registration rules that the IG packages do not encode. */
  registrationRules: boolean;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Access token lifetime, seconds. */
  tokenLifetime: number;
  /** Connection pool size for PostgreSQL. */
  poolSize: number;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((p) => resolve(p));

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
    igPackages: list(env.TSUNAGU_IG),
    terminologyFiles: list(env.TSUNAGU_TX),
    registrationRules: env.TSUNAGU_REGISTRATION_RULES !== '0',
    bodyLimit: Number(env.TSUNAGU_BODY_LIMIT ?? 16 * 1024 * 1024),
    tokenLifetime: Number(env.TSUNAGU_TOKEN_LIFETIME ?? 300),
    poolSize: Number(env.TSUNAGU_POOL_SIZE ?? 20),
    ...overrides,
  };
}
