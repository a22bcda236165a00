/** 処方 (e-prescription): the drug from the master, duplicate / contraindication checks before signing. */
import type { Screen } from '../../shared/screens.ts';
import { PrescriptionScreen } from '../prescriptions/PrescriptionScreen.tsx';

export const screen: Screen = {
  id: 'prescriptions',
  order: 40,
  title: { ja: '処方', en: 'Prescription' },
  Component: PrescriptionScreen,
  // only a 医師 / 歯科医師 prescribes (the service refuses everyone else too: staffAction 'prescribe')
  available: (session) => session.user.role === 'doctor' || session.user.role === 'dentist',
};
