/** 検査・病名登録 (lab results and diagnoses, by hand or from an outsourced lab’s CSV). */
import type { Screen } from '../../shared/screens.ts';
import { Placeholder } from '../Placeholder.tsx';

const TEXT = {
  ja: '検査結果と病名を手で入力するか、外注検査機関のファイル（CSV・JLAC10 コード）から取り込んで登録します。',
  en: 'Register lab results and diagnoses by hand or from an outsourced lab’s file (CSV with JLAC10 codes).',
};

export const screen: Screen = {
  id: 'records',
  order: 50,
  title: { ja: '検査・病名登録', en: 'Labs & diagnoses' },
  Component: () => <Placeholder text={TEXT} />,
};
