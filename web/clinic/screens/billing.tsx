/**
 * 会計 (window payment): at the end of a visit the fee points and the window payment of the received patient, the
 * recorded charge with its 領収証・明細書, this month's charges (取消) and the month's claim file. The screen itself
 * (billing/BillingScreen.tsx) is loaded on first use, keeping the app's initial JS small.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const BillingScreen = lazy(() => import('../billing/BillingScreen.tsx').then((m) => ({ default: m.BillingScreen })));

function Billing(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '会計の画面を読み込んでいます…', en: 'Loading the billing screen…' })}</StatusMessage>}>
      <BillingScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'billing',
  order: 60,
  title: { ja: '会計', en: 'Billing' },
  Component: Billing,
  // every staff role has `reception` (the service's staffAction); the 個人情報保護管理者 reviews accesses only
  available: (session) => session.user.role !== 'privacy-officer',
};
