/**
 * 本日の処方箋: the pharmacy's prescriptions of the day — 未登録 (accepted, result not registered), registered,
 * cancelled — with the share registered; dispense, correct or cancel from the list. The screen (today/) loads on first use.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const TodayScreen = lazy(() => import('../today/TodayScreen.tsx'));

function Today(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '本日の処方箋を読み込んでいます…', en: 'Loading today’s prescriptions…' })}</StatusMessage>}>
      <TodayScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'today',
  order: 20,
  title: { ja: '本日の処方箋', en: 'Today’s prescriptions' },
  Component: Today,
};
