/**
 * App clients (SMART App Launch public clients): browser apps that sign a person in through the authorization server
 * with the authorization code flow and PKCE — the platform's own apps and any third-party app registered the same way.
 * They hold no secret and no key; what makes a code theirs is the exact redirect URI registered here and the PKCE
 * verifier. Stored in `clients` with kind `app`, beside the system clients, so disabling one works the same way.
 */
import { FhirError } from '../../fhir/errors.ts';
import type { Queryable } from '../../storage/database.ts';
import { LAUNCH_SCOPES, parseScope } from '../scopes.ts';

/** Who may sign in to an app: 職員 (a facility's or pharmacy's staff) and / or 患者 (a person, with their card). */
export const APP_USERS = ['staff', 'patient'] as const;
export type AppUser = (typeof APP_USERS)[number];

export interface AppClient {
  clientId: string;
  name: string;
  /**
   * Where codes may be sent, compared exactly. An absolute URL (https, or http on localhost for development), or a
   * path beginning with `/`: this server's own origin (the platform's apps).
   */
  redirectUris: string[];
  users: AppUser[];
  /** The most an app's token may carry (resource scopes and launch scopes); a person's role limits it further. */
  scopes: string[];
  active: boolean;
}

const STAFF_SCOPES = ['openid', 'fhirUser', 'profile', 'offline_access', 'online_access', 'user/*.cruds'];
const PATIENT_SCOPES = ['openid', 'fhirUser', 'profile', 'offline_access', 'online_access', 'launch/patient', 'patient/*.rs'];

/** The platform's own apps (web/), registered at every start. */
export const BUILT_IN_APPS: Omit<AppClient, 'active'>[] = [
  { clientId: 'tsunagu-clinic', name: '診療所アプリ', redirectUris: ['/clinic/'], users: ['staff'], scopes: STAFF_SCOPES },
  { clientId: 'tsunagu-pharmacy', name: '薬局アプリ', redirectUris: ['/pharmacy/'], users: ['staff'], scopes: STAFF_SCOPES },
  { clientId: 'tsunagu-portal', name: '患者ポータル', redirectUris: ['/portal/'], users: ['patient'], scopes: PATIENT_SCOPES },
];

const invalid = (ja: string, en: string, field: string) => FhirError.of(400, 'invalid', ja, en, [field]);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a redirect URI cannot be registered, or undefined (RFC 6749 §3.1.2, RFC 8252 for loopback). */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.startsWith('/')) return uri.startsWith('//') || uri.includes('#') ? 'a relative redirect URI is a path on this server' : undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not an absolute URL';
  }
  if (url.hash) return 'a redirect URI has no fragment';
  if (url.username || url.password) return 'a redirect URI has no user information';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  return 'a redirect URI is https (http only on localhost)';
}

export function validateAppClient(app: Omit<AppClient, 'active'>): void {
  if (!/^[A-Za-z0-9._~-]{3,64}$/.test(app.clientId))
    throw invalid('クライアントIDは英数字と . _ ~ - の3〜64文字です', 'client_id: 3–64 of A–Z a–z 0–9 . _ ~ -', 'clientId');
  if (!app.name?.trim()) throw invalid('名称が必要です', 'a name is required', 'name');
  if (!app.redirectUris.length) throw invalid('リダイレクトURIが必要です', 'at least one redirect URI is required', 'redirectUris');
  for (const uri of app.redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw invalid(`リダイレクトURI ${uri} は登録できません`, `redirect URI ${uri}: ${problem}`, 'redirectUris');
  }
  if (!app.users.length || app.users.some((u) => !APP_USERS.includes(u)))
    throw invalid('利用者は staff / patient です', `users: one or both of ${APP_USERS.join(', ')}`, 'users');
  for (const s of app.scopes) if (!LAUNCH_SCOPES.has(s) && !parseScope(s)) throw invalid(`スコープ ${s} は不正です`, `invalid scope ${s}`, 'scopes');
  if (app.scopes.some((s) => s.startsWith('system/'))) throw invalid('アプリに system スコープは付与できません', 'an app cannot hold system scopes', 'scopes');
}

/** Registers an app; with `replace`, an existing app of that id (not a system client) takes the new settings. */
export async function registerAppClient(db: Queryable, app: Omit<AppClient, 'active'>, opts: { replace?: boolean } = {}): Promise<AppClient> {
  validateAppClient(app);
  const res = await db.query(
    `INSERT INTO clients (client_id, name, kind, scopes, jwks, redirect_uris, app_users) VALUES ($1, $2, 'app', $3, '{"keys":[]}', $4, $5)
     ON CONFLICT (client_id) DO ${opts.replace ? "UPDATE SET name = $2, scopes = $3, redirect_uris = $4, app_users = $5 WHERE clients.kind = 'app' AND NOT clients.deleted" : 'NOTHING'}`,
    [app.clientId, app.name, app.scopes, app.redirectUris, app.users],
  );
  if (res.rowCount === 0) throw FhirError.of(409, 'duplicate', `クライアント ${app.clientId} は登録済みです`, `client ${app.clientId} already exists`);
  return { ...app, active: true };
}

/** Registers (or brings up to date) the platform's own apps; leaves them disabled if an operator disabled them. */
export async function ensureBuiltInApps(db: Queryable): Promise<void> {
  for (const app of BUILT_IN_APPS) await registerAppClient(db, app, { replace: true });
}

type Row = { client_id: string; name: string; redirect_uris: string[]; app_users: AppUser[]; scopes: string[]; active: boolean };

/** An app that is registered and not deleted (it may be disabled: see `active`). */
export async function findAppClient(db: Queryable, clientId: string): Promise<AppClient | undefined> {
  const res = await db.query<Row>("SELECT * FROM clients WHERE client_id = $1 AND kind = 'app' AND NOT deleted", [clientId]);
  const r = res.rows[0];
  return r && { clientId: r.client_id, name: r.name, redirectUris: r.redirect_uris, users: r.app_users, scopes: r.scopes, active: r.active };
}

/** Is `uri` one of the app's redirect URIs (a relative one at one of this server's origins)? Exact comparison. */
export function redirectRegistered(app: AppClient, uri: string, origins: string[]): boolean {
  return app.redirectUris.some((r) => (r.startsWith('/') ? origins.some((o) => `${o}${r}` === uri) : r === uri));
}
