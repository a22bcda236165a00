/**
 * 紹介状 (referral letters): the inbox of letters received (read, acknowledge, print), writing a referral letter for the
 * current patient with the registered diagnoses, labs and prescriptions attached, and the letters sent. The screen's
 * code (letters/) loads when the tab is first opened.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const LettersScreen = lazy(() => import('../letters/LettersScreen.tsx'));

function LettersTab(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '紹介状の画面を読み込んでいます…', en: 'Loading the letters screen…' })}</StatusMessage>}>
      <LettersScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'letters',
  order: 30,
  title: { ja: '紹介状', en: 'Letters' },
  /** 個人情報保護管理者 reviews accesses only (emergency-review.tsx); every other role works here. */
  available: (session) => session.user.role !== 'privacy-officer',
  Component: LettersTab,
};
