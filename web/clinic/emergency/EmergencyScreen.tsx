/**
 * 救急時医療情報閲覧: the declaration (reason, the card or 氏名・生年月日・性別), the candidates when several people match,
 * then the essential set until the access ends. The open access is kept in the tab's session storage, so switching
 * screens or reloading comes back to it (the service decides whether it is still open: 403 once it has ended).
 */
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { sessionValue } from '../session-value.ts';
import { DeclareForm } from './DeclareForm.tsx';
import { EmergencyView } from './EmergencyView.tsx';
import { dateTime } from './labels.ts';
import type { Access } from './model.ts';
import './emergency.css';

const T = {
  ended: { ja: '救急時医療情報閲覧を終了しました', en: 'The emergency view has ended' },
  endedAt: { ja: '終了日時', en: 'Ended at' },
  again: { ja: '新しく救急時医療情報閲覧を開始する', en: 'Start a new emergency view' },
} satisfies Record<string, Text>;

/** The open access of this tab (its id). */
const openAccess = sessionValue<string | undefined>(
  'emergency-access',
  (raw) => (typeof raw === 'string' && /^[A-Za-z0-9.-]{1,64}$/.test(raw) ? raw : undefined),
  undefined,
);

export default function EmergencyScreen(_props: ScreenProps) {
  const { t } = useI18n();
  const access = openAccess.use();
  const [ended, setEnded] = useState<Access>();

  if (ended)
    return (
      <section className="card emergency-ended" aria-labelledby="emergency-ended-title">
        <h2 id="emergency-ended-title" tabIndex={-1} ref={(el) => el?.focus()}>
          {t(T.ended)}
        </h2>
        <p>
          {t(T.endedAt)}: {t(dateTime(ended.end))}
        </p>
        <button type="button" onClick={() => setEnded(undefined)}>
          {t(T.again)}
        </button>
      </section>
    );
  if (access)
    return (
      <EmergencyView
        accessId={access}
        onEnded={(a) => {
          openAccess.set(undefined);
          setEnded(a);
        }}
        onClose={() => openAccess.set(undefined)}
      />
    );
  return <DeclareForm onOpened={(a) => openAccess.set(a.id)} />;
}
