/**
 * 資格確認書（番号入力）で受付: a patient without the My Number card shows their 資格確認書 (or a health insurance card
 * still valid); the desk types 保険者番号・記号・番号・枝番 and the birth date. Each field is checked here first (Japanese
 * message at the field), then `$verify-insurance`; the service's refusal is shown as it words it.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { verifyInsurance } from './api.ts';
import type { InsuranceQuery, VerifyAnswer } from './parameters.ts';
import { checkInsuranceForm, type InsuranceField, type InsuranceForm, japanToday } from './validate.ts';

const T = {
  title: { ja: '資格確認書・保険証の番号で受付', en: 'Reception by the certificate’s numbers' },
  lead: {
    ja: 'マイナンバーカードをお持ちでない方は、資格確認書（または有効な健康保険証）の番号と生年月日で確認します。',
    en: 'Without the My Number card: the numbers on the eligibility certificate (or a valid insurance card) and the date of birth.',
  },
  source: { ja: '書類の種類', en: 'Document' },
  certificate: { ja: '資格確認書', en: 'Eligibility certificate' },
  insuranceCard: { ja: '健康保険証', en: 'Health insurance card' },
  insurerNumber: { ja: '保険者番号', en: 'Insurer number' },
  insurerHint: { ja: '8桁（国民健康保険は6桁）', en: '8 digits (6 for national health insurance)' },
  symbol: { ja: '記号', en: 'Symbol' },
  symbolHint: { ja: 'ない場合は空欄', en: 'leave empty if there is none' },
  number: { ja: '番号', en: 'Number' },
  branch: { ja: '枝番', en: 'Branch number' },
  branchHint: { ja: '2桁（例：01）', en: '2 digits (e.g. 01)' },
  birthDate: { ja: '生年月日', en: 'Date of birth' },
  submit: { ja: '資格を確認する', en: 'Verify eligibility' },
  busy: { ja: '確認しています…', en: 'Verifying…' },
  check: { ja: '入力内容をご確認ください（{n}か所）。', en: 'Please check the entries ({n}).' },
  refused: { ja: '受付できませんでした', en: 'Not received' },
} satisfies Record<string, Text>;

const FIELDS: { field: InsuranceField; label: Text; hint?: Text; numeric?: boolean; size: 'short' | 'mid' }[] = [
  { field: 'insurerNumber', label: T.insurerNumber, hint: T.insurerHint, numeric: true, size: 'mid' },
  { field: 'symbol', label: T.symbol, hint: T.symbolHint, size: 'mid' },
  { field: 'number', label: T.number, size: 'mid' },
  { field: 'branch', label: T.branch, hint: T.branchHint, numeric: true, size: 'short' },
];

const EMPTY: InsuranceForm = { source: 'eligibility-certificate', insurerNumber: '', symbol: '', number: '', branch: '', birthDate: '' };

export function CertificateForm({ onVerified }: { onVerified: (answer: VerifyAnswer, query: InsuranceQuery) => void | Promise<void> }) {
  const { t } = useI18n();
  const id = useId();
  const [form, setForm] = useState<InsuranceForm>(EMPTY);
  const [problems, setProblems] = useState<Partial<Record<InsuranceField, Text>>>({});
  const [summary, setSummary] = useState<number>(0);
  const [refusal, setRefusal] = useState<Text>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const refs = useRef<Partial<Record<InsuranceField, HTMLInputElement | null>>>({});

  const set = (field: keyof InsuranceForm, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    if (field !== 'source') setProblems((p) => ({ ...p, [field]: undefined }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setRefusal(undefined);
    setError(undefined);
    const checked = checkInsuranceForm(form, japanToday());
    if (!checked.ok) {
      setProblems(checked.problems);
      setSummary(Object.keys(checked.problems).length);
      const first = (['insurerNumber', 'symbol', 'number', 'branch', 'birthDate'] as const).find((f) => checked.problems[f]);
      if (first) refs.current[first]?.focus();
      return;
    }
    setProblems({});
    setSummary(0);
    setBusy(true);
    try {
      const answer = await verifyInsurance(checked.query);
      if (answer.patient) {
        await onVerified(answer, checked.query);
        return;
      }
      // Refused before anyone was identified: the message, and the fields it names.
      const byField: Partial<Record<InsuranceField, Text>> = {};
      for (const p of answer.problems) if (p.field && p.field in EMPTY && p.field !== 'source') byField[p.field as InsuranceField] = p.text;
      setProblems(byField);
      setRefusal(answer.text);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const described = (f: InsuranceField, hint: boolean) =>
    [hint ? `${id}-${f}-hint` : '', problems[f] ? `${id}-${f}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <form className="card reception-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      <p>{t(T.lead)}</p>
      {summary > 0 && (
        <p role="alert" className="error">
          {t(T.check).replace('{n}', String(summary))}
        </p>
      )}
      <div className="reception-field">
        <label htmlFor={`${id}-source`}>{t(T.source)}</label>
        <select id={`${id}-source`} value={form.source} onChange={(e) => set('source', e.currentTarget.value)}>
          <option value="eligibility-certificate">{t(T.certificate)}</option>
          <option value="insurance-card">{t(T.insuranceCard)}</option>
        </select>
      </div>
      <div className="reception-number-grid">
        {FIELDS.map(({ field, label, hint, numeric, size }) => (
          <div key={field} className={`reception-field reception-field-${size}`}>
            <label htmlFor={`${id}-${field}`}>{t(label)}</label>
            <input
              ref={(el) => {
                refs.current[field] = el;
              }}
              id={`${id}-${field}`}
              type="text"
              inputMode={numeric ? 'numeric' : undefined}
              autoComplete="off"
              spellCheck={false}
              value={form[field]}
              aria-invalid={problems[field] ? true : undefined}
              aria-describedby={described(field, Boolean(hint))}
              onChange={(e) => set(field, e.currentTarget.value)}
            />
            {hint && (
              <p id={`${id}-${field}-hint`} className="note">
                {t(hint)}
              </p>
            )}
            {problems[field] && (
              <p id={`${id}-${field}-error`} className="reception-field-error">
                {t(problems[field] as Text)}
              </p>
            )}
          </div>
        ))}
      </div>
      <div className="reception-field">
        <label htmlFor={`${id}-birthDate`}>{t(T.birthDate)}</label>
        <input
          ref={(el) => {
            refs.current.birthDate = el;
          }}
          id={`${id}-birthDate`}
          type="date"
          min="1900-01-01"
          max={japanToday()}
          value={form.birthDate}
          aria-invalid={problems.birthDate ? true : undefined}
          aria-describedby={described('birthDate', false)}
          onChange={(e) => set('birthDate', e.currentTarget.value)}
        />
        {problems.birthDate && (
          <p id={`${id}-birthDate-error`} className="reception-field-error">
            {t(problems.birthDate)}
          </p>
        )}
      </div>
      {refusal && (
        <div role="alert" className="error reception-refusal">
          <p className="reception-refusal-title">{t(T.refused)}</p>
          <p>{t(refusal)}</p>
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
