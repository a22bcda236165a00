/**
 * 調剤結果の受付証: what the service registered — the result's id, version, state, 調剤日 and lines (代替調剤 marked) —
 * read from the service's signed receipt, and whether its signature verifies against /eprescription/jwks.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { dayText, quantityText } from './labels.ts';
import { checkReceipt, type ReceiptCheck, readReceipt } from './receipt.ts';

const T = {
  title: { ja: '調剤結果の受付証（電子処方箋管理サービス）', en: 'Receipt of the dispensing result (e-prescription service)' },
  dispensing: { ja: '調剤結果ID', en: 'Result ID' },
  version: { ja: '版', en: 'Version' },
  state: { ja: '状態', en: 'State' },
  dispensedOn: { ja: '調剤日', en: 'Dispensed on' },
  use: { ja: '回', en: 'Use' },
  issuedAt: { ja: '受付日時', en: 'Received at' },
  substituted: { ja: '代替調剤', en: 'substituted' },
  unreadable: { ja: '受付証を読み取れませんでした。', en: 'The receipt could not be read.' },
  none: { ja: '（薬剤なし）', en: '(no drugs)' },
} satisfies Record<string, Text>;

const STATE: Record<string, Text> = {
  registered: { ja: '登録済み', en: 'Registered' },
  corrected: { ja: '訂正済み', en: 'Corrected' },
  cancelled: { ja: '取消済み', en: 'Cancelled' },
};

const CHECK: Record<ReceiptCheck | 'checking', { text: Text; tone: string }> = {
  checking: { text: { ja: '署名を確認しています…', en: 'Checking the signature…' }, tone: 'note' },
  valid: {
    text: { ja: '✓ 電子処方箋管理サービスの署名を確認しました（改ざんなし）', en: '✓ Signed by the e-prescription service (verified, unaltered)' },
    tone: 'ok',
  },
  invalid: {
    text: { ja: '✗ 署名を確認できません。受付証が改ざんされているおそれがあります', en: '✗ The signature does not verify: the receipt may have been altered' },
    tone: 'bad',
  },
  'unknown-key': { text: { ja: '✗ 署名の鍵がサービスの公開鍵にありません', en: '✗ The signing key is not among the service’s published keys' }, tone: 'bad' },
  unavailable: {
    text: { ja: '署名を確認できませんでした（公開鍵を取得できません）', en: 'The signature could not be checked (keys unavailable)' },
    tone: 'note',
  },
};

export function ReceiptView({ receipt }: { receipt: string }) {
  const { t, lang } = useI18n();
  const r = readReceipt(receipt);
  const [check, setCheck] = useState<ReceiptCheck | 'checking'>('checking');
  useEffect(() => {
    let live = true;
    setCheck('checking');
    void checkReceipt(receipt).then((c) => live && setCheck(c));
    return () => {
      live = false;
    };
  }, [receipt]);
  if (!r) return <p className="error">{t(T.unreadable)}</p>;
  const c = CHECK[check];
  return (
    <section className="card pharmacy-receipt" aria-label={t(T.title)}>
      <h3>{t(T.title)}</h3>
      <p className={`pharmacy-signature pharmacy-signature-${c.tone}`} role="status">
        {t(c.text)}
      </p>
      <dl className="pharmacy-facts pharmacy-facts-grid">
        <div>
          <dt>{t(T.state)}</dt>
          <dd>
            <strong>{t(STATE[r.state] ?? { ja: r.state, en: r.state })}</strong>
          </dd>
        </div>
        <div>
          <dt>{t(T.version)}</dt>
          <dd>{r.version}</dd>
        </div>
        <div>
          <dt>{t(T.dispensedOn)}</dt>
          <dd>{t(dayText(r.dispensedOn))}</dd>
        </div>
        <div>
          <dt>{t(T.use)}</dt>
          <dd>{lang === 'ja' ? `${r.use}回目` : `use ${r.use}`}</dd>
        </div>
        <div>
          <dt>{t(T.issuedAt)}</dt>
          <dd>{new Date(r.issuedAt).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo' })}</dd>
        </div>
        <div>
          <dt>{t(T.dispensing)}</dt>
          <dd className="mono pharmacy-id">{r.dispensing}</dd>
        </div>
      </dl>
      {r.lines.length === 0 ? (
        <p>{t(T.none)}</p>
      ) : (
        <ul className="pharmacy-receipt-lines">
          {r.lines.map((l) => (
            <li key={`${l.line}-${l.code}`}>
              <span className="pharmacy-line-no">{l.line}</span> {l.name}{' '}
              <strong>
                {quantityText(l.quantity)}
                {l.unit}
              </strong>
              {l.substituted && <span className="badge pharmacy-badge-generic">{t(T.substituted)}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
