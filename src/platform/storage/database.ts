/**
 * The storage interface every service uses. Two engines implement it with the same SQL dialect:
 * PGlite (PostgreSQL in WASM, embedded, the default) and PostgreSQL through `pg` (production).
 */

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** A named query is prepared once per connection by engines that support it (pg). */
export interface QueryOptions {
  name?: string;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
}

export type EngineName = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly engine: EngineName;
  /** Human-readable location (data directory or URL without password). */
  readonly location: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL error codes we branch on. */
export const PgCode = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLSTATEs meaning the server went away or cannot take the session now (a retry later can succeed). */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '53300', // too_many_connections
]);

/** Socket errors of a lost or refused connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages `pg` and `pg-pool` give a connection that ended, never opened in time, or can no longer be used. */
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|is not queryable|Connection is closed|Query read timeout/i;

/**
 * True when `err` says the connection to the database failed — refused, reset, terminated, timed out — rather
 * than that a statement was wrong (class 08 connection exceptions, shutdowns, socket errors, pg's own messages).
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const code = pgErrorCode(err);
  if (code && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code))) return true;
  if (err instanceof Error && CONNECTION_MESSAGES.test(err.message)) return true;
  // Node's happy-eyeballs connect (localhost → ::1 and 127.0.0.1) fails with an AggregateError.
  if (err instanceof AggregateError && err.errors.some((e) => isConnectionError(e, depth + 1))) return true;
  return isConnectionError((err as { cause?: unknown }).cause, depth + 1);
}

/** SQLSTATE class 22, data exception: a value the database cannot store or compute (bad byte sequence, out of range). */
export function isDataException(err: unknown): boolean {
  return /^22[0-9A-Z]{3}$/.test(pgErrorCode(err) ?? '');
}
