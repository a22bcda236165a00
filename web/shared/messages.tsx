/** Announced messages: results (role="status", polite) and errors (role="alert"), in the current language. */
import type { ReactNode } from 'react';
import { textOf } from './errors.ts';
import { useI18n } from './i18n.tsx';

/** A result or progress line, read out when it changes. */
export function StatusMessage({ children, className }: { children?: ReactNode; className?: string }) {
  return (
    <div role="status" aria-live="polite" className={className}>
      {children}
    </div>
  );
}

/** An error for people (never a stack trace), with an optional retry. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="error">
      <p>{t(textOf(error))}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t({ ja: 'もう一度試す', en: 'Try again' })}
        </button>
      )}
    </div>
  );
}
