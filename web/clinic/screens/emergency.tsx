/**
 * 救急時医療情報閲覧 (emergency view): a 医師 declares why consent cannot be obtained, identifies the person by the card
 * read without the PIN or by 氏名・生年月日・性別, and sees the essential set until the access ends. The tab is red and
 * shown to 医師 only (the service refuses everyone else: staffAction 'emergency-view'); the screen's code (emergency/)
 * loads when the tab is first opened.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';
import '../emergency/tab.css';

const EmergencyScreen = lazy(() => import('../emergency/EmergencyScreen.tsx'));

function EmergencyTab(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '救急時医療情報閲覧の画面を読み込んでいます…', en: 'Loading the emergency view…' })}</StatusMessage>}>
      <EmergencyScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'emergency',
  order: 90,
  title: { ja: '救急時医療情報閲覧', en: 'Emergency view' },
  Component: EmergencyTab,
  available: (session) => session.user.role === 'doctor',
};
