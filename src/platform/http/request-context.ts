/** Authenticates a request (Bearer access token) and builds the context every access decision uses. */
import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { PrincipalKind, RequestContext } from '../auth/principal.ts';
import { badRequest, forbidden, unauthorized } from '../fhir/errors.ts';

/**
 * Purposes of use (利用目的, v3 ActReason) a caller may name in the X-Purpose-Of-Use header, by kind of caller;
 * the first is the default. 医療機関・薬局 treatment, 保険者 payment and coverage checks, 自治体 public health,
 * 患者 their own request, 運用者 operations, 研究者 research.
 */
const PURPOSES_BY_KIND: Record<PrincipalKind, readonly string[]> = {
  facility: ['TREAT'],
  pharmacy: ['TREAT'],
  insurer: ['HPAYMT', 'COVERAGE'],
  municipality: ['PUBHLTH'],
  patient: ['PATRQT'],
  operator: ['HOPERAT'],
  researcher: ['HRESCH'],
  ambulance: ['TREAT'],
  'medical-team': ['TREAT'],
};
/** Emergency treatment (救急): never chosen by a header — only the emergency workflow sets it (withEmergencyPurpose). */
export const EMERGENCY_PURPOSE = 'ETREAT';
/** Disaster aid (災害時, v3 ActReason DISASTER): as ETREAT, set only by the emergency service's disaster view. */
export const DISASTER_PURPOSE = 'DISASTER';
const WORKFLOW_PURPOSES = new Set([EMERGENCY_PURPOSE, DISASTER_PURPOSE]);
const KNOWN_PURPOSES = new Set([...Object.values(PURPOSES_BY_KIND).flat(), ...WORKFLOW_PURPOSES]);
export const PURPOSE_HEADER = 'x-purpose-of-use';

declare module 'fastify' {
  interface FastifyRequest {
    ctx?: RequestContext;
  }
}

/** The purpose of a request: the kind's default, or the one the header names if the kind may use it. */
function purposeOf(kind: PrincipalKind, asked: string | string[] | undefined): string {
  const allowed = PURPOSES_BY_KIND[kind];
  if (asked === undefined || asked === '') return allowed[0];
  if (typeof asked !== 'string') throw badRequest('利用目的は1つだけ指定してください', `${PURPOSE_HEADER} must be given once`);
  if (!KNOWN_PURPOSES.has(asked)) throw badRequest(`利用目的 ${asked} は不明です`, `unknown purpose of use '${asked}'`);
  if (WORKFLOW_PURPOSES.has(asked))
    throw forbidden(
      '救急時・災害時の閲覧は救急時医療情報閲覧・災害時閲覧の手続きでのみ行えます（利用目的ヘッダーでは指定できません）',
      `purpose ${asked} cannot be chosen with ${PURPOSE_HEADER}: emergency access goes through the emergency workflow, disaster access through the disaster view`,
    );
  if (!allowed.includes(asked))
    throw forbidden(
      `この種別（${kind}）の利用者は利用目的 ${asked} を指定できません`,
      `a ${kind} client may not act for purpose ${asked} (allowed: ${allowed.join(', ')})`,
    );
  return asked;
}

export async function authenticate(request: FastifyRequest, tokens: AccessTokens): Promise<RequestContext> {
  if (request.ctx) return request.ctx;
  const header = request.headers.authorization;
  if (!header) throw unauthorized();
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw unauthorized('Authorization ヘッダーは Bearer 形式です', 'Authorization header must be "Bearer <token>"');
  const principal = await tokens.verify(m[1]);
  const purpose = purposeOf(principal.kind, request.headers[PURPOSE_HEADER]);
  request.ctx = { principal, purpose, ip: request.ip };
  return request.ctx;
}

/**
 * A copy of `ctx` acting for emergency treatment (ETREAT). Only for the emergency workflow (S8, 救急時医療情報閲覧),
 * after it has checked who may use it and recorded the stated reason; nothing else may produce an ETREAT context.
 */
export function withEmergencyPurpose(ctx: RequestContext): RequestContext {
  return { ...ctx, purpose: EMERGENCY_PURPOSE };
}

/** A copy of `ctx` acting for disaster aid (DISASTER): only the disaster view, inside a declared disaster. */
export function withDisasterPurpose(ctx: RequestContext): RequestContext {
  return { ...ctx, purpose: DISASTER_PURPOSE };
}
