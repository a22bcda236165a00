/** The platform's web apps, as the start page lists them; `ready: false` until the app exists (shown as 準備中). */
import type { Text } from './text.ts';

export interface WebApp {
  id: 'clinic' | 'pharmacy' | 'portal';
  path: string;
  clientId: string;
  name: Text;
  description: Text;
  ready: boolean;
}

export const APPS: WebApp[] = [
  {
    id: 'clinic',
    path: '/clinic/',
    clientId: 'tsunagu-clinic',
    name: { ja: '診療所アプリ', en: 'Clinic app' },
    description: {
      ja: '受付（資格確認）、患者さんの共有情報の閲覧、紹介状、処方、検査結果・病名の登録。',
      en: 'Reception (eligibility), viewing shared information, referral letters, prescriptions, lab results and diagnoses.',
    },
    ready: true,
  },
  {
    id: 'pharmacy',
    path: '/pharmacy/',
    clientId: 'tsunagu-pharmacy',
    name: { ja: '薬局アプリ', en: 'Pharmacy app' },
    description: { ja: '電子処方箋の受付と調剤結果の登録。', en: 'Receiving e-prescriptions and recording dispensing.' },
    ready: true,
  },
  {
    id: 'portal',
    path: '/portal/',
    clientId: 'tsunagu-portal',
    name: { ja: '患者ポータル', en: 'Patient portal' },
    description: { ja: 'ご自身の診療情報・お薬・健診結果の確認と、同意の設定。', en: 'Your own records, medicines and check-ups, and your consents.' },
    ready: true,
  },
];

/** The app an entry names (`clinic`, `/clinic/`, `tsunagu-clinic`). */
export function appNamed(name: string | undefined): WebApp | undefined {
  const n = (name ?? '').replace(/^tsunagu-/, '').replace(/^\/|\/$/g, '');
  return APPS.find((a) => a.id === n);
}
