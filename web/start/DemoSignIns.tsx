/**
 * デモ用のサインイン: when the server runs the demo world, `GET /demo/sign-ins` lists who to sign in as (and the
 * patients' virtual cards); otherwise (404) nothing is shown.
 */
import { useEffect, useState } from 'react';
import { appNamed } from '../shared/apps.ts';
import { texts, useI18n } from '../shared/i18n.tsx';

export interface DemoSignIn {
  role: string;
  roleName: string;
  facilityName: string;
  facilityCode: string;
  login: string;
  password: string;
  app: string;
}

export interface DemoPatient {
  name: string;
  cardUrl: string;
  pin: string;
}

export interface DemoWorld {
  signIns: DemoSignIn[];
  patients: DemoPatient[];
}

const T = texts({
  title: { ja: 'デモ用のサインイン', en: 'Demo sign-ins' },
  lead: {
    ja: 'このサーバーはデモ用の世界（架空の医療機関と患者）で動いています。次のアカウントでサインインできます。',
    en: 'This server runs the demo world (fictional facilities and patients). Sign in with these accounts.',
  },
  role: { ja: '職種', en: 'Role' },
  facility: { ja: '医療機関（コード）', en: 'Facility (code)' },
  login: { ja: 'ログインID', en: 'Login ID' },
  password: { ja: 'パスワード', en: 'Password' },
  app: { ja: 'アプリ', en: 'App' },
  soon: { ja: '準備中', en: 'coming soon' },
  patients: { ja: 'デモ用の患者（仮想マイナンバーカード）', en: 'Demo patients (virtual My Number cards)' },
  name: { ja: '氏名', en: 'Name' },
  card: { ja: 'カードのファイル', en: 'Card file' },
  download: { ja: 'ダウンロード', en: 'Download' },
  pin: { ja: '暗証番号', en: 'PIN' },
});

function isWorld(v: unknown): v is DemoWorld {
  const w = v as DemoWorld | undefined;
  return Array.isArray(w?.signIns) && Array.isArray(w?.patients);
}

export function DemoSignIns() {
  const { t } = useI18n();
  const [world, setWorld] = useState<DemoWorld>();
  useEffect(() => {
    const abort = new AbortController();
    fetch('/demo/sign-ins', { headers: { accept: 'application/json' }, signal: abort.signal })
      .then(async (res) => {
        const body: unknown = res.ok ? await res.json() : undefined;
        if (isWorld(body)) setWorld(body);
      })
      // No demo world (404), or no answer: the start page is complete without it.
      .catch(() => {});
    return () => abort.abort();
  }, []);
  if (!world || (!world.signIns.length && !world.patients.length)) return null;
  return (
    <section aria-labelledby="demo-h" className="card">
      <h2 id="demo-h">{t(T.title)}</h2>
      <p>{t(T.lead)}</p>
      {world.signIns.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t(T.role)}</th>
                <th scope="col">{t(T.facility)}</th>
                <th scope="col">{t(T.login)}</th>
                <th scope="col">{t(T.password)}</th>
                <th scope="col">{t(T.app)}</th>
              </tr>
            </thead>
            <tbody>
              {world.signIns.map((s) => {
                const app = appNamed(s.app);
                return (
                  <tr key={`${s.facilityCode}/${s.login}`}>
                    <td>{s.roleName}</td>
                    <td>
                      {s.facilityName} <span className="mono">（{s.facilityCode}）</span>
                    </td>
                    <td className="mono">{s.login}</td>
                    <td className="mono">{s.password}</td>
                    <td>
                      {app?.ready ? (
                        <a href={app.path}>{t(app.name)}</a>
                      ) : (
                        <>
                          {app ? t(app.name) : s.app} {app && <span className="badge">{t(T.soon)}</span>}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {world.patients.length > 0 && (
        <>
          <h3>{t(T.patients)}</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t(T.name)}</th>
                  <th scope="col">{t(T.card)}</th>
                  <th scope="col">{t(T.pin)}</th>
                </tr>
              </thead>
              <tbody>
                {world.patients.map((p) => (
                  <tr key={p.cardUrl}>
                    <td>{p.name}</td>
                    <td>
                      <a href={p.cardUrl} download>
                        {t(T.download)}
                        <span className="visually-hidden">: {p.name}</span>
                      </a>
                    </td>
                    <td className="mono">{p.pin}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
