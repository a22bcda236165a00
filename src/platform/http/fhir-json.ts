/**
 * Request bodies: FHIR JSON under any of its media types, size-limited, parsed safely (no `__proto__` keys).
 * Responses: `application/fhir+json; charset=utf-8`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
export const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json+fhir'];

export function registerFhirJson(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  const parser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, parser);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

export function sendFhir(reply: FastifyReply, status: number, body: string | object, headers: Record<string, string> = {}) {
  reply.code(status).headers(headers).header('content-type', FHIR_JSON);
  return reply.send(typeof body === 'string' ? body : JSON.stringify(body));
}
