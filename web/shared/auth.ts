/**
 * サインイン: a SMART App Launch public client of this server's authorization server (standalone launch, authorization
 * code + PKCE S256). `start()` at page load: finish a sign-in coming back (`?code=&state=`), or use the session kept in
 * sessionStorage, or go to the sign-in page. The access token is refreshed a minute before it ends and after a 401;
 * sign-out forgets the session here and ends it on the server.
 */
import type { TokenSource } from './api.ts';
import { ApiError, errorText, MESSAGES } from './errors.ts';
import {
  atOrigin,
  authorizeUrl,
  type Callback,
  codeChallenge,
  codeExchangeBody,
  needsRefresh,
  parseCallback,
  randomToken,
  refreshBody,
  type Session,
  type SmartEndpoints,
  sessionOf,
  type TokenResponse,
} from './pkce.ts';
import type { Text } from './text.ts';

export const STAFF_SCOPE = 'openid fhirUser user/*.cruds offline_access';
export const PATIENT_SCOPE = 'openid fhirUser launch/patient patient/*.rs offline_access';

export interface AppAuthOptions {
  /** The app's client id (e.g. `tsunagu-clinic`). */
  clientId: string;
  /** The app's path, its redirect URI on this server (e.g. `/clinic/`). */
  path: string;
  scope: string;
}

export type AuthState =
  | { status: 'starting' }
  | { status: 'redirecting' }
  | { status: 'signed-in'; session: Session }
  | { status: 'signed-out' }
  | { status: 'expired' }
  | { status: 'error'; text: Text };

/** The sign-in under way: kept from leaving for the sign-in page until coming back. */
interface Pending {
  state: string;
  verifier: string;
  /** The screen to come back to (`#…`). */
  hash: string;
}

const TEXT = {
  stateMismatch: {
    ja: 'サインインの確認に失敗しました（別の画面から開始された可能性があります）。もう一度サインインしてください',
    en: 'The sign-in could not be confirmed (it may have been started elsewhere). Please sign in again.',
  },
  denied: { ja: 'サインインが取り消されました', en: 'The sign-in was cancelled' },
  refused: (description?: string): Text => ({
    ja: 'サインインできませんでした。もう一度お試しください',
    en: `The sign-in failed${description ? `: ${description}` : ''}. Please try again.`,
  }),
};

interface Endpoints {
  authorize: string;
  token: string;
  logout?: string;
}

function storage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}

async function postForm(url: string, body: URLSearchParams): Promise<Response> {
  try {
    return await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, cache: 'no-store' });
  } catch {
    throw new ApiError(0, MESSAGES.network);
  }
}

