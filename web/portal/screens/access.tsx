/** アクセス記録: who looked at the person's data, emergency access highlighted. Loaded on first use (access/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'access',
  order: 60,
  title: { ja: 'アクセス記録', en: 'Access log' },
  Component: lazyScreen(() => import('../access/AccessScreen.tsx')),
};
