/**
 * 同意の選択 (the patient's screen): after the card was verified, the desk turns the screen to the patient, who chooses
 * in large type whether this facility may see their shared information — all at once (すべて同意する / 同意しない) or
 * group by group, the three groups of `$reader-consent`. Declining is a valid answer: the shared data stays hidden.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { CONSENT_TEXT } from './labels.ts';
import { CONSENT_CATEGORIES, type ConsentCategory, type ConsentChoices } from './parameters.ts';

const T = {
  desk: { ja: '受付の方へ：画面を患者さんに向けてください。', en: 'For the desk: turn the screen towards the patient.' },
  title: { ja: '患者さんご本人が選択してください', en: 'Please choose yourself' },
  question: {
    ja: '今日の診療のために、{facility}があなたの次の情報を見ることに同意しますか。',
    en: 'May {facility} see the following information about you for today’s care?',
  },
  validity: {
    ja: '同意は今から24時間有効です。同意しなくても、いつもどおり診療を受けられます。',
    en: 'A consent lasts 24 hours from now. You are treated as usual if you do not consent.',
  },
  all: { ja: 'すべて同意する', en: 'Consent to all' },
  none: { ja: '同意しない', en: 'Do not consent' },
  each: { ja: '項目ごとに選ぶ', en: 'Choose item by item' },
  yes: { ja: '同意する', en: 'Consent' },
  no: { ja: '同意しない', en: 'Do not consent' },
  decide: { ja: 'この内容で決定する', en: 'Confirm these choices' },
  missing: { ja: 'すべての項目で「同意する」か「同意しない」を選んでください。', en: 'Choose “Consent” or “Do not consent” for every item.' },
  busy: { ja: '記録しています…', en: 'Recording…' },
  skip: { ja: '同意を記録せずに結果を見る', en: 'See the result without recording a consent' },
} satisfies Record<string, Text>;

export function ConsentPanel({
  patientName,
  facilityName,
  onSubmit,
  onSkip,
}: {
  patientName: string;
  facilityName: string;
  /** Records the choices; throws (an ApiError) when they could not be recorded. */
  onSubmit: (choices: ConsentChoices) => Promise<void>;
  onSkip: () => void;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [each, setEach] = useState<Partial<ConsentChoices>>({});
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => heading.current?.focus(), []);

  async function send(choices: ConsentChoices) {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(choices);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const all = (v: boolean): ConsentChoices => ({ medication: v, surgery: v, checkup: v });

  function decide(e: FormEvent) {
    e.preventDefault();
    if (CONSENT_CATEGORIES.some((c) => each[c] === undefined)) {
      setMissing(true);
      return;
    }
    setMissing(false);
    void send(each as ConsentChoices);
  }

  const question = t(T.question).replace('{facility}', facilityName || (lang === 'ja' ? 'この医療機関' : 'this clinic'));

  return (
    <section className="card reception-consent" aria-labelledby={`${id}-title`}>
      <p className="reception-desk-note">{t(T.desk)}</p>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1} className="reception-consent-title">
        {t(T.title)}
      </h2>
      <p className="reception-consent-name">{lang === 'ja' ? `${patientName} さま` : patientName}</p>
      <p className="reception-consent-question">{question}</p>
      <ul className="reception-consent-list">
        {CONSENT_CATEGORIES.map((c) => (
          <li key={c}>
            <strong>{t(CONSENT_TEXT[c].title)}</strong>
            <span>{t(CONSENT_TEXT[c].detail)}</span>
          </li>
        ))}
      </ul>
      <p className="reception-consent-validity">{t(T.validity)}</p>
      <div className="reception-consent-all">
        <button type="button" className="reception-big" disabled={busy} onClick={() => void send(all(true))}>
          {t(T.all)}
        </button>
        <button type="button" className="reception-big secondary" disabled={busy} onClick={() => void send(all(false))}>
          {t(T.none)}
        </button>
      </div>

      <form className="reception-consent-each" onSubmit={decide} noValidate aria-labelledby={`${id}-each`}>
        <h3 id={`${id}-each`}>{t(T.each)}</h3>
        {CONSENT_CATEGORIES.map((c: ConsentCategory) => (
          <fieldset key={c} className="reception-consent-item">
            <legend>{t(CONSENT_TEXT[c].title)}</legend>
            <div className="reception-consent-options">
              {([true, false] as const).map((v) => (
                <label key={String(v)} className="reception-consent-option">
                  <input
                    type="radio"
                    name={`${id}-${c}`}
                    checked={each[c] === v}
                    onChange={() => {
                      setEach((prev) => ({ ...prev, [c]: v }));
                      setMissing(false);
                    }}
                  />
                  {t(v ? T.yes : T.no)}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        {missing && (
          <p role="alert" className="reception-field-error">
            {t(T.missing)}
          </p>
        )}
        <button type="submit" className="reception-big" disabled={busy}>
          {t(T.decide)}
        </button>
      </form>
      <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      {error !== undefined && (
        <>
          <ErrorMessage error={error} />
          <button type="button" className="secondary" onClick={onSkip}>
            {t(T.skip)}
          </button>
        </>
      )}
    </section>
  );
}
