/**
 * 署名用電子証明書: the signed-in doctor's HPKI credential for remote signing. Enrolled once (the credential file and a
 * signing passphrase of their own); the platform keeps it sealed and uses it only for this doctor, unlocked at each
 * signing with the passphrase.
 */
import { useId, useState } from 'react';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { useI18n } from '../../shared/i18n.tsx';
import { enrolSigning, type SigningStatus } from './api.ts';

const MIN = 8;

export function SigningSummary({ status }: { status: SigningStatus }) {
  const { t } = useI18n();
  return (
    <p className="note">
      {t({ ja: '署名用電子証明書: ', en: 'Signing certificate: ' })}
      {status.holderName}
      {status.registrationNumber && t({ ja: `（医籍登録番号 ${status.registrationNumber}）`, en: ` (registration ${status.registrationNumber})` })}
      {status.notAfter && t({ ja: ` 有効期限 ${status.notAfter.slice(0, 10)}`, en: ` valid until ${status.notAfter.slice(0, 10)}` })}
    </p>
  );
}

export function SigningSetup({ onEnrolled }: { onEnrolled(): void }) {
  const { t } = useI18n();
  const id = useId();
  const [file, setFile] = useState<File | undefined>();
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit() {
    setError(undefined);
    if (!file) return setProblem(t({ ja: '電子証明書ファイルを選んでください', en: 'Choose the credential file' }));
    if (pass.length < MIN)
      return setProblem(t({ ja: `署名用パスフレーズは${MIN}文字以上にしてください`, en: `The passphrase needs at least ${MIN} characters` }));
    if (pass !== again) return setProblem(t({ ja: '確認用のパスフレーズが一致しません', en: 'The two passphrases differ' }));
    setProblem(undefined);
    setBusy(true);
    try {
      await enrolSigning(await file.text(), pass);
      setPass('');
      setAgain('');
      onEnrolled();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t({ ja: '署名用電子証明書の登録（初回のみ）', en: 'Enrol your signing certificate (once)' })}</h2>
      <p>
        {t({
          ja: '電子処方箋には、あなた自身の HPKI 電子証明書で署名します。証明書ファイルと、署名のたびに入力する署名用パスフレーズを登録してください。証明書はパスフレーズで封をして保管され、あなたのサインイン中の署名にだけ使われます（HPKIセカンド電子証明書のリモート署名と同じ考え方です）。',
          en: 'E-prescriptions are signed with your own HPKI certificate. Enrol the credential file and a signing passphrase you will type at each signing. It is kept sealed under the passphrase and used only for your own signatures (as with HPKI remote signing).',
        })}
      </p>
      <form
        className="prescriptions-form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="prescriptions-field">
          <label htmlFor={`${id}-file`}>{t({ ja: '電子証明書ファイル（.json）', en: 'Credential file (.json)' })}</label>
          <input id={`${id}-file`} type="file" accept=".json,application/json" onChange={(e) => setFile(e.target.files?.[0])} />
        </div>
        <div className="prescriptions-field">
          <label htmlFor={`${id}-pass`}>{t({ ja: `署名用パスフレーズ（${MIN}文字以上）`, en: `Signing passphrase (${MIN}+ characters)` })}</label>
          <input id={`${id}-pass`} type="password" autoComplete="new-password" value={pass} onChange={(e) => setPass(e.target.value)} />
        </div>
        <div className="prescriptions-field">
          <label htmlFor={`${id}-again`}>{t({ ja: '署名用パスフレーズ（確認）', en: 'Signing passphrase (again)' })}</label>
          <input id={`${id}-again`} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
        </div>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? t({ ja: '登録しています…', en: 'Enrolling…' }) : t({ ja: '証明書を登録', en: 'Enrol' })}
          </button>
        </div>
      </form>
      <StatusMessage>{problem && <p className="error">{problem}</p>}</StatusMessage>
      {error !== undefined && <ErrorMessage error={error} />}
    </section>
  );
}
