/**
 * 本日の処方箋: the pharmacy's own prescriptions of a day ($pharmacy-worklist) — accepted but the result not yet
 * registered (未登録: the national goal is to register nearly every result, so their count and the share registered
 * lead the page), registered, and cancelled results. Each opens in place: dispense a held one, see the receipt of a
 * registered one, correct or cancel it.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { japanToday } from '../../shared/japan-time.ts';
import { StatusMessage } from '../../shared/messages.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { type Worklist, type WorklistEntry, worklist } from '../rx/api.ts';
import { dayText } from '../rx/labels.ts';
import { PrescriptionFlow } from '../rx/PrescriptionFlow.tsx';
import { RefusalMessage } from '../rx/RefusalMessage.tsx';
import '../rx/pharmacy.css';

const T = {
  date: { ja: '日付', en: 'Day' },
  show: { ja: '表示', en: 'Show' },
  loading: { ja: '読み込んでいます…', en: 'Loading…' },
  share: { ja: '調剤結果の登録率', en: 'Results registered' },
  shareGoal: {
    ja: '受け付けた処方箋は、調剤後すぐに調剤結果を登録しましょう（全国の目標はほぼ全件の登録です）。',
    en: 'Register the result of every accepted prescription soon after dispensing (the national goal: nearly all).',
  },
  unregistered: { ja: '未登録（受付済み・調剤結果がまだ）', en: 'Not yet registered (accepted, no result yet)' },
  registered: { ja: '調剤結果を登録済み', en: 'Results registered' },
  cancelled: { ja: '調剤結果を取消', en: 'Results cancelled' },
  empty: { ja: 'ありません。', en: 'None.' },
  open: { ja: '開く', en: 'Open' },
  close: { ja: '閉じる', en: 'Close' },
  born: { ja: '生年月日', en: 'born' },
  accepted: { ja: '受付', en: 'accepted' },
  noShare: { ja: 'この日の受付はまだありません。', en: 'Nothing accepted on this day yet.' },
} satisfies Record<string, Text>;

const GROUPS: WorklistEntry['status'][] = ['unregistered', 'registered', 'cancelled'];

export default function TodayScreen({ session }: ScreenProps) {
  const { t, lang } = useI18n();
  const id = useId();
  const [day, setDay] = useState(japanToday());
  const [shown, setShown] = useState(japanToday());
  const [list, setList] = useState<Worklist>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<Set<string>>(new Set());

  const load = useCallback(async (d: string) => {
    setLoading(true);
    setError(undefined);
    try {
      setList(await worklist(d));
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(shown);
  }, [load, shown]);

  const toggle = (rx: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(rx)) next.delete(rx);
      else next.add(rx);
      return next;
    });

  const pct = list?.registeredShare !== undefined ? Math.round(list.registeredShare * 100) : undefined;

  return (
    <div className="pharmacy">
      <form
        className="row pharmacy-day"
        onSubmit={(e) => {
          e.preventDefault();
          if (/^\d{4}-\d{2}-\d{2}$/.test(day)) setShown(day);
        }}
      >
        <label htmlFor={`${id}-day`}>{t(T.date)}</label>
        <input id={`${id}-day`} type="date" value={day} onChange={(e) => setDay(e.currentTarget.value)} />
        <button type="submit" className="secondary">
          {t(T.show)}
        </button>
        <StatusMessage>{loading ? t(T.loading) : ''}</StatusMessage>
      </form>
      {error !== undefined && <RefusalMessage error={error} />}
      {list && (
        <>
          <section className="card pharmacy-summary" aria-labelledby={`${id}-share`}>
            <h2 id={`${id}-share`}>
              {t(dayText(list.date))} {t(T.share)}
            </h2>
            {pct === undefined ? (
              <p>{t(T.noShare)}</p>
            ) : (
              <>
                <p className="pharmacy-share">
                  <strong>{pct}%</strong>{' '}
                  {lang === 'ja'
                    ? `（登録済み ${list.registered} 件 / 未登録 ${list.unregistered} 件）`
                    : `(${list.registered} registered, ${list.unregistered} not yet)`}
                </p>
                <div className="pharmacy-bar" aria-hidden="true">
                  <span style={{ width: `${pct}%` }} />
                </div>
              </>
            )}
            <ul className="pharmacy-counts">
              {GROUPS.map((g) => (
                <li key={g} className={`pharmacy-count pharmacy-count-${g}`}>
                  <span>{t(T[g])}</span> <strong>{list[g]}</strong>
                </li>
              ))}
            </ul>
            <p className="note">{t(T.shareGoal)}</p>
          </section>
          {GROUPS.map((g) => {
            const entries = list.entries.filter((e) => e.status === g);
            return (
              <section key={g} aria-labelledby={`${id}-${g}`} className="pharmacy-group">
                <h2 id={`${id}-${g}`}>
                  {t(T[g])}（{entries.length}）
                </h2>
                {entries.length === 0 ? (
                  <p className="note">{t(T.empty)}</p>
                ) : (
                  <ul className="pharmacy-worklist">
                    {entries.map((e) => {
                      const rx = e.prescription.id;
                      const isOpen = open.has(rx);
                      return (
                        <li key={rx} className={`card pharmacy-entry pharmacy-entry-${g}`}>
                          <div className="pharmacy-entry-head">
                            <p className="pharmacy-entry-name">
                              <strong>{e.patientName}</strong>{' '}
                              <span className="note">
                                {t(T.born)} {t(dayText(e.birthDate))}
                              </span>
                            </p>
                            <p className="pharmacy-entry-drugs">{e.prescription.lines.map((l) => l.name).join('、')}</p>
                            <button type="button" className="secondary" aria-expanded={isOpen} aria-controls={`${id}-e-${rx}`} onClick={() => toggle(rx)}>
                              {t(isOpen ? T.close : T.open)}
                              <span className="visually-hidden">: {e.patientName}</span>
                            </button>
                          </div>
                          <div id={`${id}-e-${rx}`} hidden={!isOpen}>
                            {isOpen && (
                              <PrescriptionFlow
                                session={session}
                                initial={e.prescription}
                                result={e.receipt && e.dispensing ? { dispensing: e.dispensing, receipt: e.receipt } : undefined}
                                showAlerts={false}
                                onChanged={() => void load(shown)}
                              />
                            )}
                          </div>
                        </li>
                      );
                    })}
                  </ul>
                )}
              </section>
            );
          })}
        </>
      )}
    </div>
  );
}
