/** Every error leaves the server as an OperationOutcome with the right HTTP status. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { FhirError } from '../fhir/errors.ts';
import { outcome, type IssueCode } from '../fhir/outcome.ts';
import { isDataException } from '../storage/database.ts';
import { DatabaseUnavailable, isDatabaseUnavailable } from '../storage/db-unavailable.ts';
import { FHIR_JSON } from './fhir-json.ts';

const KNOWN: Record<string, { code: IssueCode; ja: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'too-costly', ja: '本文が大きすぎます' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'not-supported', ja: 'この Content-Type には対応していません (application/fhir+json を使ってください)' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid', ja: '本文が空です' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid', ja: 'Content-Length が正しくありません' },
};

/**
 * Database errors that reach the handler raw: a lost connection is 503 + Retry-After (the engines throw
 * DatabaseUnavailable already; this catches any path that did not), a data exception (SQLSTATE class 22: a byte
 * sequence or number the database refuses) is the request's fault, 400 — a safety net behind input validation.
 */
function databaseError(err: unknown): FhirError | undefined {
  if (isDatabaseUnavailable(err)) return err instanceof DatabaseUnavailable ? err : new DatabaseUnavailable(err);
  if (isDataException(err))
    return FhirError.of(
      400,
      'invalid',
      'データベースに保存できない値が含まれています（不正な文字や範囲外の数値など）',
      `the database refused a value: ${(err as Error).message}`,
    );
  return undefined;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError | FhirError, request, reply) => {
    const err = raw instanceof FhirError ? raw : (databaseError(raw) ?? raw);
    if (err instanceof FhirError) {
      if (err instanceof DatabaseUnavailable) request.log.warn(err);
      else if (err.status >= 500) request.log.error(err);
      else if (err !== raw) request.log.warn(raw);
      return reply.code(err.status).headers(err.headers).header('content-type', FHIR_JSON).send(JSON.stringify(err.outcome));
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error(err);
      return reply
        .code(500)
        .header('content-type', FHIR_JSON)
        .send(JSON.stringify(outcome([{ severity: 'fatal', code: 'exception', ja: 'サーバー内部でエラーが発生しました', en: 'internal server error' }])));
    }
    const known = (err.code && KNOWN[err.code]) || undefined;
    const isJson = err instanceof SyntaxError || /JSON/i.test(err.message);
    const ja = known?.ja ?? (isJson ? '本文が正しい JSON ではありません' : '要求が正しくありません');
    return reply
      .code(status)
      .header('content-type', FHIR_JSON)
      .send(JSON.stringify(outcome([{ severity: 'error', code: known?.code ?? (isJson ? 'structure' : 'invalid'), ja, en: err.message }])));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .header('content-type', FHIR_JSON)
      .send(
        JSON.stringify(
          outcome([
            { severity: 'error', code: 'not-found', ja: `${request.method} ${request.url} はありません`, en: `no route for ${request.method} ${request.url}` },
          ]),
        ),
      );
  });
}
