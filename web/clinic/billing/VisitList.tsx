/**
 * 今月の会計: this month's recorded visits of the patient at this clinic ($billing-visits), cancelled ones marked with
 * their reason; the latest visit still charged can be cancelled (取消) with a reason ($billing-cancel — the service
 * cancels only the latest visit of the month and answers why not otherwise).
 */
import { useId, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { useRead } from '../patient/load.ts';
import { cancelVisit, monthVisits, type RecordedVisit } from './api.ts';
import { FieldError, invalidProps } from './FieldError.tsx';
import { issuesOf, placeIssues, type FieldErrors } from './issues.ts';
import { ENCOUNTER_NAMES, grouped } from './items.ts';
import { ReceiptButtons } from './ReceiptButtons.tsx';

const T = {
  title: { ja: '今月の会計（{month}）', en: 'This month’s charges ({month})' },
  loading: { ja: '今月の会計を読み込んでいます…', en: 'Loading this month’s charges…' },
  empty: { ja: '今月この患者さんの会計はまだありません。', en: 'No charge for this patient this month yet.' },
  date: { ja: '診療日', en: 'Date' },
  encounter: { ja: '初診・再診', en: 'Visit' },
  points: { ja: '合計点数', en: 'Points' },
  yen: { ja: '窓口負担額', en: 'Paid' },
  state: { ja: '状態', en: 'State' },
  charged: { ja: '会計済み', en: 'Charged' },
  cancelled: { ja: '取消済み', en: 'Cancelled' },
  receipt: { ja: '領収証', en: 'Receipt' },
  cancelTitle: { ja: '会計の取消（最新の会計のみ）', en: 'Cancel the latest charge' },
  reason: { ja: '取消の理由（必須・200字以内）', en: 'Reason (required, at most 200 characters)' },
  cancel: { ja: '取消', en: 'Cancel' },
  cancelLabel: { ja: '取消（{date} の会計）', en: 'Cancel ({date})' },
  done: { ja: '{date} の会計を取り消しました。', en: 'The charge of {date} was cancelled.' },
  noReason: { ja: '取消の理由を入力してください', en: 'Type the reason' },
} satisfies Record<string, Text>;

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

export function VisitList({ patientId, month, refresh, onCancelled }: { patientId: string; month: string; refresh: number; onCancelled: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [read, reload] = useRead(`${patientId}|${month}|${refresh}`, () => monthVisits(month, patientId));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | undefined>();

  const visits = read.status === 'ok' ? read.data : [];
  const latest: RecordedVisit | undefined = visits.filter((v) => !v.cancelled).at(-1);

  async function cancel(v: RecordedVisit) {
    setDone(undefined);
    if (!reason.trim()) {
      setErrors({ reason: [T.noReason] });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await cancelVisit(v.id, reason.trim());
      setReason('');
      setDone(fill(t(T.done), { date: v.date }));
      reload();
      onCancelled();
    } catch (e) {
      setErrors(placeIssues(issuesOf(e), (x) => (x === 'reason' ? 'reason' : undefined)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card billing-visits" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{fill(t(T.title), { month })}</h2>
      {read.status === 'loading' && <StatusMessage>{t(T.loading)}</StatusMessage>}
      {read.status === 'error' && <ErrorMessage error={read.error} onRetry={reload} />}
      {read.status === 'ok' && visits.length === 0 && <p className="note">{t(T.empty)}</p>}
      {visits.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t(T.date)}</th>
                <th scope="col">{t(T.encounter)}</th>
                <th scope="col" className="billing-num">
                  {t(T.points)}
                </th>
                <th scope="col" className="billing-num">
                  {t(T.yen)}
                </th>
                <th scope="col">{t(T.state)}</th>
                <th scope="col">{t(T.receipt)}</th>
              </tr>
            </thead>
            <tbody>
              {visits.map((v) => (
                <tr key={v.id} className={v.cancelled ? 'billing-cancelled' : undefined}>
                  <td>{v.date}</td>
                  <td>{t(ENCOUNTER_NAMES[v.encounter] ?? { ja: v.encounter, en: v.encounter })}</td>
                  <td className="billing-num">{grouped(v.totalPoints)}点</td>
                  <td className="billing-num">{grouped(v.patientYen)}円</td>
                  <td>
                    {v.cancelled ? (
                      <>
                        <span className="badge">{t(T.cancelled)}</span>
                        {v.cancelReason && <span className="note">（{v.cancelReason}）</span>}
                      </>
                    ) : (
                      t(T.charged)
                    )}
                  </td>
                  <td>{!v.cancelled && <ReceiptButtons visit={v.id} date={v.date} suffix={v.date} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {latest && (
        <form
          className="billing-cancel"
          onSubmit={(e) => {
            e.preventDefault();
            void cancel(latest);
          }}
        >
          <h3>{t(T.cancelTitle)}</h3>
          <div className="billing-field">
            <label htmlFor={`${id}-reason`}>{t(T.reason)}</label>
            <input
              id={`${id}-reason`}
              maxLength={200}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              {...invalidProps(`${id}-reason-error`, errors.reason)}
            />
            <FieldError id={`${id}-reason-error`} errors={errors.reason} />
          </div>
          <button type="submit" className="secondary" disabled={busy} aria-label={fill(t(T.cancelLabel), { date: latest.date })}>
            {t(T.cancel)}
          </button>
          <FieldError id={`${id}-cancel-error`} errors={errors.general} />
        </form>
      )}
      <StatusMessage>{done && <p className="success">{done}</p>}</StatusMessage>
    </section>
  );
}
