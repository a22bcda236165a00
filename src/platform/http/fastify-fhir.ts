/**
 * The FHIR API on Fastify: every request under `/fhir` becomes a FhirRequest for the router, and its FhirResponse
 * goes back as HTTP. Bodies were parsed by the content-type parsers (fhir-json.ts); the caller is authenticated only
 * when a handler asks (metadata and OperationDefinitions are public). A trailing slash is ignored (`POST [base]/`
 * is the base). A request that asks for another format than FHIR R4 JSON is answered 406 (router/formats.ts).
 */
import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { FhirMethod, FhirRequest, FhirResponse } from '../router/fhir-request.ts';
import { assertAcceptable } from '../router/formats.ts';
import type { FhirRouter } from '../router/router.ts';
import { FHIR_JSON } from './fhir-json.ts';
import { authenticate } from './request-context.ts';

export interface FhirMountOptions {
  router: FhirRouter;
  tokens: AccessTokens;
  /** Public base of the FHIR API (TSUNAGU_PUBLIC_URL + /fhir); derived from the request when unset. */
  baseUrl?: string;
}

const METHODS: FhirMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * CORS for browser apps (SMART on FHIR) from `origins` (TSUNAGU_CORS_ORIGINS; `*`: any). Never with credentials:
 * access tokens travel in the Authorization header, not in cookies. The headers a FHIR client sends and reads.
 */
export function corsOptions(origins: string[]): FastifyCorsOptions {
  return {
    origin: origins.includes('*') ? '*' : origins,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Accept',
      'If-Match',
      'If-None-Exist',
      'If-None-Match',
      'If-Modified-Since',
      'Prefer',
      'X-Purpose-Of-Use',
    ],
    exposedHeaders: ['ETag', 'Location', 'Content-Location', 'Last-Modified'],
    maxAge: 600,
  };
}

function headersOf(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(request.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The path below /fhir, decoded, without the slashes around it. */
function pathOf(request: FastifyRequest): string {
  const raw = (request.params as { '*'?: string })['*'] ?? '';
  return raw.replace(/^\/+|\/+$/g, '');
}

export function sendResponse(reply: FastifyReply, res: FhirResponse): FastifyReply {
  reply.code(res.status);
  if (res.headers) reply.headers(res.headers);
  if (res.body === undefined) return reply.send();
  // FHIR JSON unless the handler said otherwise (the SMART discovery document is application/json).
  if (!Object.keys(res.headers ?? {}).some((k) => k.toLowerCase() === 'content-type')) reply.header('content-type', FHIR_JSON);
  // Bytes as they are (a PDF an operation answers with its own content-type).
  return reply.send(typeof res.body === 'string' || Buffer.isBuffer(res.body) ? res.body : JSON.stringify(res.body));
}

export async function mountFhir(app: FastifyInstance, opts: FhirMountOptions): Promise<void> {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const i = request.url.indexOf('?');
    const query = new URLSearchParams(i >= 0 ? request.url.slice(i + 1) : '');
    const headers = headersOf(request);
    // FHIR R4 JSON is all this API answers in (406 for XML, other formats, other FHIR versions).
    assertAcceptable(headers, query);
    const req: FhirRequest = {
      method: request.method as FhirMethod,
      path: pathOf(request),
      query,
      headers,
      body: request.body,
      base: opts.baseUrl ?? `${request.protocol}://${request.host}/fhir`,
      context: () => authenticate(request, opts.tokens),
    };
    return sendResponse(reply, await opts.router.handle(req));
  };
  app.route({ method: METHODS, url: '/fhir', handler });
  app.route({ method: METHODS, url: '/fhir/*', handler });
}
