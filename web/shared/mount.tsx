/** Starts a page: React in #root, inside the language provider and an error boundary. */
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { I18nProvider } from './i18n.tsx';
import './styles.css';

export function mount(page: ReactNode): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('#root is missing');
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <ErrorBoundary page>{page}</ErrorBoundary>
      </I18nProvider>
    </StrictMode>,
  );
}
