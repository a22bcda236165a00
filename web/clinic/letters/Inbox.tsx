/**
 * 受信箱: the letters addressed to this facility (newest first) with sender, date and whether they were read; opening
 * one retrieves it ($retrieve-referral: the first opening starts the 7 days after which it is erased), shows it as a
 * document, offers 受領確認 ($acknowledge-referral) and 印刷 (window.print(); the print stylesheet keeps only the letter).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { acknowledge, inbox, type LetterState, type LetterSummary, type Retrieved, retrieve } from './api.ts';
import { dateTimeText, type LetterModel, letterModel } from './letter-model.ts';
import { LetterView } from './LetterView.tsx';
import { facilityName, useFacilityNames } from '../facility-names.ts';

const T = {
  heading: { ja: '受信した紹介状', en: 'Letters received' },
  loading: { ja: '受信箱を読み込んでいます…', en: 'Loading the inbox…' },
  empty: { ja: '受信した紹介状はありません。', en: 'No letters have been received.' },
  received: { ja: '受信日時', en: 'Received' },
  sender: { ja: '紹介元', en: 'From' },
  patient: { ja: '患者', en: 'Patient' },
  kind: { ja: '種類', en: 'Kind' },
  state: { ja: '状態', en: 'State' },
  action: { ja: '操作', en: 'Action' },
  open: { ja: '開く', en: 'Open' },
  hidden: { ja: '開くと表示されます', en: 'Shown when opened' },
  referral: { ja: '診療情報提供書', en: 'Referral letter' },
  summary: { ja: '退院時サマリー', en: 'Discharge summary' },
  withSummary: { ja: '（退院時サマリー添付）', en: ' (with discharge summary)' },
  opening: { ja: '紹介状を開いています…', en: 'Opening the letter…' },
  back: { ja: '受信箱に戻る', en: 'Back to the inbox' },
  ack: { ja: '受領確認', en: 'Acknowledge receipt' },
  acking: { ja: '受領確認しています…', en: 'Acknowledging…' },
  acked: { ja: '受領確認しました', en: 'Receipt acknowledged' },
  print: { ja: '印刷', en: 'Print' },
  eraseNote: {
    ja: 'この紹介状の内容は受信後7日で削除されます（削除予定：',
    en: 'The content of this letter is erased 7 days after receipt (due: ',
  },
  unreadable: { ja: 'この紹介状の内容を表示できませんでした。', en: 'The content of this letter could not be shown.' },
  count: { ja: '件', en: ' letters' },
  reload: { ja: '最新の状態にする', en: 'Refresh' },
};

export const STATE_TEXT: Record<LetterState, { ja: string; en: string }> = {
  sent: { ja: '未読', en: 'Unread' },
  received: { ja: '既読', en: 'Read' },
  acknowledged: { ja: '受領確認済み', en: 'Acknowledged' },
  erased: { ja: '削除済み', en: 'Erased' },
};

/** Patient names of the letters opened on this page (the inbox itself carries no content). */
const openedNames = new Map<string, string>();

function StateBadge({ state }: { state: LetterState }) {
  const { t } = useI18n();
  return <span className={`badge letters-state letters-state-${state}`}>{t(STATE_TEXT[state])}</span>;
}

