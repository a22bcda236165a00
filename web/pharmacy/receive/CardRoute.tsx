/**
 * マイナンバーカードで受付: the clinic app's card reception (the virtual reader, PIN or face, `$verify-card`) and the
 * patient's own choice of consent at the reader (`$reader-consent`), then every open prescription of the person
 * (`$retrieve-prescription` with the Patient: the service requires the consent to the medication information at this
 * pharmacy, and says so plainly when there is none).
 */
import { useState } from 'react';
import { recordConsent } from '../../clinic/reception/api.ts';
import { CardForm } from '../../clinic/reception/CardForm.tsx';
import { ConsentPanel } from '../../clinic/reception/ConsentPanel.tsx';
import type { VerifyAnswer } from '../../clinic/reception/parameters.ts';
import '../../clinic/reception/reception.css';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Session } from '../../shared/pkce.ts';
import { retrieveByCard } from '../rx/api.ts';
import type { Prescription } from '../rx/model.ts';
import { RefusalMessage } from '../rx/RefusalMessage.tsx';

const T = {
  busy: { ja: '処方箋を取得しています…', en: 'Retrieving the prescriptions…' },
  again: { ja: 'カードを読み直す', en: 'Read the card again' },
};

export function CardRoute({ session, onFound }: { session: Session; onFound: (found: Prescription[], patientName: string) => void }) {
  const { t } = useI18n();
  const [answer, setAnswer] = useState<VerifyAnswer>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function retrieve(a: VerifyAnswer) {
    setBusy(true);
    setError(undefined);
    try {
      const name = a.patient?.name ?? '';
      const found = await retrieveByCard(a.patient!.id);
      onFound(
        found.map((p) => ({ ...p, patientName: p.patientName ?? name })),
        name,
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (answer?.visit && !busy && error === undefined)
    return (
      <ConsentPanel
        patientName={answer.patient?.name ?? ''}
        facilityName={session.user.facilityName ?? ''}
        onSubmit={async (choices) => {
          await recordConsent(answer.visit as string, choices);
          const a = answer;
          setAnswer({ ...a, visit: undefined });
          await retrieve(a);
        }}
        onSkip={() => {
          const a = answer;
          setAnswer({ ...a, visit: undefined });
          void retrieve(a);
        }}
      />
    );

  return (
    <div>
      {answer === undefined || error === undefined ? (
        <CardForm
          onVerified={(o) => {
            if (o.answer.visit) setAnswer(o.answer);
            else void retrieve(o.answer);
          }}
        />
      ) : null}
      <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      {error !== undefined && (
        <>
          <RefusalMessage error={error} />
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setError(undefined);
              setAnswer(undefined);
            }}
          >
            {t(T.again)}
          </button>
        </>
      )}
    </div>
  );
}
