/** 診療情報: the 6 information (except 未告知, which the server withholds) and the patient summaries. Loaded on first use. */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'clinical',
  order: 30,
  title: { ja: '診療情報', en: 'Medical information' },
  Component: lazyScreen(() => import('../clinical/ClinicalScreen.tsx')),
};
