/** 受付 (reception): the patient’s card or 資格確認書, consent, the eligibility result. */
import type { Screen } from '../../shared/screens.ts';
import { Placeholder } from '../Placeholder.tsx';

const TEXT = {
  ja: '患者さんのマイナンバーカード（または資格確認書の番号）で資格を確認し、患者さんに情報提供への同意を選んでいただきます。負担割合・限度額区分・公費を分かりやすく表示します。',
  en: 'Verify the patient’s eligibility with their My Number card (or the number on their eligibility certificate); the patient chooses what they consent to share. Shows the copay, the high-cost category and public funding plainly.',
};

export const screen: Screen = {
  id: 'reception',
  order: 10,
  title: { ja: '受付', en: 'Reception' },
  Component: () => <Placeholder text={TEXT} />,
};
