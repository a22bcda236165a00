/** 検査・病名登録 (lab results and diagnoses, by hand or from an outsourced lab’s CSV). */
import { lazy, Suspense } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Screen, ScreenProps } from '../../shared/screens.ts';

// Loaded when the tab is opened: the forms and the lab file reader stay out of the app's initial JS.
const RecordsScreen = lazy(() => import('../records/RecordsScreen.tsx').then((m) => ({ default: m.RecordsScreen })));

function Records(props: ScreenProps) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<p role="status">{t({ ja: '読み込んでいます…', en: 'Loading…' })}</p>}>
      <RecordsScreen {...props} />
    </Suspense>
  );
}

export const screen: Screen = {
  id: 'records',
  order: 50,
  title: { ja: '検査・病名登録', en: 'Labs & diagnoses' },
  Component: Records,
  // 医師・歯科医師: the sign-ins that may create (a 看護師's sign-in reads only; 事務 does reception).
  available: (session) => session.user.role === 'doctor' || session.user.role === 'dentist',
};
