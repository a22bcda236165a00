/**
 * 受付 (the counter): a prescription by 引換番号 + 被保険者番号 + 生年月日 or by the My Number card with consent; the
 * prescription with its alerts; 受付, 調剤 (薬剤師) and the receipt. The screen (receive/) loads on first use.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const ReceiveScreen = lazy(() => import('../receive/ReceiveScreen.tsx'));

function Receive(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '受付の画面を読み込んでいます…', en: 'Loading the counter…' })}</StatusMessage>}>
      <ReceiveScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'receive',
  order: 10,
  title: { ja: '処方箋の受付', en: 'Receive a prescription' },
  Component: Receive,
};