async function bodyOf(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

export class SmartAuth implements TokenSource {
  private state: AuthState = { status: 'starting' };
  private readonly listeners = new Set<() => void>();
  private started?: Promise<void>;
  private refreshing?: Promise<boolean>;
  private endpoints?: Promise<Endpoints>;

  constructor(readonly options: AppAuthOptions) {}

  private get key() {
    return `tsunagu.${this.options.clientId}`;
  }

  get current(): AuthState {
    return this.state;
  }

  get session(): Session | undefined {
    return this.state.status === 'signed-in' ? this.state.session : undefined;
  }

  /** For React's useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): AuthState => this.state;

  private set(state: AuthState): void {
    this.state = state;
    for (const l of this.listeners) l();
  }

  private keep(session: Session | undefined): void {
    const s = storage();
    if (session) s?.setItem(`${this.key}.session`, JSON.stringify(session));
    else s?.removeItem(`${this.key}.session`);
  }

  private stored(): Session | undefined {
    try {
      const raw = storage()?.getItem(`${this.key}.session`);
      const s = raw ? (JSON.parse(raw) as Session) : undefined;
      return s?.accessToken && s.user ? s : undefined;
    } catch {
      return undefined;
    }
  }

  private get redirectUri(): string {
    return `${location.origin}${this.options.path}`;
  }

  /** The authorization and token endpoints, from this server's SMART configuration. */
  private discover(): Promise<Endpoints> {
    this.endpoints ??= (async () => {
      let res: Response;
      try {
        res = await fetch('/.well-known/smart-configuration', { headers: { accept: 'application/json' } });
      } catch {
        throw new ApiError(0, MESSAGES.network);
      }
      const doc = (await bodyOf(res)) as (SmartEndpoints & { issuer?: string }) | undefined;
      if (!res.ok || !doc?.authorization_endpoint || !doc.token_endpoint) throw new ApiError(res.status, errorText(res.status, doc));
      const here = (url: string) => atOrigin(url, location.origin, doc.issuer ? [doc.issuer] : []);
      return {
        authorize: here(doc.authorization_endpoint),
        token: here(doc.token_endpoint),
        logout: doc.revocation_endpoint ? here(doc.revocation_endpoint) : undefined,
      };
    })();
    this.endpoints.catch(() => (this.endpoints = undefined));
    return this.endpoints;
  }

  /** At page load (once): a sign-in coming back, the kept session, or off to the sign-in page. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const callback = parseCallback(location.search);
      if (callback) return this.complete(callback);
      const kept = this.stored();
      if (kept) return this.set({ status: 'signed-in', session: kept });
      return this.signIn();
    })();
    return this.started;
  }

  /** Goes to the authorization server's sign-in page. */
  async signIn(): Promise<void> {
    this.set({ status: 'redirecting' });
    try {
      const endpoints = await this.discover();
      const pending: Pending = { state: randomToken(16), verifier: randomToken(32), hash: location.hash };
      storage()?.setItem(`${this.key}.pending`, JSON.stringify(pending));
      let lang: string | undefined;
      try {
        lang = localStorage.getItem('tsunagu.lang') === 'en' ? 'en' : undefined;
      } catch {
        lang = undefined;
      }
      location.assign(
        authorizeUrl(endpoints.authorize, {
          clientId: this.options.clientId,
          redirectUri: this.redirectUri,
          scope: this.options.scope,
          state: pending.state,
          challenge: await codeChallenge(pending.verifier),
          aud: `${location.origin}/fhir`,
          lang,
        }),
      );
    } catch (err) {
      this.set({ status: 'error', text: err instanceof ApiError ? err.text : MESSAGES.unexpected });
    }
  }

  private takePending(): Pending | undefined {
    const s = storage();
    const raw = s?.getItem(`${this.key}.pending`);
    s?.removeItem(`${this.key}.pending`);
    try {
      return raw ? (JSON.parse(raw) as Pending) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Back from the sign-in page: checks the state, exchanges the code, and takes the code out of the address. */
  private async complete(callback: Callback): Promise<void> {
    const pending = this.takePending();
    history.replaceState(null, '', `${this.options.path}${pending?.hash ?? ''}`);
    if ('error' in callback) {
      this.set({ status: 'error', text: callback.error === 'access_denied' ? TEXT.denied : TEXT.refused(callback.description) });
      return;
    }
    if (!pending || pending.state !== callback.state) {
      this.set({ status: 'error', text: TEXT.stateMismatch });
      return;
    }
    try {
      const endpoints = await this.discover();
      const res = await postForm(
        endpoints.token,
        codeExchangeBody({ code: callback.code, redirectUri: this.redirectUri, clientId: this.options.clientId, verifier: pending.verifier }),
      );
      const body = await bodyOf(res);
      if (!res.ok) {
        const error = (body as { error_description?: string } | undefined)?.error_description;
        this.set({ status: 'error', text: res.status === 503 ? MESSAGES.unavailable : TEXT.refused(error) });
        return;
      }
      const session = sessionOf(body as TokenResponse);
      this.keep(session);
      this.set({ status: 'signed-in', session });
    } catch (err) {
      this.set({ status: 'error', text: err instanceof ApiError ? err.text : MESSAGES.unexpected });
    }
  }

  /** The access token, refreshed first when it ends within a minute. */
  async token(): Promise<string | undefined> {
    const s = this.session;
    if (!s) return undefined;
    if (s.refreshToken && needsRefresh(s)) await this.refresh();
    return this.session?.accessToken;
  }

  /** A new access token with the refresh token (one refresh at a time); false when the sign-in has ended. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.refreshNow().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshNow(): Promise<boolean> {
    const s = this.session;
    if (!s?.refreshToken) {
      this.expire();
      return false;
    }
    let res: Response;
    try {
      const endpoints = await this.discover();
      res = await postForm(endpoints.token, refreshBody({ refreshToken: s.refreshToken, clientId: this.options.clientId }));
    } catch {
      // No answer: keep the session; the request reports the network failure.
      return false;
    }
    if (!res.ok) {
      if (res.status >= 500) return false;
      this.expire();
      return false;
    }
    const next = sessionOf((await bodyOf(res)) as TokenResponse);
    const session = { ...next, refreshToken: next.refreshToken ?? s.refreshToken };
    this.keep(session);
    this.set({ status: 'signed-in', session });
    return true;
  }

  /**
   * 代理人: the session goes on about another person the signed-in patient is registered for (their own id: back to
   * themselves). Throws the server's reason when refused; the session is then unchanged.
   */
  async actFor(patientId: string): Promise<void> {
    const s = this.session;
    if (!s?.refreshToken) throw new Error('not signed in');
    const endpoints = await this.discover();
    const res = await postForm(endpoints.token, refreshBody({ refreshToken: s.refreshToken, clientId: this.options.clientId, patient: patientId }));
    const body = (await bodyOf(res)) as TokenResponse & { error_description?: string };
    if (!res.ok) throw new Error(body.error_description ?? `HTTP ${res.status}`);
    this.forgetAppData();
    const session = sessionOf(body);
    this.keep(session);
    this.set({ status: 'signed-in', session });
  }

  /** What the app kept for the signed-in person under `<key>.data.` (e.g. the current patient): gone with the sign-in. */
  private forgetAppData(): void {
    const s = storage();
    if (!s) return;
    const prefix = `${this.key}.data.`;
    for (const k of Object.keys(s)) if (k.startsWith(prefix)) s.removeItem(k);
  }

  /** The sign-in has ended (the refresh token was refused): forget it and offer to sign in again. */
  expire(): void {
    this.keep(undefined);
    this.forgetAppData();
    this.set({ status: 'expired' });
  }

  /** Sign-out: forgets the session at once, then ends it on the server (a failure there changes nothing here). */
  async signOut(): Promise<void> {
    const s = this.session;
    this.keep(undefined);
    storage()?.removeItem(`${this.key}.pending`);
    this.forgetAppData();
    this.set({ status: 'signed-out' });
    if (!s?.refreshToken) return;
    try {
      const endpoints = await this.discover();
      await postForm(endpoints.logout ?? '/auth/logout', new URLSearchParams({ refresh_token: s.refreshToken }));
    } catch {
      // The session ends on its own when its refresh token expires.
    }
  }
}
