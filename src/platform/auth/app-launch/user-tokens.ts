/**
 * The token endpoint's grants for people (SMART App Launch): `authorization_code` (with the PKCE verifier, the same
 * redirect_uri and the app's client_id) and `refresh_token` (rotated: each use gives the next one). The answer is the
 * SMART token response — access token, scope, id token when `openid` was granted, the patient in context for a patient —
 * and `tsunagu_user`, what the apps show in their header (name, role, facility; for a patient the people they may act
 * for as 代理人 and the one they act for now).
 *
 * 代理人: a patient app asks to act for another person with the refresh grant and `patient=<Patient id>` (their own
 * id: back to themselves). It is checked against the registrations (proxies/patient-proxies.ts) before the refresh
 * token is used, and again on every later refresh, so an ended registration ends the acting within one token's
 * lifetime. The person acted for is the token's `patient`; the proxy stays its user (`fhirUser`, the access log).
 */
import { OAuthError } from '../client-assertion.ts';
import type { AccessTokens } from '../access-tokens.ts';
import type { Facilities } from '../facilities.ts';
import { PROXY_RELATIONS, type PatientProxies } from '../proxies/patient-proxies.ts';
import type { PlatformKey } from '../platform-keys.ts';
import { parseScopes } from '../scopes.ts';
import { STAFF_ROLES } from '../staff/index.ts';
import type { Database } from '../../storage/database.ts';
import { findAppClient } from './app-clients.ts';
import { fhirUserOf, issueIdToken } from './id-token.ts';
import { issueRefreshToken, peekRefreshGrant, redeemCode, type Redeemed, retireRefreshToken, rotateRefreshToken } from './one-time-secrets.ts';
import { verifierMatches } from './pkce.ts';
import type { UserGrant } from './user-grant.ts';

/** A person's access token lives a quarter of an hour; the app refreshes it while the session lasts. */
export const USER_TOKEN_LIFETIME_SECONDS = 900;

export interface UserTokenDeps {
  db: Database;
  tokens: AccessTokens;
  key: PlatformKey;
  facilities: Facilities;
  proxies: PatientProxies;
}

export type TokenForm = Record<string, string | undefined>;

const invalidGrant = (reason: Redeemed<unknown> & { ok: false }, what: string) =>
  new OAuthError(
    'invalid_grant',
    reason.reason === 'reused' ? `the ${what} was already used: the session is ended` : reason.reason === 'expired' ? `the ${what} expired` : `unknown ${what}`,
  );

async function activeApp(db: Database, clientId: string | undefined) {
  if (!clientId) throw new OAuthError('invalid_request', 'client_id is required (a public client names itself)');
  const app = await findAppClient(db, clientId);
  if (!app?.active) throw new OAuthError('invalid_client', `app ${clientId} is not registered or is disabled`, 401);
  return app;
}

async function tokenResponse(deps: UserTokenDeps, issuer: string, grant: UserGrant, refreshToken: string) {
  const access = await deps.tokens.issue(
    { clientId: grant.clientId, name: grant.name, kind: grant.kind, facilityCode: grant.facilityCode, patientId: grant.patientId, user: grant.user },
    parseScopes(grant.scopes),
    USER_TOKEN_LIFETIME_SECONDS,
  );
  const facility = grant.facilityCode ? await deps.facilities.get(grant.facilityCode) : undefined;
  const role = grant.user.role;
  const proxies = grant.kind === 'patient' ? await deps.proxies.activeFor(grant.user.id) : [];
  const actingFor = proxies.find((p) => p.patientId === grant.patientId);
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: USER_TOKEN_LIFETIME_SECONDS,
    scope: grant.scopes.join(' '),
    refresh_token: refreshToken,
    ...(grant.scopes.includes('openid') ? { id_token: await issueIdToken(deps.key, issuer, grant) } : {}),
    ...(grant.patientId ? { patient: grant.patientId } : {}),
    ...(grant.scopes.includes('fhirUser') ? { fhirUser: fhirUserOf(issuer, grant) } : {}),
    need_patient_banner: grant.kind !== 'patient',
    tsunagu_user: {
      id: grant.user.id,
      name: grant.user.name,
      kind: grant.user.kind,
      ...(role ? { role, roleName: STAFF_ROLES[role].ja, roleNameEn: STAFF_ROLES[role].en } : {}),
      ...(grant.facilityCode ? { facilityCode: grant.facilityCode, facilityName: facility?.name ?? grant.name } : {}),
      ...(grant.patientId ? { patientId: grant.patientId } : {}),
      ...(grant.kind === 'patient'
        ? {
            proxies: proxies.map((p) => ({ patientId: p.patientId, name: p.patientName, relation: p.relation, relationName: PROXY_RELATIONS[p.relation].ja })),
            ...(actingFor ? { actingFor: { patientId: actingFor.patientId, name: actingFor.patientName, relation: actingFor.relation } } : {}),
          }
        : {}),
    },
  };
}

