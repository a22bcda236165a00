/**
 * 救急時医療情報閲覧の開始: the doctor states why consent cannot be obtained (a coded reason, free text required for
 * その他), for how long, and who the person is — the card file (the virtual reader's stand-in, read as at reception
 * but WITHOUT the PIN: the card in hand is the proof) or 氏名・生年月日・性別 (+ 郵便番号). Several matches come back as
 * candidates to choose from; the service's refusals (none, too many, bad input) are shown in its Japanese words.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { checkCardFile, MAX_CARD_FILE_BYTES } from '../reception/validate.ts';
import { type Declaration, declareEmergency, type Identification } from './api.ts';
import { Candidates } from './Candidates.tsx';
import { HOURS, REASON_CODES, REASON_TEXT_MAX, REASONS, type ReasonCode, SEXES } from './labels.ts';
import type { Access, Candidate } from './model.ts';

const T = {
  title: { ja: '救急時医療情報閲覧の開始', en: 'Start an emergency view' },
  when: {
    ja: '意識障害などで患者さんご本人の同意を得られない救急の場合に限り使います。患者さんには閲覧されたことが通知され、閲覧はすべて記録されて、当院の個人情報保護管理者が事後に確認します。',
    en: 'Only in an emergency where the patient cannot consent (e.g. unconscious). The patient is notified, every view is recorded, and the clinic’s privacy officer reviews it afterwards.',
  },
  reason: { ja: '同意を得られない理由', en: 'Why consent cannot be obtained' },
  choose: { ja: '選択してください', en: 'Choose' },
  reasonText: { ja: '理由の説明（「その他」のときは必須）', en: 'Explanation (required for “other”)' },
  reasonTextHint: {
    ja: `${REASON_TEXT_MAX}文字まで。患者さんへの通知と確認の一覧に表示されます。`,
    en: `Up to ${REASON_TEXT_MAX} characters; shown in the patient’s notice and the review list.`,
  },
  hours: { ja: '閲覧時間', en: 'Access for' },
  hour: { ja: '時間', en: ' h' },
  how: { ja: '患者さんの特定方法', en: 'How the patient is identified' },
  byCard: { ja: 'マイナンバーカード（暗証番号なし）', en: 'My Number card (no PIN)' },
  byName: { ja: '氏名・生年月日・性別', en: 'Name, birth date and sex' },
  file: { ja: 'カードのファイル（カードリーダーの代わり）', en: 'Card file (instead of the card reader)' },
  fileHint: {
    ja: '暗証番号は入力しません（救急時はカードの電子証明書だけで特定します）。デモでは、スタートページの「デモ用のサインイン」にある患者さんのカードのファイルを使います。',
    en: 'No PIN is asked (in an emergency the card’s certificate alone identifies the person). In the demo, use a patient’s card file from “Demo sign-ins” on the start page.',
  },
  fileRead: { ja: 'カードを読み取りました。', en: 'The card was read.' },
  fileTooLarge: { ja: 'ファイルが大きすぎます。カードのファイルを選んでください。', en: 'The file is too large to be a card file.' },
  fileUnreadable: { ja: 'ファイルを読み込めませんでした。', en: 'The file could not be read.' },
  noCertificate: {
    ja: 'このカードのファイルには利用者証明用電子証明書がありません。',
    en: 'This card file holds no user certificate (利用者証明用電子証明書).',
  },
  noFile: { ja: 'カードのファイルを選んでください。', en: 'Choose the card file.' },
  name: { ja: '氏名（漢字またはカナ）', en: 'Name (kanji or kana)' },
  nameHint: { ja: '姓と名の間の空白は入れても入れなくても構いません。', en: 'Spaces between family and given name are ignored.' },
  birthDate: { ja: '生年月日', en: 'Date of birth' },
  sex: { ja: '性別', en: 'Sex' },
  postalCode: { ja: '郵便番号（任意・候補を絞り込みます）', en: 'Postal code (optional, narrows the candidates)' },
  postalHint: { ja: '7桁（例 101-0041）', en: '7 digits (e.g. 101-0041)' },
  needReason: { ja: '理由を選んでください。', en: 'Choose the reason.' },
  needText: { ja: '理由が「その他」のときは理由の説明を記載してください。', en: 'Explain the reason when it is “other”.' },
  needName: { ja: '氏名を入力してください。', en: 'Enter the name.' },
  needBirth: { ja: '生年月日を入力してください。', en: 'Enter the date of birth.' },
  needSex: { ja: '性別を選んでください。', en: 'Choose the sex.' },
  badPostal: { ja: '郵便番号は7桁（例 101-0041）です。', en: 'The postal code is 7 digits (e.g. 101-0041).' },
  submit: { ja: '救急時医療情報閲覧を開始する', en: 'Start the emergency view' },
  busy: { ja: '確認しています…', en: 'Checking…' },
} satisfies Record<string, Text>;

type Field = 'reason' | 'reasonText' | 'file' | 'name' | 'birthDate' | 'sex' | 'postalCode';

/** A labelled field's error line (announced). */
function FieldError({ id, text }: { id: string; text?: Text }) {
  const { t } = useI18n();
  if (!text) return null;
  return (
    <p id={id} className="emergency-field-error" role="alert">
      {t(text)}
    </p>
  );
}

