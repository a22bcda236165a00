/** 救急用サマリー（QRコード）: the signed SMART Health Card to print or show. Loaded on first use (emergency/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'health-card',
  order: 75,
  title: { ja: '救急用サマリー（QRコード）', en: 'Emergency summary (QR)' },
  Component: lazyScreen(() => import('../emergency/HealthCardScreen.tsx')),
};
