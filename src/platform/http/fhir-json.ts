/**
 * How requests are read and responses written. Request bodies: FHIR JSON under any of its media types and JSON Patch
 * (UTF-8; json-body.ts: strict parsing, no `__proto__`, bounded arrays, values and depth) and form-encoded bodies
 * (form-body.ts). Query strings of every route: valid percent-encoding and UTF-8, no control characters (400).
 * Responses: `application/fhir+json; charset=utf-8`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FhirError, badRequest } from '../fhir/errors.ts';
import { textProblem } from '../fhir/resource-shape.ts';
import { decodeQueryString } from '../search/search-request.ts';
import { parseFormBody } from './form-body.ts';
import { DEFAULT_JSON_LIMITS, parseJsonBody, type JsonLimits } from './json-body.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** JSON bodies: FHIR resources under any of FHIR's JSON media types, and JSON Patch documents (RFC 6902). */
export const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json+fhir', 'application/json-patch+json'];

/** A declared charset other than UTF-8 is refused (FHIR JSON is UTF-8). */
function checkCharset(request: FastifyRequest): void {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(request.headers['content-type'] ?? ''));
  if (m && !/^utf-?8$/i.test(m[1]))
    throw FhirError.of(
      415,
      'not-supported',
      `文字コード ${m[1]} には対応していません (UTF-8 を使ってください)`,
      `charset ${m[1]} is not supported; send UTF-8`,
    );
}

/** A configured limit, or the default when it is not a positive number (a typo must not lift a limit). */
const positive = (v: number | undefined, fallback: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback);

export function registerFhirJson(app: FastifyInstance, limits: Partial<JsonLimits> = {}): void {
  const d = DEFAULT_JSON_LIMITS;
  const jsonLimits: JsonLimits = {
    maxArrayItems: positive(limits.maxArrayItems, d.maxArrayItems),
    maxNodes: positive(limits.maxNodes, d.maxNodes),
    maxDepth: positive(limits.maxDepth, d.maxDepth),
  };
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    try {
      checkCharset(request);
      done(null, parseJsonBody(body as Buffer, jsonLimits));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      checkCharset(request);
      done(null, parseFormBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Every route: a path or query string that does not decode to text is refused before any handler sees it.
  app.addHook('onRequest', async (request) => {
    const i = request.url.indexOf('?');
    checkPath(i >= 0 ? request.url.slice(0, i) : request.url);
    if (i >= 0) decodeQueryString(request.url.slice(i + 1), 'query');
  });
}

function checkPath(path: string): void {
  if (!path.includes('%')) return; // raw URLs cannot carry control characters (the HTTP parser refuses them)
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw badRequest('URL の % エンコードが正しくありません (UTF-8 ではありません)', `invalid percent-encoding or UTF-8 in the path '${path.slice(0, 80)}'`);
  }
  const problem = textProblem(decoded);
  if (problem) throw badRequest(`URL に使えない文字があります: ${problem.ja}`, `the path: ${problem.en}`);
}

export function sendFhir(reply: FastifyReply, status: number, body: string | object, headers: Record<string, string> = {}) {
  reply.code(status).headers(headers).header('content-type', FHIR_JSON);
  return reply.send(typeof body === 'string' ? body : JSON.stringify(body));
}
