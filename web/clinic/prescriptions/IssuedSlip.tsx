/** 発行済み: 処方箋ID and 引換番号 large for the patient's 控え, the drugs as issued, and a printable 控え. */
import { useEffect, useRef } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { CurrentPatient } from '../current-patient.ts';
import { type Issued, type UsageCode, usageLabel } from './api.ts';

interface SlipLine {
  key: number;
  drug?: { name: string; generalName?: string; unit?: string };
  generic: boolean;
  noSubstitution: boolean;
  dose: string;
  usage: string;
  days: string;
}

export function IssuedSlip({
  patient,
  issued,
  lines,
  usages,
  onNew,
}: {
  patient: CurrentPatient;
  issued: Issued;
  lines: SlipLine[];
  usages: UsageCode[];
  onNew(): void;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card prescriptions-slip" aria-labelledby="prescriptions-slip-title">
      <h2 id="prescriptions-slip-title" ref={heading} tabIndex={-1}>
        {t({ ja: '電子処方箋を発行しました（処方内容の控え）', en: 'E-prescription issued (patient’s copy)' })}
      </h2>
      <p className="success">
        {t({
          ja: '署名して電子処方箋管理サービスに登録しました。患者さんに引換番号をお伝えください（薬局では引換番号と保険証情報で受け付けます）。',
          en: 'Signed and registered. Give the patient the exchange number (the pharmacy takes it with the insurance details).',
        })}
      </p>
      <dl className="prescriptions-numbers">
        <div>
          <dt>{t({ ja: '引換番号', en: 'Exchange number' })}</dt>
          <dd className="prescriptions-exchange mono">{issued.exchangeNumber}</dd>
        </div>
        <div>
          <dt>{t({ ja: '処方箋ID', en: 'Prescription ID' })}</dt>
          <dd className="prescriptions-id mono">{issued.prescription}</dd>
        </div>
      </dl>
      <p>
        {t({ ja: '患者: ', en: 'Patient: ' })}
        <strong>{patient.name}</strong> {t({ ja: `交付日 ${issued.issuedOn}`, en: `issued ${issued.issuedOn}` })}{' '}
        <strong>{t({ ja: `使用期限 ${issued.validUntil}`, en: `valid until ${issued.validUntil}` })}</strong>
      </p>
      <ol className="prescriptions-slip-lines">
        {lines.map((l) => (
          <li key={l.key}>
            <strong>{l.generic && l.drug?.generalName ? l.drug.generalName : l.drug?.name}</strong>{' '}
            {t({
              ja: `1回${l.dose}${l.drug?.unit ?? ''} ${usageLabel(usages.find((u) => u.code === l.usage)?.display ?? '')} ${l.days}日分`,
              en: `${l.dose} ${l.drug?.unit ?? ''} ${usageLabel(usages.find((u) => u.code === l.usage)?.display ?? '')}, ${l.days} days`,
            })}
            {l.noSubstitution && !l.generic && <span className="badge">{t({ ja: '後発品変更不可', en: 'no generic substitution' })}</span>}
          </li>
        ))}
      </ol>
      {issued.alerts.length > 0 && (
        <p className="note">
          {t({
            ja: `重複・併用禁忌の注意 ${issued.alerts.length}件を確認のうえ、理由を記録して発行しました。`,
            en: `Issued with ${issued.alerts.length} reviewed alert(s) and the reason recorded.`,
          })}
        </p>
      )}
      <div className="row prescriptions-no-print">
        <button type="button" onClick={() => window.print()}>
          {t({ ja: '控えを印刷', en: 'Print the copy' })}
        </button>
        <button type="button" className="secondary" onClick={onNew}>
          {t({ ja: '新しい処方を作成', en: 'New prescription' })}
        </button>
      </div>
    </section>
  );
}
