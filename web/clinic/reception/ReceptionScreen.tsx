/**
 * 受付 (reception), loaded when the tab is first shown: the patient's My Number card on the (virtual) reader with the PIN or face, or the numbers of
 * their 資格確認書; the patient's own choice of consent on a screen turned towards them; the eligibility result in
 * plain words (負担割合, 限度額適用区分, 公費 …). A successful reception makes the patient the current patient of the
 * clinic app, and lists them under today's receptions of this tab.
 */
import { useState } from 'react';
import { setCurrentPatient } from '../current-patient.ts';
import { insurerName, recordConsent } from './api.ts';
import { CardForm } from './CardForm.tsx';
import { CertificateForm } from './CertificateForm.tsx';
import { ConsentPanel } from './ConsentPanel.tsx';
import type { ConsentChoices, VerifyAnswer } from './parameters.ts';
import { logReception, useReceptionLog } from './reception-log.ts';
import { type ConsentState, ResultPanel } from './ResultPanel.tsx';
import { TodayList } from './TodayList.tsx';
import { japanToday } from './validate.ts';
import './reception.css';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';

const T = {
  lead: {
    ja: '患者さんのマイナンバーカード（または資格確認書の番号）で保険の資格を確認し、情報提供への同意を患者さんご本人に選んでいただきます。',
    en: 'Verify the patient’s eligibility with their My Number card (or the numbers of their eligibility certificate); the patient chooses what to share.',
  },
  route: { ja: '受付の方法', en: 'How to receive' },
  card: { ja: 'マイナンバーカード（マイナ保険証）', en: 'My Number card' },
  certificate: { ja: '資格確認書・保険証（番号を入力）', en: 'Eligibility certificate (type the numbers)' },
};

type Step =
  | { kind: 'form' }
  | { kind: 'consent'; answer: VerifyAnswer; insurer?: string }
  | { kind: 'result'; answer: VerifyAnswer; insurer?: string; consent: ConsentState };

export default function ReceptionScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const [route, setRoute] = useState<'card' | 'certificate'>('card');
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const facilityCode = session.user.facilityCode;
  const today = useReceptionLog(facilityCode, japanToday());

  /** A reception done: the current patient of the app, and a line in today's list. */
  function received(answer: VerifyAnswer, consent?: ConsentChoices) {
    const p = answer.patient;
    if (!answer.ok || !p) return;
    setCurrentPatient({ id: p.id, name: p.name, kana: p.kana, birthDate: p.birthDate, gender: p.gender });
    logReception({
      at: new Date().toISOString(),
      facilityCode: facilityCode ?? '',
      patient: { id: p.id, name: p.name, kana: p.kana, birthDate: p.birthDate, gender: p.gender },
      method: answer.method,
      eligible: true,
      copayRatio: answer.eligibility?.copayRatio,
      consent,
    });
  }

  async function verified(answer: VerifyAnswer, byCard: boolean) {
    const insurer = answer.ok ? await insurerName(answer.payor) : undefined;
    if (answer.ok && byCard && answer.visit) {
      setStep({ kind: 'consent', answer, insurer });
      return;
    }
    received(answer);
    setStep({ kind: 'result', answer, insurer, consent: byCard ? { kind: 'not-asked' } : { kind: 'number-route' } });
  }

  const next = () => setStep({ kind: 'form' });

  if (step.kind === 'consent') {
    const { answer, insurer } = step;
    return (
      <ConsentPanel
        patientName={answer.patient?.name ?? ''}
        facilityName={session.user.facilityName ?? ''}
        onSubmit={async (choices) => {
          await recordConsent(answer.visit as string, choices);
          received(answer, choices);
          setStep({ kind: 'result', answer, insurer, consent: { kind: 'recorded', choices } });
        }}
        onSkip={() => {
          received(answer);
          setStep({ kind: 'result', answer, insurer, consent: { kind: 'skipped' } });
        }}
      />
    );
  }

  return (
    <div className="reception">
      {step.kind === 'result' ? (
        <ResultPanel answer={step.answer} insurerName={step.insurer} consent={step.consent} onNext={next} />
      ) : (
        <>
          <p>{t(T.lead)}</p>
          <fieldset className="reception-route">
            <legend>{t(T.route)}</legend>
            {(['card', 'certificate'] as const).map((r) => (
              <label key={r} className={route === r ? 'reception-route-option reception-route-chosen' : 'reception-route-option'}>
                <input type="radio" name="reception-route" value={r} checked={route === r} onChange={() => setRoute(r)} />
                {t(r === 'card' ? T.card : T.certificate)}
              </label>
            ))}
          </fieldset>
          {route === 'card' ? <CardForm onVerified={(o) => verified(o.answer, true)} /> : <CertificateForm onVerified={(answer) => verified(answer, false)} />}
        </>
      )}
      <TodayList entries={today} />
    </div>
  );
}
