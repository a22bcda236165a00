/** 領収証・明細書: the recorded visit's receipt printed from a new window (HTML) or saved as a PDF ($billing-receipt). */
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { visitReceipt } from './api.ts';
import { download, openPrintable } from './documents.ts';

const T = {
  print: { ja: '領収証・明細書を印刷', en: 'Print receipt and statement' },
  pdf: { ja: 'PDF', en: 'PDF' },
  pdfLabel: { ja: 'PDF（領収証・明細書を保存）', en: 'PDF (save the receipt and statement)' },
  busy: { ja: '作成しています…', en: 'Preparing…' },
  blocked: {
    ja: '印刷用のウィンドウを開けませんでした（ポップアップがブロックされています）。ブラウザーの設定で許可するか、PDFで保存してください。',
    en: 'The print window could not be opened (pop-ups are blocked). Allow pop-ups, or save the PDF.',
  },
} satisfies Record<string, Text>;

export function ReceiptButtons({ visit, date, suffix }: { visit: string; date: string; suffix?: string }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<'html' | 'pdf' | undefined>();
  const [error, setError] = useState<unknown>();
  const [blocked, setBlocked] = useState(false);

  async function run(format: 'html' | 'pdf') {
    setError(undefined);
    setBlocked(false);
    setBusy(format);
    try {
      const doc = await visitReceipt(visit, format);
      if (format === 'pdf') download(doc, `領収証・明細書_${date}.pdf`);
      else if (!openPrintable(doc)) setBlocked(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="billing-receipt-buttons">
      <div className="row">
        <button type="button" onClick={() => void run('html')} disabled={busy !== undefined} aria-label={suffix ? `${t(T.print)} ${suffix}` : undefined}>
          {busy === 'html' ? t(T.busy) : t(T.print)}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => void run('pdf')}
          disabled={busy !== undefined}
          aria-label={suffix ? `${t(T.pdfLabel)} ${suffix}` : t(T.pdfLabel)}
        >
          {busy === 'pdf' ? t(T.busy) : t(T.pdf)}
        </button>
      </div>
      {blocked && (
        <p role="alert" className="error">
          {t(T.blocked)}
        </p>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </div>
  );
}
