/** 紹介状: that a referral letter / discharge summary was sent, never its content. Loaded on first use (letters/). */
import type { Screen } from '../../shared/screens.ts';
import { lazyScreen } from '../lazy-screen.tsx';

export const screen: Screen = {
  id: 'letters',
  order: 70,
  title: { ja: '紹介状', en: 'Letters' },
  Component: lazyScreen(() => import('../letters/LettersScreen.tsx')),
};
