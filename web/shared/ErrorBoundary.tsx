/** 画面のエラー: anything a screen throws while drawing becomes a Japanese message with a retry button, never a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useI18n } from './i18n.tsx';

function Fallback({ onRetry }: { onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="error">
      <p>{t({ ja: 'この画面を表示できませんでした。もう一度お試しください', en: 'This screen could not be shown. Please try again.' })}</p>
      <p className="row">
        <button type="button" className="secondary" onClick={onRetry}>
          {t({ ja: 'もう一度試す', en: 'Try again' })}
        </button>
        <a href="/">{t({ ja: 'スタートページへ', en: 'To the start page' })}</a>
      </p>
    </div>
  );
}

/** `page`: the boundary around a whole page (its message gets the page's layout and landmark). */
export class ErrorBoundary extends Component<{ children: ReactNode; page?: boolean }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // For developers only (the console); people see the message.
    console.error(error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const fallback = <Fallback onRetry={() => this.setState({ failed: false })} />;
    return this.props.page ? <main className="page">{fallback}</main> : fallback;
  }
}
