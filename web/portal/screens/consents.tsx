/** 同意: see, grant and revoke consents; hold (閲覧保留) and release. Loaded on first use (consents/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'consents',
  order: 50,
  title: { ja: '同意', en: 'Consents' },
  Component: lazyScreen(() => import('../consents/ConsentsScreen.tsx')),
};
