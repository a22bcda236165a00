/**
 * 救急用サマリー（QRコード）: issues the person's SMART Health Card, shows the QR, the summary in words, the issue date,
 * and prints a card-sized page (QR, name, birth date, issue date) — any facility verifies it offline.
 */
import { useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { PortalError, Section, useDates } from '../ui.tsx';
import { type HealthCardView, healthCardOf, svgDataUrl } from './card.ts';
import './emergency.css';

const T = {
  lead: {
    ja: 'アレルギー・服用中のお薬・主な病名・感染症を、署名付きのQRコード（SMART Health Card）にします。印刷して持ち歩いたり、スマートフォンで見せたりできます。',
    en: 'Your allergies, current medicines, main diagnoses and infections as a signed QR code (SMART Health Card), to print or show on your phone.',
  },
  offline: {
    ja: 'どの医療機関・救急隊も、インターネットにつながっていなくてもこのQRコードが本物か確かめられます（電子署名）。内容が古くなったら発行し直してください。',
    en: 'Any facility or ambulance can check this QR code is genuine even offline (digital signature). Issue it again when things change.',
  },
  issue: { ja: '救急用サマリーを発行する', en: 'Issue the emergency summary' },
  again: { ja: '発行し直す', en: 'Issue again' },
  issuing: { ja: '発行しています…', en: 'Issuing…' },
  print: { ja: '印刷する', en: 'Print' },
  qrAlt: { ja: '救急用サマリーのQRコード', en: 'QR code of the emergency summary' },
  issued: { ja: '発行日', en: 'Issued' },
  name: { ja: '氏名', en: 'Name' },
  birth: { ja: '生年月日', en: 'Date of birth' },
  allergies: { ja: 'アレルギー', en: 'Allergies' },
  drugs: { ja: '服用中のお薬', en: 'Current medicines' },
  diagnoses: { ja: '主な病名', en: 'Main diagnoses' },
  infections: { ja: '感染症', en: 'Infections' },
  none: { ja: 'なし（記録がありません）', en: 'None recorded' },
  text: { ja: 'QRコードの内容（文字）', en: 'The QR content (text)' },
  cardTitle: { ja: '救急用サマリー', en: 'Emergency summary' },
} satisfies Record<string, Text>;

function List({ title, items }: { title: Text; items: string[] }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t(title)}</h3>
      {items.length ? (
        <ul className="portal-list">
          {items.map((x, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same name may repeat; the list is replaced whole
            <li key={`${x}-${i}`}>{x}</li>
          ))}
        </ul>
      ) : (
        <p>{t(T.none)}</p>
      )}
    </>
  );
}

function Card({ card }: { card: HealthCardView }) {
  const { t } = useI18n();
  const { day } = useDates();
  return (
    <>
      <div className="emergency-card" id="emergency-card">
        <p className="emergency-card-title">{t(T.cardTitle)}</p>
        <img className="emergency-qr" src={svgDataUrl(card.qrSvg)} alt={t(T.qrAlt)} />
        <dl className="emergency-card-facts">
          <div>
            <dt>{t(T.name)}</dt>
            <dd>{card.name}</dd>
          </div>
          <div>
            <dt>{t(T.birth)}</dt>
            <dd>{day(card.birthDate)}</dd>
          </div>
          <div>
            <dt>{t(T.issued)}</dt>
            <dd>{day(card.issuedAt)}</dd>
          </div>
        </dl>
      </div>
      <div className="emergency-no-print">
        <button type="button" onClick={() => window.print()}>
          {t(T.print)}
        </button>
        <List title={T.allergies} items={card.allergies} />
        <List title={T.drugs} items={card.drugs.map((d) => (d.riskClass ? `${d.text}（${d.riskClass}）` : d.text))} />
        <List title={T.diagnoses} items={card.diagnoses} />
        <List title={T.infections} items={card.infections.map((i) => (i.result ? `${i.text}：${i.result}` : i.text))} />
        <details className="emergency-qr-text">
          <summary>{t(T.text)}</summary>
          <pre className="portal-pre" id="emergency-qr-text">
            {card.qr}
          </pre>
        </details>
      </div>
    </>
  );
}

export default function HealthCardScreen() {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: boolean; card?: HealthCardView; error?: unknown }>({ busy: false });
  const issue = async () => {
    setState((s) => ({ ...s, busy: true, error: undefined }));
    try {
      const card = healthCardOf(await fhir('$emergency-health-card', { method: 'POST', body: { resourceType: 'Parameters' } }));
      setState(card ? { busy: false, card } : { busy: false, error: new Error('bad answer') });
    } catch (error) {
      setState((s) => ({ ...s, busy: false, error }));
    }
  };
  return (
    <Section id="health-card" title={{ ja: '救急用サマリーのQRコード', en: 'Your emergency summary QR' }} lead={T.lead}>
      <p className="note emergency-no-print">{t(T.offline)}</p>
      <p className="emergency-no-print">
        <button type="button" className={state.card ? 'secondary' : undefined} disabled={state.busy} onClick={() => void issue()}>
          {t(state.busy ? T.issuing : state.card ? T.again : T.issue)}
        </button>
      </p>
      {state.error !== undefined && <PortalError error={state.error} onRetry={() => void issue()} />}
      {state.card && <Card card={state.card} />}
    </Section>
  );
}
