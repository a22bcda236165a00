/**
 * 処方内容: the prescription as the pharmacy must see it — the patient, the state, 交付日 and 使用期限, the prescriber
 * and the issuing facility (its name from the directory), refill uses (リフィル) and 分割指示, and each line with the
 * drug master's name, 一般名処方 / 後発品変更不可, 用量・用法・日数, the quantity and what is left to dispense; then
 * the check's alerts.
 */
import { useFacilityNames } from '../../clinic/facility-names.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { AlertList } from './AlertList.tsx';
import { dayText, quantityText, STATE, SUBSTITUTION } from './labels.ts';
import type { Prescription } from './model.ts';

const T = {
  patient: { ja: '患者', en: 'Patient' },
  born: { ja: '生年月日', en: 'Born' },
  id: { ja: '処方箋ID', en: 'Prescription ID' },
  exchange: { ja: '引換番号', en: 'Exchange number' },
  issuedOn: { ja: '交付日', en: 'Issued' },
  validUntil: { ja: '使用期限', en: 'Valid until' },
  prescriber: { ja: '処方医', en: 'Prescriber' },
  facility: { ja: '医療機関', en: 'Facility' },
  uses: { ja: '使用回数', en: 'Uses' },
  refill: { ja: 'リフィル処方箋', en: 'Refill prescription' },
  split: { ja: '分割指示あり（分割調剤）', en: 'Split dispensing instructed' },
  drugs: { ja: '処方薬', en: 'Drugs' },
  generic: { ja: '一般名処方', en: 'Generic name' },
  dose: { ja: '1回量', en: 'Dose' },
  usage: { ja: '用法', en: 'Directions' },
  days: { ja: '日数', en: 'Days' },
  quantity: { ja: '処方量', en: 'Prescribed' },
  remaining: { ja: '残り（今回調剤できる量）', en: 'Left to dispense' },
  freeText: { ja: '処方医の記載', en: 'Prescriber’s text' },
  heldBy: { ja: '受付した薬局', en: 'Held by' },
};

export function PrescriptionCard({ p, headingLevel = 2, showAlerts = true }: { p: Prescription; headingLevel?: 2 | 3; showAlerts?: boolean }) {
  const { t } = useI18n();
  const names = useFacilityNames([p.issuer]);
  const state = STATE[p.state] ?? { text: { ja: p.state, en: p.state }, tone: 'open' as const };
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const refill = p.usesAllowed > 1;
  return (
    <article className="card pharmacy-rx" aria-label={t({ ja: `処方箋 ${p.patientName ?? ''}`, en: `Prescription ${p.patientName ?? ''}` })}>
      <div className="pharmacy-rx-head">
        <H className="pharmacy-rx-patient">
          {p.patientName ?? t(T.patient)}
          {p.patientName && <span className="pharmacy-rx-honorific">{t({ ja: ' さま', en: '' })}</span>}
        </H>
        <span className={`pharmacy-state pharmacy-state-${state.tone}`}>{t(state.text)}</span>
      </div>
      <dl className="pharmacy-facts pharmacy-facts-grid">
        {p.birthDate && (
          <div>
            <dt>{t(T.born)}</dt>
            <dd>{t(dayText(p.birthDate))}</dd>
          </div>
        )}
        <div>
          <dt>{t(T.exchange)}</dt>
          <dd className="mono">{p.exchangeNumber}</dd>
        </div>
        <div>
          <dt>{t(T.issuedOn)}</dt>
          <dd>{t(dayText(p.issuedOn))}</dd>
        </div>
        <div>
          <dt>{t(T.validUntil)}</dt>
          <dd>{t(dayText(p.validUntil))}</dd>
        </div>
        <div>
          <dt>{t(T.prescriber)}</dt>
          <dd>{p.prescriber}</dd>
        </div>
        <div>
          <dt>{t(T.facility)}</dt>
          <dd>
            {names.get(p.issuer) ?? ''} <span className="note mono">（{p.issuer}）</span>
          </dd>
        </div>
        <div>
          <dt>{t(T.uses)}</dt>
          <dd>
            {refill
              ? t({
                  ja: `${t(T.refill)}（${p.usesAllowed}回まで・今回は${Math.min(p.usesDone + 1, p.usesAllowed)}回目）`,
                  en: `${t(T.refill)} (up to ${p.usesAllowed}; this is use ${Math.min(p.usesDone + 1, p.usesAllowed)})`,
                })
              : t({ ja: '1回', en: 'Once' })}
            {refill && p.nextUseFrom && p.nextUseUntil && (
              <span className="note">
                {' '}
                {t({
                  ja: `次回の調剤期間 ${t(dayText(p.nextUseFrom))}〜${t(dayText(p.nextUseUntil))}`,
                  en: `next use from ${t(dayText(p.nextUseFrom))} to ${t(dayText(p.nextUseUntil))}`,
                })}
              </span>
            )}
          </dd>
        </div>
        {p.split && (
          <div>
            <dt>{t({ ja: '分割', en: 'Split' })}</dt>
            <dd>{t(T.split)}</dd>
          </div>
        )}
        <div>
          <dt>{t(T.id)}</dt>
          <dd className="mono pharmacy-id">{p.id}</dd>
        </div>
      </dl>

      <h3>{t(T.drugs)}</h3>
      <ol className="pharmacy-lines">
        {p.lines.map((l) => (
          <li key={l.line} className="pharmacy-line">
            <p className="pharmacy-line-name">
              <span className="pharmacy-line-no">{l.line}</span> {l.name}
              {l.generic && <span className="badge pharmacy-badge-generic">{t(T.generic)}</span>}
              {l.substitution !== '0' && <span className="badge pharmacy-badge-fixed">{t(SUBSTITUTION[l.substitution] ?? SUBSTITUTION['1'])}</span>}
            </p>
            {l.freeText && (
              <p className="note">
                {t(T.freeText)}: {l.freeText}
              </p>
            )}
            <dl className="pharmacy-facts pharmacy-line-facts">
              {l.dose && (
                <div>
                  <dt>{t(T.dose)}</dt>
                  <dd>{l.dose}</dd>
                </div>
              )}
              {l.usage && (
                <div>
                  <dt>{t(T.usage)}</dt>
                  <dd>{l.usage}</dd>
                </div>
              )}
              {l.days !== undefined && (
                <div>
                  <dt>{t(T.days)}</dt>
                  <dd>{t({ ja: `${l.days}日分`, en: `${l.days} days` })}</dd>
                </div>
              )}
              <div>
                <dt>{t(T.quantity)}</dt>
                <dd>
                  {quantityText(l.quantity)}
                  {l.unit}
                </dd>
              </div>
              {(p.state === 'registered' || p.state === 'accepted') && (
                <div>
                  <dt>{t(T.remaining)}</dt>
                  <dd>
                    {quantityText(l.remaining)}
                    {l.unit}
                  </dd>
                </div>
              )}
            </dl>
          </li>
        ))}
      </ol>
      {showAlerts && <AlertList alerts={p.alerts} lines={p.lines} />}
    </article>
  );
}
