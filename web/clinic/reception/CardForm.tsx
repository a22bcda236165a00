/**
 * マイナンバーカードで受付: the desk chooses the patient's card file (the virtual reader's stand-in for putting the card
 * on the reader), the patient enters the 4-digit PIN — or the desk confirms the face (顔認証の代替) — and the screen
 * runs the challenge, the reader and `$verify-card`. A refusal of the chip (wrong PIN with the tries left, the lock and
 * what to do) or of the platform is shown in Japanese, and nothing is received.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { type CardOutcome, verifyCard } from './api.ts';
import { readerRefusal } from './labels.ts';
import { checkCardFile, checkPin, MAX_CARD_FILE_BYTES } from './validate.ts';

const T = {
  title: { ja: 'マイナンバーカードで受付', en: 'Reception with the My Number card' },
  file: { ja: 'カードのファイル（カードリーダーの代わり）', en: 'Card file (instead of the card reader)' },
  fileHint: {
    ja: 'デモでは、スタートページの「デモ用のサインイン」にある患者さんのカードのファイルを使います。',
    en: 'In the demo, use a patient’s card file from “Demo sign-ins” on the start page.',
  },
  fileRead: { ja: 'カードを読み取りました。', en: 'The card was read.' },
  fileTooLarge: { ja: 'ファイルが大きすぎます。カードのファイルを選んでください。', en: 'The file is too large to be a card file.' },
  fileUnreadable: { ja: 'ファイルを読み込めませんでした。', en: 'The file could not be read.' },
  noFile: { ja: 'カードのファイルを選んでください。', en: 'Choose the card file.' },
  how: { ja: '本人確認の方法', en: 'How the holder is confirmed' },
  byPin: { ja: '暗証番号（患者さんが入力）', en: 'PIN (entered by the patient)' },
  byFace: { ja: '顔認証（代替）', en: 'Face matching (stand-in)' },
  pin: { ja: '暗証番号（数字4桁）', en: 'PIN (4 digits)' },
  pinHint: {
    ja: '患者さんご本人に入力していただきます。職員は画面を見ないでください。',
    en: 'The patient enters it. Staff should look away.',
  },
  face: {
    ja: 'カードの顔写真と、ご本人の顔が同じであることを職員が確認しました',
    en: 'Staff checked that the photo on the card shows the person in front of them',
  },
  faceHint: {
    ja: '顔認証付きカードリーダーの代わりです。暗証番号を忘れた・ロックされた方に使います。',
    en: 'Stands in for the reader’s face recognition, e.g. when the PIN is forgotten or locked.',
  },
  faceNeeded: { ja: '顔写真とご本人が同じことを確認したら、チェックを入れてください。', en: 'Tick the box once you have checked the photo.' },
  submit: { ja: '資格を確認する', en: 'Verify eligibility' },
  busy: { ja: '確認しています…', en: 'Verifying…' },
  refused: { ja: '受付できませんでした', en: 'Not received' },
} satisfies Record<string, Text>;

interface Refusal {
  text: Text;
  advice?: Text;
}

export function CardForm({ onVerified }: { onVerified: (outcome: Extract<CardOutcome, { kind: 'verified' }>) => void | Promise<void> }) {
  const { t } = useI18n();
  const id = useId();
  const [card, setCard] = useState<Record<string, unknown>>();
  const [fileProblem, setFileProblem] = useState<Text>();
  const [method, setMethod] = useState<'pin' | 'face'>('pin');
  const [pin, setPin] = useState('');
  const [pinProblem, setPinProblem] = useState<Text>();
  const [faceChecked, setFaceChecked] = useState(false);
  const [faceProblem, setFaceProblem] = useState<Text>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>();
  const [error, setError] = useState<unknown>();
  const fileRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const faceRef = useRef<HTMLInputElement>(null);

  async function chooseFile(file: File | undefined) {
    setCard(undefined);
    setRefusal(undefined);
    setError(undefined);
    setFileProblem(undefined);
    if (!file) return;
    if (file.size > MAX_CARD_FILE_BYTES) {
      setFileProblem(T.fileTooLarge);
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch {
      setFileProblem(T.fileUnreadable);
      return;
    }
    const checked = checkCardFile(text);
    if (checked.ok) setCard(checked.card);
    else setFileProblem(checked.text);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setRefusal(undefined);
    setError(undefined);
    if (!card) {
      setFileProblem(fileProblem ?? T.noFile);
      fileRef.current?.focus();
      return;
    }
    let proof: { pin: string } | { faceMatched: boolean };
    if (method === 'pin') {
      const checked = checkPin(pin);
      if (!checked.ok) {
        setPinProblem(checked.text);
        pinRef.current?.focus();
        return;
      }
      proof = { pin: checked.pin };
    } else {
      if (!faceChecked) {
        setFaceProblem(T.faceNeeded);
        faceRef.current?.focus();
        return;
      }
      proof = { faceMatched: true };
    }
    setPinProblem(undefined);
    setFaceProblem(undefined);
    setBusy(true);
    try {
      const outcome = await verifyCard(card, proof);
      if (outcome.kind === 'reader') {
        setRefusal(readerRefusal(outcome.answer.code, outcome.answer.retriesLeft, { ja: outcome.answer.ja, en: outcome.answer.en }));
        setPin('');
        if (outcome.answer.code === 'pin-locked') setMethod('face');
        else if (method === 'pin') setTimeout(() => pinRef.current?.focus(), 0);
        return;
      }
      if (!outcome.answer.patient) {
        setRefusal({ text: outcome.answer.text });
        return;
      }
      setPin('');
      await onVerified(outcome);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card reception-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      <div className="reception-field">
        <label htmlFor={`${id}-file`}>{t(T.file)}</label>
        <input
          ref={fileRef}
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          aria-describedby={`${id}-file-hint${fileProblem ? ` ${id}-file-error` : ''}`}
          aria-invalid={fileProblem ? true : undefined}
          onChange={(e) => void chooseFile(e.currentTarget.files?.[0])}
        />
        <p id={`${id}-file-hint`} className="note">
          {t(T.fileHint)}
        </p>
        {fileProblem && (
          <p id={`${id}-file-error`} className="reception-field-error" role="alert">
            {t(fileProblem)}
          </p>
        )}
        {card && <StatusMessage className="reception-ok-line">{t(T.fileRead)}</StatusMessage>}
      </div>

      <fieldset className="reception-choice">
        <legend>{t(T.how)}</legend>
        {(['pin', 'face'] as const).map((m) => (
          <label key={m} className="reception-choice-option">
            <input type="radio" name={`${id}-method`} value={m} checked={method === m} onChange={() => setMethod(m)} />
            {t(m === 'pin' ? T.byPin : T.byFace)}
          </label>
        ))}
      </fieldset>

      {method === 'pin' ? (
        <div className="reception-field">
          <label htmlFor={`${id}-pin`}>{t(T.pin)}</label>
          <input
            ref={pinRef}
            id={`${id}-pin`}
            className="reception-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={4}
            value={pin}
            aria-describedby={`${id}-pin-hint${pinProblem ? ` ${id}-pin-error` : ''}`}
            aria-invalid={pinProblem ? true : undefined}
            onChange={(e) => {
              setPin(e.currentTarget.value);
              setPinProblem(undefined);
            }}
          />
          <p id={`${id}-pin-hint`} className="note">
            {t(T.pinHint)}
          </p>
          {pinProblem && (
            <p id={`${id}-pin-error`} className="reception-field-error" role="alert">
              {t(pinProblem)}
            </p>
          )}
        </div>
      ) : (
        <div className="reception-field">
          <label className="reception-check">
            <input
              ref={faceRef}
              type="checkbox"
              checked={faceChecked}
              aria-describedby={`${id}-face-hint${faceProblem ? ` ${id}-face-error` : ''}`}
              aria-invalid={faceProblem ? true : undefined}
              onChange={(e) => {
                setFaceChecked(e.currentTarget.checked);
                setFaceProblem(undefined);
              }}
            />
            {t(T.face)}
          </label>
          <p id={`${id}-face-hint`} className="note">
            {t(T.faceHint)}
          </p>
          {faceProblem && (
            <p id={`${id}-face-error`} className="reception-field-error" role="alert">
              {t(faceProblem)}
            </p>
          )}
        </div>
      )}

      {refusal && (
        <div role="alert" className="error reception-refusal">
          <p className="reception-refusal-title">{t(T.refused)}</p>
          <p>{t(refusal.text)}</p>
          {refusal.advice && <p className="reception-advice">{t(refusal.advice)}</p>}
        </div>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      <div className="row">
        <button type="submit" className="reception-primary" disabled={busy}>
          {t(T.submit)}
        </button>
        <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      </div>
    </form>
  );
}
