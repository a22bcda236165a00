/**
 * 患者さんを開く: today's receptions of this tab (one click), or a search by name (漢字・カナ) and / or birth date among
 * the patients this facility may see — `GET /fhir/Patient?name=&birthdate=` with the signed-in person's token; the
 * platform decides which Patient records the facility may read (src/platform/access/policy.ts) and answers the others
 * as absent. Choosing a patient makes them the app's current patient.
 */
import { type FormEvent, useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import type { CurrentPatient } from '../current-patient.ts';
import { japanToday, RECEPTION_LOG_KEY } from './eligibility.ts';
import { arrayOf, isRecord, japanDay, showDay, stringOf } from './format.ts';

const T = {
  today: { ja: '本日受付した患者さん', en: 'Patients received today' },
  noToday: { ja: '本日この画面で受付した患者さんはいません。', en: 'No patient has been received in this window today.' },
  search: { ja: '患者さんを探す', en: 'Find a patient' },
  lead: {
    ja: '氏名（漢字またはカナ）か生年月日で探します。表示されるのは、この医療機関が閲覧できる患者さんだけです。',
    en: 'Search by name (kanji or kana) or date of birth. Only patients this facility may see are listed.',
  },
  name: { ja: '氏名（漢字またはカナ）', en: 'Name (kanji or kana)' },
  birth: { ja: '生年月日', en: 'Date of birth' },
  submit: { ja: '検索する', en: 'Search' },
  searching: { ja: '検索しています…', en: 'Searching…' },
  empty: { ja: '該当する患者さんはいません', en: 'No matching patient' },
  emptyHint: {
    ja: '受付で資格確認をした患者さんは「本日受付した患者さん」から開けます。',
    en: 'Patients checked in at reception can be opened from “Patients received today”.',
  },
  need: { ja: '氏名か生年月日を入力してください', en: 'Enter a name or a date of birth' },
  badDate: { ja: '生年月日は 1958-10-22 の形で入力してください', en: 'Enter the date of birth as 1958-10-22' },
  found: { ja: '件見つかりました', en: ' found' },
  open: { ja: 'を開く', en: ': open' },
  born: { ja: '生', en: 'born' },
  cancel: { ja: '戻る', en: 'Back' },
} satisfies Record<string, Text>;

interface HumanName {
  text?: string;
  family?: string;
  given?: string[];
  extension?: { url?: string; valueCode?: string }[];
}

const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const nameText = (n: HumanName) => n.text ?? [n.family ?? '', ...(n.given ?? [])].filter(Boolean).join(' ');
const rep = (n: HumanName) => n.extension?.find((e) => e.url === REPRESENTATION)?.valueCode;

/** A Patient of the search as the app's current patient (names exactly as registered). */
export function patientOf(r: unknown): CurrentPatient | undefined {
  if (!isRecord(r) || r.resourceType !== 'Patient' || typeof r.id !== 'string') return undefined;
  const names = arrayOf(r.name) as HumanName[];
  const ide = names.find((n) => rep(n) === 'IDE') ?? names.find((n) => rep(n) !== 'SYL');
  const syl = names.find((n) => rep(n) === 'SYL');
  const name = ide ? nameText(ide) : '';
  if (!name) return undefined;
  return {
    id: r.id,
    name,
    ...(syl && nameText(syl) ? { kana: nameText(syl) } : {}),
    ...(stringOf(r.birthDate) ? { birthDate: r.birthDate as string } : {}),
    ...(stringOf(r.gender) ? { gender: r.gender as string } : {}),
  };
}

/** Today's receptions at the facility in this tab (the reception screen's log), newest first, one per patient. */
function todaysPatients(facilityCode: string | undefined): CurrentPatient[] {
  let list: unknown;
  try {
    list = JSON.parse(sessionStorage.getItem(RECEPTION_LOG_KEY) ?? '[]');
  } catch {
    return [];
  }
  const today = japanToday();
  const out: CurrentPatient[] = [];
  for (const e of Array.isArray(list) ? list : []) {
    if (!isRecord(e) || !isRecord(e.patient) || typeof e.at !== 'string' || japanDay(e.at) !== today) continue;
    if (facilityCode && e.facilityCode !== facilityCode) continue;
    const p = e.patient;
    if (typeof p.id !== 'string' || typeof p.name !== 'string' || out.some((x) => x.id === p.id)) continue;
    out.push({
      id: p.id,
      name: p.name,
      kana: stringOf(p.kana),
      birthDate: stringOf(p.birthDate),
      gender: stringOf(p.gender),
    });
  }
  return out;
}

function PatientButton({ p, onChoose }: { p: CurrentPatient; onChoose: (p: CurrentPatient) => void }) {
  const { t } = useI18n();
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
      <span className="visually-hidden">{t(T.open)}</span>
    </button>
  );
}

type Result = { status: 'idle' } | { status: 'searching' } | { status: 'done'; patients: CurrentPatient[] } | { status: 'error'; error: unknown };

export function PatientSearch({ facilityCode, onChoose, onCancel }: { facilityCode?: string; onChoose: (p: CurrentPatient) => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [birth, setBirth] = useState('');
  const [problem, setProblem] = useState<Text | undefined>();
  const [result, setResult] = useState<Result>({ status: 'idle' });
  const [today] = useState(() => todaysPatients(facilityCode));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = name.normalize('NFC').trim();
    const b = birth.normalize('NFKC').trim().replace(/\//g, '-');
    if (!n && !b) return setProblem(T.need);
    if (b && !/^\d{4}-\d{2}-\d{2}$/.test(b)) return setProblem(T.badDate);
    setProblem(undefined);
    setResult({ status: 'searching' });
    const q = new URLSearchParams();
    if (n) q.set('name', n);
    if (b) q.set('birthdate', b);
    q.set('_count', '20');
    try {
      const bundle = await fhir(`Patient?${q.toString()}`);
      const patients = (isRecord(bundle) ? arrayOf(bundle.entry) : []).map((x) => patientOf(x.resource)).filter((p): p is CurrentPatient => p !== undefined);
      setResult({ status: 'done', patients });
    } catch (error) {
      setResult({ status: 'error', error });
    }
  }

  return (
    <div className="patients-search">
      <section className="card" aria-labelledby="patients-today">
        <h2 id="patients-today">{t(T.today)}</h2>
        {today.length ? (
          <ul className="patients-choices">
            {today.map((p) => (
              <li key={p.id}>
                <PatientButton p={p} onChoose={onChoose} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="patients-empty">{t(T.noToday)}</p>
        )}
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
            {result.patients.map((p) => (
              <li key={p.id}>
                <PatientButton p={p} onChoose={onChoose} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
