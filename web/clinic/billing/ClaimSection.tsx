/**
 * 月の請求: the month's claim file (レセプト電算処理システム, Shift_JIS) to 社保 (支払基金) or 国保 (国保連) from the
 * visits this clinic recorded ($billing-claim), saved as RECEIPTC.UKE, with the number of receipts, the points and
 * the notes to check (e.g. a name written in its everyday form).
 */
import { useId, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { japanToday } from '../patient/eligibility.ts';
import { type ClaimPayer, type MonthClaim, monthClaim } from './api.ts';
import { download } from './documents.ts';
import { FieldError, invalidProps } from './FieldError.tsx';
import { type FieldErrors, issuesOf, placeIssues } from './issues.ts';
import { grouped } from './items.ts';

const T = {
  title: { ja: '月の請求ファイル（レセプト）', en: 'The month’s claim file' },
  month: { ja: '診療年月', en: 'Month' },
  payer: { ja: '請求先', en: 'Send to' },
  shaho: { ja: '社保（社会保険診療報酬支払基金）', en: 'Shaho (Social Insurance Medical Fee Payment Fund)' },
  kokuho: { ja: '国保（国民健康保険団体連合会）', en: 'Kokuho (National Health Insurance Federation)' },
  make: { ja: '請求ファイルを作成', en: 'Make the claim file' },
  busy: { ja: '作成しています…', en: 'Making…' },
  done: {
    ja: 'RECEIPTC.UKE を保存しました：レセプト {receipts}件、合計 {points}点',
    en: 'RECEIPTC.UKE saved: {receipts} receipts, {points} points',
  },
  notes: { ja: '確認してください', en: 'Please check' },
  badMonth: { ja: '診療年月を選んでください', en: 'Choose the month' },
} satisfies Record<string, Text>;

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

export function ClaimSection() {
  const { t } = useI18n();
  const id = useId();
  const [month, setMonth] = useState(() => japanToday().slice(0, 7));
  const [payer, setPayer] = useState<ClaimPayer>('shaho');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [made, setMade] = useState<MonthClaim | undefined>();

  async function make() {
    setMade(undefined);
    if (!/^\d{4}-\d{2}$/.test(month)) {
      setErrors({ month: [T.badMonth] });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const claim = await monthClaim(month, payer);
      download(claim.file, 'RECEIPTC.UKE');
      setMade(claim);
    } catch (e) {
      setErrors(placeIssues(issuesOf(e), (x) => (x === 'month' ? 'month' : x === 'payer' ? 'payer' : undefined)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card billing-claim" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      <form
        className="billing-claim-form"
        onSubmit={(e) => {
          e.preventDefault();
          void make();
        }}
      >
        <div className="billing-field">
          <label htmlFor={`${id}-month`}>{t(T.month)}</label>
          <input
            id={`${id}-month`}
            type="month"
            value={month}
            onChange={(e) => setMonth(e.target.value)}
            {...invalidProps(`${id}-month-error`, errors.month)}
          />
          <FieldError id={`${id}-month-error`} errors={errors.month} />
        </div>
        <fieldset className="billing-group">
          <legend>{t(T.payer)}</legend>
          {(['shaho', 'kokuho'] as const).map((p) => (
            <label key={p} className="billing-check">
              <input type="radio" name={`${id}-payer`} value={p} checked={payer === p} onChange={() => setPayer(p)} /> {t(T[p])}
            </label>
          ))}
          <FieldError id={`${id}-payer-error`} errors={errors.payer} />
        </fieldset>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? t(T.busy) : t(T.make)}
          </button>
        </div>
      </form>
      <FieldError id={`${id}-error`} errors={errors.general} />
      <StatusMessage>
        {made && (
          <div className="success billing-claim-done">
            <p>{fill(t(T.done), { receipts: String(made.receipts), points: grouped(made.totalPoints) })}</p>
          </div>
        )}
      </StatusMessage>
      {made && made.notes.length > 0 && (
        <div className="notice billing-claim-notes">
          <p>{t(T.notes)}</p>
          <ul>
            {made.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
