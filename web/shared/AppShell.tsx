/**
 * The app shell: a header with the app, the facility, the signed-in person and their role — 山田 太郎（医師）— the
 * language toggle and sign-out; a tab for each screen (screens.ts); the screen, inside an error boundary.
 */
import { useMemo } from 'react';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { ProxySwitcher } from './ProxySwitcher.tsx';
import { LanguageToggle, useI18n, useTitle } from './i18n.tsx';
import type { Session } from './pkce.ts';
import type { Screen } from './screens.ts';
import { useAuth } from './SignInGate.tsx';
import type { Text } from './text.ts';
import { useHashRoute } from './use-hash-route.ts';

const T = {
  signOut: { ja: 'サインアウト', en: 'Sign out' },
  tabs: { ja: '画面の切り替え', en: 'Screens' },
  signedIn: { ja: 'サインイン中', en: 'Signed in' },
  none: { ja: 'この職種で使える画面はありません', en: 'No screen is available for your role' },
};

/** 山田 太郎（医師） / 山田 太郎 (doctor). */
export function personLabel(session: Session, lang: 'ja' | 'en'): string {
  const u = session.user;
  if (u.actingFor) return lang === 'en' ? `${u.name} (proxy of ${u.actingFor.name})` : `${u.name}（${u.actingFor.name} さんの代理）`;
  const role = lang === 'en' ? (u.roleNameEn ?? u.roleName) : u.roleName;
  if (!role) return u.name;
  return lang === 'en' ? `${u.name} (${role})` : `${u.name}（${role}）`;
}

export function AppShell({ appName, session, screens }: { appName: Text; session: Session; screens: Screen[] }) {
  const { t, lang } = useI18n();
  const auth = useAuth();
  const visible = useMemo(() => screens.filter((s) => s.available?.(session) ?? true), [screens, session]);
  const route = useHashRoute(
    visible.map((s) => s.id),
    visible[0]?.id ?? '',
  );
  const active = visible.find((s) => s.id === route);
  useTitle(active ? { ja: `${active.title.ja} — ${appName.ja}`, en: `${active.title.en} — ${appName.en}` } : appName);
  return (
    <>
      <header className="app-header">
        <div className="bar">
          <p className="app-title">
            {t(appName)}
            {session.user.facilityName && <small>{session.user.facilityName}</small>}
          </p>
          <div className="app-actions">
            <p className="app-user">
              <span className="visually-hidden">{t(T.signedIn)}: </span>
              {personLabel(session, lang)}
            </p>
            <LanguageToggle />
            <button type="button" onClick={() => void auth.signOut()}>
              {t(T.signOut)}
            </button>
          </div>
        </div>
      </header>
      <nav className="tabs" aria-label={t(T.tabs)}>
        <ul>
          {visible.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`} aria-current={s.id === active?.id ? 'page' : undefined}>
                {t(s.title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="page" id="main">
        <ProxySwitcher session={session} />
        {active ? (
          <>
            <h1>{t(active.title)}</h1>
            <ErrorBoundary key={active.id}>
              <active.Component session={session} />
            </ErrorBoundary>
          </>
        ) : (
          <p>{t(T.none)}</p>
        )}
      </main>
    </>
  );
}
