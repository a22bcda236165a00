/** お薬: e-prescriptions (prescribed and dispensed) and the claimed medicines and treatments. Loaded on first use. */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'medicines',
  order: 20,
  title: { ja: 'お薬', en: 'Medicines' },
  Component: lazyScreen(() => import('../medicines/MedicinesScreen.tsx')),
};
