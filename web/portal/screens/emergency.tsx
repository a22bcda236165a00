/** 救急時・災害時の閲覧: accesses without consent (emergency, ambulance, disaster). Loaded on first use (emergency/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'emergency',
  order: 65,
  title: { ja: '救急時・災害時の閲覧', en: 'Emergency accesses' },
  Component: lazyScreen(() => import('../emergency/EmergencyScreen.tsx')),
};
