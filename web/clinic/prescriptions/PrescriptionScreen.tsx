/**
 * 処方 (the clinic app): for the current patient, the doctor picks drugs from the drug master, sets 1回量・用法・日数,
 * runs the service's duplicate / contraindication check (確認), acknowledges any alert with a reason, then signs with
 * their own HPKI credential (remote signing, unlocked by their passphrase) and issues: 処方箋ID and 引換番号 shown
 * large, with a printable 控え. Below: today's prescriptions of this patient here, cancellable while no pharmacy
 * holds them. API: $search-drugs, $usage-codes, $signing-credential, $enrol-signing-credential, $check-prescription,
 * $issue-prescription, $prescription-status, $cancel-prescription (src/services/eprescription).
 */
import { PatientLine } from '../PatientLine.tsx';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { ScreenProps } from '../../shared/screens.ts';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { useI18n } from '../../shared/i18n.tsx';
import { type CurrentPatient, useCurrentPatient } from '../current-patient.ts';
import {
  type CheckResult,
  checkPrescription,
  type DrugChoice,
  type Issued,
  issuePrescription,
  issueTexts,
  type LineInput,
  type SigningStatus,
  signingStatus,
  type UsageCode,
  usageCodes,
  usageLabel,
} from './api.ts';
import { CheckResultView } from './CheckResult.tsx';
import { DrugPicker } from './DrugPicker.tsx';
import { IssuedSlip } from './IssuedSlip.tsx';
import { SigningSetup, SigningSummary } from './SigningSetup.tsx';
import { TodayList } from './TodayList.tsx';
import './prescriptions.css';

interface DraftLine {
  key: number;
  drug?: DrugChoice;
  dose: string;
  usage: string;
  days: string;
  generic: boolean;
  noSubstitution: boolean;
}

let nextKey = 1;
const emptyLine = (): DraftLine => ({ key: nextKey++, dose: '1', usage: '', days: '', generic: false, noSubstitution: false });

/** The number typed (全角 digits too), or NaN. */
const numberOf = (s: string) => (s.trim() === '' ? Number.NaN : Number(s.normalize('NFKC').trim()));

/** What the line prescribes, in words: the master's name (or its 一般名). */
const shownName = (l: DraftLine) => (l.drug ? (l.generic && l.drug.generalName ? l.drug.generalName : l.drug.name) : '');

function problemsOf(lines: DraftLine[], usages: UsageCode[]): { ja: string; en: string }[] {
  const out: { ja: string; en: string }[] = [];
  if (lines.length === 0) out.push({ ja: '処方する薬剤がありません。薬剤を追加してください', en: 'Add at least one drug' });
  lines.forEach((l, i) => {
    const n = i + 1;
    if (!l.drug) out.push({ ja: `${n}行目: 薬剤を医薬品マスターから選んでください`, en: `Line ${n}: pick a drug from the master` });
    const dose = numberOf(l.dose);
    if (!Number.isFinite(dose) || dose <= 0 || dose > 1000)
      out.push({ ja: `${n}行目: 1回量は0より大きい数を入力してください`, en: `Line ${n}: the dose must be a number above 0` });
    if (!usages.some((u) => u.code === l.usage)) out.push({ ja: `${n}行目: 用法を選んでください`, en: `Line ${n}: choose the usage` });
    const days = numberOf(l.days);
    if (!Number.isInteger(days) || days < 1 || days > 365)
      out.push({ ja: `${n}行目: 日数は1〜365の整数で入力してください`, en: `Line ${n}: days must be a whole number 1–365` });
  });
  return out;
}

const inputsOf = (lines: DraftLine[]): LineInput[] =>
  lines.map((l) => ({
    drug: l.drug!,
    dose: numberOf(l.dose),
    usage: l.usage,
    days: numberOf(l.days),
    generic: l.generic,
    noSubstitution: l.noSubstitution,
  }));

