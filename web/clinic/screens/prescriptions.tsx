/** 処方 (e-prescription): the drug from the master, duplicate / contraindication checks before signing. */
import type { Screen } from '../../shared/screens.ts';
import { Placeholder } from '../Placeholder.tsx';

const TEXT = {
  ja: '医薬品マスターから名称で薬を選び、重複投薬・併用禁忌のチェック結果を確認してから電子処方箋を発行します。',
  en: 'Pick the drug from the master by name, review the duplicate and contraindication checks, then issue the e-prescription.',
};

export const screen: Screen = {
  id: 'prescriptions',
  order: 40,
  title: { ja: '処方', en: 'Prescription' },
  Component: () => <Placeholder text={TEXT} />,
};
