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
  /**
   * An extension whose definition is not loaded: 'warning' (the server's default — it stores what many systems send,
   * including the platform's own and the Subscriptions backport extensions, whose packages are not loaded) or 'error'
   * (the reference validator's verdict, the CLI's default).
   */
  unknownExtensions: 'error' | 'warning';
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Access token lifetime, seconds. */
  tokenLifetime: number;
  /** Connection pool size for PostgreSQL. */
  poolSize: number;
  /** File the signed audit chain checkpoints are appended to (keep it outside the database's storage). */
  auditAnchorFile: string;
  /** Seconds between audit chain checkpoints (0: only at shutdown and on demand). */
  auditAnchorInterval: number;
  /** Most entries in one batch or transaction Bundle (413 above). */
  bundleMaxEntries: number;
  /** Most items in any one JSON array of a request body (413 above). */
  maxArrayItems: number;
  /** Seconds a client has to send a whole request (408 after). */
  requestTimeout: number;
  /** Embedded engine: sync written files to disk before a write is acknowledged (fsync). */
  embeddedFsync: boolean;
  /** Reception number input: entries (lookups) one client may look up per hour. */
  numberLookupsPerHour: number;
  /** Reception number input: failed lookups of one number (any client) per day before it is locked. */
  numberFailuresPerDay: number;
  /** Origins browser apps may call the API from (CORS): `['*']` any (no credentials), `[]` none. */
  corsOrigins: string[];
}

/** TSUNAGU_CORS_ORIGINS: `*` (the default), `none`, or a comma-separated list of origins (`https://app.example.jp`). */
function corsOrigins(value: string | undefined): string[] {
  const v = (value ?? '*').trim();
  if (v === '' || v === '*') return ['*'];
  if (v === 'none') return [];
  const origins = v
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const o of origins)
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError(
        `TSUNAGU_CORS_ORIGINS の ${o} はオリジン（https://host[:port]）ではありません / TSUNAGU_CORS_ORIGINS: '${o}' is not an origin (https://host[:port])`,
      );
  return origins;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => resolve(p));

/** Settings that must be whole numbers ≥ 0 (a typo must not silently lift a limit or stop the server later). */
const WHOLE_NUMBERS = {
  PORT: 'port',
  TSUNAGU_AUDIT_CHAINS: 'auditChains',
  TSUNAGU_BODY_LIMIT: 'bodyLimit',
  TSUNAGU_TOKEN_LIFETIME: 'tokenLifetime',
  TSUNAGU_POOL_SIZE: 'poolSize',
  TSUNAGU_AUDIT_ANCHOR_INTERVAL: 'auditAnchorInterval',
  TSUNAGU_BUNDLE_MAX_ENTRIES: 'bundleMaxEntries',
  TSUNAGU_MAX_ARRAY_ITEMS: 'maxArrayItems',
  TSUNAGU_REQUEST_TIMEOUT: 'requestTimeout',
  TSUNAGU_NUMBER_LOOKUPS_PER_HOUR: 'numberLookupsPerHour',
  TSUNAGU_NUMBER_FAILURES_PER_DAY: 'numberFailuresPerDay',
} as const satisfies Record<string, keyof PlatformConfig>;

export class ConfigError extends Error {}

function unknownExtensionsOf(v: string | undefined): 'error' | 'warning' {
  if (v === undefined || v === '' || v === 'warning') return 'warning';
  if (v === 'error') return 'error';
  throw new ConfigError(`TSUNAGU_UNKNOWN_EXTENSIONS は warning か error です（${v}） / TSUNAGU_UNKNOWN_EXTENSIONS must be warning or error`);
}

function checkWholeNumbers(config: PlatformConfig): void {
  for (const [name, key] of Object.entries(WHOLE_NUMBERS)) {
    const v = config[key];
    if (!Number.isSafeInteger(v) || v < 0)
      throw new ConfigError(`設定 ${name} は0以上の整数です（${String(v)}） / ${name} must be a whole number ≥ 0, got ${String(v)}`);
  }
  if (config.auditChains < 1) throw new ConfigError('TSUNAGU_AUDIT_CHAINS は1以上です / TSUNAGU_AUDIT_CHAINS must be at least 1');
  if (config.poolSize < 1) throw new ConfigError('TSUNAGU_POOL_SIZE は1以上です / TSUNAGU_POOL_SIZE must be at least 1');
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  const dataDir = overrides.dataDir ?? (env.TSUNAGU_DATA_DIR ? resolve(env.TSUNAGU_DATA_DIR) : resolve('data'));
  const secretsBase = dataDir === 'memory://' ? resolve('.tsunagu') : dataDir;
  const config: PlatformConfig = {
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
    unknownExtensions: unknownExtensionsOf(env.TSUNAGU_UNKNOWN_EXTENSIONS),
    bodyLimit: Number(env.TSUNAGU_BODY_LIMIT ?? 16 * 1024 * 1024),
    tokenLifetime: Number(env.TSUNAGU_TOKEN_LIFETIME ?? 300),
    poolSize: Number(env.TSUNAGU_POOL_SIZE ?? 20),
    auditAnchorFile: env.TSUNAGU_AUDIT_ANCHOR_FILE ? resolve(env.TSUNAGU_AUDIT_ANCHOR_FILE) : join(secretsBase, 'audit', 'anchors.log'),
    auditAnchorInterval: Number(env.TSUNAGU_AUDIT_ANCHOR_INTERVAL ?? 10),
    bundleMaxEntries: Number(env.TSUNAGU_BUNDLE_MAX_ENTRIES ?? 1000),
    maxArrayItems: Number(env.TSUNAGU_MAX_ARRAY_ITEMS ?? 10_000),
    requestTimeout: Number(env.TSUNAGU_REQUEST_TIMEOUT ?? 30),
    embeddedFsync: env.TSUNAGU_EMBEDDED_FSYNC !== '0',
    numberLookupsPerHour: Number(env.TSUNAGU_NUMBER_LOOKUPS_PER_HOUR ?? 3000),
    numberFailuresPerDay: Number(env.TSUNAGU_NUMBER_FAILURES_PER_DAY ?? 5),
    corsOrigins: corsOrigins(env.TSUNAGU_CORS_ORIGINS),
    ...overrides,
  };
  checkWholeNumbers(config);
  return config;
}
