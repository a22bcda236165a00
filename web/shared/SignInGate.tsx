/**
 * An app's sign-in states: on the way to the sign-in page, coming back, signed out, expired, or a failure with a
 * plain message and a button to sign in again; once signed in, the app itself.
 */
import { createContext, type ReactNode, useContext, useEffect, useSyncExternalStore } from 'react';
import type { SmartAuth } from './auth.ts';
import { LanguageToggle, useI18n, useTitle } from './i18n.tsx';
import { StatusMessage } from './messages.tsx';
import type { Session } from './pkce.ts';
import type { Text } from './text.ts';

const AuthContext = createContext<SmartAuth | undefined>(undefined);

/** The app's sign-in (for a screen's "sign in again" or sign-out). */
export function useAuth(): SmartAuth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside SignInGate');
  return auth;
}

const T = {
  redirecting: { ja: 'サインイン画面に移動しています…', en: 'Going to the sign-in page…' },
  starting: { ja: 'サインインを確認しています…', en: 'Checking your sign-in…' },
  signedOut: { ja: 'サインアウトしました', en: 'You have signed out' },
  expired: { ja: 'サインインの有効期限が切れました。もう一度サインインしてください', en: 'Your sign-in has ended. Please sign in again.' },
  signIn: { ja: 'サインイン', en: 'Sign in' },
  signInAgain: { ja: 'もう一度サインイン', en: 'Sign in again' },
  start: { ja: 'スタートページへ', en: 'To the start page' },
};

function Outside({ appName, children }: { appName: Text; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <header className="app-header">
        <div className="bar">
          <p className="app-title">{t(appName)}</p>
          <div className="app-actions">
            <LanguageToggle />
          </div>
        </div>
      </header>
      <main className="page">{children}</main>
    </>
  );
}

export function SignInGate({ auth, appName, children }: { auth: SmartAuth; appName: Text; children: (session: Session) => ReactNode }) {
  const { t } = useI18n();
  const state = useSyncExternalStore(auth.subscribe, auth.getState);
  useTitle(state.status === 'signed-in' ? undefined : appName);
  useEffect(() => {
    void auth.start();
  }, [auth]);

  if (state.status === 'signed-in') return <AuthContext.Provider value={auth}>{children(state.session)}</AuthContext.Provider>;
  if (state.status === 'starting' || state.status === 'redirecting')
    return (
      <Outside appName={appName}>
        <h1>{t(appName)}</h1>
        <StatusMessage>
          <p>{t(state.status === 'redirecting' ? T.redirecting : T.starting)}</p>
        </StatusMessage>
      </Outside>
    );
  const message = state.status === 'error' ? state.text : state.status === 'expired' ? T.expired : T.signedOut;
  return (
    <Outside appName={appName}>
      <h1>{t(appName)}</h1>
      {state.status === 'signed-out' ? (
        <StatusMessage className="success">
          <p>{t(message)}</p>
        </StatusMessage>
      ) : (
        <div role="alert" className="error">
          <p>{t(message)}</p>
        </div>
      )}
      <p className="row">
        <button type="button" onClick={() => void auth.signIn()}>
          {t(state.status === 'signed-out' ? T.signIn : T.signInAgain)}
        </button>
        <a href="/">{t(T.start)}</a>
      </p>
    </Outside>
  );
}