function LineEditor({
  line,
  index,
  usages,
  onChange,
  onRemove,
}: {
  line: DraftLine;
  index: number;
  usages: UsageCode[];
  onChange(l: DraftLine): void;
  onRemove?: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const n = index + 1;
  const usage = usages.find((u) => u.code === line.usage);
  const dose = numberOf(line.dose);
  const days = numberOf(line.days);
  const total = usage && Number.isFinite(dose) && Number.isFinite(days) ? Math.round(dose * usage.timesPerDay * days * 1000) / 1000 : undefined;
  const unit = line.drug?.unit ?? '';
  return (
    <li className="prescriptions-line">
      <h3>{t({ ja: `${n}行目`, en: `Line ${n}` })}</h3>
      {line.drug ? (
        <div className="prescriptions-picked">
          <p className="prescriptions-picked-name">
            <span className="visually-hidden">{t({ ja: '選んだ薬剤: ', en: 'Chosen drug: ' })}</span>
            {shownName(line)}
          </p>
          {line.generic && <p className="note">{t({ ja: `一般名処方（銘柄: ${line.drug.name}）`, en: `By generic name (brand: ${line.drug.name})` })}</p>}
          <button type="button" className="secondary" onClick={() => onChange({ ...line, drug: undefined, generic: false })}>
            {t({ ja: '薬剤を選び直す', en: 'Choose another drug' })}
          </button>
        </div>
      ) : (
        <DrugPicker lineNo={n} onPick={(drug) => onChange({ ...line, drug, generic: false })} />
      )}
      <div className="prescriptions-form-grid">
        <div className="prescriptions-field">
          <label htmlFor={`${id}-dose`}>{t({ ja: `1回量${unit ? `（${unit}）` : ''}`, en: `Dose per time${unit ? ` (${unit})` : ''}` })}</label>
          <input
            id={`${id}-dose`}
            inputMode="decimal"
            value={line.dose}
            onChange={(e) => onChange({ ...line, dose: e.target.value })}
            className="prescriptions-number"
          />
        </div>
        <div className="prescriptions-field">
          <label htmlFor={`${id}-usage`}>{t({ ja: '用法', en: 'Usage' })}</label>
          <select id={`${id}-usage`} value={line.usage} onChange={(e) => onChange({ ...line, usage: e.target.value })}>
            <option value="">{t({ ja: '選んでください', en: 'Choose' })}</option>
            {usages.map((u) => (
              <option key={u.code} value={u.code}>
                {usageLabel(u.display)}
              </option>
            ))}
          </select>
        </div>
        <div className="prescriptions-field">
          <label htmlFor={`${id}-days`}>{t({ ja: '日数（日分）', en: 'Days' })}</label>
          <input
            id={`${id}-days`}
            inputMode="numeric"
            value={line.days}
            onChange={(e) => onChange({ ...line, days: e.target.value })}
            className="prescriptions-number"
          />
        </div>
      </div>
      <div className="row prescriptions-options">
        {line.drug?.generalName && (
          <label className="prescriptions-check">
            <input
              type="checkbox"
              checked={line.generic}
              onChange={(e) => onChange({ ...line, generic: e.target.checked, noSubstitution: e.target.checked ? false : line.noSubstitution })}
            />{' '}
            {t({ ja: `一般名処方（${line.drug.generalName}）`, en: `Prescribe by generic name (${line.drug.generalName})` })}
          </label>
        )}
        <label className="prescriptions-check">
          <input
            type="checkbox"
            checked={line.noSubstitution}
            disabled={line.generic}
            onChange={(e) => onChange({ ...line, noSubstitution: e.target.checked })}
          />{' '}
          {t({ ja: '後発品変更不可', en: 'No generic substitution' })}
        </label>
      </div>
      <p className="prescriptions-total">
        {total !== undefined && total > 0
          ? t({
              ja: `計 ${total}${unit}（1回${dose}${unit} × 1日${usage!.timesPerDay}回 × ${days}日分）`,
              en: `Total ${total} ${unit} (${dose} × ${usage!.timesPerDay} a day × ${days} days)`,
            })
          : ''}
      </p>
      {onRemove && (
        <button type="button" className="secondary" onClick={onRemove}>
          {t({ ja: `${n}行目を削除`, en: `Remove line ${n}` })}
        </button>
      )}
    </li>
  );
}

function PrescribeFor({ patient }: { patient: CurrentPatient }) {
  const { t } = useI18n();
  const id = useId();
  const [status, setStatus] = useState<SigningStatus | undefined>();
  const [usages, setUsages] = useState<UsageCode[]>([]);
  const [loadError, setLoadError] = useState<unknown>();
  const [lines, setLines] = useState<DraftLine[]>(() => [emptyLine()]);
  const [problems, setProblems] = useState<{ ja: string; en: string }[]>([]);
  const [check, setCheck] = useState<{ result: CheckResult; key: string } | undefined>();
  const [checking, setChecking] = useState(false);
  const [ack, setAck] = useState(false);
  const [reason, setReason] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [signing, setSigning] = useState(false);
  const [error, setError] = useState<unknown>();
  const [issued, setIssued] = useState<{ issued: Issued; lines: DraftLine[]; usages: UsageCode[] } | undefined>();
  const [refresh, setRefresh] = useState(0);

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      const [s, u] = await Promise.all([signingStatus(), usageCodes()]);
      setStatus(s);
      setUsages(u);
    } catch (e) {
      setLoadError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const key = useMemo(() => JSON.stringify(lines.map((l) => [l.drug?.system, l.drug?.code, l.dose, l.usage, l.days, l.generic, l.noSubstitution])), [lines]);
  const current = check && check.key === key ? check.result : undefined;
  const alerts = current?.alerts.length ?? 0;
  const readyToSign = current !== undefined && (alerts === 0 || (ack && reason.trim() !== ''));

  const update = (i: number, l: DraftLine) => {
    setLines((ls) => ls.map((x, j) => (j === i ? l : x)));
    setError(undefined);
  };

  async function runCheck() {
    setError(undefined);
    const found = problemsOf(lines, usages);
    setProblems(found);
    if (found.length) return;
    setChecking(true);
    try {
      const result = await checkPrescription(patient.id, inputsOf(lines));
      setCheck({ result, key });
      setAck(false);
      setReason('');
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  }

  async function sign() {
    setError(undefined);
    const found = problemsOf(lines, usages);
    setProblems(found);
    if (found.length || !readyToSign) return;
    if (!passphrase) {
      setProblems([{ ja: '署名用パスフレーズを入力してください', en: 'Type your signing passphrase' }]);
      return;
    }
    setSigning(true);
    try {
      const r = await issuePrescription(patient.id, inputsOf(lines), passphrase, alerts ? reason : undefined);
      setIssued({ issued: r, lines, usages });
      setPassphrase('');
      setRefresh((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setSigning(false);
    }
  }

  function startOver() {
    setIssued(undefined);
    setLines([emptyLine()]);
    setCheck(undefined);
    setAck(false);
    setReason('');
    setProblems([]);
    setError(undefined);
  }

  const serverIssues = issueTexts(error);

  return (
    <>
      <section className="card prescriptions-patient" aria-label={t({ ja: '処方する患者', en: 'Patient' })}>
        <p>
          {t({ ja: '患者：', en: 'Patient: ' })}
          <PatientLine patient={patient} nameClass="prescriptions-patient-name" />
        </p>
      </section>
      {loadError !== undefined && <ErrorMessage error={loadError} onRetry={() => void load()} />}
      {status && !status.enrolled && <SigningSetup onEnrolled={() => void load()} />}
      {issued ? (
        <IssuedSlip patient={patient} issued={issued.issued} lines={issued.lines} usages={issued.usages} onNew={startOver} />
      ) : (
        <section className="card" aria-labelledby={`${id}-form`}>
          <h2 id={`${id}-form`}>{t({ ja: '処方内容', en: 'Prescription' })}</h2>
          <ol className="prescriptions-lines">
            {lines.map((l, i) => (
              <LineEditor
                key={l.key}
                line={l}
                index={i}
                usages={usages}
                onChange={(x) => update(i, x)}
                onRemove={lines.length > 1 ? () => setLines((ls) => ls.filter((y) => y.key !== l.key)) : undefined}
              />
            ))}
          </ol>
          <div className="row">
            <button type="button" className="secondary" onClick={() => setLines((ls) => [...ls, emptyLine()])}>
              {t({ ja: '薬剤を追加', en: 'Add a drug' })}
            </button>
            <button type="button" onClick={() => void runCheck()} disabled={checking}>
              {checking
                ? t({ ja: '確認しています…', en: 'Checking…' })
                : t({ ja: '確認（重複・併用禁忌チェック）', en: 'Check (duplicates, contraindications)' })}
            </button>
          </div>
          <div role="alert" className="prescriptions-problems">
            {problems.length > 0 && (
              <div className="error">
                <p>{t({ ja: '入力を確認してください:', en: 'Please check:' })}</p>
                <ul>
                  {problems.map((p) => (
                    <li key={p.ja}>{t(p)}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
          {check && !current && (
            <p className="notice">{t({ ja: '処方内容が変わりました。もう一度「確認」を押してください。', en: 'The prescription changed: check again.' })}</p>
          )}
        </section>
      )}
      {!issued && current && (
        <>
          <CheckResultView result={current} names={lines.map(shownName)} />
          <section className="card" aria-labelledby={`${id}-sign`}>
            <h2 id={`${id}-sign`}>{t({ ja: '署名・発行', en: 'Sign and issue' })}</h2>
            {alerts > 0 && (
              <div className="prescriptions-ack">
                <label className="prescriptions-check">
                  <input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} />{' '}
                  {t({ ja: '上記の注意を確認し、処方する必要があると判断しました', en: 'I reviewed the alerts and decided to prescribe' })}
                </label>
                <div className="prescriptions-field">
                  <label htmlFor={`${id}-reason`}>
                    {t({ ja: '処方する理由（必須・処方箋と一緒に記録されます）', en: 'Reason (required, kept with the prescription)' })}
                  </label>
                  <textarea id={`${id}-reason`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
                </div>
              </div>
            )}
            {status?.enrolled ? (
              <>
                <SigningSummary status={status} />
                <form
                  className="prescriptions-form-grid"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void sign();
                  }}
                >
                  <div className="prescriptions-field">
                    <label htmlFor={`${id}-pass`}>{t({ ja: '署名用パスフレーズ', en: 'Signing passphrase' })}</label>
                    <input
                      id={`${id}-pass`}
                      type="password"
                      autoComplete="current-password"
                      value={passphrase}
                      onChange={(e) => setPassphrase(e.target.value)}
                    />
                  </div>
                  <div>
                    <button type="submit" disabled={!readyToSign || signing}>
                      {signing ? t({ ja: '署名しています…', en: 'Signing…' }) : t({ ja: '署名して発行', en: 'Sign and issue' })}
                    </button>
                  </div>
                </form>
                {!readyToSign && alerts > 0 && (
                  <p className="note">
                    {t({ ja: '注意の確認と理由の入力が済むと「署名して発行」を押せます。', en: 'Acknowledge the alerts and give a reason to sign.' })}
                  </p>
                )}
              </>
            ) : (
              <p className="notice">
                {t({ ja: '署名するには、先に署名用電子証明書を登録してください（上の欄）。', en: 'Enrol your signing certificate first (above).' })}
              </p>
            )}
          </section>
        </>
      )}
      {error !== undefined &&
        (serverIssues.length > 1 ? (
          <div role="alert" className="error">
            <ul>
              {serverIssues.map((i) => (
                <li key={i.ja}>{t(i)}</li>
              ))}
            </ul>
          </div>
        ) : (
          <ErrorMessage error={error} />
        ))}
      <StatusMessage className="visually-hidden">{issued ? t({ ja: '処方箋を発行しました', en: 'The prescription was issued' }) : ''}</StatusMessage>
      <TodayList patientId={patient.id} refresh={refresh} />
    </>
  );
}

export function PrescriptionScreen(_: ScreenProps) {
  const { t } = useI18n();
  const patient = useCurrentPatient();
  if (!patient)
    return (
      <div className="card">
        <p>{t({ ja: '処方する患者さんが選ばれていません。', en: 'No patient is selected.' })}</p>
        <p>
          <a href="#reception">{t({ ja: '受付で患者さんを選んでください', en: 'Choose the patient at reception' })}</a>
        </p>
      </div>
    );
  return <PrescribeFor key={patient.id} patient={patient} />;
}
