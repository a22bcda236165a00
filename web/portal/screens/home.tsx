/** ホーム: the emergency-access banner and the person's own insurance (資格). Loaded on first use (home/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'home',
  order: 10,
  title: { ja: 'ホーム・資格', en: 'Home' },
  Component: lazyScreen(() => import('../home/HomeScreen.tsx')),
};
