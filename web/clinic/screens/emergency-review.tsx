/**
 * 救急時閲覧の確認 (review of emergency accesses): the facility's 個人情報保護管理者 confirms (妥当) or flags (要確認, with
 * a note) each emergency access afterwards. Shown to that role only; the code (emergency/ReviewScreen.tsx) loads when
 * the tab is first opened.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const ReviewScreen = lazy(() => import('../emergency/ReviewScreen.tsx'));

function ReviewTab(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '確認の画面を読み込んでいます…', en: 'Loading the review screen…' })}</StatusMessage>}>
      <ReviewScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'emergency-review',
  order: 95,
  title: { ja: '救急時閲覧の確認', en: 'Emergency access review' },
  Component: ReviewTab,
  available: (session) => session.user.role === 'privacy-officer',
};
