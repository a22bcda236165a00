/**
 * 紹介状 (referral letters): the facility's inbox (read, acknowledge, print), writing a letter for the current patient
 * and the letters sent. What a role sees follows its actions (src/platform/auth/staff/staff-roles.ts, the letter
 * operations' staffAction): 医師・歯科医師 write and send (send-letter) and read (view-shared); 看護師 reads the inbox and
 * the sent list; 事務 handles no letters and is told so. Loaded when the tab is first opened (screens/letters.tsx).
 */
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Session } from '../../shared/pkce.ts';
import { Compose } from './Compose.tsx';
import { Inbox } from './Inbox.tsx';
import { Sent } from './Sent.tsx';
import './letters.css';

type View = 'inbox' | 'write' | 'sent';

const T = {
  views: { ja: '紹介状の画面', en: 'Letter views' },
  inbox: { ja: '受信箱', en: 'Inbox' },
  write: { ja: '作成', en: 'Write' },
  sent: { ja: '送信済み', en: 'Sent' },
  notForRole: {
    ja: 'この職種（{role}）では紹介状を扱えません。紹介状の閲覧は医師・歯科医師・看護師、作成と送信は医師・歯科医師が行います。',
    en: 'Your role ({role}) does not handle referral letters: doctors, dentists and nurses read them; doctors and dentists write and send them.',
  },
  readOnly: {
    ja: '紹介状の作成・送信は医師・歯科医師が行います。この職種では受信した紹介状の閲覧と受領確認ができます。',
    en: 'Doctors and dentists write and send letters; your role can read received letters and acknowledge them.',
  },
};

/** 紹介状の作成・送付 (send-letter) and 共有された診療情報の閲覧 (view-shared), as staff-roles.ts allows them. */
const SENDS = new Set(['doctor', 'dentist']);
const VIEWS = new Set(['doctor', 'dentist', 'nurse', 'pharmacist']);
export const maySend = (s: Session) => s.user.kind === 'staff' && SENDS.has(s.user.role ?? '');
export const mayView = (s: Session) => s.user.kind === 'staff' && VIEWS.has(s.user.role ?? '');

export default function LettersScreen({ session }: { session: Session }) {
  const { t, lang } = useI18n();
  const [view, setView] = useState<View>('inbox');
  if (!mayView(session)) {
    const role = (lang === 'en' ? (session.user.roleNameEn ?? session.user.roleName) : session.user.roleName) ?? '—';
    return (
      <div className="notice" role="status">
        <p>{t(T.notForRole).replace('{role}', role)}</p>
      </div>
    );
  }
  const views: View[] = maySend(session) ? ['inbox', 'write', 'sent'] : ['inbox', 'sent'];
  return (
    <div className="letters">
      <nav className="letters-views letters-noprint" aria-label={t(T.views)}>
        {views.map((v) => (
          <button key={v} type="button" className={v === view ? undefined : 'secondary'} aria-pressed={v === view} onClick={() => setView(v)}>
            {t(T[v])}
          </button>
        ))}
      </nav>
      {!maySend(session) && <p className="note letters-noprint">{t(T.readOnly)}</p>}
      {view === 'inbox' && <Inbox />}
      {view === 'write' && maySend(session) && <Compose session={session} onShowSent={() => setView('sent')} />}
      {view === 'sent' && <Sent />}
    </div>
  );
}
