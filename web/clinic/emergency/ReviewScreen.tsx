/**
 * 救急時閲覧の確認 (事後確認): the facility's emergency accesses, newest first, for its 個人情報保護管理者 — whose record,
 * which doctor, why, how the person was identified, how long and how often — each confirmed 妥当 or flagged 要確認
 * with a note. Filtered by review state and start date.
 */
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { emergencyReviews, reviewEmergency } from './api.ts';
import { dateTime, IDENTIFIED_BY, reasonLine, REVIEW_STATES } from './labels.ts';
import type { Access, ReviewState } from './model.ts';
import './emergency.css';

const T = {
  lead: {
    ja: '当院で行われた救急時医療情報閲覧（本人の同意なしの閲覧）の一覧です。理由と閲覧の内容を確認し、「妥当」または「要確認」（理由をメモに記載）を記録してください。',
    en: 'The emergency views (without the patient’s consent) made at this facility. Check each and record “appropriate” or “flagged” (with a note).',
  },
  filter: { ja: '絞り込み', en: 'Filter' },
  state: { ja: '確認状態', en: 'Review state' },
  all: { ja: 'すべて', en: 'All' },
  from: { ja: '開始日（この日以降）', en: 'Started on or after' },
  show: { ja: '表示する', en: 'Show' },
  list: { ja: '救急時閲覧の一覧', en: 'Emergency accesses' },
  loading: { ja: '読み込んでいます…', en: 'Loading…' },
  none: { ja: '該当する救急時閲覧はありません。', en: 'No emergency access matches.' },
  count: { ja: '件', en: ' accesses' },
  start: { ja: '開始日時', en: 'Started' },
  patient: { ja: '患者', en: 'Patient' },
  staff: { ja: '医師', en: 'Doctor' },
  reason: { ja: '理由', en: 'Reason' },
  by: { ja: '特定方法', en: 'Identified by' },
  end: { ja: '期限・終了', en: 'Until / ended' },
  views: { ja: '閲覧回数', en: 'Views' },
  review: { ja: '確認', en: 'Review' },
  reviewedBy: { ja: '確認者', en: 'Reviewer' },
  confirm: { ja: '妥当', en: 'Appropriate' },
  flag: { ja: '要確認', en: 'Flag' },
  note: { ja: 'メモ（要確認とする理由）', en: 'Note (why it is flagged)' },
  needNote: { ja: '要確認とする理由をメモに記載してください。', en: 'Write why the access is flagged.' },
  saveFlag: { ja: '要確認として記録', en: 'Record as flagged' },
  cancel: { ja: 'やめる', en: 'Cancel' },
  saving: { ja: '記録しています…', en: 'Saving…' },
  saved: { ja: '記録しました', en: 'Recorded' },
} satisfies Record<string, Text>;

type Load = { status: 'loading' } | { status: 'ok'; rows: Access[] } | { status: 'error'; error: unknown };

