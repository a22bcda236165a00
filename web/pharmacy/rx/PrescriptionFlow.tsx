/**
 * One prescription at the counter: see it, 受付 (accept: locked against other pharmacies) or give it back (受付取消),
 * dispense and register the result (薬剤師 only — the desk sees why not), then the service's receipt with 訂正 and 取消
 * of the result. Used by 受付 (after retrieval) and by 本日の処方箋 (a held or registered prescription).
 */
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Session } from '../../shared/pkce.ts';
import type { Text } from '../../shared/text.ts';
import { accept, cancelDispensing, type DispenseAnswer, type ExchangeBasis, release } from './api.ts';
import { DispenseForm } from './DispenseForm.tsx';
import { merged, type Prescription } from './model.ts';
import { PrescriptionCard } from './PrescriptionCard.tsx';
import { readReceipt } from './receipt.ts';
import { ReceiptView } from './ReceiptView.tsx';
import { RefusalMessage } from './RefusalMessage.tsx';

const T = {
  accept: { ja: 'この処方箋を受け付ける', en: 'Accept this prescription' },
  accepted: {
    ja: '受け付けました。この処方箋は当薬局が調剤するまで他の薬局では受け付けられません。',
    en: 'Accepted: no other pharmacy can take it until it is dispensed here.',
  },
  release: { ja: '受付を取り消す（他の薬局へ）', en: 'Release (give it back)' },
  released: { ja: '受付を取り消しました。患者さんは他の薬局でこの処方箋を使えます。', en: 'Released: the patient may use it at another pharmacy.' },
  dispense: { ja: '調剤する', en: 'Dispense' },
  pharmacistOnly: {
    ja: '調剤結果の登録は薬剤師が行います。受付が済んだら薬剤師に引き継いでください。',
    en: 'Dispensing results are registered by a pharmacist: hand over to one after accepting.',
  },
  registered: { ja: '調剤結果を登録しました。', en: 'The dispensing result was registered.' },
  partDone: {
    ja: '調剤結果（一部）を登録しました。残りの薬は引き続き当薬局で調剤できます（分割調剤）。',
    en: 'Part of the result was registered; the rest can still be dispensed here (split).',
  },
  corrected: { ja: '調剤結果を訂正しました（新しい版の受付証）。', en: 'The result was corrected (a new version of the receipt).' },
  cancelled: { ja: '調剤結果を取り消しました。', en: 'The dispensing result was cancelled.' },
  reopened: {
    ja: '調剤結果を取り消しました。この処方箋は当薬局の受付中に戻りました（調剤し直すか、受付を取り消せます）。',
    en: 'The result was cancelled; the prescription is held here again (dispense again or release it).',
  },
  correct: { ja: '調剤結果を訂正する', en: 'Correct the result' },
  cancelResult: { ja: '調剤結果を取り消す', en: 'Cancel the result' },
  confirmCancel: {
    ja: '調剤結果を取り消します。取り消した結果は患者さんの調剤履歴から消えます。よろしいですか。',
    en: 'Cancel the dispensing result? It disappears from the patient’s medication history.',
  },
  yesCancel: { ja: '取り消す', en: 'Yes, cancel it' },
  no: { ja: 'やめる', en: 'No' },
  busy: { ja: '処理しています…', en: 'Working…' },
  expired: { ja: '使用期限を過ぎているため受け付けられません。', en: 'Expired: it cannot be accepted.' },
} satisfies Record<string, Text>;

/** The registered result the screen knows of (after dispensing here, or from the day's list). */
export interface KnownResult {
  dispensing: string;
  receipt: string;
  /** The prescription's state after it. */
  prescriptionState?: string;
}

type Mode = 'view' | 'dispense' | 'correct' | 'confirm-cancel';

