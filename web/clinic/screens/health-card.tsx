/**
 * 救急用サマリーの確認 (verify an emergency summary card): a patient's SMART Health Card QR, read by a scanner (which types
 * the `shc:/…` text) or pasted, verified in the browser against the platform's key set kept from the last time the app
 * was online — so it works with no network. For every clinical role; the code loads when the tab is first opened.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen } from '../../shared/screens.ts';

const VerifyScreen = lazy(() => import('../emergency/HealthCardVerify.tsx'));

function VerifyTab() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '確認の画面を読み込んでいます…', en: 'Loading the verifier…' })}</StatusMessage>}>
      <VerifyScreen />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'health-card',
  order: 85,
  title: { ja: '救急用サマリーの確認', en: 'Verify an emergency summary' },
  Component: VerifyTab,
  available: (session) => session.user.role !== 'privacy-officer',
};