function ReviewActions({ access, onReviewed }: { access: Access; onReviewed: (a: Access) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [flagging, setFlagging] = useState(false);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Text>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const who = `${access.patientName ?? ''} ${t(dateTime(access.start))}`;

  async function save(decision: 'confirmed' | 'flagged') {
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      onReviewed(await reviewEmergency(access.id, decision, decision === 'flagged' ? note : ''));
      setFlagging(false);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submitFlag(e: FormEvent) {
    e.preventDefault();
    if (!note.trim()) {
      setProblem(T.needNote);
      noteRef.current?.focus();
      return;
    }
    void save('flagged');
  }

  return (
    <div className="emergency-review-actions">
      {flagging ? (
        <form onSubmit={submitFlag} noValidate className="emergency-flag-form">
          <label htmlFor={`${id}-note`}>{t(T.note)}</label>
          <textarea
            ref={noteRef}
            id={`${id}-note`}
            rows={3}
            maxLength={1000}
            value={note}
            aria-required="true"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-note-error` : undefined}
            onChange={(e) => {
              setNote(e.currentTarget.value);
              setProblem(undefined);
            }}
          />
          {problem && (
            <p id={`${id}-note-error`} className="emergency-field-error" role="alert">
              {t(problem)}
            </p>
          )}
          <div className="row">
            <button type="submit" className="emergency-warn" disabled={busy}>
              {t(T.saveFlag)}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                setFlagging(false);
                setProblem(undefined);
              }}
            >
              {t(T.cancel)}
            </button>
          </div>
        </form>
      ) : (
        <div className="row">
          <button type="button" className="secondary" disabled={busy} aria-label={`${t(T.confirm)}: ${who}`} onClick={() => void save('confirmed')}>
            {t(T.confirm)}
          </button>
          <button
            type="button"
            className="emergency-warn"
            disabled={busy}
            aria-label={`${t(T.flag)}: ${who}`}
            onClick={() => {
              setFlagging(true);
              setNote(access.reviewNote ?? '');
              setTimeout(() => noteRef.current?.focus(), 0);
            }}
          >
            {t(T.flag)}
          </button>
        </div>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      <StatusMessage className="emergency-ok-line">{busy ? t(T.saving) : done ? t(T.saved) : ''}</StatusMessage>
    </div>
  );
}

function StateBadge({ access }: { access: Access }) {
  const { t } = useI18n();
  return (
    <>
      <span className={`emergency-state emergency-state-${access.reviewState}`}>{t(REVIEW_STATES[access.reviewState])}</span>
      {access.reviewNote && <span className="emergency-review-note">{access.reviewNote}</span>}
      {access.reviewedBy && (
        <span className="note emergency-sub">
          {t(T.reviewedBy)}: {access.reviewedBy}
        </span>
      )}
    </>
  );
}

export default function ReviewScreen(_props: ScreenProps) {
  const { t } = useI18n();
  const id = useId();
  const [state, setState] = useState<ReviewState | ''>('');
  const [from, setFrom] = useState('');
  const [filter, setFilter] = useState<{ state?: ReviewState; from?: string }>({});
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  const read = useCallback(async () => {
    setLoad({ status: 'loading' });
    try {
      setLoad({ status: 'ok', rows: await emergencyReviews(filter) });
    } catch (error) {
      setLoad({ status: 'error', error });
    }
  }, [filter]);

  useEffect(() => {
    void read();
  }, [read]);

  const replace = (a: Access) =>
    setLoad((l) =>
      l.status === 'ok' ? { status: 'ok', rows: l.rows.map((r) => (r.id === a.id ? { ...a, patientName: a.patientName ?? r.patientName } : r)) } : l,
    );

  const cell = (label: Text, content: ReactNode) => (
    <td data-label={t(label)}>
      <div>{content}</div>
    </td>
  );

  return (
    <>
      <p>{t(T.lead)}</p>
      <form
        className="card emergency-filter"
        aria-label={t(T.filter)}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...(state ? { state } : {}), ...(from ? { from } : {}) });
        }}
      >
        <div className="emergency-field">
          <label htmlFor={`${id}-state`}>{t(T.state)}</label>
          <select id={`${id}-state`} value={state} onChange={(e) => setState(e.currentTarget.value as ReviewState | '')}>
            <option value="">{t(T.all)}</option>
            {(['pending', 'confirmed', 'flagged'] as const).map((s) => (
              <option key={s} value={s}>
                {t(REVIEW_STATES[s])}
              </option>
            ))}
          </select>
        </div>
        <div className="emergency-field">
          <label htmlFor={`${id}-from`}>{t(T.from)}</label>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <button type="submit">{t(T.show)}</button>
      </form>

      <section className="card emergency-section" aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>
          {t(T.list)}
          {load.status === 'ok' && (
            <span className="emergency-count">
              {load.rows.length}
              {t(T.count)}
            </span>
          )}
        </h2>
        {load.status === 'loading' && <StatusMessage>{t(T.loading)}</StatusMessage>}
        {load.status === 'error' && <ErrorMessage error={load.error} onRetry={() => void read()} />}
        {load.status === 'ok' && !load.rows.length && <p className="emergency-empty">{t(T.none)}</p>}
        {load.status === 'ok' && load.rows.length > 0 && (
          <div className="emergency-table emergency-reviews">
            <table>
              <caption className="visually-hidden">{t(T.list)}</caption>
              <thead>
                <tr>
                  {[T.start, T.patient, T.staff, T.reason, T.by, T.end, T.views, T.review].map((c) => (
                    <th key={c.en} scope="col">
                      {t(c)}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="visually-hidden">
                      {t(T.confirm)} / {t(T.flag)}
                    </span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {load.rows.map((a) => (
                  <tr key={a.id} className={a.reviewState === 'flagged' ? 'emergency-row-flagged' : undefined}>
                    <th scope="row" data-label={t(T.start)}>
                      <div className="emergency-nowrap">{t(dateTime(a.start))}</div>
                    </th>
                    {cell(T.patient, <strong>{a.patientName || '—'}</strong>)}
                    {cell(T.staff, a.staffName ?? a.organisation)}
                    {cell(T.reason, t(reasonLine(a.reason, a.reasonDisplay, a.reasonText)))}
                    {cell(T.by, t(IDENTIFIED_BY[a.identifiedBy] ?? { ja: a.identifiedBy, en: a.identifiedBy }))}
                    {cell(T.end, t(dateTime(a.end)))}
                    {cell(T.views, a.views)}
                    {cell(T.review, <StateBadge access={a} />)}
                    <td className="emergency-actions">
                      <ReviewActions access={a} onReviewed={replace} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
