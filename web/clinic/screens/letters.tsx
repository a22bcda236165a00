/** 紹介状 (referral letters): write and send, and the inbox of received letters. */
import type { Screen } from '../../shared/screens.ts';
import { Placeholder } from '../Placeholder.tsx';

const TEXT = {
  ja: '登録済みの病名・検査・処方を添えて紹介状を作成し、名称またはコードで選んだ医療機関へ送ります。受け取った紹介状を読み、印刷できます。',
  en: 'Write a referral letter with the registered diagnoses, labs and medication attached, and send it to a facility chosen by name or code. Read and print the letters you receive.',
};

export const screen: Screen = {
  id: 'letters',
  order: 30,
  title: { ja: '紹介状', en: 'Letters' },
  Component: () => <Placeholder text={TEXT} />,
};