function Reader({ letter, onBack, onChanged }: { letter: LetterSummary; onBack: () => void; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [got, setGot] = useState<{ r: Retrieved; model?: LetterModel } | undefined>();
  const [state, setState] = useState<LetterState>(letter.state);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [acked, setAcked] = useState<string | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const senderName = useFacilityNames([letter.sender]).get(letter.sender);

  const load = useCallback(() => {
    setError(undefined);
    retrieve(letter.id)
      .then((r) => {
        const model = letterModel(r.letter);
        if (model?.patient.name) openedNames.set(letter.id, model.patient.name);
        setGot({ r, model });
        setState(r.state);
        onChanged();
      })
      .catch(setError);
  }, [letter.id, onChanged]);
  useEffect(load, [load]);
  useEffect(() => {
    if (got) heading.current?.focus();
  }, [got]);

  const onAck = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await acknowledge(letter.id);
      setState(res.state);
      setAcked(res.acknowledgedAt);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="letters-reader">
      <div className="letters-noprint">
        <div className="row letters-toolbar">
          <button type="button" className="secondary" onClick={onBack}>
            {t(T.back)}
          </button>
          <span className="spacer" />
          {got && state !== 'acknowledged' && (
            <button type="button" onClick={() => void onAck()} disabled={busy}>
              {busy ? t(T.acking) : t(T.ack)}
            </button>
          )}
          {got && (
            <button type="button" className="secondary" onClick={() => window.print()}>
              {t(T.print)}
            </button>
          )}
        </div>
        <h2 ref={heading} tabIndex={-1} className="letters-reader-title">
          {senderName ?? letter.sender} — {dateTimeText(letter.sentAt, lang)} <StateBadge state={state} />
        </h2>
        {error !== undefined && <ErrorMessage error={error} onRetry={got ? undefined : load} />}
        <StatusMessage>
          {!got && error === undefined && <p>{t(T.opening)}</p>}
          {acked && (
            <p className="success">
              {t(T.acked)}（{dateTimeText(acked, lang)}）
            </p>
          )}
        </StatusMessage>
        {got && (
          <p className="note">
            {t(T.eraseNote)}
            {dateTimeText(got.r.eraseAfter, lang)}
            {lang === 'ja' ? '）' : ')'}
          </p>
        )}
      </div>
      {got &&
        (got.model ? (
          <div className="letters-print-area">
            <LetterView model={got.model} level={2} />
          </div>
        ) : (
          <p className="notice">{t(T.unreadable)}</p>
        ))}
    </div>
  );
}

export function Inbox() {
  const { t, lang } = useI18n();
  const [list, setList] = useState<LetterSummary[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<LetterSummary | undefined>();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const returning = useRef(false);

  const load = useCallback(() => {
    setError(undefined);
    inbox()
      .then(setList)
      .catch((err) => {
        setError(err);
        setList([]);
      });
  }, []);
  useEffect(load, [load]);
  const names = useFacilityNames(list?.map((l) => l.sender) ?? []);
  useEffect(() => {
    if (!open && returning.current) {
      returning.current = false;
      listHeading.current?.focus();
    }
  }, [open]);

  // Prefetch the senders' names so the reader shows them at once.
  useEffect(() => {
    for (const l of list ?? []) void facilityName(l.sender);
  }, [list]);

  if (open)
    return (
      <Reader
        letter={open}
        onBack={() => {
          returning.current = true;
          setOpen(undefined);
          load();
        }}
        onChanged={load}
      />
    );

  return (
    <section aria-labelledby="letters-inbox-heading">
      <div className="row">
        <h2 id="letters-inbox-heading" ref={listHeading} tabIndex={-1}>
          {t(T.heading)}
          {list && list.length > 0 && (
            <span className="letters-count">
              {' '}
              {list.length}
              {t(T.count)}
            </span>
          )}
        </h2>
        <span className="spacer" />
        <button type="button" className="secondary" onClick={load}>
          {t(T.reload)}
        </button>
      </div>
      {error !== undefined && <ErrorMessage error={error} onRetry={load} />}
      <StatusMessage>
        {!list && <p>{t(T.loading)}</p>}
        {list && list.length === 0 && error === undefined && <p className="card">{t(T.empty)}</p>}
      </StatusMessage>
      {list && list.length > 0 && (
        <ul className="letters-list">
          {list.map((l) => {
            const sender = names.get(l.sender) ?? l.sender;
            const patient = openedNames.get(l.id);
            return (
              <li key={l.id} className={`letters-item${l.state === 'sent' ? ' letters-unread' : ''}`}>
                <div className="letters-item-main">
                  <p className="letters-item-title">
                    <StateBadge state={l.state} /> <strong>{sender}</strong>
                    <span className="letters-muted">
                      {' '}
                      {t(l.kind === 'referral' ? T.referral : T.summary)}
                      {l.kind === 'referral' && l.dischargeSummary ? t(T.withSummary) : ''}
                    </span>
                  </p>
                  <dl className="letters-meta">
                    <div>
                      <dt>{t(T.received)}</dt>
                      <dd>{dateTimeText(l.sentAt, lang)}</dd>
                    </div>
                    <div>
                      <dt>{t(T.patient)}</dt>
                      <dd>{patient ?? <span className="letters-muted">{t(T.hidden)}</span>}</dd>
                    </div>
                  </dl>
                </div>
                <button
                  type="button"
                  onClick={() => setOpen(l)}
                  aria-label={`${t(T.open)}: ${sender} ${dateTimeText(l.sentAt, lang)}（${t(STATE_TEXT[l.state])}）`}
                >
                  {t(T.open)}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
