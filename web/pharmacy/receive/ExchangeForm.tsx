/**
 * 引換番号で受付: the 6-digit 引換番号 from the patient's 処方内容（控え）, the 被保険者番号 from their 資格確認書 /
 * 保険証 / マイナポータル (保険者番号・記号・番号・枝番) and the birth date. Checked here first (shapes, check digit,
 * dates: a message at each field), then `$retrieve-prescription`.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { checkInsuranceForm, japanToday } from '../../clinic/reception/validate.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { type ExchangeBasis, retrieveByExchange } from '../rx/api.ts';
import type { Prescription } from '../rx/model.ts';
import { RefusalMessage } from '../rx/RefusalMessage.tsx';

const T = {
  title: { ja: '引換番号で受付', en: 'Receive by exchange number' },
  lead: {
    ja: '患者さんの「処方内容（控え）」の引換番号と、資格確認書・保険証の番号、生年月日を入力します。',
    en: 'Enter the exchange number on the patient’s copy, the numbers of their eligibility certificate or insurance card, and the date of birth.',
  },
  exchange: { ja: '引換番号（数字6桁）', en: 'Exchange number (6 digits)' },
  insurer: { ja: '保険者番号', en: 'Insurer number' },
  symbol: { ja: '記号', en: 'Symbol' },
  number: { ja: '番号', en: 'Number' },
  branch: { ja: '枝番', en: 'Branch' },
  insured: { ja: '被保険者番号', en: 'Insured number' },
  birthDate: { ja: '生年月日', en: 'Date of birth' },
  submit: { ja: '処方箋を取得する', en: 'Retrieve the prescription' },
  busy: { ja: '電子処方箋管理サービスに問い合わせています…', en: 'Asking the e-prescription service…' },
  exchangeMissing: { ja: '引換番号を入力してください。', en: 'Enter the exchange number.' },
  exchangeShape: { ja: '引換番号は数字6桁です。', en: 'The exchange number is 6 digits.' },
} satisfies Record<string, Text>;

type Field = 'exchangeNumber' | 'insurerNumber' | 'symbol' | 'number' | 'branch' | 'birthDate';

export function ExchangeForm({ onFound }: { onFound: (found: Prescription[], basis: ExchangeBasis) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [form, setForm] = useState<Record<Field, string>>({ exchangeNumber: '', insurerNumber: '', symbol: '', number: '', branch: '', birthDate: '' });
  const [problems, setProblems] = useState<Partial<Record<Field, Text>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const refs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});

  const set = (f: Field) => (v: string) => {
    setForm((prev) => ({ ...prev, [f]: v }));
    setProblems((prev) => ({ ...prev, [f]: undefined }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    const found: Partial<Record<Field, Text>> = {};
    const exchange = form.exchangeNumber.normalize('NFKC').trim();
    if (exchange === '') found.exchangeNumber = T.exchangeMissing;
    else if (!/^\d{6}$/.test(exchange)) found.exchangeNumber = T.exchangeShape;
    const insurance = checkInsuranceForm({ source: 'eligibility-certificate', ...form }, japanToday());
    if (!insurance.ok) Object.assign(found, insurance.problems);
    const order: Field[] = ['exchangeNumber', 'insurerNumber', 'symbol', 'number', 'branch', 'birthDate'];
    const firstBad = order.find((f) => found[f]);
    setProblems(found);
    if (firstBad || !insurance.ok) {
      if (firstBad) refs.current[firstBad]?.focus();
      return;
    }
    const q = insurance.query;
    const insurer = q.insurerNumber.length === 6 ? `00${q.insurerNumber}` : q.insurerNumber;
    const basis: ExchangeBasis = {
      exchangeNumber: exchange,
      insuredNumber: `${insurer}:${q.symbol}:${q.number}:${q.branch || '00'}`,
      birthDate: q.birthDate,
    };
    setBusy(true);
    try {
      onFound(await retrieveByExchange(basis), basis);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const field = (f: Field, label: Text, opts: { type?: string; inputMode?: 'numeric' | 'text'; className?: string; hint?: Text } = {}) => {
    const problem = problems[f];
    const describedBy = [opts.hint ? `${id}-${f}-hint` : '', problem ? `${id}-${f}-error` : ''].filter(Boolean).join(' ');
    return (
      <div className={`pharmacy-field ${opts.className ?? ''}`}>
        <label htmlFor={`${id}-${f}`}>{t(label)}</label>
        <input
          ref={(el) => {
            refs.current[f] = el;
          }}
          id={`${id}-${f}`}
          type={opts.type ?? 'text'}
          inputMode={opts.inputMode}
          autoComplete="off"
          value={form[f]}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => set(f)(e.currentTarget.value)}
        />
        {opts.hint && (
          <p id={`${id}-${f}-hint`} className="note">
            {t(opts.hint)}
          </p>
        )}
        {problem && (
          <p id={`${id}-${f}-error`} className="pharmacy-field-error" role="alert">
            {t(problem)}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className="card pharmacy-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      <p>{t(T.lead)}</p>
      {field('exchangeNumber', T.exchange, { inputMode: 'numeric', className: 'pharmacy-field-exchange' })}
      <fieldset className="pharmacy-insured">
        <legend>{t(T.insured)}</legend>
        <div className="pharmacy-insured-fields">
          {field('insurerNumber', T.insurer, { inputMode: 'numeric' })}
          {field('symbol', T.symbol)}
          {field('number', T.number)}
          {field('branch', T.branch, { inputMode: 'numeric', className: 'pharmacy-field-branch' })}
        </div>
      </fieldset>
      {field('birthDate', T.birthDate, { type: 'date', className: 'pharmacy-field-date' })}
      {error !== undefined && <RefusalMessage error={error} />}
      <div className="row">
        <button type="submit" className="pharmacy-primary" disabled={busy}>
          {t(T.submit)}
        </button>
        <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      </div>
    </form>
  );
}
