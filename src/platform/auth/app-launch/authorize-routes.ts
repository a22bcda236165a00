/**
 * The authorization endpoint (`/auth/authorize`: the sign-in page and its form), sign-out (`/auth/logout`), the
 * person's own details (`/auth/userinfo`) and the sign-in page's script. Pages are HTML with a strict CSP, never framed
 * (clickjacking), never cached.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../access-tokens.ts';
import type { Database } from '../../storage/database.ts';
import { unauthorized } from '../../fhir/errors.ts';
import { STAFF_ROLES } from '../staff/index.ts';
import { AUTHORIZE_PATH, LOGOUT_PATH, USERINFO_PATH } from '../smart-configuration.ts';
import { checkAuthorizationRequest, redirectBack, type AuthorizationRequest } from './authorization-request.ts';
import { endSessionOf, issueCode } from './one-time-secrets.ts';
import { renderErrorPage, renderSignInPage, SIGN_IN_SCRIPT, SIGN_IN_SCRIPT_PATH, type Lang } from './sign-in-page.ts';
import { type SignInDeps, signInPatient, signInStaff } from './sign-in.ts';

export interface AuthorizeDeps extends SignInDeps {
  db: Database;
  tokens: AccessTokens;
  /** This server's origins now (the first is the published one). */
  origins(): string[];
}

const STYLE_HASH = (html: string) => {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
};

function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'self'; style-src ${STYLE_HASH(html)}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    )
    .send(html);
}

const langOf = (v: unknown): Lang => (v === 'en' ? 'en' : 'ja');

const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

export async function authorizeRoutes(app: FastifyInstance, deps: AuthorizeDeps): Promise<void> {
  /** The checked request, or the reply already sent (an error page or a redirect with the error). */
  async function requestOf(params: Record<string, unknown>, reply: FastifyReply): Promise<AuthorizationRequest | undefined> {
    const lang = langOf(params.lang);
    const check = await checkAuthorizationRequest(deps.db, params, deps.origins());
    if (check.ok) return check.request;
    if (!check.redirect) {
      await sendPage(reply, 400, renderErrorPage(lang, check.ja, check.en));
      return undefined;
    }
    await reply
      .header('cache-control', 'no-store')
      .redirect(redirectBack(check.redirectUri, { error: check.error, error_description: check.description, state: check.state }), 303);
    return undefined;
  }

  app.get(AUTHORIZE_PATH, async (request, reply) => {
    const params = request.query as Record<string, unknown>;
    const req = await requestOf(params, reply);
    if (!req) return reply;
    return sendPage(reply, 200, renderSignInPage({ lang: langOf(params.lang), appName: req.app.name, users: req.app.users, request: req.carried }));
  });

  app.post(AUTHORIZE_PATH, async (request: FastifyRequest, reply) => {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const lang = langOf(form.lang);
    const req = await requestOf(form, reply);
    if (!req) return reply;
    const outcome =
      str(form, 'method') === 'card'
        ? await signInPatient(deps, req, { cardFile: str(form, 'cardFile'), pin: str(form, 'pin') }, lang, request.ip)
        : await signInStaff(
            deps,
            req,
            { facility: str(form, 'facility'), login: str(form, 'login'), password: str(form, 'password'), totp: str(form, 'totp') },
            lang,
            request.ip,
          );
    if (!outcome.ok)
      return sendPage(
        reply,
        401,
        renderSignInPage({
          lang,
          appName: req.app.name,
          users: req.app.users,
          request: req.carried,
          error: outcome.message,
          facilityCode: str(form, 'facility'),
          login: str(form, 'login'),
        }),
      );
    const code = await issueCode(deps.db, { redirectUri: req.redirectUri, codeChallenge: req.codeChallenge, grant: outcome.grant });
    return reply.header('cache-control', 'no-store').redirect(redirectBack(req.redirectUri, { code, state: req.state }), 303);
  });

  app.get(SIGN_IN_SCRIPT_PATH, async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(SIGN_IN_SCRIPT),
  );

  // Sign-out: the refresh token's session ends (its access tokens stop within seconds: access-tokens.ts). Always 200,
  // so a stale or unknown token tells nothing.
  app.post(LOGOUT_PATH, async (request, reply) => {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const token = str(body, 'refresh_token') ?? str(body, 'token');
    if (token) await endSessionOf(deps.db, token);
    deps.tokens.forget();
    return reply.header('cache-control', 'no-store').send({ signedOut: true });
  });

  // OpenID Connect userinfo: the signed-in person (a bearer token of a sign-in).
  app.get(USERINFO_PATH, async (request, reply) => {
    const auth = request.headers.authorization;
    if (!auth?.startsWith('Bearer ')) throw unauthorized('アクセストークンがありません', 'a bearer token is required');
    const p = await deps.tokens.verify(auth.slice(7));
    if (!p.user) throw unauthorized('このトークンは利用者のサインインではありません', 'this token is not a person’s sign-in');
    const facility = p.facilityCode ? await deps.facilities.get(p.facilityCode) : undefined;
    const role = p.user.role;
    return reply.header('cache-control', 'no-store').send({
      sub: `${p.user.kind}:${p.user.id}`,
      name: p.user.name,
      kind: p.user.kind,
      ...(role ? { role, roleName: STAFF_ROLES[role].ja, roleNameEn: STAFF_ROLES[role].en } : {}),
      ...(p.facilityCode ? { facilityCode: p.facilityCode, facilityName: facility?.name ?? p.name } : {}),
      ...(p.patientId ? { patientId: p.patientId } : {}),
    });
  });
}
