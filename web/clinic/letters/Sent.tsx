/** 送信済み: the delivery state of the letters this facility sent ($referral-status) — never their content. */
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { type LetterSummary, sentLetters } from './api.ts';
import { STATE_TEXT } from './Inbox.tsx';
import { dateTimeText } from './letter-model.ts';
import { useFacilityNames } from '../facility-names.ts';

const T = {
  heading: { ja: '送信した紹介状', en: 'Letters sent' },
  loading: { ja: '送信状況を読み込んでいます…', en: 'Loading the letters sent…' },
  empty: { ja: '送信した紹介状はありません。', en: 'No letters have been sent.' },
  sentAt: { ja: '送信日時', en: 'Sent' },
  to: { ja: '宛先', en: 'To' },
  patient: { ja: '患者', en: 'Patient' },
  state: { ja: '状態', en: 'State' },
  receivedAt: { ja: '受信日時', en: 'Received' },
  acknowledgedAt: { ja: '受領確認日時', en: 'Acknowledged' },
  id: { ja: '紹介状 ID', en: 'Letter id' },
  unknown: { ja: '—', en: '—' },
  note: {
    ja: '送信状況には紹介状の内容は含まれません（患者名はこの画面で送信したものだけ表示します）。',
    en: 'The delivery state carries no content (patient names only for letters sent from this page).',
  },
  reload: { ja: '最新の状態にする', en: 'Refresh' },
};

const SENT_STATE = { ...STATE_TEXT, sent: { ja: '未受信', en: 'Not yet received' }, received: { ja: '受信済み', en: 'Received' } };

/** Patient names of the letters sent from this page. */
export const sentPatientNames = new Map<string, string>();

export function Sent() {
  const { t, lang } = useI18n();
  const [list, setList] = useState<LetterSummary[] | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    setError(undefined);
    sentLetters()
      .then(setList)
      .catch((err) => {
        setError(err);
        setList([]);
      });
  }, []);
  useEffect(load, [load]);
  const names = useFacilityNames(list?.map((l) => l.addressee) ?? []);

  return (
    <section aria-labelledby="letters-sent-heading">
      <div className="row">
        <h2 id="letters-sent-heading">{t(T.heading)}</h2>
        <span className="spacer" />
        <button type="button" className="secondary" onClick={load}>
          {t(T.reload)}
        </button>
      </div>
      <p className="note">{t(T.note)}</p>
      {error !== undefined && <ErrorMessage error={error} onRetry={load} />}
      <StatusMessage>
        {!list && <p>{t(T.loading)}</p>}
        {list && list.length === 0 && error === undefined && <p className="card">{t(T.empty)}</p>}
      </StatusMessage>
      {list && list.length > 0 && (
        <div className="table-wrap">
          <table className="letters-sent-table">
            <thead>
              <tr>
                <th scope="col">{t(T.sentAt)}</th>
                <th scope="col">{t(T.to)}</th>
                <th scope="col">{t(T.patient)}</th>
                <th scope="col">{t(T.state)}</th>
                <th scope="col">{t(T.receivedAt)}</th>
                <th scope="col">{t(T.acknowledgedAt)}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((l) => (
                <tr key={l.id}>
                  <td>{dateTimeText(l.sentAt, lang)}</td>
                  <td>
                    {names.get(l.addressee) ?? l.addressee}
                    <br />
                    <span className="mono letters-muted">{l.addressee}</span>
                  </td>
                  <td>{sentPatientNames.get(l.id) ?? t(T.unknown)}</td>
                  <td>
                    <span className={`badge letters-state letters-state-${l.state}`}>{t(SENT_STATE[l.state])}</span>
                  </td>
                  <td>{l.receivedAt ? dateTimeText(l.receivedAt, lang) : t(T.unknown)}</td>
                  <td>{l.acknowledgedAt ? dateTimeText(l.acknowledgedAt, lang) : t(T.unknown)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
