/**
 * 候補の選択: two or three registered people match the name, birth date and sex typed. Each is shown by what tells
 * them apart (氏名, カナ, 生年月日, 性別, whether the postal code matched) — nothing clinical — and the doctor chooses one;
 * the service checks the choice against the same details again.
 */
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { birthLine } from '../reception/labels.ts';
import { japanToday } from '../reception/validate.ts';
import { SEXES } from './labels.ts';
import type { Candidate } from './model.ts';

const T = {
  title: { ja: '該当する方が複数います', en: 'Several people match' },
  lead: {
    ja: '入力した氏名・生年月日・性別に一致する方です。ご本人を確認して選んでください。わからないときは、カードを読み取るか郵便番号を加えてください。',
    en: 'These people match the name, birth date and sex entered. Choose the patient; if unsure, read the card or add the postal code.',
  },
  name: { ja: '氏名', en: 'Name' },
  kana: { ja: 'カナ', en: 'Kana' },
  birth: { ja: '生年月日', en: 'Date of birth' },
  sex: { ja: '性別', en: 'Sex' },
  postal: { ja: '郵便番号', en: 'Postal code' },
  postalYes: { ja: '一致', en: 'matches' },
  choose: { ja: 'この方を選ぶ', en: 'Choose' },
  back: { ja: '入力に戻る', en: 'Back to the form' },
  busy: { ja: '開始しています…', en: 'Starting…' },
} satisfies Record<string, Text>;

export function Candidates({
  candidates,
  busy,
  error,
  onChoose,
  onBack,
}: {
  candidates: Candidate[];
  busy: boolean;
  error: unknown;
  onChoose: (c: Candidate) => void;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const today = japanToday();
  return (
    <section className="card emergency-candidates" aria-labelledby="emergency-candidates-title">
      <h2 id="emergency-candidates-title" tabIndex={-1} ref={(el) => el?.focus()}>
        {t(T.title)}
      </h2>
      <p>{t(T.lead)}</p>
      <div className="emergency-table">
        <table>
          <caption className="visually-hidden">{t(T.title)}</caption>
          <thead>
            <tr>
              <th scope="col">{t(T.name)}</th>
              <th scope="col">{t(T.kana)}</th>
              <th scope="col">{t(T.birth)}</th>
              <th scope="col">{t(T.sex)}</th>
              <th scope="col">{t(T.postal)}</th>
              <th scope="col">
                <span className="visually-hidden">{t(T.choose)}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {candidates.map((c) => (
              <tr key={c.patient}>
                <th scope="row" data-label={t(T.name)}>
                  <div className="emergency-name">{c.name}</div>
                </th>
                <td data-label={t(T.kana)}>
                  <div>{c.kana}</div>
                </td>
                <td data-label={t(T.birth)}>
                  <div>{t(birthLine(c.birthDate, today))}</div>
                </td>
                <td data-label={t(T.sex)}>
                  <div>{t(SEXES[c.sex] ?? { ja: c.sex, en: c.sex })}</div>
                </td>
                <td data-label={t(T.postal)}>
                  <div>{c.postalCodeMatches ? t(T.postalYes) : '—'}</div>
                </td>
                <td className="emergency-actions">
                  <button
                    type="button"
                    className="emergency-danger"
                    disabled={busy}
                    aria-label={`${t(T.choose)}: ${c.name}（${c.kana}）`}
                    onClick={() => onChoose(c)}
                  >
                    {t(T.choose)}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error !== undefined && <ErrorMessage error={error} />}
      <div className="row">
        <button type="button" className="secondary" onClick={onBack} disabled={busy}>
          {t(T.back)}
        </button>
        <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      </div>
    </section>
  );
}
