/** The portal's common parts: a section card, a read's states (loading, a plain Japanese error), facility names, dates. */
import type { ReactNode } from 'react';
import { ApiError } from '../shared/errors.ts';
import { useI18n } from '../shared/i18n.tsx';
import { japanDay, japanTime } from '../shared/japan-time.ts';
import { ErrorMessage, StatusMessage } from '../shared/messages.tsx';
import { useAuth } from '../shared/SignInGate.tsx';
import type { Text } from '../shared/text.ts';
import { formatDate } from '../clinic/reception/labels.ts';
import type { Read } from '../clinic/patient/load.ts';

export { useRead, type Read } from '../clinic/patient/load.ts';

export const U = {
  loading: { ja: '読み込み中です…', en: 'Loading…' },
  signInAgain: { ja: 'もう一度サインイン', en: 'Sign in again' },
  code: { ja: '医療機関コード', en: 'facility code' },
} satisfies Record<string, Text>;

/** A part of a screen with its heading. */
export function Section({ id, title, children, lead }: { id: string; title: Text; children: ReactNode; lead?: Text }) {
  const { t } = useI18n();
  return (
    <section className="card portal-section" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(title)}</h2>
      {lead && <p className="portal-lead">{t(lead)}</p>}
      {children}
    </section>
  );
}

/** An error said plainly: sign-in ended (with the button to sign in again), refused, unavailable, no connection. */
export function PortalError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const auth = useAuth();
  if (error instanceof ApiError && error.status === 401)
    return (
      <div role="alert" className="error">
        <p>{t(error.text)}</p>
        <button type="button" onClick={() => void auth.signIn()}>
          {t(U.signInAgain)}
        </button>
      </div>
    );
  if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return <ErrorMessage error={error} />;
  return <ErrorMessage error={error} onRetry={onRetry} />;
}

/** Loading, an error, or the content. */
export function ReadView<T>({ read, onRetry, children }: { read: Read<T>; onRetry: () => void; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (read.status === 'loading')
    return (
      <StatusMessage className="portal-loading">
        <p>{t(U.loading)}</p>
      </StatusMessage>
    );
  if (read.status === 'error') return <PortalError error={read.error} onRetry={onRetry} />;
  if (read.status === 'skipped') return null;
  return <>{children(read.data)}</>;
}

/** 2026年12月2日 from a date or an instant (Japan time). */
export function useDates() {
  const { t } = useI18n();
  const day = (v: string | undefined) => (v ? t(formatDate(/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : japanDay(v) || v)) : '—');
  const at = (v: string | undefined) => (v && !Number.isNaN(Date.parse(v)) ? `${day(v)} ${japanTime(v)}` : '—');
  return { day, at };
}

/** A facility by name, else by its code. */
export function FacilityLabel({ code, name, names }: { code?: string; name?: string; names?: Map<string, string> }) {
  const { t } = useI18n();
  const shown = name ?? (code ? names?.get(code) : undefined);
  if (shown) return <>{shown}</>;
  if (code) return <>{`${t(U.code)} ${code}`}</>;
  return <>—</>;
}
