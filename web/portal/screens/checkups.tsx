/** 健診: check-ups as a time series with charts and tables. Loaded on first use (checkups/, uPlot later still). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'checkups',
  order: 40,
  title: { ja: '健診', en: 'Check-ups' },
  Component: lazyScreen(() => import('../checkups/CheckupsScreen.tsx')),
};
