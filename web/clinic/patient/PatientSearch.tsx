/**
 * 患者さんを開く: today's receptions at this facility (one click), or a search among this facility's receptions of
 * the last 3 months by name part (漢字・カナ) and / or birth date — both read the platform's reception history
 * (`GET /fhir/$reception-history?date=…` / `?name=…&birthdate=…`), so the receptions done on the desk's PC appear on
 * the doctor's. The platform answers this facility's own receptions only (a clinic cannot search the country's people
 * by name). Choosing a patient makes them the app's current patient.
 */
import { type FormEvent, useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import type { CurrentPatient } from '../current-patient.ts';
import { historyPath, japanTime, japanToday, latestPerPatient, type ReceptionRecord, readHistory } from './eligibility.ts';
import { useRead } from './load.ts';
import { ReadView } from './sections.tsx';
import { japanDay, showDay } from './format.ts';

const T = {
  today: { ja: '本日受付した患者さん', en: 'Patients received today' },
  noToday: { ja: '本日この医療機関で受付した患者さんはいません。', en: 'No patient has been received at this facility today.' },
  moreToday: { ja: 'さらに表示', en: 'Show more' },
  search: { ja: '患者さんを探す', en: 'Find a patient' },
  lead: {
    ja: 'この医療機関で過去3か月に受付（資格確認）をした患者さんを、氏名（一部でも）か生年月日で探します。',
    en: 'Search the patients received (eligibility checked) at this facility in the last 3 months by name (or a part of it) or date of birth.',
  },
  name: { ja: '氏名（漢字またはカナ）', en: 'Name (kanji or kana)' },
  birth: { ja: '生年月日', en: 'Date of birth' },
  submit: { ja: '検索する', en: 'Search' },
  searching: { ja: '検索しています…', en: 'Searching…' },
  empty: { ja: '該当する患者さんはいません', en: 'No matching patient' },
  emptyHint: {
    ja: '過去3か月にこの医療機関で受付をしていない患者さんは表示されません。受付の画面で資格確認をしてください。',
    en: 'Patients not received at this facility in the last 3 months are not listed. Check their eligibility at reception.',
  },
  need: { ja: '氏名か生年月日を入力してください', en: 'Enter a name or a date of birth' },
  badDate: { ja: '生年月日は 1958-10-22 の形で入力してください', en: 'Enter the date of birth as 1958-10-22' },
  found: { ja: '人見つかりました', en: ' found' },
  open: { ja: 'を開く', en: ': open' },
  born: { ja: '生', en: 'born' },
  received: { ja: '受付', en: 'received' },
  cancel: { ja: '戻る', en: 'Back' },
} satisfies Record<string, Text>;

function PatientButton({ r, onChoose }: { r: ReceptionRecord; onChoose: (p: CurrentPatient) => void }) {
  const { t } = useI18n();
  const p = r.patient;
  const day = japanDay(r.at);
  return (
    <button type="button" className="secondary patients-choice" onClick={() => onChoose(p)}>
      <span className="patients-choice-name" lang="ja">
        {p.name}
      </span>
      {p.kana && (
        <span className="patients-sub" lang="ja">
          {p.kana}
        </span>
      )}
      {p.birthDate && (
        <span className="patients-sub">
          {showDay(p.birthDate)} {t(T.born)}
        </span>
      )}
      <span className="patients-sub">
        {t(T.received)} {day === japanToday() ? japanTime(r.at) : `${showDay(day)} ${japanTime(r.at)}`}
      </span>
      <span className="visually-hidden">{t(T.open)}</span>
    </button>
  );
}

type Result = { status: 'idle' } | { status: 'searching' } | { status: 'done'; patients: ReceptionRecord[] } | { status: 'error'; error: unknown };

const TODAY_PAGE = 100;

/** Today's receptions at this facility, one per patient, newest first; 「さらに表示」 reads the next page. */
function TodaysReceptions({ onChoose }: { onChoose: (p: CurrentPatient) => void }) {
  const { t } = useI18n();
  const [extra, setExtra] = useState<{ receptions: ReceptionRecord[]; next?: string; error?: unknown }>({ receptions: [] });
  const [read, retry] = useRead(`today`, async () => readHistory(await fhir(historyPath({ date: japanToday(), count: TODAY_PAGE }))));
  async function more(cursor: string) {
    try {
      const page = readHistory(await fhir(historyPath({ date: japanToday(), count: TODAY_PAGE, cursor })));
      setExtra((x) => ({ receptions: [...x.receptions, ...page.receptions], next: page.next }));
    } catch (error) {
      setExtra((x) => ({ ...x, error }));
    }
  }
  return (
    <ReadView read={read} onRetry={retry}>
      {(first) => {
        const list = latestPerPatient([...first.receptions, ...extra.receptions]);
        const next = extra.receptions.length ? extra.next : first.next;
        if (!list.length) return <p className="patients-empty">{t(T.noToday)}</p>;
        return (
          <>
            <ul className="patients-choices">
              {list.map((r) => (
                <li key={r.patient.id}>
                  <PatientButton r={r} onChoose={onChoose} />
                </li>
              ))}
            </ul>
            {next && (
              <p>
                <button type="button" className="secondary" onClick={() => more(next)}>
                  {t(T.moreToday)}
                </button>
              </p>
            )}
            {extra.error !== undefined && <ErrorMessage error={extra.error} />}
          </>
        );
      }}
    </ReadView>
  );
}

export function PatientSearch({ onChoose, onCancel }: { facilityCode?: string; onChoose: (p: CurrentPatient) => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [birth, setBirth] = useState('');
  const [problem, setProblem] = useState<Text | undefined>();
  const [result, setResult] = useState<Result>({ status: 'idle' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = name.normalize('NFC').trim();
    const b = birth.normalize('NFKC').trim().replace(/\//g, '-');
    if (!n && !b) return setProblem(T.need);
    if (b && !/^\d{4}-\d{2}-\d{2}$/.test(b)) return setProblem(T.badDate);
    setProblem(undefined);
    setResult({ status: 'searching' });
    try {
      const page = readHistory(await fhir(historyPath({ name: n || undefined, birthdate: b || undefined, count: 100 })));
      setResult({ status: 'done', patients: latestPerPatient(page.receptions) });
    } catch (error) {
      setResult({ status: 'error', error });
    }
  }

  return (
    <div className="patients-search">
      <section className="card" aria-labelledby="patients-today">
        <h2 id="patients-today">{t(T.today)}</h2>
        <TodaysReceptions onChoose={onChoose} />
      </section>
      <section className="card" aria-labelledby="patients-find">
        <h2 id="patients-find">{t(T.search)}</h2>
        <p>{t(T.lead)}</p>
        <form className="patients-form" onSubmit={submit} noValidate>
          <div className="patients-field">
            <label htmlFor="patients-name">{t(T.name)}</label>
            <input id="patients-name" type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" lang="ja" />
          </div>
          <div className="patients-field">
            <label htmlFor="patients-birth">{t(T.birth)}</label>
            <input id="patients-birth" type="date" value={birth} onChange={(e) => setBirth(e.target.value)} />
          </div>
          <div className="row">
            <button type="submit" disabled={result.status === 'searching'}>
              {t(T.submit)}
            </button>
            {onCancel && (
              <button type="button" className="secondary" onClick={onCancel}>
                {t(T.cancel)}
              </button>
            )}
          </div>
        </form>
        {problem && (
          <div role="alert" className="error">
            <p>{t(problem)}</p>
          </div>
        )}
        <StatusMessage className="patients-search-status">
          {result.status === 'searching' && <p>{t(T.searching)}</p>}
          {result.status === 'done' &&
            (result.patients.length ? (
              <p>
                {result.patients.length}
                {t(T.found)}
              </p>
            ) : (
              <div className="patients-empty">
                <p>
                  <strong>{t(T.empty)}</strong>
                </p>
                <p className="note">{t(T.emptyHint)}</p>
              </div>
            ))}
        </StatusMessage>
        {result.status === 'error' && <ErrorMessage error={result.error} />}
        {result.status === 'done' && result.patients.length > 0 && (
          <ul className="patients-choices">
            {result.patients.map((r) => (
              <li key={r.patient.id}>
                <PatientButton r={r} onChoose={onChoose} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
