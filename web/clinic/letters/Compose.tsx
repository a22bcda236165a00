/**
 * 作成: a referral letter for the current patient — the addressee from the directory, the purpose, the diagnoses, labs
 * and prescriptions picked from the patient's registered data, the texts; a preview of exactly what the addressee will
 * read; then `$send-referral`. The sender is the signed-in doctor and their facility.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { ApiError } from '../../shared/errors.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Session } from '../../shared/pkce.ts';
import { type CurrentPatient, useCurrentPatient } from '../current-patient.ts';
import { clinicalInformation, type DirectoryFacility, type Json, ownPrescriptions, type SentResult, sendReferral } from './api.ts';
import { buildLetter, type DiagnosisPick, diagnosesOf, type LabPick, labsOf, type MedicationPick, medicationsOf, memberIdOf } from './compose-letter.ts';
import { FacilityPicker } from './FacilityPicker.tsx';
import { dateText, dateTimeText, japanNow, letterModel } from './letter-model.ts';
import { LetterView } from './LetterView.tsx';
import { sentPatientNames } from './Sent.tsx';
import { useFacilityNames } from '../facility-names.ts';

const T = {
  heading: { ja: '紹介状の作成', en: 'Write a referral letter' },
  noPatient: { ja: '紹介状を作成する患者さんが選ばれていません。', en: 'No patient is chosen for the letter.' },
  pickPatient: { ja: '受付で資格確認をするか、患者一覧から患者さんを選んでください。', en: 'Verify eligibility at reception, or choose a patient.' },
  toReception: { ja: '受付へ', en: 'Go to reception' },
  toPatients: { ja: '患者一覧へ', en: 'Go to patients' },
  patient: { ja: '対象の患者', en: 'Patient' },
  loading: { ja: '患者さんの登録情報を読み込んでいます…', en: 'Loading the patient’s registered data…' },
  addressee: { ja: '紹介先', en: 'Addressee' },
  department: { ja: '紹介先の診療科（任意）', en: 'Department (optional)' },
  doctor: { ja: '紹介先の医師名（任意）', en: 'Doctor (optional)' },
  purpose: { ja: '紹介目的（必須）', en: 'Purpose of referral (required)' },
  diagnoses: { ja: '傷病名（登録済みの病名から選択）', en: 'Diagnoses (from the registered ones)' },
  noDiagnoses: { ja: '登録された病名はありません。', en: 'No diagnoses are registered.' },
  first: { ja: '最初に選んだ病名が主病名になります。', en: 'The first one chosen is the main diagnosis.' },
  present: { ja: '現病歴・経過（必須）', en: 'Present illness and course (required)' },
  past: { ja: '既往歴（任意）', en: 'Past history (optional)' },
  paragraphsHint: { ja: '空行で段落を分けられます。', en: 'Separate paragraphs with an empty line.' },
  labs: { ja: '検査結果を添付', en: 'Attach lab results' },
  noLabs: { ja: '登録された検査結果はありません。', en: 'No lab results are registered.' },
  meds: { ja: '処方を添付', en: 'Attach prescriptions' },
  noMeds: { ja: '登録された処方はありません。', en: 'No prescriptions are registered.' },
  medsUnavailable: { ja: '処方を読み込めませんでした（処方の添付はできません）。', en: 'Prescriptions could not be loaded (none can be attached).' },
  remarks: { ja: '備考・連絡事項（任意）', en: 'Remarks (optional)' },
  address: { ja: '患者さんの住所（必須・紹介状に記載されます）', en: 'Patient’s address (required; written on the letter)' },
  memberUnknown: {
    ja: '患者さんの被保険者番号が分かりません。受付で資格確認をしてから作成してください。',
    en: 'The patient’s insured number is unknown. Verify eligibility at reception first.',
  },
  item: { ja: '項目', en: 'Item' },
  result: { ja: '結果', en: 'Result' },
  date: { ja: '日付', en: 'Date' },
  source: { ja: '登録元', en: 'Registered by' },
  attach: { ja: '添付', en: 'Attach' },
  own: { ja: '自院', en: 'this facility' },
  preview: { ja: 'プレビュー', en: 'Preview' },
  previewHeading: { ja: '送信前の確認', en: 'Check before sending' },
  previewNote: {
    ja: '紹介先にはこのとおり表示されます。内容を確認してから送信してください。',
    en: 'The addressee will read exactly this. Check it, then send.',
  },
  edit: { ja: '修正する', en: 'Edit' },
  send: { ja: 'この内容で送信する', en: 'Send this letter' },
  sending: { ja: '送信しています…', en: 'Sending…' },
  sent: { ja: '紹介状を送信しました', en: 'The letter was sent' },
  letterId: { ja: '紹介状 ID', en: 'Letter id' },
  status: { ja: '状態', en: 'State' },
  statusSent: { ja: '送信済み（紹介先の受信待ち）', en: 'Sent (waiting for the addressee)' },
  erase: { ja: '保存期限', en: 'Kept until' },
  newLetter: { ja: '新しい紹介状を作成する', en: 'Write another letter' },
  toSent: { ja: '送信済みの一覧を見る', en: 'See the letters sent' },
  fix: { ja: '入力内容を確認してください', en: 'Please check the form' },
  refused: { ja: '紹介状は送信されませんでした。次の点を確認してください', en: 'The letter was not sent. Please check:' },
  errTo: { ja: '紹介先医療機関を候補から選んでください。', en: 'Choose the addressee from the suggestions.' },
  errPurpose: { ja: '紹介目的を入力してください。', en: 'Enter the purpose of the referral.' },
  errPresent: { ja: '現病歴・経過を入力してください。', en: 'Enter the present illness and course.' },
  errAddress: { ja: '患者さんの住所を入力してください。', en: 'Enter the patient’s address.' },
  errPatient: {
    ja: '患者さんの生年月日・性別が分かりません。受付で資格確認をしてください。',
    en: 'The patient’s birth date or sex is unknown. Verify eligibility at reception.',
  },
  tooLong: (what: string, n: number) => ({ ja: `${what}は${n}文字以内で入力してください。`, en: `${what}: at most ${n} characters.` }),
};

type PatientExtras = CurrentPatient & { memberId?: string; address?: string };

interface Loaded {
  diagnoses: DiagnosisPick[];
  labs: LabPick[];
  meds: MedicationPick[];
  medsFailed: boolean;
  memberId?: string;
  withheld: string[];
}

const MAX = { purpose: 1000, text: 4000, short: 60 };

function Checks<T extends { id: string }>({
  legend,
  items,
  chosen,
  onToggle,
  empty,
  columns,
  row,
  label,
  dateColumn,
}: {
  legend: string;
  items: T[];
  chosen: Set<string>;
  onToggle: (id: string) => void;
  empty: string;
  columns: string[];
  row: (item: T) => string[];
  label: (item: T) => string;
  /** The cell (of row()) holding a date: kept on one line. */
  dateColumn?: number;
}) {
  const { t } = useI18n();
  const base = useId();
  return (
    <fieldset className="letters-fieldset">
      <legend>{legend}</legend>
      {items.length === 0 ? (
        <p className="note">{empty}</p>
      ) : (
        <div className="table-wrap letters-pick-wrap">
          <table className="letters-pick">
            <thead>
              <tr>
                <th scope="col">{t(T.attach)}</th>
                {columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((item, i) => {
                const id = `${base}-${i}`;
                const cells = row(item);
                return (
                  <tr key={item.id} className={chosen.has(item.id) ? 'letters-picked' : undefined}>
                    <td className="letters-check">
                      <input id={id} type="checkbox" checked={chosen.has(item.id)} onChange={() => onToggle(item.id)} aria-label={label(item)} />
                    </td>
                    {cells.map((c, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the cells of one row, in order
                      <td key={j} className={j === dateColumn ? 'letters-nowrap' : undefined}>
                        {j === 0 ? <label htmlFor={id}>{c}</label> : c}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </fieldset>
  );
}

function NoPatient() {
  const { t } = useI18n();
  return (
    <div className="notice" role="status">
      <p>{t(T.noPatient)}</p>
      <p>{t(T.pickPatient)}</p>
      <p className="row">
        <a className="button" href="#reception">
          {t(T.toReception)}
        </a>
        <a className="button" href="#patients">
          {t(T.toPatients)}
        </a>
      </p>
    </div>
  );
}

/** The issues of a refusal (422: every issue, Japanese first). */
function Refusal({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  const body =
    error instanceof ApiError ? (error.body as { resourceType?: string; issue?: { details?: { text?: string }; diagnostics?: string }[] }) : undefined;
  const issues = body?.resourceType === 'OperationOutcome' ? (body.issue ?? []) : [];
  if (issues.length < 2) return <ErrorMessage error={error} />;
  const texts = [...new Set(issues.map((i) => (lang === 'en' ? (i.diagnostics ?? i.details?.text) : (i.details?.text ?? i.diagnostics)) ?? ''))].filter(
    Boolean,
  );
  return (
    <div role="alert" className="error">
      <p>{t(T.refused)}</p>
      <ul>
        {texts.map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
    </div>
  );
}

export function Compose({ session, onShowSent }: { session: Session; onShowSent: () => void }) {
  const { t, lang } = useI18n();
  const patient = useCurrentPatient() as PatientExtras | undefined;
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [to, setTo] = useState<DirectoryFacility | undefined>();
  const [department, setDepartment] = useState('');
  const [doctor, setDoctor] = useState('');
  const [purpose, setPurpose] = useState('');
  const [present, setPresent] = useState('');
  const [past, setPast] = useState('');
  const [remarks, setRemarks] = useState('');
  const [address, setAddress] = useState(patient?.address ?? '');
  const [diagnoses, setDiagnoses] = useState<string[]>([]);
  const [labs, setLabs] = useState<Set<string>>(new Set());
  const [meds, setMeds] = useState<Set<string>>(new Set());
  const [step, setStep] = useState<'edit' | 'preview' | 'sent'>('edit');
  const [tried, setTried] = useState(false);
  const [sendError, setSendError] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<SentResult | undefined>();
  const [letter, setLetter] = useState<Json | undefined>();
  const ids = { purpose: useId(), present: useId(), past: useId(), remarks: useId(), department: useId(), doctor: useId(), address: useId(), errors: useId() };

  const patientId = patient?.id;
  const load = () => {
    if (!patientId) return;
    setLoaded(undefined);
    setLoadError(undefined);
    Promise.all([
      clinicalInformation(patientId),
      ownPrescriptions(patientId).then(
        (p) => ({ p, failed: false }),
        () => ({ p: [], failed: true }),
      ),
    ])
      .then(([ci, rx]) =>
        setLoaded({
          diagnoses: diagnosesOf(ci.resources),
          labs: labsOf(ci.resources),
          meds: medicationsOf(ci.resources, rx.p),
          medsFailed: rx.failed,
          memberId: memberIdOf(ci.resources),
          withheld: ci.withheld,
        }),
      )
      .catch(setLoadError);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the patient changes only
  useEffect(() => {
    load();
    setDiagnoses([]);
    setLabs(new Set());
    setMeds(new Set());
    setStep('edit');
    setAddress(patient?.address ?? '');
  }, [patientId]);

  const facilityCodes = useMemo(() => [...(loaded?.labs ?? []), ...(loaded?.diagnoses ?? [])].map((x) => x.facility).filter((c): c is string => !!c), [loaded]);
  const facilityNames = useFacilityNames(facilityCodes);
  const sourceName = (code?: string) => (!code ? '' : code === session.user.facilityCode ? t(T.own) : (facilityNames.get(code) ?? code));

  if (!patient) return <NoPatient />;

  const memberId = patient.memberId ?? loaded?.memberId;
  const toggle = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };

  const check = (): string[] => {
    const out: string[] = [];
    if (!to) out.push(t(T.errTo));
    if (!purpose.trim()) out.push(t(T.errPurpose));
    if (!present.trim()) out.push(t(T.errPresent));
    if (!address.trim()) out.push(t(T.errAddress));
    if (!patient.birthDate || !patient.gender) out.push(t(T.errPatient));
    if (!memberId) out.push(t(T.memberUnknown));
    if (purpose.length > MAX.purpose) out.push(t(T.tooLong(t(T.purpose), MAX.purpose)));
    for (const [v, label] of [
      [present, T.present],
      [past, T.past],
      [remarks, T.remarks],
    ] as const)
      if (v.length > MAX.text) out.push(t(T.tooLong(t(label), MAX.text)));
    return out;
  };

  const build = (): Json => {
    const { date, stamp } = japanNow();
    return buildLetter({
      patient: {
        name: patient.name,
        kana: patient.kana,
        birthDate: patient.birthDate!,
        gender: (patient.gender as 'male' | 'female' | 'other' | 'unknown') ?? 'unknown',
        memberId: memberId!,
        address: address.trim(),
      },
      from: { code: session.user.facilityCode ?? '', name: session.user.facilityName ?? '', doctor: session.user.name },
      to: { code: to!.code, name: to!.name, department, doctor },
      purpose,
      diagnoses: diagnoses.map((id) => loaded!.diagnoses.find((d) => d.id === id)!).filter(Boolean),
      presentIllness: present,
      pastIllness: past,
      labs: (loaded?.labs ?? []).filter((l) => labs.has(l.id)),
      medications: (loaded?.meds ?? []).filter((m) => meds.has(m.id)),
      remarks,
      date,
      stamp,
      facilityNames: Object.fromEntries(facilityCodes.map((k) => [k, k === session.user.facilityCode ? session.user.facilityName : facilityNames.get(k)])),
    });
  };

  // Once the doctor asked for the preview, the problems update as they are fixed.
  const problems = tried ? check() : [];

  const onPreview = (e: React.FormEvent) => {
    e.preventDefault();
    const found = check();
    setTried(true);
    setSendError(undefined);
    if (found.length) {
      requestAnimationFrame(() => document.getElementById(ids.errors)?.focus());
      return;
    }
    setLetter(build());
    setStep('preview');
    window.scrollTo({ top: 0 });
  };

  const onSend = async () => {
    if (!letter) return;
    setSending(true);
    setSendError(undefined);
    try {
      const res = await sendReferral(letter);
      sentPatientNames.set(res.letter, patient.name);
      setSent(res);
      setStep('sent');
    } catch (err) {
      setSendError(err);
    } finally {
      setSending(false);
    }
  };

  const reset = () => {
    setTo(undefined);
    setDepartment('');
    setDoctor('');
    setPurpose('');
    setPresent('');
    setPast('');
    setRemarks('');
    setDiagnoses([]);
    setLabs(new Set());
    setMeds(new Set());
    setLetter(undefined);
    setSent(undefined);
    setTried(false);
    setStep('edit');
  };

  const patientLine = `${patient.name}${patient.kana ? `（${patient.kana}）` : ''}${patient.birthDate ? ` ${dateText(patient.birthDate, lang)}生` : ''}`;

  if (step === 'sent' && sent)
    return (
      <section aria-labelledby="letters-sent-result">
        <div className="success" role="status">
          <h2 id="letters-sent-result">{t(T.sent)}</h2>
          <dl className="letters-result">
            <div>
              <dt>{t(T.letterId)}</dt>
              <dd className="mono">{sent.letter}</dd>
            </div>
            <div>
              <dt>{t(T.addressee)}</dt>
              <dd>
                {to?.name}（<span className="mono">{sent.addressee}</span>）
              </dd>
            </div>
            <div>
              <dt>{t(T.status)}</dt>
              <dd>{t(T.statusSent)}</dd>
            </div>
            <div>
              <dt>{t(T.erase)}</dt>
              <dd>{dateTimeText(sent.eraseAfter, lang)}</dd>
            </div>
          </dl>
        </div>
        <p className="row">
          <button type="button" onClick={onShowSent}>
            {t(T.toSent)}
          </button>
          <button type="button" className="secondary" onClick={reset}>
            {t(T.newLetter)}
          </button>
        </p>
      </section>
    );

  if (step === 'preview' && letter) {
    const model = letterModel(letter);
    return (
      <section aria-labelledby="letters-preview-heading">
        <h2 id="letters-preview-heading">{t(T.previewHeading)}</h2>
        <p>{t(T.previewNote)}</p>
        {sendError !== undefined && <Refusal error={sendError} />}
        <div className="row letters-toolbar">
          <button type="button" className="secondary" onClick={() => setStep('edit')} disabled={sending}>
            {t(T.edit)}
          </button>
          <button type="button" onClick={() => void onSend()} disabled={sending}>
            {sending ? t(T.sending) : t(T.send)}
          </button>
        </div>
        <StatusMessage>{sending && <p>{t(T.sending)}</p>}</StatusMessage>
        {model && <LetterView model={model} level={3} />}
        <div className="row letters-toolbar">
          <button type="button" className="secondary" onClick={() => setStep('edit')} disabled={sending}>
            {t(T.edit)}
          </button>
          <button type="button" onClick={() => void onSend()} disabled={sending}>
            {sending ? t(T.sending) : t(T.send)}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section aria-labelledby="letters-compose-heading">
      <h2 id="letters-compose-heading">{t(T.heading)}</h2>
      <p className="letters-patient">
        <span className="letters-label">{t(T.patient)}:</span> <strong>{patientLine}</strong>
      </p>
      {loadError !== undefined && <ErrorMessage error={loadError} onRetry={load} />}
      <StatusMessage>{!loaded && loadError === undefined && <p>{t(T.loading)}</p>}</StatusMessage>
      {loaded && !memberId && <p className="error">{t(T.memberUnknown)}</p>}
      {loaded?.withheld.map((w) => (
        <p className="notice" key={w}>
          {w}
        </p>
      ))}
      {problems.length > 0 && (
        <div id={ids.errors} role="alert" className="error" tabIndex={-1}>
          <p>{t(T.fix)}</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <form className="letters-form" onSubmit={onPreview} noValidate>
        <fieldset className="letters-fieldset">
          <legend>{t(T.addressee)}</legend>
          <FacilityPicker value={to} onChange={setTo} invalid={problems.includes(t(T.errTo))} />
          <div className="letters-two">
            <div className="letters-field">
              <label htmlFor={ids.department}>{t(T.department)}</label>
              <input id={ids.department} value={department} maxLength={MAX.short} onChange={(e) => setDepartment(e.target.value)} />
            </div>
            <div className="letters-field">
              <label htmlFor={ids.doctor}>{t(T.doctor)}</label>
              <input id={ids.doctor} value={doctor} maxLength={MAX.short} onChange={(e) => setDoctor(e.target.value)} />
            </div>
          </div>
        </fieldset>
        <div className="letters-field">
          <label htmlFor={ids.purpose}>{t(T.purpose)}</label>
          <textarea
            id={ids.purpose}
            rows={3}
            value={purpose}
            onChange={(e) => setPurpose(e.target.value)}
            aria-invalid={problems.includes(t(T.errPurpose)) || undefined}
            required
          />
        </div>
        {loaded && (
          <Checks
            legend={t(T.diagnoses)}
            items={loaded.diagnoses}
            chosen={new Set(diagnoses)}
            onToggle={(id) => setDiagnoses((d) => (d.includes(id) ? d.filter((x) => x !== id) : [...d, id]))}
            empty={t(T.noDiagnoses)}
            columns={[t(T.item), t(T.date), t(T.source)]}
            row={(d) => [d.name, d.date ? dateText(d.date, lang) : '', sourceName(d.facility)]}
            dateColumn={1}
            label={(d) => d.name}
          />
        )}
        {loaded && loaded.diagnoses.length > 0 && <p className="note">{t(T.first)}</p>}
        <div className="letters-field">
          <label htmlFor={ids.present}>{t(T.present)}</label>
          <textarea
            id={ids.present}
            rows={6}
            value={present}
            onChange={(e) => setPresent(e.target.value)}
            aria-invalid={problems.includes(t(T.errPresent)) || undefined}
            aria-describedby={`${ids.present}-hint`}
            required
          />
          <p id={`${ids.present}-hint`} className="note">
            {t(T.paragraphsHint)}
          </p>
        </div>
        <div className="letters-field">
          <label htmlFor={ids.past}>{t(T.past)}</label>
          <textarea id={ids.past} rows={3} value={past} onChange={(e) => setPast(e.target.value)} />
        </div>
        {loaded && (
          <Checks
            legend={t(T.labs)}
            items={loaded.labs}
            chosen={labs}
            onToggle={(id) => setLabs((s) => toggle(s, id))}
            empty={t(T.noLabs)}
            columns={[t(T.item), t(T.result), t(T.date), t(T.source)]}
            row={(l) => [l.name, l.value, l.date ? dateText(l.date, lang) : '', sourceName(l.facility)]}
            dateColumn={2}
            label={(l) => `${l.name} ${l.value} ${l.date ?? ''}`}
          />
        )}
        {loaded && (
          <Checks
            legend={t(T.meds)}
            items={loaded.meds}
            chosen={meds}
            onToggle={(id) => setMeds((s) => toggle(s, id))}
            empty={t(loaded.medsFailed ? T.medsUnavailable : T.noMeds)}
            columns={[t(T.item), t(T.date)]}
            row={(m) => [m.lines.map((l) => [l.name, l.quantity, l.days].filter(Boolean).join(' ')).join('、'), m.date ? dateText(m.date, lang) : '']}
            dateColumn={1}
            label={(m) => `${m.lines.map((l) => l.name).join('、')} ${m.date ?? ''}`}
          />
        )}
        <div className="letters-field">
          <label htmlFor={ids.remarks}>{t(T.remarks)}</label>
          <textarea id={ids.remarks} rows={3} value={remarks} onChange={(e) => setRemarks(e.target.value)} />
        </div>
        <div className="letters-field">
          <label htmlFor={ids.address}>{t(T.address)}</label>
          <input
            id={ids.address}
            value={address}
            maxLength={200}
            onChange={(e) => setAddress(e.target.value)}
            aria-invalid={problems.includes(t(T.errAddress)) || undefined}
            autoComplete="off"
            required
            className="letters-wide"
          />
        </div>
        <p className="row">
          <button type="submit" disabled={!loaded}>
            {t(T.preview)}
          </button>
        </p>
      </form>
    </section>
  );
}
