/**
 * Fastify options for what happens before a route runs. How long a client may hold a connection: the whole request
 * (headers and body) must arrive within TSUNAGU_REQUEST_TIMEOUT seconds (408 after, checked at least every second);
 * a socket idle for ten times that (a client that stops reading its response) is closed; an idle keep-alive
 * connection after 72 s (Fastify's default, above common proxy idle times). Errors found before routing (a timeout,
 * oversized headers, malformed HTTP, a URL that does not decode, an over-long path segment) answer with an
 * OperationOutcome too.
 */
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { outcome, type IssueCode } from '../fhir/outcome.ts';
import { FHIR_JSON } from './fhir-json.ts';

/** `requestTimeout` in seconds; 0 turns the timeouts off, anything not a number is the default 30. */
export function serverOptions(limits: { requestTimeout: number }) {
  const seconds = Number.isFinite(limits.requestTimeout) && limits.requestTimeout >= 0 ? limits.requestTimeout : 30;
  const requestMs = Math.round(seconds * 1000);
  return {
    requestTimeout: requestMs,
    connectionTimeout: requestMs * 10,
    keepAliveTimeout: 72_000,
    http: {
      headersTimeout: requestMs ? Math.min(requestMs, 60_000) : 60_000,
      connectionsCheckingInterval: requestMs ? Math.min(1000, Math.max(100, Math.round(requestMs / 10))) : 30_000,
    },
    clientErrorHandler,
    frameworkErrors,
  };
}

const ROUTING: Record<string, { status: number; code: IssueCode; ja: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'invalid', ja: 'URL の % エンコードが正しくありません' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'too-long', ja: 'URL の部分が長すぎます' },
};

function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = ROUTING[err.code];
  const status = known?.status ?? 500;
  const issue = known
    ? { severity: 'error' as const, code: known.code, ja: known.ja, en: err.message }
    : { severity: 'fatal' as const, code: 'exception' as const, ja: 'サーバー内部でエラーが発生しました', en: 'internal server error' };
  void reply
    .code(status)
    .header('content-type', FHIR_JSON)
    .send(JSON.stringify(outcome([issue])));
}

const ANSWERS: Record<string, { status: number; reason: string; ja: string; en: string; code: 'timeout' | 'too-costly' | 'structure' }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'timeout',
    ja: '要求の受信が時間内に終わりませんでした',
    en: 'the request did not arrive in time',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'too-costly',
    ja: 'ヘッダーが大きすぎます',
    en: 'request headers too large',
  },
};
const MALFORMED = { status: 400, reason: 'Bad Request', code: 'structure' as const, ja: 'HTTP 要求の形式が正しくありません', en: 'malformed HTTP request' };

function clientErrorHandler(err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const a = ANSWERS[err.code] ?? MALFORMED;
  // Only when no response has begun on this socket (as Node's own handler does).
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify(outcome([{ severity: 'error', code: a.code, ja: a.ja, en: a.en }]));
    socket.write(
      `HTTP/1.1 ${a.status} ${a.reason}\r\nConnection: close\r\nContent-Type: ${FHIR_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
