/**
 * スタートページ: what Tsunagu is, the apps (those still to come marked 準備中), the FHIR API, and — in the demo
 * world — who to sign in as.
 */
import { APPS } from '../shared/apps.ts';
import { LanguageToggle, texts, useI18n, useTitle } from '../shared/i18n.tsx';
import { DemoSignIns } from './DemoSignIns.tsx';

const T = texts({
  title: { ja: 'つなぐ — 全国医療情報プラットフォーム', en: 'Tsunagu — National Medical Information Platform' },
  lead: {
    ja: 'オンライン資格確認・電子処方箋・電子カルテ情報共有サービスのオープンソース実装と、それを使う医療機関のためのアプリです。',
    en: 'An open-source implementation of online eligibility verification, e-prescriptions and the EHR information-sharing service, with apps for the facilities that use them.',
  },
  apps: { ja: 'アプリ', en: 'Apps' },
  soon: { ja: '準備中', en: 'Coming soon' },
  api: { ja: 'FHIR API（開発者向け）', en: 'FHIR API (for developers)' },
  apiText: {
    ja: 'すべての機能は HL7 FHIR R4（JP Core / JP-CLINS）の API で使えます。サインインは SMART App Launch です。',
    en: 'Everything is available through the HL7 FHIR R4 API (JP Core / JP-CLINS); sign-in is SMART App Launch.',
  },
  metadata: { ja: 'CapabilityStatement（/fhir/metadata）', en: 'CapabilityStatement (/fhir/metadata)' },
  smart: { ja: 'SMART の設定（/.well-known/smart-configuration）', en: 'SMART configuration (/.well-known/smart-configuration)' },
});

export function StartPage() {
  const { t } = useI18n();
  useTitle({ ja: 'つなぐ Tsunagu', en: 'Tsunagu' });
  return (
    <>
      <header className="hero">
        <div className="page">
          <div className="row">
            <p className="brand" lang="ja">
              つなぐ Tsunagu
            </p>
            <span className="spacer" />
            <LanguageToggle />
          </div>
          <h1>{t(T.title)}</h1>
          <p>{t(T.lead)}</p>
        </div>
      </header>
      <main className="page">
        <section aria-labelledby="apps-h">
          <h2 id="apps-h">{t(T.apps)}</h2>
          <ul className="apps grid">
            {APPS.map((app) => (
              <li key={app.id}>
                <div className="card app-card">
                  <h3>
                    {app.ready ? (
                      <a href={app.path}>{t(app.name)}</a>
                    ) : (
                      <>
                        {t(app.name)} <span className="badge">{t(T.soon)}</span>
                      </>
                    )}
                  </h3>
                  <p>{t(app.description)}</p>
                </div>
              </li>
            ))}
          </ul>
        </section>
        <DemoSignIns />
        <section aria-labelledby="api-h" className="card">
          <h2 id="api-h">{t(T.api)}</h2>
          <p>{t(T.apiText)}</p>
          <ul>
            <li>
              <a href="/fhir/metadata">{t(T.metadata)}</a>
            </li>
            <li>
              <a href="/.well-known/smart-configuration">{t(T.smart)}</a>
            </li>
          </ul>
        </section>
      </main>
    </>
  );
}
