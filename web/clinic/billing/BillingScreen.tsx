/**
 * 会計 (the clinic app): at the end of a visit, for the current patient (or one chosen from today's receptions), the
 * desk enters what was done, 「計算する」 estimates the fee points and the window payment, 「会計する」 records the visit
 * (the month's claim is made from recorded visits) and prints the 領収証・明細書. Below: this month's charges of the
 * patient (the latest cancellable) and the month's claim file. API: src/services/billing (docs/billing.md).
 */
import { useId, useMemo, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { type CurrentPatient, useCurrentPatient } from '../current-patient.ts';
import { PatientLine } from '../PatientLine.tsx';
import { japanToday, type ReceptionRecord } from '../patient/eligibility.ts';
import { type Calculation, calculate } from './api.ts';
import { ClaimSection } from './ClaimSection.tsx';
import { emptyEntry, type EntryState, fieldOf, prepare } from './entry.ts';
import { EntryForm } from './EntryForm.tsx';
import { FieldError } from './FieldError.tsx';
import { type FieldErrors, issuesOf, placeIssues } from './issues.ts';
import { ReceiptButtons } from './ReceiptButtons.tsx';
import { ResultView } from './ResultView.tsx';
import { TodayPatients, useTodayReceptions } from './TodayPatients.tsx';
import { VisitList } from './VisitList.tsx';
import './billing.css';

const T = {
  patient: { ja: '会計する患者', en: 'Patient' },
  patientLabel: { ja: '患者：', en: 'Patient: ' },
  noPatient: { ja: '会計する患者さんが選ばれていません。下の一覧から選ぶか、受付で資格確認をしてください。', en: 'No patient is selected.' },
  toReception: { ja: '受付で患者さんを受け付ける', en: 'Receive a patient at reception' },
  other: { ja: '別の患者さんを選ぶ（本日の受付）', en: 'Choose another patient (today’s receptions)' },
  notReceived: {
    ja: 'この患者さんは本日この医療機関で受付（資格確認）されていません。受付で資格確認をしてから会計してください。',
    en: 'This patient was not received (eligibility verified) here today. Verify at reception first.',
  },
  estimate: { ja: '計算する', en: 'Calculate' },
  record: { ja: '会計する', en: 'Charge' },
  estimating: { ja: '計算しています…', en: 'Calculating…' },
  recording: { ja: '会計しています…', en: 'Charging…' },
  recordNote: {
    ja: '「会計する」で受診を記録します（月の請求に入ります）。取り消すには下の「今月の会計」から。',
    en: 'Charging records the visit for the month’s claim.',
  },
  check: { ja: '入力を確認してください。', en: 'Please check the entry.' },
  changed: { ja: '入力が変わりました。もう一度「計算する」を押してください。', en: 'The entry changed: calculate again.' },
  recordedStatus: { ja: '会計しました。窓口負担額 {yen}円', en: 'Charged: ¥{yen} at the window' },
  estimatedStatus: { ja: '計算しました。窓口負担額 {yen}円', en: 'Calculated: ¥{yen} at the window' },
  startOver: { ja: '次の会計（入力を消す）', en: 'Next charge (clear the entry)' },
} satisfies Record<string, Text>;

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

/** `known`: today's receptions were read (so an absent `reception` means the patient was not received today). */
function ChargeFor({ patient, reception, known }: { patient: CurrentPatient; reception?: ReceptionRecord; known: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const [entry, setEntry] = useState<EntryState>(emptyEntry);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<'estimate' | 'record' | undefined>();
  const [result, setResult] = useState<{ calc: Calculation; key: string } | undefined>();
  const [refresh, setRefresh] = useState(0);
  const payers = useMemo(() => reception?.eligibility?.publicExpenses.map((p) => p.payer).filter(Boolean) ?? [], [reception]);
  const key = JSON.stringify(entry);
  const month = japanToday().slice(0, 7);

  async function run(record: boolean) {
    const prepared = prepare(entry, patient.id, payers);
    setErrors(prepared.errors);
    if (!prepared.entry) return;
    setBusy(record ? 'record' : 'estimate');
    try {
      const calc = await calculate(prepared.entry, record);
      setResult({ calc, key });
      if (record) setRefresh((n) => n + 1);
    } catch (e) {
      setErrors(placeIssues(issuesOf(e), (x) => fieldOf(x, prepared, payers)));
    } finally {
      setBusy(undefined);
    }
  }

  function startOver() {
    setEntry(emptyEntry());
    setResult(undefined);
    setErrors({});
  }

  const stale = result && !result.calc.visit && result.key !== key;
  const formErrors = Object.keys(errors).filter((k) => k !== 'general' && k !== 'patient').length > 0;

  return (
    <>
      <FieldError id={`${id}-patient-error`} errors={errors.patient} />
      {known && reception === undefined && <p className="notice">{t(T.notReceived)}</p>}
      {result?.calc.visit ? null : <EntryForm value={entry} onChange={setEntry} errors={errors} payers={payers} />}
      {!result?.calc.visit && (
        <div className="card billing-actions">
          <div className="row">
            <button type="button" className="secondary" onClick={() => void run(false)} disabled={busy !== undefined}>
              {busy === 'estimate' ? t(T.estimating) : t(T.estimate)}
            </button>
            <button type="button" onClick={() => void run(true)} disabled={busy !== undefined}>
              {busy === 'record' ? t(T.recording) : t(T.record)}
            </button>
          </div>
          <p className="note">{t(T.recordNote)}</p>
          {formErrors && (
            <p role="alert" className="error">
              {t(T.check)}
            </p>
          )}
          <FieldError id={`${id}-general-error`} errors={errors.general} />
          {stale && <p className="notice">{t(T.changed)}</p>}
        </div>
      )}
      <StatusMessage className="visually-hidden">
        {result ? fill(t(result.calc.visit ? T.recordedStatus : T.estimatedStatus), { yen: result.calc.patientYen.toLocaleString('ja-JP') }) : ''}
      </StatusMessage>
      {result && (
        <ResultView
          result={result.calc}
          actions={
            result.calc.visit && (
              <div className="billing-recorded-actions">
                <ReceiptButtons visit={result.calc.visit} date={japanToday()} />
                <button type="button" className="secondary" onClick={startOver}>
                  {t(T.startOver)}
                </button>
              </div>
            )
          }
        />
      )}
      <VisitList patientId={patient.id} month={month} refresh={refresh} onCancelled={() => setResult((r) => (r?.calc.visit ? undefined : r))} />
    </>
  );
}

export function BillingScreen(_: ScreenProps) {
  const { t } = useI18n();
  const patient = useCurrentPatient();
  const [today, retry] = useTodayReceptions();
  const reception = today.status === 'ok' ? today.data.find((r) => r.patient.id === patient?.id) : undefined;
  return (
    <>
      {patient ? (
        <section className="card billing-patient" aria-label={t(T.patient)}>
          <p>
            {t(T.patientLabel)}
            <PatientLine patient={patient} nameClass="billing-patient-name" />
          </p>
          <details key={patient.id} className="billing-other">
            <summary>{t(T.other)}</summary>
            <TodayPatients read={today} onRetry={retry} currentId={patient.id} />
          </details>
        </section>
      ) : (
        <>
          <div className="card">
            <p>{t(T.noPatient)}</p>
            <p>
              <a href="#reception">{t(T.toReception)}</a>
            </p>
          </div>
          <TodayPatients read={today} onRetry={retry} />
        </>
      )}
      {patient && today.status !== 'loading' && <ChargeFor key={patient.id} patient={patient} reception={reception} known={today.status === 'ok'} />}
      <ClaimSection />
    </>
  );
}