/**
 * The person the refreshed tokens are about: the one asked for (`patient`), or the grant's own. A patient's own id
 * is always allowed; another person only under an active registration of the grant's user as their 代理人.
 */
async function contextOf(deps: UserTokenDeps, grant: UserGrant, asked: string | undefined): Promise<string | undefined> {
  const target = asked ?? grant.patientId;
  if (asked !== undefined && grant.kind !== 'patient') throw new OAuthError('invalid_request', 'patient may be asked only in a patient’s sign-in');
  if (grant.kind !== 'patient' || target === grant.user.id) return target;
  if (!target || !(await deps.proxies.activeBetween(grant.user.id, target)))
    throw new OAuthError(
      'invalid_grant',
      asked !== undefined ? 'you are not registered as a proxy (代理人) of this person' : 'the proxy registration has ended',
    );
  return target;
}

export async function authorizationCodeGrant(deps: UserTokenDeps, issuer: string, form: TokenForm) {
  const app = await activeApp(deps.db, form.client_id);
  if (!form.code) throw new OAuthError('invalid_request', 'code is required');
  const redeemed = await redeemCode(deps.db, form.code);
  if (!redeemed.ok) throw invalidGrant(redeemed, 'authorization code');
  const pending = redeemed.value;
  if (pending.clientId !== app.clientId) throw new OAuthError('invalid_grant', 'the code was issued to another app');
  if (form.redirect_uri !== pending.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorization request');
  if (!verifierMatches(form.code_verifier, pending.codeChallenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  return tokenResponse(deps, issuer, pending.grant, await issueRefreshToken(deps.db, pending.grant));
}

export async function refreshTokenGrant(deps: UserTokenDeps, issuer: string, form: TokenForm) {
  const app = await activeApp(deps.db, form.client_id);
  if (!form.refresh_token) throw new OAuthError('invalid_request', 'refresh_token is required');
  // The context is checked before the token is used, so a refused request leaves the session as it was.
  const live = await peekRefreshGrant(deps.db, form.refresh_token);
  const patientId = live && live.clientId === app.clientId ? await contextOf(deps, live, form.patient) : undefined;
  const rotated = await rotateRefreshToken(deps.db, form.refresh_token);
  if (!rotated.ok) throw invalidGrant(rotated, 'refresh token');
  if (rotated.value.grant.clientId !== app.clientId) throw new OAuthError('invalid_grant', 'the refresh token was issued to another app');
  if (rotated.value.grant.patientId === patientId) return tokenResponse(deps, issuer, rotated.value.grant, rotated.value.next);
  // A new context: the session goes on (same id) with the grant about the other person from the next refresh on.
  const grant: UserGrant = { ...rotated.value.grant, patientId };
  await retireRefreshToken(deps.db, rotated.value.next);
  return tokenResponse(deps, issuer, grant, await issueRefreshToken(deps.db, grant));
}
