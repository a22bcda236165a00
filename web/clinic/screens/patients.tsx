/** 患者 (the patient’s page): eligibility, shared information, medication, check-ups, lab trends. */
import type { Screen } from '../../shared/screens.ts';
import { Placeholder } from '../Placeholder.tsx';

const TEXT = {
  ja: '受付した患者さんの資格情報、共有された6情報（提供元の医療機関と日付つき）、お薬の履歴、健診結果、検査値の推移をグラフで表示します。',
  en: 'Shows the registered patient’s eligibility, the shared 6 information (with source facility and date), medication history, check-ups and lab trends as charts.',
};

export const screen: Screen = {
  id: 'patients',
  order: 20,
  title: { ja: '患者', en: 'Patient' },
  Component: () => <Placeholder text={TEXT} />,
};
