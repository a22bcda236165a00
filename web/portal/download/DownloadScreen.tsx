/**
 * ダウンロード: the person's own data as a FHIR Bundle (JSON, for other apps) and as a printable document (PDF), both
 * fetched with the sign-in's token and saved from the page.
 */
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { japanToday } from '../../shared/japan-time.ts';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { PortalError, Section } from '../ui.tsx';
import { download } from './save.ts';

const T = {
  lead: {
    ja: 'あなたの情報（保険の資格、お薬、診療情報、健診、同意）をファイルとして保存できます。保存したファイルの扱いにはご注意ください。',
    en: 'Save your information (insurance, medicines, medical information, check-ups, consents) as a file. Please keep the file safe.',
  },
  pdf: { ja: '印刷用の文書（PDF）', en: 'Printable document (PDF)' },
  pdfLead: { ja: '読みやすい形の文書です。印刷して医療機関に見せることもできます。', en: 'A readable document you can print and show to a doctor.' },
  pdfButton: { ja: 'PDF を保存する', en: 'Save the PDF' },
  json: { ja: 'データ（FHIR 形式の JSON）', en: 'Data (FHIR JSON)' },
  jsonLead: {
    ja: '国際標準（HL7 FHIR）の形式です。対応するアプリに取り込めます。',
    en: 'The international standard format (HL7 FHIR), for apps that support it.',
  },
  jsonButton: { ja: 'データを保存する', en: 'Save the data' },
  working: { ja: 'ファイルを作成しています…', en: 'Preparing the file…' },
  saved: (name: string, kb: number): Text => ({ ja: `「${name}」を保存しました（${kb} KB）。`, en: `Saved “${name}” (${kb} KB).` }),
};

export default function DownloadScreen() {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string>();
  const [done, setDone] = useState<Text>();
  const [error, setError] = useState<unknown>();
  async function save(kind: 'pdf' | 'json') {
    setBusy(kind);
    setDone(undefined);
    setError(undefined);
    try {
      const day = japanToday();
      const r =
        kind === 'pdf'
          ? await download('/fhir/$my-data-pdf', '*/*', `tsunagu-my-data-${day}.pdf`)
          : await download('/fhir/$my-data', '*/*', `tsunagu-my-data-${day}.json`);
      setDone(T.saved(r.name, Math.max(1, Math.round(r.size / 1024))));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  }
  return (
    <>
      <p>{t(T.lead)}</p>
      <StatusMessage className={done ? 'success' : undefined}>{busy ? <p>{t(T.working)}</p> : done && <p>{t(done)}</p>}</StatusMessage>
      {error !== undefined && <PortalError error={error} />}
      <Section id="download-pdf" title={T.pdf} lead={T.pdfLead}>
        <button type="button" disabled={busy !== undefined} onClick={() => void save('pdf')}>
          {t(T.pdfButton)}
        </button>
      </Section>
      <Section id="download-json" title={T.json} lead={T.jsonLead}>
        <button type="button" disabled={busy !== undefined} onClick={() => void save('json')}>
          {t(T.jsonButton)}
        </button>
      </Section>
    </>
  );
}
