/**
 * 受付 (reception): the patient's My Number card on the (virtual) reader with the PIN or face, or the numbers of
 * their 資格確認書; the patient's own choice of consent; the eligibility result in plain words. The screen itself
 * (reception/ReceptionScreen.tsx) is loaded on first use, keeping the app's initial JS small.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const ReceptionScreen = lazy(() => import('../reception/ReceptionScreen.tsx'));

function Reception(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '受付の画面を読み込んでいます…', en: 'Loading the reception screen…' })}</StatusMessage>}>
      <ReceptionScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'reception',
  order: 10,
  title: { ja: '受付', en: 'Reception' },
  /** 個人情報保護管理者 reviews accesses only (emergency-review.tsx); every other role works here. */
  available: (session) => session.user.role !== 'privacy-officer',
  Component: Reception,
};
