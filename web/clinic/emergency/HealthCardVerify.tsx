/**
 * 救急用サマリーの確認: the `shc:/…` text of a patient's emergency summary QR (a scanner types it; it may be pasted) is
 * verified here, in the browser, against the platform's key set kept by key-set.ts — no network is needed. A valid card
 * shows who issued it, its issue date and the summary; a changed or foreign card is refused with the reason.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { HealthCardError } from '../../../src/services/emergency/health-card/shc-error.ts';
import { type VerifiedHealthCard, verifyHealthCard } from '../../../src/services/emergency/health-card/shc-verify.ts';
import { cachedKeySet, type KeySet, refreshKeySet } from './key-set.ts';
import { dateTime } from './labels.ts';
import './emergency.css';

const T = {
  title: { ja: '救急用サマリーの確認', en: 'Verify an emergency summary' },
  lead: {
    ja: '患者さんが持参した救急用サマリー（QRコード）を読み取り、本物かどうかをこの端末で確かめます。インターネットにつながっていなくても、前回取得した鍵で確認できます。',
    en: 'Read the emergency summary QR a patient carries and check here that it is genuine; it works offline with the key set fetched last time.',
  },
  text: { ja: 'QRコードの内容（shc:/ で始まる文字列）', en: 'QR content (starting with shc:/)' },
  verify: { ja: '確認する', en: 'Verify' },
  keys: { ja: '確認に使う鍵', en: 'Key set' },
  noKeys: {
    ja: '鍵をまだ取得していません。一度インターネットにつながった状態でこの画面を開いてください。',
    en: 'No key set yet: open this screen once while online.',
  },
  valid: { ja: '本物の救急用サマリーです', en: 'A genuine emergency summary' },
  invalid: { ja: '確認できませんでした', en: 'Could not be verified' },
  issuer: { ja: '発行元', en: 'Issuer' },
  issued: { ja: '発行日', en: 'Issued' },
  name: { ja: '氏名', en: 'Name' },
  birth: { ja: '生年月日', en: 'Birth date' },
  allergies: { ja: 'アレルギー・禁忌', en: 'Allergies' },
  drugs: { ja: '服用中のお薬', en: 'Current medicines' },
  diagnoses: { ja: '主な病名', en: 'Main diagnoses' },
  infections: { ja: '感染症', en: 'Infections' },
  none: { ja: 'なし（記録がありません）', en: 'None recorded' },
  old: { ja: '発行から時間がたっています。最新の情報は本人に確認してください。', en: 'Issued a while ago: check with the patient for changes.' },
} satisfies Record<string, Text>;

/** Older than this, the summary is shown with a reminder that it may be out of date. */
const OLD_DAYS = 90;

type Result = { ok: true; card: VerifiedHealthCard } | { ok: false; why: Text };

function List({ title, items }: { title: Text; items: string[] }) {
  const { t } = useI18n();
  return (
    <section className="emergency-card-list">
      <h3>{t(title)}</h3>
      {items.length ? (
        <ul>
          {[...new Set(items)].map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      ) : (
        <p>{t(T.none)}</p>
      )}
    </section>
  );
}

export default function HealthCardVerify() {
  const { t } = useI18n();
  const id = useId();
  const [keys, setKeys] = useState<KeySet | undefined>(cachedKeySet);
  const [text, setText] = useState('');
  const [result, setResult] = useState<Result>();

  useEffect(() => {
    void refreshKeySet().then((fresh) => fresh && setKeys(fresh));
  }, []);

  async function verify(e: FormEvent) {
    e.preventDefault();
    if (!keys) return setResult({ ok: false, why: T.noKeys });
    try {
      const card = await verifyHealthCard(text.trim(), { keys: keys.keys }, { issuer: keys.issuer });
      setResult({ ok: true, card });
    } catch (err) {
      setResult({ ok: false, why: err instanceof HealthCardError ? { ja: err.ja, en: err.en } : { ja: String(err), en: String(err) } });
    }
  }

  const card = result?.ok ? result.card : undefined;
  const s = card?.summary;
  return (
    <div className="emergency-verify">
      <p>{t(T.lead)}</p>
      <form className="card" onSubmit={verify} aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`} className="visually-hidden">
          {t(T.title)}
        </h2>
        <label htmlFor={`${id}-text`}>{t(T.text)}</label>
        <textarea id={`${id}-text`} rows={4} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} required />
        <p className="hint">
          {t(T.keys)}: {keys ? `${keys.issuer}（${t(dateTime(keys.fetchedAt))}）` : t(T.noKeys)}
        </p>
        <button type="submit">{t(T.verify)}</button>
      </form>
      {result && !result.ok && (
        <div role="alert" className="error">
          <p>
            <strong>{t(T.invalid)}</strong>: {t(result.why)}
          </p>
        </div>
      )}
      {card && s && (
        <section className="card emergency-verified" aria-labelledby={`${id}-ok`}>
          <StatusMessage>
            <h2 id={`${id}-ok`}>✓ {t(T.valid)}</h2>
          </StatusMessage>
          <dl className="emergency-card-facts">
            <div>
              <dt>{t(T.name)}</dt>
              <dd>
                {s.patient.name}
                {s.patient.kana ? `（${s.patient.kana}）` : ''}
              </dd>
            </div>
            <div>
              <dt>{t(T.birth)}</dt>
              <dd>{s.patient.birthDate ?? '—'}</dd>
            </div>
            <div>
              <dt>{t(T.issued)}</dt>
              <dd>{t(dateTime(card.issuedAt.toISOString()))}</dd>
            </div>
            <div>
              <dt>{t(T.issuer)}</dt>
              <dd>{card.issuer}</dd>
            </div>
          </dl>
          {Date.now() - card.issuedAt.getTime() > OLD_DAYS * 86_400_000 && <p className="hint">{t(T.old)}</p>}
          <List title={T.allergies} items={s.allergies.map((a) => a.text)} />
          <List title={T.drugs} items={s.drugs.map((d) => (d.riskClass ? `${d.text}（${d.riskClass}）` : d.text))} />
          <List title={T.diagnoses} items={s.diagnoses.map((d) => d.text)} />
          <List title={T.infections} items={s.infections.map((i) => `${i.text}: ${i.result}`)} />
        </section>
      )}
    </div>
  );
}
