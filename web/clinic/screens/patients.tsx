/**
 * 患者 (the patient’s page): the current patient (set by reception, or chosen here from today’s receptions or a
 * search) with their eligibility, the shared 6 information (with source facility and date), medication, check-ups and
 * lab trends as charts. Doctors and nurses see it all; a 事務 sees the eligibility only (the platform refuses them the
 * clinical views). The screen's code (patient/) loads when the tab is first opened.
 */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

const PatientsScreen = lazy(() => import('../patient/PatientsScreen.tsx'));

function PatientsTab(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<StatusMessage>{t({ ja: '患者の画面を読み込んでいます…', en: 'Loading the patient page…' })}</StatusMessage>}>
      <PatientsScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'patients',
  order: 20,
  title: { ja: '患者', en: 'Patient' },
  /** 個人情報保護管理者 reviews accesses only (emergency-review.tsx); every other role works here. */
  available: (session) => session.user.role !== 'privacy-officer',
  Component: PatientsTab,
};
