/** 本日の処方: this facility's prescriptions for the patient issued today, their state, and 取消 while no pharmacy holds one. */
import { useCallback, useEffect, useState } from 'react';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { cancelPrescription, japanToday, type Listed, todaysPrescriptions } from './api.ts';

const STATE: Record<string, Text> = {
  registered: { ja: '発行済み（薬局の受付待ち）', en: 'Issued (waiting for a pharmacy)' },
  accepted: { ja: '薬局が受付済み', en: 'Accepted by a pharmacy' },
  completed: { ja: '調剤済み', en: 'Dispensed' },
  cancelled: { ja: '取消済み', en: 'Cancelled' },
  expired: { ja: '使用期限切れ', en: 'Expired' },
};

export function TodayList({ patientId, refresh }: { patientId: string; refresh: number }) {
  const { t } = useI18n();
  const [list, setList] = useState<Listed[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setList(await todaysPrescriptions(patientId, japanToday()));
    } catch (e) {
      setError(e);
    }
  }, [patientId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the screen issued one
  useEffect(() => {
    void load();
  }, [load, refresh]);

  async function cancel(id: string) {
    setConfirming(undefined);
    setError(undefined);
    try {
      await cancelPrescription(id);
      setMessage(t({ ja: `処方箋 ${id} を取り消しました`, en: `Prescription ${id} was cancelled` }));
      await load();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card" aria-labelledby="prescriptions-today-title">
      <h2 id="prescriptions-today-title">{t({ ja: '本日この患者さんに発行した処方箋', en: 'Prescriptions issued today for this patient' })}</h2>
      <StatusMessage>{message && <p className="success">{message}</p>}</StatusMessage>
      {error !== undefined && <ErrorMessage error={error} onRetry={() => void load()} />}
      {list === undefined && error === undefined && <p className="note">{t({ ja: '読み込んでいます…', en: 'Loading…' })}</p>}
      {list?.length === 0 && <p>{t({ ja: '本日発行した処方箋はまだありません。', en: 'None issued today yet.' })}</p>}
      {list && list.length > 0 && (
        <ul className="prescriptions-today">
          {list.map((p) => (
            <li key={p.id} className="prescriptions-today-item">
              <p className="prescriptions-today-head">
                <span className="badge">{t(STATE[p.state] ?? { ja: p.state, en: p.state })}</span> {t({ ja: '引換番号', en: 'Exchange no.' })}{' '}
                <strong className="mono">{p.exchangeNumber}</strong>
                <span className="note">
                  {' '}
                  {t({ ja: '処方箋ID', en: 'ID' })} <span className="mono">{p.id}</span>
                  {p.prescriber && ` ・ ${p.prescriber}`}
                </span>
              </p>
              <ul className="prescriptions-today-lines">
                {p.medications.map((m) => (
                  <li key={`${p.id}-${m.name}-${m.quantity}-${m.days}`}>
                    {m.name} {m.quantity}
                    {m.unit}
                    {m.days !== undefined && t({ ja: `（${m.days}日分）`, en: ` (${m.days} days)` })}
                    {m.substitution === '1' && <span className="badge">{t({ ja: '後発品変更不可', en: 'no generic substitution' })}</span>}
                  </li>
                ))}
              </ul>
              {p.state === 'registered' && p.usesDone === 0 && (
                <div className="row">
                  {confirming === p.id ? (
                    <>
                      <span>{t({ ja: 'この処方箋を取り消しますか？', en: 'Cancel this prescription?' })}</span>
                      <button type="button" onClick={() => void cancel(p.id)}>
                        {t({ ja: '取り消す', en: 'Cancel it' })}
                      </button>
                      <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
                        {t({ ja: 'やめる', en: 'Keep it' })}
                      </button>
                    </>
                  ) : (
                    <button type="button" className="secondary" onClick={() => setConfirming(p.id)}>
                      {t({ ja: `取消（引換番号 ${p.exchangeNumber}）`, en: `Cancel (no. ${p.exchangeNumber})` })}
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
