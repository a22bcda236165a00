/** Authenticates a request (Bearer access token) and builds the context every access decision uses. */
import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { PrincipalKind, RequestContext } from '../auth/principal.ts';
import { badRequest, unauthorized } from '../fhir/errors.ts';

/** Default purpose of use (v3 ActReason) by kind of caller. */
const DEFAULT_PURPOSE: Record<PrincipalKind, string> = {
  facility: 'TREAT',
  pharmacy: 'TREAT',
  insurer: 'HPAYMT',
  municipality: 'PUBHLTH',
  patient: 'PATRQT',
  operator: 'HOPERAT',
  researcher: 'HRESCH',
};
const PURPOSES = new Set(['TREAT', 'ETREAT', 'HPAYMT', 'PUBHLTH', 'PATRQT', 'HOPERAT', 'HRESCH', 'COVERAGE']);
export const PURPOSE_HEADER = 'x-purpose-of-use';

declare module 'fastify' {
  interface FastifyRequest {
    ctx?: RequestContext;
  }
}

export async function authenticate(request: FastifyRequest, tokens: AccessTokens): Promise<RequestContext> {
  if (request.ctx) return request.ctx;
  const header = request.headers.authorization;
  if (!header) throw unauthorized();
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw unauthorized('Authorization ヘッダーは Bearer 形式です', 'Authorization header must be "Bearer <token>"');
  const principal = await tokens.verify(m[1]);
  const asked = request.headers[PURPOSE_HEADER];
  let purpose = DEFAULT_PURPOSE[principal.kind];
  if (typeof asked === 'string' && asked) {
    if (!PURPOSES.has(asked)) throw badRequest(`利用目的 ${asked} は不明です`, `unknown purpose of use '${asked}'`);
    purpose = asked;
  }
  request.ctx = { principal, purpose, ip: request.ip };
  return request.ctx;
}