export function DeclareForm({ onOpened }: { onOpened: (access: Access) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState<ReasonCode | ''>('');
  const [reasonText, setReasonText] = useState('');
  const [hours, setHours] = useState(8);
  const [by, setBy] = useState<'card' | 'demographics'>('card');
  const [certificate, setCertificate] = useState<string>();
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [sex, setSex] = useState('');
  const [postalCode, setPostalCode] = useState('');
  const [problems, setProblems] = useState<Partial<Record<Field, Text>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [candidates, setCandidates] = useState<{ list: Candidate[]; declaration: Declaration }>();
  const refs = {
    reason: useRef<HTMLSelectElement>(null),
    reasonText: useRef<HTMLTextAreaElement>(null),
    file: useRef<HTMLInputElement>(null),
    name: useRef<HTMLInputElement>(null),
    birthDate: useRef<HTMLInputElement>(null),
    sex: useRef<HTMLSelectElement>(null),
    postalCode: useRef<HTMLInputElement>(null),
  };

  const fix = (f: Field) => setProblems((p) => ({ ...p, [f]: undefined }));
  const describedBy = (f: Field, hint?: string) => [hint, problems[f] ? `${id}-${f}-error` : undefined].filter(Boolean).join(' ') || undefined;

  async function chooseFile(file: File | undefined) {
    setCertificate(undefined);
    setError(undefined);
    fix('file');
    if (!file) return;
    const problem = (text: Text) => setProblems((p) => ({ ...p, file: text }));
    if (file.size > MAX_CARD_FILE_BYTES) return problem(T.fileTooLarge);
    let text: string;
    try {
      text = await file.text();
    } catch {
      return problem(T.fileUnreadable);
    }
    const checked = checkCardFile(text);
    if (!checked.ok) return problem(checked.text);
    const cert = checked.card.certificate;
    if (typeof cert !== 'string' || !cert.trim()) return problem(T.noCertificate);
    setCertificate(cert);
  }

  /** The declaration from the form, or the problems of its fields (the first focused). */
  function declaration(): Declaration | undefined {
    const p: Partial<Record<Field, Text>> = {};
    if (!reason) p.reason = T.needReason;
    if (reason === 'other' && !reasonText.trim()) p.reasonText = T.needText;
    let who: Identification | undefined;
    if (by === 'card') {
      if (!certificate) p.file = problems.file ?? T.noFile;
      else who = { by: 'card', certificate };
    } else {
      const postal = postalCode.normalize('NFKC').trim();
      if (!name.trim()) p.name = T.needName;
      if (!birthDate) p.birthDate = T.needBirth;
      if (!sex) p.sex = T.needSex;
      if (postal && !/^\d{3}-?\d{4}$/.test(postal)) p.postalCode = T.badPostal;
      who = { by: 'demographics', name: name.trim(), birthDate, sex, ...(postal ? { postalCode: postal } : {}) };
    }
    setProblems(p);
    const first = (['reason', 'reasonText', 'file', 'name', 'birthDate', 'sex', 'postalCode'] as const).find((f) => p[f]);
    if (first) {
      refs[first].current?.focus();
      return undefined;
    }
    return reason && who ? { reason, reasonText, hours, who } : undefined;
  }

  async function send(d: Declaration) {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await declareEmergency(d);
      if (answer.kind === 'opened') onOpened(answer.access);
      else setCandidates({ list: answer.candidates, declaration: d });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setCandidates(undefined);
    const d = declaration();
    if (d) void send(d);
  }

  if (candidates)
    return (
      <Candidates
        candidates={candidates.list}
        busy={busy}
        error={error}
        onChoose={(c) => {
          const d = candidates.declaration;
          if (d.who.by === 'demographics') void send({ ...d, who: { ...d.who, patient: c.patient } });
        }}
        onBack={() => {
          setCandidates(undefined);
          setError(undefined);
        }}
      />
    );

  return (
    <form className="card emergency-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      <p className="emergency-when" id={`${id}-when`}>
        {t(T.when)}
      </p>

      <div className="emergency-field">
        <label htmlFor={`${id}-reason`}>{t(T.reason)}</label>
        <select
          ref={refs.reason}
          id={`${id}-reason`}
          value={reason}
          aria-invalid={problems.reason ? true : undefined}
          aria-describedby={describedBy('reason')}
          onChange={(e) => {
            setReason(e.currentTarget.value as ReasonCode | '');
            fix('reason');
            fix('reasonText');
          }}
        >
          <option value="">{t(T.choose)}</option>
          {REASON_CODES.map((c) => (
            <option key={c} value={c}>
              {t(REASONS[c])}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-reason-error`} text={problems.reason} />
      </div>
      <div className="emergency-field">
        <label htmlFor={`${id}-reason-text`}>{t(T.reasonText)}</label>
        <textarea
          ref={refs.reasonText}
          id={`${id}-reason-text`}
          rows={2}
          maxLength={REASON_TEXT_MAX}
          value={reasonText}
          aria-required={reason === 'other' ? true : undefined}
          aria-invalid={problems.reasonText ? true : undefined}
          aria-describedby={describedBy('reasonText', `${id}-reason-text-hint`)}
          onChange={(e) => {
            setReasonText(e.currentTarget.value);
            fix('reasonText');
          }}
        />
        <p id={`${id}-reason-text-hint`} className="note">
          {t(T.reasonTextHint)}
        </p>
        <FieldError id={`${id}-reasonText-error`} text={problems.reasonText} />
      </div>
      <div className="emergency-field emergency-hours">
        <label htmlFor={`${id}-hours`}>{t(T.hours)}</label>
        <select id={`${id}-hours`} value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {h}
              {t(T.hour)}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="emergency-choice">
        <legend>{t(T.how)}</legend>
        {(['card', 'demographics'] as const).map((m) => (
          <label key={m} className="emergency-choice-option">
            <input type="radio" name={`${id}-by`} value={m} checked={by === m} onChange={() => setBy(m)} />
            {t(m === 'card' ? T.byCard : T.byName)}
          </label>
        ))}
      </fieldset>

      {by === 'card' ? (
        <div className="emergency-field">
          <label htmlFor={`${id}-file`}>{t(T.file)}</label>
          <input
            ref={refs.file}
            id={`${id}-file`}
            type="file"
            accept=".json,application/json"
            aria-invalid={problems.file ? true : undefined}
            aria-describedby={describedBy('file', `${id}-file-hint`)}
            onChange={(e) => void chooseFile(e.currentTarget.files?.[0])}
          />
          <p id={`${id}-file-hint`} className="note">
            {t(T.fileHint)}
          </p>
          <FieldError id={`${id}-file-error`} text={problems.file} />
          {certificate && <StatusMessage className="emergency-ok-line">{t(T.fileRead)}</StatusMessage>}
        </div>
      ) : (
        <div className="emergency-person">
          <div className="emergency-field emergency-wide">
            <label htmlFor={`${id}-name`}>{t(T.name)}</label>
            <input
              ref={refs.name}
              id={`${id}-name`}
              type="text"
              autoComplete="off"
              value={name}
              aria-invalid={problems.name ? true : undefined}
              aria-describedby={describedBy('name', `${id}-name-hint`)}
              onChange={(e) => {
                setName(e.currentTarget.value);
                fix('name');
              }}
            />
            <p id={`${id}-name-hint`} className="note">
              {t(T.nameHint)}
            </p>
            <FieldError id={`${id}-name-error`} text={problems.name} />
          </div>
          <div className="emergency-field">
            <label htmlFor={`${id}-birth`}>{t(T.birthDate)}</label>
            <input
              ref={refs.birthDate}
              id={`${id}-birth`}
              type="date"
              value={birthDate}
              aria-invalid={problems.birthDate ? true : undefined}
              aria-describedby={describedBy('birthDate')}
              onChange={(e) => {
                setBirthDate(e.currentTarget.value);
                fix('birthDate');
              }}
            />
            <FieldError id={`${id}-birthDate-error`} text={problems.birthDate} />
          </div>
          <div className="emergency-field">
            <label htmlFor={`${id}-sex`}>{t(T.sex)}</label>
            <select
              ref={refs.sex}
              id={`${id}-sex`}
              value={sex}
              aria-invalid={problems.sex ? true : undefined}
              aria-describedby={describedBy('sex')}
              onChange={(e) => {
                setSex(e.currentTarget.value);
                fix('sex');
              }}
            >
              <option value="">{t(T.choose)}</option>
              {Object.entries(SEXES).map(([code, label]) => (
                <option key={code} value={code}>
                  {t(label)}
                </option>
              ))}
            </select>
            <FieldError id={`${id}-sex-error`} text={problems.sex} />
          </div>
          <div className="emergency-field">
            <label htmlFor={`${id}-postal`}>{t(T.postalCode)}</label>
            <input
              ref={refs.postalCode}
              id={`${id}-postal`}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={postalCode}
              aria-invalid={problems.postalCode ? true : undefined}
              aria-describedby={describedBy('postalCode', `${id}-postal-hint`)}
              onChange={(e) => {
                setPostalCode(e.currentTarget.value);
                fix('postalCode');
              }}
            />
            <p id={`${id}-postal-hint`} className="note">
              {t(T.postalHint)}
            </p>
            <FieldError id={`${id}-postalCode-error`} text={problems.postalCode} />
          </div>
        </div>
      )}

      {error !== undefined && <ErrorMessage error={error} />}
      <div className="row">
        <button type="submit" className="emergency-danger" disabled={busy} aria-describedby={`${id}-when`}>
          {t(T.submit)}
        </button>
        <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      </div>
    </form>
  );
}
