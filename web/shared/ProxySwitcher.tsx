/**
 * 代理人: a patient registered to act for others (a parent for a child) chooses whose records the app shows. The
 * session goes on about the chosen person (SmartAuth.actFor); the page then loads afresh, so nothing of the previous
 * person stays on screen. Shown only to a patient who has someone to act for.
 */
import { useState } from 'react';
import { useI18n } from './i18n.tsx';
import { ErrorMessage } from './messages.tsx';
import type { Session } from './pkce.ts';
import { useAuth } from './SignInGate.tsx';

const T = {
  label: { ja: '表示する方', en: 'Whose records' },
  self: { ja: 'ご本人', en: 'yourself' },
  proxy: { ja: '代理', en: 'as proxy' },
  acting: { ja: 'さんの情報を代理人として表示しています', en: '’s records are shown to you as their proxy' },
  failed: { ja: '切り替えられませんでした。代理人の登録をご確認ください', en: 'Could not switch. Please check your proxy registration' },
};

export function ProxySwitcher({ session }: { session: Session }) {
  const { t, lang } = useI18n();
  const auth = useAuth();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const u = session.user;
  if (u.kind !== 'patient' || !u.proxies?.length) return null;
  const current = u.actingFor?.patientId ?? u.id;
  async function choose(patientId: string) {
    if (patientId === current) return;
    setBusy(true);
    setError(undefined);
    try {
      await auth.actFor(patientId);
      window.location.reload();
    } catch (e) {
      setError({ text: { ja: T.failed.ja, en: `${T.failed.en}: ${(e as Error).message}` } });
      setBusy(false);
    }
  }
  return (
    <div className="proxy-switcher">
      <label>
        {t(T.label)}{' '}
        <select value={current} disabled={busy} onChange={(e) => void choose(e.target.value)}>
          <option value={u.id}>
            {u.name}（{t(T.self)}）
          </option>
          {u.proxies.map((p) => (
            <option key={p.patientId} value={p.patientId}>
              {p.name}（{lang === 'ja' ? `${p.relationName}として${T.proxy.ja}` : `${T.proxy.en}, ${p.relation}`}）
            </option>
          ))}
        </select>
      </label>
      {u.actingFor && (
        <p className="proxy-banner" role="note">
          {lang === 'ja' ? `${u.actingFor.name} ${T.acting.ja}` : `${u.actingFor.name}${T.acting.en}`}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </div>
  );
}
