/**
 * "The database is unavailable" as the client sees it: 503 with Retry-After and a transient OperationOutcome. The
 * PostgreSQL engine throws it for every connection-level failure; the HTTP error handler also maps raw connection
 * errors to it. A write whose COMMIT outcome is unknown (the connection broke while committing) is never
 * acknowledged: it is this error too, saying so.
 */
import { FhirError } from '../fhir/errors.ts';
import { outcome } from '../fhir/outcome.ts';
import { isConnectionError } from './database.ts';

/** Seconds a client is asked to wait before retrying. */
export const RETRY_AFTER_SECONDS = 5;

export class DatabaseUnavailable extends FhirError {
  /** True when the failure hit a COMMIT: the write may or may not have been applied. */
  readonly commitUnknown: boolean;

  constructor(cause: unknown, opts: { commitUnknown?: boolean } = {}) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const issue = opts.commitUnknown
      ? {
          ja: 'データベースとの接続が書き込みの確定中に切れました。書き込まれたか確認してから再試行してください',
          en: `the database connection was lost while committing (${reason}): the write may or may not have been applied; check before retrying`,
        }
      : { ja: 'データベースに接続できません。しばらくしてから再試行してください', en: `the database is unavailable (${reason}); retry later` };
    super(503, outcome([{ severity: 'error', code: 'transient', ...issue }]), { 'retry-after': String(RETRY_AFTER_SECONDS) });
    this.cause = cause;
    this.commitUnknown = opts.commitUnknown ?? false;
  }
}

/** `err` as DatabaseUnavailable when it is a connection-level failure; otherwise `err` unchanged. */
export function unavailableOr(err: unknown): unknown {
  return err instanceof DatabaseUnavailable || !isConnectionError(err) ? err : new DatabaseUnavailable(err);
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return err instanceof DatabaseUnavailable || isConnectionError(err);
}