export function PrescriptionFlow({
  session,
  initial,
  basis,
  result: initialResult,
  showAlerts = true,
  onChanged,
}: {
  session: Session;
  initial: Prescription;
  /** The numbers it was retrieved with (the basis of 受付); none: by the card with consent, or already held. */
  basis?: ExchangeBasis;
  result?: KnownResult;
  /** false when the check was not run for this view (the day's list): no alert section. */
  showAlerts?: boolean;
  /** Something changed at the service (the day's list reloads). */
  onChanged?: () => void;
}) {
  const { t } = useI18n();
  const [p, setP] = useState(initial);
  const [result, setResult] = useState<KnownResult | undefined>(initialResult);
  const [mode, setMode] = useState<Mode>('view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<Text>();
  const pharmacist = session.user.role === 'pharmacist';
  const mine = p.state === 'accepted';

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await fn();
      onChanged?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const doAccept = () =>
    run(async () => {
      setP(merged(await accept(p.id, basis), p));
      setDone(T.accepted);
    });
  const doRelease = () =>
    run(async () => {
      const state = await release(p.id);
      setP({ ...p, state, acceptedBy: undefined });
      setDone(T.released);
    });
  const doCancel = () =>
    run(async () => {
      const a = await cancelDispensing(result!.dispensing);
      setResult({ dispensing: a.dispensing, receipt: a.receipt, prescriptionState: a.prescriptionState });
      const reopened = a.prescriptionState === 'accepted';
      setP({
        ...p,
        state: a.prescriptionState,
        usesDone: reopened && p.state !== 'accepted' ? Math.max(0, p.usesDone - 1) : p.usesDone,
        lines: reopened ? p.lines.map((l) => ({ ...l, remaining: l.quantity })) : p.lines,
      });
      setMode('view');
      setDone(a.prescriptionState === 'accepted' ? T.reopened : T.cancelled);
    });

  function dispensed(a: DispenseAnswer, correcting: boolean) {
    setResult({ dispensing: a.dispensing, receipt: a.receipt, prescriptionState: a.prescriptionState });
    const lines = readReceipt(a.receipt)?.lines ?? [];
    if (!correcting)
      setP({
        ...p,
        state: a.prescriptionState,
        usesDone: a.completesUse ? p.usesDone + 1 : p.usesDone,
        lines: p.lines.map((l) => {
          const given = lines.filter((x) => x.line === l.line).reduce((n, x) => n + x.quantity, 0);
          return { ...l, remaining: a.completesUse ? l.quantity : Math.max(0, l.remaining - given) };
        }),
      });
    setMode('view');
    setDone(correcting ? T.corrected : a.completesUse ? T.registered : T.partDone);
    onChanged?.();
  }

  const receipt = result ? readReceipt(result.receipt) : undefined;
  const canChangeResult = pharmacist && receipt && receipt.state !== 'cancelled';

  return (
    <div className="pharmacy-flow">
      <PrescriptionCard p={p} showAlerts={showAlerts} />
      {done && (
        <p className="success" role="status">
          {t(done)}
        </p>
      )}
      {error !== undefined && <RefusalMessage error={error} />}
      {p.state === 'expired' && <p className="notice">{t(T.expired)}</p>}

      {mode === 'view' && (
        <div className="row pharmacy-actions">
          {p.state === 'registered' && (
            <button type="button" className="pharmacy-primary" disabled={busy} onClick={() => void doAccept()}>
              {t(T.accept)}
            </button>
          )}
          {mine && pharmacist && (
            <button type="button" className="pharmacy-primary" disabled={busy} onClick={() => setMode('dispense')}>
              {t(T.dispense)}
            </button>
          )}
          {mine && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void doRelease()}>
              {t(T.release)}
            </button>
          )}
          <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
        </div>
      )}
      {mine && !pharmacist && <p className="notice">{t(T.pharmacistOnly)}</p>}

      {mode === 'dispense' && <DispenseForm p={p} onDone={(a) => dispensed(a, false)} onCancel={() => setMode('view')} />}

      {result && <ReceiptView receipt={result.receipt} />}
      {result && mode === 'view' && canChangeResult && (
        <div className="row pharmacy-actions">
          <button type="button" className="secondary" onClick={() => setMode('correct')}>
            {t(T.correct)}
          </button>
          <button type="button" className="secondary pharmacy-danger" onClick={() => setMode('confirm-cancel')}>
            {t(T.cancelResult)}
          </button>
        </div>
      )}
      {mode === 'correct' && result && receipt && (
        <DispenseForm
          p={p}
          correcting={{
            dispensing: result.dispensing,
            lines: receipt.lines.map((l) => ({ prescriptionLine: l.line, system: l.system, code: l.code, quantity: l.quantity })),
          }}
          onDone={(a) => dispensed(a, true)}
          onCancel={() => setMode('view')}
        />
      )}
      {mode === 'confirm-cancel' && (
        <div className="notice pharmacy-confirm" role="alertdialog" aria-labelledby="pharmacy-confirm-text">
          <p id="pharmacy-confirm-text">{t(T.confirmCancel)}</p>
          <div className="row">
            <button type="button" className="pharmacy-danger" disabled={busy} onClick={() => void doCancel()}>
              {t(T.yesCancel)}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setMode('view')}>
              {t(T.no)}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
