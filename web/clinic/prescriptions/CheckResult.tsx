/** 重複投薬・併用禁忌チェックの結果: each alert plainly — kind and severity, which of our drugs, the other drug, where, when. */
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { type Alert, type CheckResult, daysAgo } from './api.ts';

const KIND: Record<string, { label: Text; severity: Text; level: 'high' | 'mid' }> = {
  contraindicated: {
    label: { ja: '併用禁忌', en: 'Contraindicated combination' },
    severity: { ja: '重大: 原則として併用しないでください', en: 'Serious: not to be combined' },
    level: 'high',
  },
  'duplicate-ingredient': {
    label: { ja: '重複投薬（同一成分）', en: 'Duplicate (same ingredient)' },
    severity: { ja: '注意: 同じ成分の薬が処方・調剤されています', en: 'Caution: the same ingredient is already given' },
    level: 'mid',
  },
  'duplicate-class': {
    label: { ja: '重複投薬（同効薬）', en: 'Duplicate (same class)' },
    severity: { ja: '注意: 同じ効き目の薬が処方・調剤されています', en: 'Caution: a drug of the same class is already given' },
    level: 'mid',
  },
};
const FACILITY_KIND: Record<string, Text> = {
  medical: { ja: '医科', en: 'medical' },
  dental: { ja: '歯科', en: 'dental' },
  pharmacy: { ja: '薬局', en: 'pharmacy' },
};

/** 「さくら総合病院（医科）・処方」; without the directory's name 「医科の医療機関・処方」. */
function whereText(a: Alert, t: (x: Text) => string): string {
  if (a.source === 'same-prescription') return t(SOURCE['same-prescription']);
  const kind = t(FACILITY_KIND[a.facilityKind ?? ''] ?? { ja: '', en: '' });
  const source = t(SOURCE[a.source ?? ''] ?? { ja: '', en: '' });
  const place = a.facilityName
    ? `${a.facilityName}${t({ ja: `（${kind}）`, en: ` (${kind})` })}`
    : a.facilityKind === 'pharmacy'
      ? kind
      : t({ ja: `${kind}の医療機関`, en: `a ${kind} facility` });
  return `${place}${t({ ja: '・', en: ', ' })}${source}`;
}
const SOURCE: Record<string, Text> = {
  prescription: { ja: '処方', en: 'prescription' },
  dispensing: { ja: '調剤', en: 'dispensing' },
  receipt: { ja: 'レセプト', en: 'claim' },
  'same-prescription': { ja: 'この処方の中', en: 'this prescription' },
};

function AlertItem({ alert, names }: { alert: Alert; names: string[] }) {
  const { t } = useI18n();
  const k = KIND[alert.kind] ?? { label: { ja: alert.kind, en: alert.kind }, severity: { ja: '注意', en: 'Caution' }, level: 'mid' as const };
  const ours = names[alert.line - 1] ?? '';
  const ago = alert.conflictingDate ? daysAgo(alert.conflictingDate) : undefined;
  return (
    <li className={`prescriptions-alert prescriptions-alert-${k.level}`}>
      <p className="prescriptions-alert-kind">
        <strong>{t(k.label)}</strong> <span className="prescriptions-alert-severity">{t(k.severity)}</span>
      </p>
      {alert.redacted ? (
        <p>
          {t({
            ja: `${alert.line}行目 ${ours}: 相手の薬剤の詳細は、患者さんの同意（診療・お薬の情報）がある場合にのみ表示されます。`,
            en: `Line ${alert.line} ${ours}: the other drug is shown only with the patient’s consent to medication information.`,
          })}
        </p>
      ) : (
        <dl className="prescriptions-alert-facts">
          <div>
            <dt>{t({ ja: '今回の薬剤', en: 'This prescription' })}</dt>
            <dd>
              {alert.line}
              {t({ ja: '行目', en: ': line' })} {ours}
            </dd>
          </div>
          <div>
            <dt>{t({ ja: '相手の薬剤', en: 'The other drug' })}</dt>
            <dd>
              <strong>{alert.conflictingName}</strong>
            </dd>
          </div>
          <div>
            <dt>{t({ ja: 'どこで', en: 'Where' })}</dt>
            <dd>{whereText(alert, t)}</dd>
          </div>
          {alert.conflictingDate && alert.source !== 'same-prescription' && (
            <div>
              <dt>{t({ ja: 'いつ', en: 'When' })}</dt>
              <dd>
                {alert.conflictingDate}
                {ago !== undefined && t({ ja: `（${ago}日前）`, en: ` (${ago} days ago)` })}
              </dd>
            </div>
          )}
          {alert.statement && (
            <div>
              <dt>{t({ ja: '添付文書', en: 'Package insert' })}</dt>
              <dd>{alert.statement}</dd>
            </div>
          )}
        </dl>
      )}
    </li>
  );
}

export function CheckResultView({ result, names }: { result: CheckResult; names: string[] }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="prescriptions-check-title">
      <h2 id="prescriptions-check-title">{t({ ja: '重複投薬・併用禁忌チェックの結果', en: 'Duplicate and contraindication check' })}</h2>
      {result.alerts.length === 0 ? (
        <p className="success" role="status">
          {t({ ja: '重複・併用禁忌はありません', en: 'No duplicates or contraindications' })}
        </p>
      ) : (
        <>
          <p role="alert" className="error">
            {t({
              ja: `${result.alerts.length}件の注意があります。内容を確認してください。`,
              en: `${result.alerts.length} alert(s): please review them.`,
            })}
          </p>
          <ul className="prescriptions-alerts">
            {result.alerts.map((a) => (
              <AlertItem key={`${a.kind}-${a.line}-${a.text}`} alert={a} names={names} />
            ))}
          </ul>
        </>
      )}
      {result.unchecked.length > 0 && (
        <p className="notice">
          {t({
            ja: `${result.unchecked.join('・')}行目は、医薬品マスターに成分の情報がないためチェックできませんでした。`,
            en: `Line(s) ${result.unchecked.join(', ')} could not be checked: the master has no ingredient data for them.`,
          })}
        </p>
      )}
      <p className="note">
        {t({
          ja: '過去100日間の他の医療機関・薬局での処方・調剤と照合しました（当院の処方は当院の記録でご確認ください）。',
          en: 'Checked against prescriptions and dispensings of the last 100 days at other facilities and pharmacies (your own are in your records).',
        })}
      </p>
    </section>
  );
}
